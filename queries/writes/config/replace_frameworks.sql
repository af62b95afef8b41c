-- Writes the configuration's rows of `frameworks` (the registered relation `staged`, one row per
-- framework_id): new rows are added, existing ones updated in place, so results and rules that refer
-- to them keep referring to them.
insert into frameworks by name
select * from staged
on conflict (framework_id) do update set
    name_th = excluded.name_th,
    name_en = excluded.name_en,
    first_fy = excluded.first_fy,
    last_fy = excluded.last_fy
