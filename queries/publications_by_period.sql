-- One row per fiscal year × inspection round that holds results or was published: how many results
-- it holds and how many units reported, how many of its results the viewer may see, and whether,
-- when and by whom it was published (a period never published is a draft).
-- $drafts_all: boolean, the viewer sees every draft (secretariat, executive); else published results only,
--   plus the drafts of $draft_units
-- $draft_units: list of unit codes whose drafts the viewer sees (a unit allowed its own; an inspector's)
with stored as (
    select
        fiscal_year,
        inspection_round,
        count(*) as num_results,
        count(distinct unit_code) as num_units_reporting
    from results
    group by all
),

visible as (
    select
        fiscal_year,
        inspection_round,
        count(*) as num_visible
    from visible_results($drafts_all, $draft_units)
    group by all
),

periods as (
    select fiscal_year, inspection_round from stored
    union
    select fiscal_year, inspection_round from publications
),

final as (
    select
        periods.fiscal_year,
        periods.inspection_round,
        coalesce(stored.num_results, 0) as num_results,
        coalesce(stored.num_units_reporting, 0) as num_units_reporting,
        coalesce(visible.num_visible, 0) as num_visible,
        publications.published_at is not null as is_published,
        publications.published_at,
        publications.published_by
    from periods
    left join stored using (fiscal_year, inspection_round)
    left join visible using (fiscal_year, inspection_round)
    left join publications using (fiscal_year, inspection_round)
)

select * from final
order by fiscal_year, inspection_round
