-- One row per step of the yearly inspection cycle: its window as days, months and years relative to the
-- fiscal year (year: the date's Buddhist-era year minus the fiscal year; saisaat.fiscal dates them).
select
    step,
    start_day,
    start_month,
    start_year,
    end_day,
    end_month,
    end_year
from inspection_calendar
order by step
