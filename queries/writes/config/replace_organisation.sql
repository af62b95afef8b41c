-- Writes the configuration's rows of `organisation` (the registered relation `staged`, one row per
-- item): new rows are added, existing ones updated in place, so results and rules that refer
-- to them keep referring to them.
insert into organisation by name
select * from staged
on conflict (item) do update set
    value_th = excluded.value_th,
    value_en = excluded.value_en
