-- Writes the configuration's rows of `inspection_calendar` (the registered relation `staged`, one row per
-- step of the yearly cycle): new steps are added, existing ones get their new dates in place.
insert into inspection_calendar by name
select * from staged
on conflict (step) do update set
    start_day = excluded.start_day,
    start_month = excluded.start_month,
    start_year = excluded.start_year,
    end_day = excluded.end_day,
    end_month = excluded.end_month,
    end_year = excluded.end_year
