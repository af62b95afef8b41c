-- One row per later import batch (not undone) that replaced results brought by a given batch:
-- those must be undone first.
-- $batch_id: integer
select distinct
    results_history.replaced_by_batch as batch_id
from results_history
join import_batches on import_batches.batch_id = results_history.replaced_by_batch
where results_history.batch_id = $batch_id
  and import_batches.undone_at is null
order by batch_id
