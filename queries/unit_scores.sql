-- One row per unit that answers for indicators in a fiscal year: points earned, points possible on
-- the indicators it was scored on, score_pct, how many results were expected and scored, and its
-- rank among units of its kind. A unit with no result has null points (not assessed, never 0).
-- $fiscal_year: integer, Buddhist era (e.g. 2569)
-- $inspection_round: 1 or 2; null for both rounds of the year together
-- $drafts_all: boolean, the viewer sees every draft (secretariat, executive); else published results only,
--   plus the drafts of $draft_units
-- $draft_units: list of unit codes whose drafts the viewer sees (a unit allowed its own; an inspector's)
with expected as (
    select
        unit_code,
        count(*) * (case when $inspection_round is null then 2 else 1 end) as num_expected
    from assigned_indicators
    where fiscal_year = $fiscal_year
    group by unit_code
),

scored as (
    select
        unit_code,
        count(*) as num_scored,
        sum(points) as points,
        sum(max_points) as max_points
    from scored_in_period($fiscal_year, $inspection_round, $drafts_all, $draft_units)
    group by unit_code
),

joined as (
    select
        units.unit_code,
        units.name_th,
        units.name_en,
        units.unit_kind,
        units.peer_group_code,
        expected.num_expected,
        coalesce(scored.num_scored, 0) as num_scored,
        scored.points,
        scored.max_points,
        percent_of(scored.points, scored.max_points) as score_pct
    from expected
    join units using (unit_code)
    left join scored using (unit_code)
),

final as (
    select
        *,
        case when score_pct is not null then
            rank() over (partition by unit_kind, score_pct is null order by score_pct desc)
        end as rank_in_kind
    from joined
)

select * from final
order by unit_code
