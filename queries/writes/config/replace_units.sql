-- Writes the configuration's rows of `units` (the registered relation `staged`, one row per
-- unit_code): new rows are added, existing ones updated in place, so results and rules that refer
-- to them keep referring to them.
insert into units by name
select * from staged
on conflict (unit_code) do update set
    name_th = excluded.name_th,
    name_en = excluded.name_en,
    unit_kind = excluded.unit_kind,
    peer_group_code = excluded.peer_group_code,
    abbrev_th = excluded.abbrev_th,
    missions = excluded.missions,
    active_from_fy = excluded.active_from_fy,
    active_to_fy = excluded.active_to_fy
