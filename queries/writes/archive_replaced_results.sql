-- Keeps the stored results an import replaces (the registered relation `replaced_keys`) in
-- results_history, with the batch that replaces them, before they are deleted.
-- $batch_id: integer, the replacing import batch
insert into results_history by name
select
    results.*,
    $batch_id as replaced_by_batch
from results
join replaced_keys using (fiscal_year, inspection_round, unit_code, indicator_code)
