-- One row per fiscal year × unit × objective × indicator value among a framework's results (of one
-- fiscal year, or of every year of the framework): how many results have that value. These are the
-- values the scoring engine reads (saisaat.scoring.year_values, read once per fiscal year and data
-- version; a what-if then scores them under each ruleset with unit_reward_scores). Under 'sum_values'
-- each unit has one value per indicator and year: the rounds' values combined first (counts added,
-- yes/no done in either round, percents averaged). unit_no numbers the (fiscal year, unit) pairs in
-- that order; pair_no numbers the (indicator, value) pairs in that order, so a ruleset is applied once
-- per pair and added up per unit by integer keys.
-- The rows come in no particular order (sorting them would cost more than reading them).
-- $framework_id: integer, the ruleset's framework
-- $fiscal_year: integer, Buddhist era; null for every fiscal year of the framework (another
--   framework's year gives no rows)
-- $round_aggregation: 'score_each_round' (each round's value scored, the points added) or 'sum_values'
with in_scope as (
    select
        results.fiscal_year,
        results.inspection_round,
        results.unit_code,
        results.indicator_code,
        results.value,
        fiscal_years.framework_id,
        indicators.objective_no,
        indicators.measure
    from results
    join fiscal_years using (fiscal_year)
    join indicators using (indicator_code)
    where fiscal_years.framework_id = $framework_id
      and ($fiscal_year is null or results.fiscal_year = $fiscal_year)
),

valued as (
    select fiscal_year, unit_code, indicator_code, framework_id, objective_no, value
    from in_scope
    where $round_aggregation = 'score_each_round'
    union all
    select
        fiscal_year,
        unit_code,
        indicator_code,
        framework_id,
        objective_no,
        cast(case any_value(measure)
            when 'count' then sum(value)
            when 'binary' then max(value)
            else mean_of(sum(value), count(*))
        end as decimal(12, 2)) as value
    from in_scope
    where $round_aggregation = 'sum_values'
    group by fiscal_year, unit_code, indicator_code, framework_id, objective_no
),

counted as (
    select
        fiscal_year,
        unit_code,
        objective_no,
        indicator_code,
        value,
        framework_id,
        count(*) as num_results
    from valued
    group by all
),

unit_numbers as (
    select fiscal_year, unit_code, cast(row_number() over (order by fiscal_year, unit_code) as integer) as unit_no
    from (select distinct fiscal_year, unit_code from counted)
),

pair_numbers as (
    select indicator_code, value, cast(row_number() over (order by indicator_code, value) as integer) as pair_no
    from (select distinct indicator_code, value from counted)
),

final as (
    select
        counted.fiscal_year,
        unit_numbers.unit_no,
        counted.unit_code,
        units.unit_kind,
        cast(counted.objective_no as integer) as objective_no,
        pair_numbers.pair_no,
        counted.indicator_code,
        counted.value,
        counted.framework_id,
        cast(counted.num_results as integer) as num_results
    from counted
    join unit_numbers using (fiscal_year, unit_code)
    join pair_numbers using (indicator_code, value)
    join units using (unit_code)
)

select * from final
