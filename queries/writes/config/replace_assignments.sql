-- Writes the configuration's rows of `assignments` (the registered relation `staged`, one row per
-- unit_code, indicator_code): new rows are added, existing ones updated in place, so results and rules that refer
-- to them keep referring to them.
insert into assignments by name
select * from staged
on conflict (unit_code, indicator_code) do nothing
