-- Moves the rows of the temporary table `staged_results` into `results`, with the points their
-- value earns under the official ruleset of their fiscal year's framework (the scoring engine's
-- indicator_points macro), so points are never typed in.
-- $batch_id: integer, the import batch that brings these rows
insert into results by name
with staged as (
    select
        s.*,
        fy.framework_id
    from staged_results as s
    left join fiscal_years as fy using (fiscal_year)
),

official_rule as (
    select
        r.*,
        rs.framework_id
    from rules as r
    join rulesets as rs using (ruleset_code)
    where rs.is_official
),

ruled as (
    select
        staged.*,
        official_rule.ruleset_code,
        official_rule.rule_type,
        official_rule.max_points,
        official_rule.target_value
    from staged
    left join official_rule
        on official_rule.framework_id = staged.framework_id
        and official_rule.indicator_code = staged.indicator_code
),

step_ranges as (
    -- each step as the range of values it covers, [min_value, the next step's min_value)
    select
        ruleset_code,
        indicator_code,
        min_value,
        lead(min_value) over (partition by ruleset_code, indicator_code order by min_value) as next_min_value,
        points
    from rule_steps
),

stepped as (
    select
        ruled.*,
        coalesce(step_ranges.points, 0) as step_points
    from ruled
    left join step_ranges
        on step_ranges.ruleset_code = ruled.ruleset_code
        and step_ranges.indicator_code = ruled.indicator_code
        and ruled.value >= step_ranges.min_value
        and (step_ranges.next_min_value is null or ruled.value < step_ranges.next_min_value)
),

final as (
    select
        fiscal_year,
        inspection_round,
        unit_code,
        indicator_code,
        value,
        indicator_points(rule_type, max_points, target_value, step_points, value) as points,
        inspected_on,
        inspector,
        note,
        $batch_id as batch_id
    from stepped
)

select * from final
-- in key order: the primary-key index builds twice as fast from sorted keys
order by fiscal_year, inspection_round, unit_code, indicator_code
