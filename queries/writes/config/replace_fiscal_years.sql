-- Writes the configuration's rows of `fiscal_years` (the registered relation `staged`, one row per
-- fiscal_year): new rows are added, existing ones updated in place, so results and rules that refer
-- to them keep referring to them.
insert into fiscal_years by name
select * from staged
on conflict (fiscal_year) do update set
    starts_on = excluded.starts_on,
    ends_on = excluded.ends_on
