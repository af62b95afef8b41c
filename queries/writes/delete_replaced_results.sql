-- Removes the stored results an import replaces (registered relation `replaced_keys`); they are
-- already in results_history.
delete from results
using replaced_keys
where results.fiscal_year = replaced_keys.fiscal_year
  and results.inspection_round = replaced_keys.inspection_round
  and results.unit_code = replaced_keys.unit_code
  and results.indicator_code = replaced_keys.indicator_code
