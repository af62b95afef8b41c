-- Deletes the rows of `plan_deadlines` that the new configuration (the registered relation `staged`) no
-- longer has.
delete from plan_deadlines
where not exists (
    select 1
    from staged
    where staged.plan_kind = plan_deadlines.plan_kind
      and staged.step = plan_deadlines.step
)
