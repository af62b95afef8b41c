-- One row per fiscal year × unit × indicator the unit answers for that year (what an import may
-- bring; anything else is refused).
select
    fiscal_year,
    unit_code,
    indicator_code
from assigned_indicators
order by fiscal_year, unit_code, indicator_code
