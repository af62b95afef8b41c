-- One row per plan kind and OCSC plan step: its deadline as a day, a month and a year relative to the
-- plan's first fiscal year (saisaat.plans.due_date dates it).
select
    plan_kind,
    step,
    due_day,
    due_month,
    due_year
from plan_deadlines
order by plan_kind, step
