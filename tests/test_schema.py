"""The warehouse refuses bad rows (saisaat/schema.sql), and a failed write leaves nothing behind."""
from __future__ import annotations

import re
from datetime import date, datetime

import duckdb
import pandas as pd
import pytest

from saisaat import store

# Rows that are valid against the tiny database; each bad case changes one field.
GOOD = {
    "results": {
        "fiscal_year": 2563, "inspection_round": 1, "unit_code": "D01", "indicator_code": "T2-1.01",
        "value": 1, "points": 3, "inspected_on": date(2020, 4, 10), "inspector": "ชุดตรวจที่ 1",
        "note": None, "batch_id": 3,
    },
    "units": {
        "unit_code": "D03", "name_th": "สำนักงานเขตทดสอบสาม", "name_en": "Test District Three",
        "unit_kind": "district", "peer_group_code": "Z1", "abbrev_th": None, "missions": "service",
        "active_from_fy": 2560, "active_to_fy": None,
    },
    "rules": {
        "ruleset_code": "draft-f2", "indicator_code": "T1-1.01", "rule_type": "proportional",
        "max_points": 1, "target_value": 100,
    },
    "import_batches": {
        "batch_id": 4, "source": "import", "file_name": "fy2563.csv", "sha256": "d" * 64,
        "imported_at": datetime(2020, 11, 1, 9, 0), "imported_by": "secretariat", "row_count": 0,
        "note": None,
    },
    # a step of the inspection calendar (the configuration's checks name the known steps; the table keeps
    # every date part in range)
    "inspection_calendar": {
        "step": "extra_step", "start_day": 1, "start_month": 10, "start_year": -1, "end_day": 31, "end_month": 10,
        "end_year": -1,
    },
}

# Rows in the tiny database before any test writes (tests/fixture.py).
ROW_COUNTS = {"results": 49, "units": 4, "rules": 11, "import_batches": 3, "inspection_calendar": 8}


def count(db, table: str) -> int:
    cur = db.cursor()
    try:
        return cur.execute(f"select count(*) from {table}").fetchone()[0]
    finally:
        cur.close()


def append_row(db, table: str, row: dict) -> None:
    frame = pd.DataFrame([row])
    if table == "units":
        frame["active_to_fy"] = frame["active_to_fy"].astype("Int64")
    with store.transaction(db.con) as cur:
        store.append(cur, table, frame)


# Control: each GOOD row is accepted, so a rejection below is due to the one changed field.
@pytest.mark.parametrize("table", sorted(GOOD))
def test_good_rows_are_accepted(tiny_db, table):
    append_row(tiny_db, table, GOOD[table])
    assert count(tiny_db, table) == ROW_COUNTS[table] + 1


# Bad rows: a CHECK, foreign-key or primary-key rule refuses each (the message names it), and
# nothing lands. Results' key and references are kept by store.check_results, which words its refusal
# as a key would.
@pytest.mark.parametrize("table, change, message", [
    ("results", {"inspection_round": 3}, "inspection_round IN"),
    ("results", {"value": -1}, '"value" >= 0'),
    ("results", {"points": -0.5}, "points >= 0"),
    ("results", {"unit_code": "XX"}, "Unknown unit in results: \"fiscal_year: 2563, inspection_round: 1, unit_code: XX"),
    ("results", {"indicator_code": "T9-9.99"}, "Unknown indicator in results"),
    ("results", {"batch_id": 99}, "Unknown import batch in results"),
    ("results", {"fiscal_year": 2564}, "Unknown fiscal year in results: \"fiscal_year: 2564"),
    # the key of an existing row (FY2562 round 1, D01, T2-1.01)
    ("results", {"fiscal_year": 2562}, 'Duplicate key in results: "fiscal_year: 2562, inspection_round: 1, unit_code: D01, '
                                       'indicator_code: T2-1.01, batch_id: 3" (2 results)'),
    # (a unit's kind and peer group, and an indicator's objective, are the configuration's checks: see
    # tests/test_configuration.py)
    ("units", {"active_to_fy": 2559}, "active_to_fy >= active_from_fy"),
    ("units", {"unit_code": "D01"}, "Duplicate key"),
    ("rules", {"target_value": None}, "target_value IS NOT NULL"),                  # proportional, no target
    ("rules", {"rule_type": "binary"}, "target_value IS NOT NULL"),                 # target on a binary rule
    ("rules", {"max_points": 0}, "max_points > 0"),
    ("import_batches", {"sha256": "d" * 63}, "length(sha256) = 64"),
    ("import_batches", {"source": "email"}, '"source" IN'),
    ("import_batches", {"row_count": -1}, "row_count >= 0"),
    ("inspection_calendar", {"start_year": 2569}, "start_year"),       # a Buddhist-era year, not an offset
    ("inspection_calendar", {"end_month": 13}, "end_month"),
    ("inspection_calendar", {"end_day": 0}, "end_day"),
    ("inspection_calendar", {"step": "circular"}, "Duplicate key"),
])
def test_bad_row_is_rejected(tiny_db, table, change, message):
    with pytest.raises(duckdb.ConstraintException, match=re.escape(message)):
        append_row(tiny_db, table, {**GOOD[table], **change})
    assert count(tiny_db, table) == ROW_COUNTS[table]


