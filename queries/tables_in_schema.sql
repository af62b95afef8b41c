-- One row per table of the main schema (used to tell an empty file from a built database).
select table_name
from information_schema.tables
where table_schema = 'main'
  and table_type = 'BASE TABLE'
order by table_name
