-- One row per fiscal year × unit with results, scored under a ruleset: points, max_points,
-- score_pct, reward_score (1–5), overall_score, ranks, tier and reward money. Runs on the in-memory
-- database of the year's values (saisaat.scoring.year_values, from unit_value_counts and
-- unit_component_scores: its tables below), the ruleset registered on the query's cursor; nothing stored
-- is read or changed:
--   value_cells (unit_no, objective_no, pair_no, num_results): how many of a unit's results in an
--     objective have the (indicator, value) pair pair_no
--   value_pairs (pair_no, framework_id, indicator_code, value): each pair once, scored once by
--     points_under (saisaat/schema.sql) under scenario_rules and scenario_steps
--   value_units (unit_no, fiscal_year, unit_code, unit_kind); value_components (unit_no,
--     component_code, score): the units' other evaluation components that year
-- Everything is keyed by unit_no until the units' codes are joined for the tiers and ranks.
--   scenario_objective_weights, scenario_component_weights, scenario_tiers: the ruleset's reward parts
-- $framework_id: integer, the ruleset's framework (its objective weights apply)
-- $levels: list of 5 numbers, the score_pct of target levels 1..5 (linear in between)
-- $transparency_weight: number 0..1, the transparency score's weight in the overall evaluation
-- $tier_basis: 'overall_score' or 'score_pct', what the tier cut-offs apply to
-- $pool_baht: number, the reward money shared by tier multipliers
with pair_points as (
    -- the ruleset applied once per (indicator, value) pair, not once per result
    select pair_no, points, max_points
    from points_under('value_pairs', 'scenario_rules', 'scenario_steps')
),

by_objective as (
    select
        value_cells.unit_no,
        value_cells.objective_no,
        sum(value_cells.num_results * pair_points.points) as points,
        sum(value_cells.num_results * pair_points.max_points) as max_points
    from value_cells
    join pair_points using (pair_no)
    group by all
),

by_unit as (
    -- with objective weights: the weighted mean of objective percents (weights of objectives the
    -- unit has results in); without: all points over all possible points
    select
        by_objective.unit_no,
        sum(by_objective.points) as points,
        sum(by_objective.max_points) as max_points,
        case
            when count(w.weight) = 0 then percent_of(sum(by_objective.points), sum(by_objective.max_points))
            else round(cast(
                sum(w.weight * 100 * by_objective.points / by_objective.max_points)
                / nullif(sum(w.weight), 0)   -- only zero-weighted objectives: no score
                as decimal(18, 6)), 2)
        end as score_pct
    from by_objective
    left join scenario_objective_weights as w
        on w.framework_id = $framework_id
        and w.objective_no = by_objective.objective_no
    group by all
),

rewarded as (
    -- level k reached: k + the share of the way to level k+1; below level 1: 1; level 5 and up: 5
    select
        by_unit.*,
        len(list_filter($levels, lambda level: level <= by_unit.score_pct)) as level_reached,
        round(cast(case
            when by_unit.score_pct is null then null   -- no score (only zero-weighted objectives)
            when level_reached = 0 then 1
            when level_reached >= 5 then 5
            else level_reached + (by_unit.score_pct - $levels[level_reached])
                / ($levels[level_reached + 1] - $levels[level_reached])
        end as decimal(18, 8)), 4) as reward_score
    from by_unit
),

components as (
    -- the other components that count: a component weighted 0 is not needed for an overall score
    select
        value_components.unit_no,
        sum(value_components.score * scenario_component_weights.weight) as weighted_score,
        count(*) as num_components
    from value_components
    join scenario_component_weights using (component_code)
    where scenario_component_weights.weight > 0
    group by all
),

overall as (
    -- an overall score only with every component weighted above 0 (a missing one is not taken as 0)
    select
        rewarded.*,
        case when coalesce(components.num_components, 0)
                = (select count(*) from scenario_component_weights where weight > 0)
            then round(cast($transparency_weight * rewarded.reward_score
                            + coalesce(components.weighted_score, 0) as decimal(18, 8)), 4)
        end as overall_score
    from rewarded
    left join components using (unit_no)
),

tiered as (
    select
        value_units.fiscal_year,
        value_units.unit_code,
        value_units.unit_kind,
        overall.*,
        case when $tier_basis = 'score_pct' then overall.score_pct else overall.overall_score end
            as tier_value
    from overall
    join value_units using (unit_no)
),

with_tier as (
    select
        tiered.*,
        scenario_tiers.tier,
        scenario_tiers.multiplier
    from tiered
    asof left join scenario_tiers
        on tiered.tier_value >= scenario_tiers.min_value
),

final as (
    select
        unit_no,
        fiscal_year,
        unit_code,
        unit_kind,
        points,
        max_points,
        score_pct,
        reward_score,
        overall_score,
        -- no score, no rank: nulls sort last, so they never come before a unit with a score
        case when score_pct is not null then
            rank() over (partition by fiscal_year, unit_kind order by score_pct desc nulls last)
        end as rank_in_kind,
        case when tier_value is not null then
            rank() over (partition by fiscal_year order by tier_value desc nulls last)
        end as rank_overall,
        tier,
        multiplier,
        case when sum(multiplier) over (partition by fiscal_year) > 0
            then share_of($pool_baht, multiplier, sum(multiplier) over (partition by fiscal_year))
        end as reward_baht
    from with_tier
)

select * exclude (unit_no) from final
order by unit_no   -- unit_no runs in fiscal_year, unit_code order
