-- One row per unit: names, kind, peer group (with its names) and active period.
select
    units.unit_code,
    units.name_th,
    units.name_en,
    units.unit_kind,
    units.peer_group_code,
    peer_groups.name_th as peer_group_name_th,
    peer_groups.name_en as peer_group_name_en,
    units.abbrev_th,
    units.active_from_fy,
    units.active_to_fy
from units
join unit_kinds using (unit_kind)
left join peer_groups using (peer_group_code)
order by unit_kinds.sort_order, units.unit_code
