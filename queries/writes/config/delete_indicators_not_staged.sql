-- Deletes the rows of `indicators` that the new configuration (the registered relation `staged`) no longer
-- has. The configuration checks refuse this first where stored results still refer to a row.
delete from indicators
where not exists (
    select 1
    from staged
    where staged.indicator_code = indicators.indicator_code
)
