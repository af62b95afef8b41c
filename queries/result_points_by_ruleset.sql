-- One row per stored result of a fiscal year (or of every year of the framework) with the points
-- it earned as stored and the points it earns under a ruleset given as registered relations
-- (scenario_rules, scenario_steps): which indicator results a what-if changes, and the proof that
-- the official ruleset reproduces every stored point.
-- $framework_id: integer, the ruleset's framework
-- $fiscal_year: integer, Buddhist era; null for every fiscal year of the framework
with in_scope as (
    select results.*
    from results
    join fiscal_years using (fiscal_year)
    where fiscal_years.framework_id = $framework_id
      and ($fiscal_year is null or results.fiscal_year = $fiscal_year)
),

ruled as (
    select
        in_scope.*,
        scenario_rules.rule_type,
        scenario_rules.max_points,
        scenario_rules.target_value
    from in_scope
    join scenario_rules using (indicator_code)
),

step_ranges as (
    -- each step as the range of values it covers, [min_value, the next step's min_value): a plain
    -- join, several times faster than an asof join over millions of results (thresholds are
    -- distinct per indicator: the ruleset checks make them rise strictly)
    select
        indicator_code,
        min_value,
        lead(min_value) over (partition by indicator_code order by min_value) as next_min_value,
        points
    from scenario_steps
),

stepped as (
    select
        ruled.*,
        coalesce(step_ranges.points, 0) as step_points
    from ruled
    left join step_ranges
        on step_ranges.indicator_code = ruled.indicator_code
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
        points as stored_points,
        indicator_points(rule_type, max_points, target_value, step_points, value) as ruleset_points,
        max_points
    from stepped
)

select * from final
order by fiscal_year, inspection_round, unit_code, indicator_code
