-- Moves the fiscal years whose framework the new configuration changes (the registered relation `staged`:
-- fiscal_year, framework_id) to that framework. Only the rows that differ are touched: the checks make
-- sure no stored result answers the old framework's indicators in those years.
update fiscal_years
set framework_id = staged.framework_id
from staged
where staged.fiscal_year = fiscal_years.fiscal_year
  and staged.framework_id <> fiscal_years.framework_id
