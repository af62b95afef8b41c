-- Deletes the rows of `assignments` that the new configuration (the registered relation `staged`) no longer
-- has. The configuration checks refuse this first where stored results still refer to a row.
delete from assignments
where not exists (
    select 1
    from staged
    where staged.unit_code = assignments.unit_code and staged.indicator_code = assignments.indicator_code
)
