-- Deletes the rows of `organisation` that the new configuration (the registered relation `staged`) no longer
-- has. The configuration checks refuse this first where stored results still refer to a row.
delete from organisation
where not exists (
    select 1
    from staged
    where staged.item = organisation.item
)
