-- One row per registered user: address, role, the units they answer for (a unit user's one unit,
-- an inspector's units; comma-separated, in code order), whether a unit user sees its own drafts,
-- and when and by whom they were added.
with units_of as (
    select
        email,
        string_agg(unit_code, ',' order by unit_code) as unit_codes
    from user_units
    group by email
),

final as (
    select
        users.email,
        users.role,
        coalesce(units_of.unit_codes, '') as unit_codes,
        users.own_drafts,
        users.added_at,
        users.added_by
    from users
    left join units_of using (email)
)

select * from final
order by email
