-- Undo, step 4: the batch stays in the import history, marked as undone (when, by whom).
-- $batch_id: integer
-- $undone_at: timestamp
-- $undone_by: text
update import_batches
set undone_at = $undone_at,
    undone_by = $undone_by
where batch_id = $batch_id
