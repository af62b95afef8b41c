-- Writes the configuration's rows of `objectives` (the registered relation `staged`, one row per
-- framework_id, objective_no): new rows are added, existing ones updated in place, so results and rules that refer
-- to them keep referring to them.
insert into objectives by name
select * from staged
on conflict (framework_id, objective_no) do update set
    theme_code = excluded.theme_code,
    name_th = excluded.name_th,
    name_en = excluded.name_en
