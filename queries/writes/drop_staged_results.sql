-- Frees the temporary staging table once its rows are in `results`.
drop table if exists staged_results
