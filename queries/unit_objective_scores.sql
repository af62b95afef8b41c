-- One row per unit × objective of the year's framework that the unit was scored on: points,
-- points possible and score_pct for that objective.
-- $fiscal_year: integer, Buddhist era
-- $inspection_round: 1 or 2; null for both rounds together
-- $drafts_all: boolean, the viewer sees every draft (secretariat, executive); else published results only,
--   plus the drafts of $draft_units
-- $draft_units: list of unit codes whose drafts the viewer sees (a unit allowed its own; an inspector's)
with scored as (
    select
        unit_code,
        framework_id,
        objective_no,
        count(*) as num_scored,
        sum(points) as points,
        sum(max_points) as max_points
    from scored_in_period($fiscal_year, $inspection_round, $drafts_all, $draft_units)
    group by all
),

final as (
    select
        scored.unit_code,
        units.unit_kind,
        units.peer_group_code,
        scored.objective_no,
        objectives.theme_code,
        scored.num_scored,
        scored.points,
        scored.max_points,
        percent_of(scored.points, scored.max_points) as score_pct
    from scored
    join units using (unit_code)
    join objectives using (framework_id, objective_no)
)

select * from final
order by unit_code, objective_no
