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

stepped as (
    select
        ruled.*,
        coalesce(rule_steps.points, 0) as step_points
    from ruled
    asof left join rule_steps
        on rule_steps.ruleset_code = ruled.ruleset_code
        and rule_steps.indicator_code = ruled.indicator_code
        and ruled.value >= rule_steps.min_value
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
