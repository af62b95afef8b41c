-- One row per framework × kind of unit × number of assigned indicators: how many units answer
-- for that many indicators (district offices answer for 23 in framework 2). Only units active in
-- at least one year of the framework count.
with per_unit as (
    select
        assigned_indicators.framework_id,
        units.unit_kind,
        assigned_indicators.unit_code,
        count(distinct assigned_indicators.indicator_code) as num_indicators
    from assigned_indicators
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
