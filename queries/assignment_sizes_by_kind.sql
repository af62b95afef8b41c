-- One row per framework × kind of unit × number of assigned indicators: how many units answer
-- for that many indicators (district offices answer for 23 in framework 2).
with per_unit as (
    select
        indicators.framework_id,
        units.unit_kind,
        assignments.unit_code,
        count(*) as num_indicators
    from assignments
    join indicators using (indicator_code)
    join units using (unit_code)
    group by all
),

final as (
    select
        framework_id,
        unit_kind,
        num_indicators,
        count(*) as num_units
    from per_unit
    group by all
)

select * from final
order by framework_id, unit_kind, num_indicators
