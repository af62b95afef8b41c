-- Deletes the rows of `unit_kinds` that the new configuration (the registered relation `staged`) no longer
-- has. The configuration checks refuse this first where stored results still refer to a row.
delete from unit_kinds
where not exists (
    select 1
    from staged
    where staged.unit_kind = unit_kinds.unit_kind
)
