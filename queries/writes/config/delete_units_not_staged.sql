-- Deletes the rows of `units` that the new configuration (the registered relation `staged`) no longer
-- has. The configuration checks refuse this first where stored results still refer to a row.
delete from units
where not exists (
    select 1
    from staged
    where staged.unit_code = units.unit_code
)