# A transaction is all-or-nothing: an earlier good row is rolled back when a later one fails.
def test_transaction_rolls_back_everything(tiny_db):
    with pytest.raises(duckdb.ConstraintException, match=re.escape("inspection_round IN")):
        with store.transaction(tiny_db.con) as cur:
            store.append(cur, "units", pd.DataFrame([GOOD["units"]]).astype({"active_to_fy": "Int64"}))
            store.add_batch(cur, **{k: v for k, v in GOOD["import_batches"].items()})
            store.append(cur, "results", pd.DataFrame([{**GOOD["results"], "inspection_round": 3}]))
    assert count(tiny_db, "units") == 4
    assert count(tiny_db, "import_batches") == 3
    assert count(tiny_db, "results") == 49


# An import with one unscorable row (a framework-1 indicator in a framework-2 year has no
# official rule, so no points) lands neither its batch nor its good rows.
def test_failed_import_lands_nothing(tiny_db):
    staged = pd.DataFrame([
        {"fiscal_year": 2563, "inspection_round": 1, "unit_code": "D01", "indicator_code": "T2-1.01",
         "value": 1.0, "inspected_on": date(2020, 4, 10), "inspector": None, "note": None},
        {"fiscal_year": 2563, "inspection_round": 1, "unit_code": "D01", "indicator_code": "T1-1.01",
         "value": 1.0, "inspected_on": date(2020, 4, 10), "inspector": None, "note": None},
    ])
    with pytest.raises(duckdb.ConstraintException, match=re.escape("NOT NULL constraint failed: results.points")):
        with store.transaction(tiny_db.con) as cur:
            store.add_batch(cur, **GOOD["import_batches"])
            store.insert_scored_results(cur, staged, batch_id=4)
    assert count(tiny_db, "import_batches") == 3
    assert count(tiny_db, "results") == 49


# The same import without the bad row lands, scored (binary, framework 2: value 1 -> 3 points).
def test_good_import_lands_scored(tiny_db):
    staged = pd.DataFrame([
        {"fiscal_year": 2563, "inspection_round": 1, "unit_code": "D01", "indicator_code": "T2-1.01",
         "value": 1.0, "inspected_on": date(2020, 4, 10), "inspector": None, "note": None},
    ])
    with store.transaction(tiny_db.con) as cur:
        store.add_batch(cur, **{**GOOD["import_batches"], "row_count": 1})
        store.insert_scored_results(cur, staged, batch_id=4)
    cur = tiny_db.cursor()
    rows = cur.execute("select unit_code, indicator_code, points, batch_id from results "
                       "where fiscal_year = 2563").fetchall()
    cur.close()
    assert [(u, i, float(p), b) for u, i, p, b in rows] == [("D01", "T2-1.01", 3.0, 4)]


# Only the known tables can be appended to.
def test_append_refuses_unknown_table(tiny_db):
    with pytest.raises(ValueError, match="unknown table"):
        with store.transaction(tiny_db.con) as cur:
            store.append(cur, "staged_results", pd.DataFrame([{"x": 1}]))
