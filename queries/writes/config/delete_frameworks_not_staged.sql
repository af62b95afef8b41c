-- Deletes the rows of `frameworks` that the new configuration (the registered relation `staged`) no longer
-- has. The configuration checks refuse this first where stored results still refer to a row.
delete from frameworks
where not exists (
    select 1
    from staged
    where staged.framework_id = frameworks.framework_id
)
