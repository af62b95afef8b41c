-- One row per unit × indicator of a fiscal year's framework: whether the unit answers for it
-- that year (the template greys out the rest).
-- $fiscal_year: integer, Buddhist era
with units_of_year as (
    select distinct unit_code
    from assigned_indicators
    where fiscal_year = $fiscal_year
),

codes as (
    select indicators.indicator_code, indicators.measure
    from indicators
    join fiscal_years using (framework_id)
    where fiscal_years.fiscal_year = $fiscal_year
),

final as (
    select
        units_of_year.unit_code,
        codes.indicator_code,
        codes.measure,
        assigned_indicators.indicator_code is not null as is_assigned
    from units_of_year
    cross join codes
    left join assigned_indicators
        on assigned_indicators.fiscal_year = $fiscal_year
        and assigned_indicators.unit_code = units_of_year.unit_code
        and assigned_indicators.indicator_code = codes.indicator_code
)

select * from final
order by unit_code, indicator_code
