-- Writes the configuration's rows of `peer_groups` (the registered relation `staged`, one row per
-- peer_group_code): new rows are added, existing ones updated in place, so results and rules that refer
-- to them keep referring to them.
insert into peer_groups by name
select * from staged
on conflict (peer_group_code) do update set
    name_th = excluded.name_th,
    name_en = excluded.name_en
