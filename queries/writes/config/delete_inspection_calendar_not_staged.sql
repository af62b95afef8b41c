-- Deletes the steps of `inspection_calendar` that the new configuration (the registered relation `staged`)
-- no longer has.
delete from inspection_calendar
where not exists (
    select 1
    from staged
    where staged.step = inspection_calendar.step
)
