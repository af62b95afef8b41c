-- One row per fiscal year known to the database: its framework, dates, how many result rows and units
-- it holds that the viewer may see, and how many units answer for indicators in it (units expected to report).
-- $drafts_all: boolean, the viewer sees every draft (secretariat, executive); else published results only,
--   plus the drafts of $draft_units
-- $draft_units: list of unit codes whose drafts the viewer sees (a unit allowed its own; an inspector's)
with counted as (
    select
        fiscal_year,
        count(*) as num_results,
        count(distinct unit_code) as num_units_reported
    from visible_results($drafts_all, $draft_units)
    group by fiscal_year
),

expected as (
    select
        fiscal_year,
        count(distinct unit_code) as num_units_expected
    from assigned_indicators
    group by fiscal_year
),

final as (
    select
        fiscal_years.fiscal_year,
        fiscal_years.framework_id,
        fiscal_years.starts_on,
        fiscal_years.ends_on,
        coalesce(counted.num_results, 0) as num_results,
        coalesce(counted.num_units_reported, 0) as num_units_reported,
        coalesce(expected.num_units_expected, 0) as num_units_expected
    from fiscal_years
    left join counted using (fiscal_year)
    left join expected using (fiscal_year)
)

select * from final
order by fiscal_year
