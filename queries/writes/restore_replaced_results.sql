-- Undo, step 2: puts back exactly the results the batch had replaced.
-- $batch_id: integer
insert into results by name
select
    fiscal_year,
    inspection_round,
    unit_code,
    indicator_code,
    value,
    points,
    inspected_on,
    inspector,
    note,
    batch_id
from results_history
where replaced_by_batch = $batch_id
