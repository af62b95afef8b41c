-- Deletes the rows of `peer_groups` that the new configuration (the registered relation `staged`) no longer
-- has. The configuration checks refuse this first where stored results still refer to a row.
delete from peer_groups
where not exists (
    select 1
    from staged
    where staged.peer_group_code = peer_groups.peer_group_code
)
