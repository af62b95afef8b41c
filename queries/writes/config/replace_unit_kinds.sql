-- Writes the configuration's rows of `unit_kinds` (the registered relation `staged`, one row per
-- unit_kind): new rows are added, existing ones updated in place, so results and rules that refer
-- to them keep referring to them.
insert into unit_kinds by name
select * from staged
on conflict (unit_kind) do update set
    name_th = excluded.name_th,
    name_en = excluded.name_en,
    sort_order = excluded.sort_order,
    grouped = excluded.grouped
