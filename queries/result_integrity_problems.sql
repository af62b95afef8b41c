-- One row per problem in the stored results of the fiscal years $first_fy..$last_fy: a key (fiscal year,
-- round, unit, indicator) held by more than one result, or a result naming a fiscal year, unit,
-- indicator or import batch that does not exist. `results` has no index for its key nor foreign keys
-- (saisaat/schema.sql says why): the one writer (saisaat/store.py) runs this inside every transaction
-- that adds results, before it commits, and any row refuses the whole write. At most 10 rows.
-- $first_fy: integer, Buddhist era, the first fiscal year the write touched; null for the first there is
-- $last_fy: integer, Buddhist era, the last fiscal year the write touched; null for the last there is
with in_years as (
    select fiscal_year, inspection_round, unit_code, indicator_code, batch_id
    from results
    where ($first_fy is null or fiscal_year >= $first_fy)
      and ($last_fy is null or fiscal_year <= $last_fy)
),

repeated as (
    select
        'duplicate_key' as problem,
        fiscal_year,
        inspection_round,
        unit_code,
        indicator_code,
        max(batch_id) as batch_id,   -- the newest of the batches holding the key
        count(*) as num_results
    from in_years
    group by fiscal_year, inspection_round, unit_code, indicator_code
    having count(*) > 1
),

dangling as (
    -- a result naming something that does not exist (the first such name, when it names several)
    select
        case
            when fiscal_years.fiscal_year is null then 'unknown_fiscal_year'
            when units.unit_code is null then 'unknown_unit'
            when indicators.indicator_code is null then 'unknown_indicator'
            when import_batches.batch_id is null then 'unknown_batch'
        end as problem,
        in_years.fiscal_year,
        in_years.inspection_round,
        in_years.unit_code,
        in_years.indicator_code,
        in_years.batch_id,
        1 as num_results
    from in_years
    left join fiscal_years on fiscal_years.fiscal_year = in_years.fiscal_year
    left join units on units.unit_code = in_years.unit_code
    left join indicators on indicators.indicator_code = in_years.indicator_code
    left join import_batches on import_batches.batch_id = in_years.batch_id
),

final as (
    select * from repeated
    union all
    select * from dangling where problem is not null
)

select * from final
order by problem, fiscal_year, inspection_round, unit_code, indicator_code
limit 10
