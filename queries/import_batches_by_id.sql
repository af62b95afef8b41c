-- One row per import batch: where its rows came from and how many result rows still carry it.
with carried as (
    select batch_id, count(*) as num_results
    from results
    group by batch_id
),

final as (
    select
        import_batches.*,
        coalesce(carried.num_results, 0) as num_results
    from import_batches
    left join carried using (batch_id)
)

select * from final
order by batch_id
