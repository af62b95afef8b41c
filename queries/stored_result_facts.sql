-- One row per unit, indicator and fiscal year that stored results refer to (kind: 'unit', 'indicator',
-- 'fiscal_year'; code: its code or year as text), with an indicator's framework and measure, and for a
-- fiscal year the framework of the indicators its results answer (several rows if several): what a new
-- configuration must keep so that no stored result loses its meaning.
with units_used as (
    select distinct
        'unit' as kind,
        unit_code as code,
        cast(null as integer) as framework_id,
        cast(null as varchar) as measure
    from results
),

indicators_used as (
    select distinct
        'indicator' as kind,
        results.indicator_code as code,
        indicators.framework_id,
        indicators.measure
    from results
    join indicators using (indicator_code)
),

years_used as (
    select distinct
        'fiscal_year' as kind,
        cast(results.fiscal_year as varchar) as code,
        indicators.framework_id,
        cast(null as varchar) as measure
    from results
    join indicators using (indicator_code)
),

final as (
    select * from units_used
    union all
    select * from indicators_used
    union all
    select * from years_used
)

select * from final
order by kind, code, framework_id
