-- Undo, step 1: removes the results an import batch brought.
-- $batch_id: integer
delete from results
where batch_id = $batch_id
