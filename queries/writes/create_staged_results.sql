-- A temporary table for measured values on their way into `results` (see insert_scored_results).
create or replace temp table staged_results (
    fiscal_year       integer not null,
    inspection_round  integer not null,
    unit_code         varchar not null,
    indicator_code    varchar not null,
    value             decimal(12, 2) not null,
    inspected_on      date,
    inspector         varchar,
    note              varchar
)
