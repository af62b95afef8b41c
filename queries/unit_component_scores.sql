-- One row per fiscal year × unit × other evaluation component (the 1–5 scores the transparency score
-- is weighted with into the overall evaluation) of one fiscal year, or of every year of a framework:
-- what the scoring engine reads with a year's values (saisaat.scoring.year_values).
-- $framework_id: integer, the framework whose fiscal years are read
-- $fiscal_year: integer, Buddhist era; null for every fiscal year of the framework
with final as (
    select
        evaluation_components.fiscal_year,
        evaluation_components.unit_code,
        evaluation_components.component_code,
        evaluation_components.score
    from evaluation_components
    join fiscal_years using (fiscal_year)
    where fiscal_years.framework_id = $framework_id
      and ($fiscal_year is null or evaluation_components.fiscal_year = $fiscal_year)
)

select * from final
order by fiscal_year, unit_code, component_code
