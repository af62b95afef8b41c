-- Moves the rows of the temporary table `staged_results` into `results`, with the points their
-- value earns under the official ruleset of their fiscal year's framework (points_under in
-- saisaat/schema.sql, the scoring engine's rule application), so points are never typed in. A row
-- without an official rule gets no points, which the results table refuses: nothing is inserted.
-- $batch_id: integer, the import batch that brings these rows
insert into results by name
with staged as (
    select
        staged_results.*,
        fiscal_years.framework_id
    from staged_results
    left join fiscal_years using (fiscal_year)
),

final as (
    select
        fiscal_year,
        inspection_round,
        unit_code,
        indicator_code,
        value,
        points,
        inspected_on,
        inspector,
        note,
        $batch_id as batch_id
    from points_under('staged', 'official_rules', 'rule_steps')
)

select * from final
-- stored in fiscal-year order: a query for one year (the what-if, every page) reads only that year's
-- row groups, skipping the others by their min/max
order by fiscal_year, inspection_round, unit_code, indicator_code
