-- Deletes the rows of `objectives` that the new configuration (the registered relation `staged`) no longer
-- has. The configuration checks refuse this first where stored results still refer to a row.
delete from objectives
where not exists (
    select 1
    from staged
    where staged.framework_id = objectives.framework_id and staged.objective_no = objectives.objective_no
)
