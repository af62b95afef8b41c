-- One row per kind of unit the organisation has, in its own order: names, whether its units belong to
-- peer groups, and how many units it has.
select
    unit_kinds.unit_kind,
    unit_kinds.name_th,
    unit_kinds.name_en,
    unit_kinds.sort_order,
    unit_kinds.grouped,
    count(units.unit_code) as num_units
from unit_kinds
left join units using (unit_kind)
group by all
order by unit_kinds.sort_order, unit_kinds.unit_kind
