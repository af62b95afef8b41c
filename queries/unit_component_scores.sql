-- One row per unit × other evaluation component of a fiscal year (the 1–5 scores the transparency
-- score is weighted with into the overall evaluation): what the scoring engine reads with a year's
-- values (saisaat.scoring.year_values).
-- $fiscal_year: integer, Buddhist era
with final as (
    select
        fiscal_year,
        unit_code,
        component_code,
        score
    from evaluation_components
    where fiscal_year = $fiscal_year
)

select * from final
order by unit_code, component_code
