-- One row per import batch: where its rows came from, who brought them, how many rows it added,
-- replaced and left unchanged, whether it was undone, and how many result rows still carry it.
with carried as (
    select batch_id, count(*) as num_results
    from results
    group by batch_id
),

final as (
    select
        import_batches.batch_id,
        import_batches.source,
        import_batches.file_name,
        import_batches.sha256,
        import_batches.imported_at,
        import_batches.imported_by,
        import_batches.row_count,
        import_batches.note,
        import_batches.num_added,
        import_batches.num_replaced,
        import_batches.num_unchanged,
        import_batches.replace_reason,
        import_batches.undone_at,
        import_batches.undone_by,
        coalesce(carried.num_results, 0) as num_results
    from import_batches
    left join carried using (batch_id)
)

select * from final
order by batch_id
