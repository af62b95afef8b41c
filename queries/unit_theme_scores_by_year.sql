-- One row per fiscal year × unit × objective theme (the same theme across frameworks, e.g. "audit"),
-- both rounds together: points, points possible, score_pct.
with final as (
    select
        fiscal_year,
        unit_code,
        theme_code,
        any_value(framework_id) as framework_id,
        sum(points) as points,
        sum(max_points) as max_points,
        percent_of(sum(points), sum(max_points)) as score_pct
    from scored_results
    group by all
)

select * from final
order by fiscal_year, unit_code, theme_code
