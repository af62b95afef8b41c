-- One row per framework (version of the strategic plan): its years, objectives and indicators.
with objective_counts as (
    select framework_id, count(*) as num_objectives
    from objectives
    group by framework_id
),

indicator_counts as (
    select framework_id, count(*) as num_indicators
    from indicators
    group by framework_id
),

final as (
    select
        frameworks.framework_id,
        frameworks.name_th,
        frameworks.name_en,
        frameworks.first_fy,
        frameworks.last_fy,
        coalesce(objective_counts.num_objectives, 0) as num_objectives,
        coalesce(indicator_counts.num_indicators, 0) as num_indicators
    from frameworks
    left join objective_counts using (framework_id)
    left join indicator_counts using (framework_id)
)

select * from final
order by framework_id
