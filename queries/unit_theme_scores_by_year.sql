-- One row per fiscal year × unit × objective theme (the same theme across frameworks, e.g. "audit"),
-- both rounds together: points, points possible, score_pct.
-- $drafts_all: boolean, the viewer sees every draft (secretariat, executive); else published results only,
--   plus the drafts of $draft_units
-- $draft_units: list of unit codes whose drafts the viewer sees (a unit allowed its own; an inspector's)
with final as (
    select
        fiscal_year,
        unit_code,
        theme_code,
        any_value(framework_id) as framework_id,
        sum(points) as points,
        sum(max_points) as max_points,
        percent_of(sum(points), sum(max_points)) as score_pct
    from visible_scored_results($drafts_all, $draft_units)
    group by all
)

select * from final
order by fiscal_year, unit_code, theme_code
