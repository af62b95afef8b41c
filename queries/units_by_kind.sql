-- One row per kind of unit: how many units the database holds of that kind.
select
    unit_kind,
    count(*) as num_units
from units
group by unit_kind
order by unit_kind
