-- One row per unit × indicator that stored results refer to: the first and last fiscal year with a
-- result. A new configuration must keep the unit active, and the indicator assigned to it, in those years.
with spans as (
    select
        unit_code,
        indicator_code,
        min(fiscal_year) as first_fy,
        max(fiscal_year) as last_fy
    from results
    group by unit_code, indicator_code
),

final as (
    select * from spans
)

select * from final
order by unit_code, indicator_code
