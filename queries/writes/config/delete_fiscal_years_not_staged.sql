-- Deletes the rows of `fiscal_years` that the new configuration (the registered relation `staged`) no longer
-- has. The configuration checks refuse this first where stored results still refer to a row.
delete from fiscal_years
where not exists (
    select 1
    from staged
    where staged.fiscal_year = fiscal_years.fiscal_year
)
