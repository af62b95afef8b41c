-- One row per unit × indicator the unit answers for in a fiscal year: points earned and possible
-- (null when no result: not submitted or not yet inspected), and how many rounds were scored.
-- $fiscal_year: integer, Buddhist era
-- $inspection_round: 1 or 2; null for both rounds together
-- $drafts_all: boolean, the viewer sees every draft (secretariat, executive); else published results only,
--   plus the drafts of $draft_units
-- $draft_units: list of unit codes whose drafts the viewer sees (a unit allowed its own; an inspector's)
with expected as (
    select
        unit_code,
        indicator_code,
        objective_no,
        max_points * (case when $inspection_round is null then 2 else 1 end) as max_points_expected
    from assigned_indicators
    where fiscal_year = $fiscal_year
),

scored as (
    select
        unit_code,
        indicator_code,
        count(*) as num_rounds_scored,
        sum(value) as value,
        sum(points) as points,
        sum(max_points) as max_points
    from scored_in_period($fiscal_year, $inspection_round, $drafts_all, $draft_units)
    group by all
),

final as (
    select
        expected.unit_code,
        units.unit_kind,
        units.peer_group_code,
        expected.indicator_code,
        expected.objective_no,
        expected.max_points_expected,
        coalesce(scored.num_rounds_scored, 0) as num_rounds_scored,
        scored.value,
        scored.points,
        scored.max_points
    from expected
    join units using (unit_code)
    left join scored using (unit_code, indicator_code)
)

select * from final
order by unit_code, indicator_code
