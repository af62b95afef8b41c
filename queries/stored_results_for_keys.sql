-- One row per stored result named in the registered relation `replaced_keys` (fiscal_year,
-- inspection_round, unit_code, indicator_code): what was measured and recorded, to be scored again.
select
    results.fiscal_year,
    results.inspection_round,
    results.unit_code,
    results.indicator_code,
    results.value,
    results.inspected_on,
    results.inspector,
    results.note
from results
join replaced_keys using (fiscal_year, inspection_round, unit_code, indicator_code)
order by fiscal_year, inspection_round, unit_code, indicator_code
