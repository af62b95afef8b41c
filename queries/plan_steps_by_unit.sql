-- One row per recorded plan step: the unit, which plan (kind and first fiscal year), the step, the
-- day it was done, and who recorded it when.
select
    unit_code,
    plan_kind,
    plan_year,
    step,
    done_on,
    recorded_by,
    recorded_at
from plan_steps
order by plan_kind, plan_year, unit_code, step
