-- One row per indicator of a framework × kind of unit: the indicator's objective, wording, measure, and
-- how many units of that kind answer for it (0 when none), for browsing the plan's structure.
-- $framework_id: integer
with answering as (
    select
        assignments.indicator_code,
        units.unit_kind,
        count(distinct assignments.unit_code) as num_units
    from assignments
    join units using (unit_code)
    group by all
),

final as (
    select
        indicators.objective_no,
        indicators.indicator_code,
        indicators.name_th,
        indicators.name_en,
        indicators.measure,
        indicators.applies_to,
        unit_kinds.unit_kind,
        coalesce(answering.num_units, 0) as num_units
    from indicators
    cross join unit_kinds
    left join answering using (indicator_code, unit_kind)
    where indicators.framework_id = $framework_id
)

select * from final
order by indicator_code, unit_kind
