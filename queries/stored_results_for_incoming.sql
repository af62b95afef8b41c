-- One row per incoming result (the registered relation `incoming`: fiscal_year, inspection_round,
-- unit_code, indicator_code, value) that is already stored: the stored value and its batch.
select
    incoming.fiscal_year,
    incoming.inspection_round,
    incoming.unit_code,
    incoming.indicator_code,
    results.value as stored_value,
    results.batch_id as stored_batch_id
from incoming
join results
    on results.fiscal_year = incoming.fiscal_year
    and results.inspection_round = incoming.inspection_round
    and results.unit_code = incoming.unit_code
    and results.indicator_code = incoming.indicator_code
