-- One row per fiscal year × unit × inspection round, plus one per fiscal year × unit for the
-- whole year (inspection_round null): points, points possible, score_pct. Units with no result
-- in a period have no row there.
-- $drafts_all: boolean, the viewer sees every draft (secretariat, executive); else published results only,
--   plus the drafts of $draft_units
-- $draft_units: list of unit codes whose drafts the viewer sees (a unit allowed its own; an inspector's)
with final as (
    select
        fiscal_year,
        inspection_round,
        unit_code,
        any_value(framework_id) as framework_id,
        count(*) as num_scored,
        sum(points) as points,
        sum(max_points) as max_points,
        percent_of(sum(points), sum(max_points)) as score_pct
    from visible_scored_results($drafts_all, $draft_units)
    group by grouping sets ((fiscal_year, unit_code, inspection_round), (fiscal_year, unit_code))
)

select * from final
order by fiscal_year, unit_code, inspection_round nulls last
