-- One row per fiscal year × inspection round: results expected (assigned indicators of active
-- units), results received, and units expected and reporting.
-- $drafts_all: boolean, the viewer sees every draft (secretariat, executive); else published results only,
--   plus the drafts of $draft_units
-- $draft_units: list of unit codes whose drafts the viewer sees (a unit allowed its own; an inspector's)
with expected as (
    select
        fiscal_year,
        count(*) as num_expected,
        count(distinct unit_code) as num_units_expected
    from assigned_indicators
    group by fiscal_year
),

received as (
    select
        fiscal_year,
        inspection_round,
        count(*) as num_received,
        count(distinct unit_code) as num_units_reporting
    from visible_scored_results($drafts_all, $draft_units)
    group by all
),

rounds as (
    select expected.*, r.inspection_round
    from expected
    cross join (values (1), (2)) as r (inspection_round)
),

final as (
    select
        rounds.fiscal_year,
        rounds.inspection_round,
        rounds.num_expected,
        coalesce(received.num_received, 0) as num_received,
        percent_of(coalesce(received.num_received, 0), rounds.num_expected) as coverage_pct,
        rounds.num_units_expected,
        coalesce(received.num_units_reporting, 0) as num_units_reporting
    from rounds
    left join received using (fiscal_year, inspection_round)
)

select * from final
order by fiscal_year, inspection_round
