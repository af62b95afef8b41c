-- Undo, step 3: the restored results leave the history.
-- $batch_id: integer
delete from results_history
where replaced_by_batch = $batch_id
