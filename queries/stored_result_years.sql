-- One row per fiscal year × framework of the indicators that year's stored results are for (one
-- framework per year, unless the data is inconsistent), with how many results: a new configuration must
-- keep each of those fiscal years in that framework.
with years as (
    select
        results.fiscal_year,
        indicators.framework_id,
        count(*) as num_results
    from results
    join indicators using (indicator_code)
    group by results.fiscal_year, indicators.framework_id
),

final as (
    select * from years
)

select * from final
order by fiscal_year, framework_id
