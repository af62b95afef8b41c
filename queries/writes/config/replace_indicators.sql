-- Writes the configuration's rows of `indicators` (the registered relation `staged`, one row per
-- indicator_code): new rows are added, existing ones updated in place, so results and rules that refer
-- to them keep referring to them.
insert into indicators by name
select * from staged
on conflict (indicator_code) do update set
    framework_id = excluded.framework_id,
    objective_no = excluded.objective_no,
    name_th = excluded.name_th,
    name_en = excluded.name_en,
    measure = excluded.measure,
    applies_to = excluded.applies_to
