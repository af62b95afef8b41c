"""Writes: all-or-nothing, and a saved what-if scenario touches nothing but the scenarios table (and
its audit entry)."""
from __future__ import annotations

import json

import pytest

from fixture import acting
from saisaat import store

TABLES = store.TABLES


def snapshot(db) -> dict:
    cur = db.cursor()
    try:
        # table names from the fixed list
        return {t: cur.execute(f"select * from {t} order by all").fetchall() for t in TABLES}
    finally:
        cur.close()


# Saving a scenario adds exactly one row with who, why and the ruleset, and its audit entry; every other
# table is as it was.
def test_save_scenario_writes_only_the_scenario(tiny_db):
    before = snapshot(tiny_db)
    spec = {"ruleset_code": "x", "framework_id": 2}
    new_id = store.save_scenario(tiny_db, name=" Proposal A ", by=acting("secretariat"), description="why",
                                 framework_id=2, spec_json=json.dumps(spec),
                                 existing=tiny_db.query("scenarios_by_name"))
    after = snapshot(tiny_db)
    assert new_id == 1
    assert {t: rows for t, rows in after.items() if t not in ("scenarios", "audit_log")} == \
        {t: rows for t, rows in before.items() if t not in ("scenarios", "audit_log")}
    entry = tiny_db.query("audit_log_by_id")
    assert entry[["audit_id", "actor", "role", "source", "action", "scenario_id", "subject", "reason"]].values.tolist() \
        == [[1, "secretariat", "secretariat", "cli", "save_scenario", 1, "Proposal A", "why"]]
    saved = tiny_db.query("scenarios_by_name")
    assert saved[["scenario_id", "name", "created_by", "description", "framework_id"]].values.tolist() == \
        [[1, "Proposal A", "secretariat", "why", 2]]
    assert json.loads(saved["spec_json"][0]) == spec


# A second scenario of the same name, or one without a name or author, is refused in both languages.
@pytest.mark.parametrize("name, by, error", [
    ("Proposal A", "someone", store.ScenarioNameTaken),
    ("  ", "someone", ValueError),
    ("Proposal B", " ", ValueError),
])
def test_save_scenario_refuses(tiny_db, name, by, error):
    store.save_scenario(tiny_db, name="Proposal A", by=acting("s"), description=None, framework_id=2,
                        spec_json="{}", existing=tiny_db.query("scenarios_by_name"))
    before = snapshot(tiny_db)
    with pytest.raises(error) as exc:
        store.save_scenario(tiny_db, name=name, by=acting(by), description=None, framework_id=2,
                            spec_json="{}", existing=tiny_db.query("scenarios_by_name"))
    assert " / " in str(exc.value)   # Thai / English
    assert snapshot(tiny_db) == before


# A result with no official rule of its fiscal year's framework (T1-1.01 belongs to framework 1,
# FY2562 uses framework 2) gets no points from points_under: the insert is refused as a whole, the
# good row beside it (DEPA has no round-2 result yet) included, and every table stays as it was.
def test_insert_without_an_official_rule_is_refused(tiny_db):
    import pandas as pd

    from saisaat.db import DatabaseError
    before = snapshot(tiny_db)
    staged = pd.DataFrame([
        {"fiscal_year": 2562, "inspection_round": 2, "unit_code": "DEPA", "indicator_code": "T2-1.01", "value": 1.0},
        {"fiscal_year": 2562, "inspection_round": 2, "unit_code": "DEPA", "indicator_code": "T1-1.01", "value": 1.0},
    ]).assign(inspected_on=None, inspector=None, note=None)
    with pytest.raises(DatabaseError, match="points"):
        with store.transaction(tiny_db.con) as cur:
            store.add_batch(cur, batch_id=9, source="import", file_name="x.csv", sha256="0" * 64,
                            imported_by="test", row_count=2)
            store.insert_scored_results(cur, staged, batch_id=9)
    assert snapshot(tiny_db) == before
