-- One row per unit: names, kind, zone (with its names) and active period.
select
    units.unit_code,
    units.name_th,
    units.name_en,
    units.unit_kind,
    units.zone_code,
    zones.name_th as zone_name_th,
    zones.name_en as zone_name_en,
    units.abbrev_th,
    units.active_from_fy,
    units.active_to_fy
from units
left join zones using (zone_code)
order by units.unit_kind desc, units.unit_code
