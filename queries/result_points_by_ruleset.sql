-- One row per stored result of a fiscal year (or of every year of the framework) with the points
-- it earned as stored and the points it earns under a ruleset given as registered relations
-- (scenario_rules, scenario_steps; see points_under in saisaat/schema.sql): which indicator results
-- a what-if changes, and the proof that the official ruleset reproduces every stored point.
-- $framework_id: integer, the ruleset's framework
-- $fiscal_year: integer, Buddhist era; null for every fiscal year of the framework
with in_scope as (
    select
        results.fiscal_year,
        results.inspection_round,
        results.unit_code,
        results.indicator_code,
        results.value,
        results.points as stored_points,
        fiscal_years.framework_id
    from results
    join fiscal_years using (fiscal_year)
    where fiscal_years.framework_id = $framework_id
      and ($fiscal_year is null or results.fiscal_year = $fiscal_year)
),

final as (
    select
        fiscal_year,
        inspection_round,
        unit_code,
        indicator_code,
        value,
        stored_points,
        points as ruleset_points,
        max_points
    from points_under('in_scope', 'scenario_rules', 'scenario_steps')
)

select * from final
order by fiscal_year, inspection_round, unit_code, indicator_code
