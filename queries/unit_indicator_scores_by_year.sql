-- One row per fiscal year × unit for one indicator, the whole year (both rounds; inspection_round is
-- null, as in unit_scores_by_year): the measured value added over the rounds, points earned and possible
-- over the rounds scored, and score_pct. A unit without a result for the indicator that year has no row.
-- $indicator_code: text, e.g. 'F2-3.04'
-- $from_fy: integer, Buddhist era, first fiscal year of the span
-- $to_fy: integer, Buddhist era, last fiscal year of the span
-- $drafts_all: boolean, the viewer sees every draft (secretariat, executive); else published results only,
--   plus the drafts of $draft_units
-- $draft_units: list of unit codes whose drafts the viewer sees (a unit allowed its own; an inspector's)
with final as (
    select
        fiscal_year,
        cast(null as integer) as inspection_round,
        unit_code,
        indicator_code,
        any_value(framework_id) as framework_id,
        sum(value) as value,
        sum(points) as points,
        sum(max_points) as max_points,
        percent_of(sum(points), sum(max_points)) as score_pct
    from visible_scored_results($drafts_all, $draft_units)
    where indicator_code = $indicator_code
      and fiscal_year between $from_fy and $to_fy
    group by fiscal_year, unit_code, indicator_code
)

select * from final
order by fiscal_year, unit_code
