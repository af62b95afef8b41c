-- The key of `results`: one result per fiscal year, round, unit and indicator. Its own statement so
-- that a whole new database (demo, restore, init) loads its rows first and builds the index once
-- (measured on the national demo: 53 s instead of 83 s at load 4); store.create_schema() adds it at
-- once otherwise. The indicator and the unit lead: DuckDB's index (an adaptive radix tree) is smaller
-- with the strings first than with the fiscal year first (the national demo's file: 784 MB, was
-- 1,011 MB). The rows themselves stay stored in fiscal-year order (insert_scored_results).
alter table results add primary key (indicator_code, unit_code, fiscal_year, inspection_round)
