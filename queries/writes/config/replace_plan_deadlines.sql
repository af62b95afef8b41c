-- Writes the configuration's rows of `plan_deadlines` (the registered relation `staged`, one row per plan
-- kind and step): new rows are added, existing ones get their new deadline in place.
insert into plan_deadlines by name
select * from staged
on conflict (plan_kind, step) do update set
    due_day = excluded.due_day,
    due_month = excluded.due_month,
    due_year = excluded.due_year
