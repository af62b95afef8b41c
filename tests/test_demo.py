"""The BMA demo database (saisaat.demo.build_demo): its shape, its determinism, its points.

The expected numbers come from the domain (50 district offices, 27 then 30 indicators, 23 per
district office and 20 for the Civil Service Commission office) and from data/, read here with
the csv and json modules, not through saisaat.reference.
"""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest

from saisaat.db import Database
from saisaat.demo import build_demo

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
RESULT_YEARS = range(2545, 2570)   # 2545 … 2569: results in both rounds
ALL_YEARS = range(2545, 2571)      # 2570 is in the database but has no results yet
FRAMEWORK_CHANGE_FY = 2552         # data/frameworks.csv: framework 2 from FY2552
CENT = Decimal("0.01")


def read_csv(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo(path)
    return path


@pytest.fixture(scope="module")
def demo(demo_path):
    with Database(demo_path, read_only=True) as db:
        yield db


def fetch(db: Database, sql: str, params: list | None = None) -> list[tuple]:
    cur = db.cursor()
    try:
        return cur.execute(sql, params or []).fetchall()
    finally:
        cur.close()


RESULTS_IN_KEY_ORDER = (
    "select * from results order by fiscal_year, inspection_round, unit_code, indicator_code")


def results_frame(path: Path) -> pd.DataFrame:
    with Database(path, read_only=True) as db:
        cur = db.cursor()
        try:
            return cur.execute(RESULTS_IN_KEY_ORDER).df()
        finally:
            cur.close()


# ---- Shape: units, years, frameworks, assignments -------------------------------------------

# The 50 district offices are keyed 1001–1050.
def test_district_offices(demo):
    codes = [r[0] for r in fetch(demo, "select unit_code from units where unit_kind = 'district' "
                                       "order by unit_code")]
    assert codes == [str(c) for c in range(1001, 1051)]


# The departments are exactly those of data/units.csv.
def test_departments_from_units_csv(demo):
    expected = sorted(r["unit_code"] for r in read_csv("units.csv") if r["unit_kind"] == "department")
    codes = [r[0] for r in fetch(demo, "select unit_code from units where unit_kind = 'department' "
                                       "order by unit_code")]
    assert codes == expected
    assert len(codes) == 20


# Fiscal years 2545–2570, framework 1 until 2551 and framework 2 from 2552.
def test_fiscal_years(demo):
    rows = fetch(demo, "select fiscal_year, framework_id from fiscal_years order by fiscal_year")
    assert rows == [(fy, 1 if fy < FRAMEWORK_CHANGE_FY else 2) for fy in ALL_YEARS]


# Results in both rounds of 2545–2569 and none in 2570.
def test_years_and_rounds_with_results(demo):
    rows = fetch(demo, "select distinct fiscal_year, inspection_round from results order by all")
    assert rows == [(fy, rnd) for fy in RESULT_YEARS for rnd in (1, 2)]


# Framework 1 has 4 objectives and 27 indicators; framework 2 has 3 and 30 (objective 1 removed).
@pytest.mark.parametrize("framework_id, num_objectives, num_indicators", [
    (1, 4, 27),
    (2, 3, 30),
])
def test_framework_sizes(demo, framework_id, num_objectives, num_indicators):
    assert fetch(demo, "select count(*) from objectives where framework_id = ?", [framework_id]) \
        == [(num_objectives,)]
    assert fetch(demo, "select count(*) from indicators where framework_id = ?", [framework_id]) \
        == [(num_indicators,)]


# In framework 2 every district office answers for 23 indicators and CSC for 20.
def test_indicators_per_unit_in_framework_2(demo):
    rows = fetch(demo, """
        select unit_code, units.unit_kind, count(*) as n
        from assignments join indicators using (indicator_code) join units using (unit_code)
        where indicators.framework_id = 2
        group by all""")
    districts = {u: n for u, kind, n in rows if kind == "district"}
    assert len(districts) == 50
    assert set(districts.values()) == {23}
    assert {u: n for u, _kind, n in rows}["CSC"] == 20


# ---- Determinism ----------------------------------------------------------------------------

# Two builds with the same seed hold identical results; another seed gives different ones.
def test_same_seed_same_results_other_seed_differs(demo_path, tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo-again")
    build_demo(folder / "same.duckdb")
    build_demo(folder / "other.duckdb", seed=1)
    first = results_frame(demo_path)
    pd.testing.assert_frame_equal(first, results_frame(folder / "same.duckdb"))
    other = results_frame(folder / "other.duckdb")
    assert not first.equals(other)
    # not only the row order or count: the measured values themselves differ
    key = ["fiscal_year", "inspection_round", "unit_code", "indicator_code"]
    both = first.merge(other, on=key, suffixes=("", "_other"))
    assert len(both) > 0.9 * len(first)
    assert (both["value"] != both["value_other"]).mean() > 0.2


# ---- Points: recomputed from data/rulesets/*.json by an independent implementation -------------

def load_official_rules() -> dict[str, dict]:
    """indicator_code -> its official rule, from the ruleset files and indicators.csv."""
    specs = {}
    for path in sorted((DATA / "rulesets").glob("official-*.json")):
        spec = json.loads(path.read_text(encoding="utf-8-sig"))
        assert spec["is_official"] is True
        specs[int(spec["framework_id"])] = spec
    rules = {}
    for ind in read_csv("indicators.csv"):
        spec = specs[int(ind["framework_id"])]
        rules[ind["indicator_code"]] = (spec.get("indicators", {}).get(ind["indicator_code"])
                                        or spec["by_measure"][ind["measure"]])
    return rules


def exact_points(rule: dict, value: Decimal) -> Decimal:
    """The points a value earns, in exact decimal arithmetic (half-up to 2 decimals)."""
    max_points = Decimal(str(rule["max_points"]))
    if rule["rule_type"] == "binary":
        return max_points if value >= 1 else Decimal(0)
    if rule["rule_type"] == "steps":
        earned = Decimal(0)
        for min_value, points in rule["steps"]:   # thresholds rise, so the last one reached wins
            if value >= Decimal(str(min_value)):
                earned = Decimal(str(points))
        return min(earned, max_points)
    assert rule["rule_type"] == "proportional"
    return min(max_points, max_points * value / Decimal(str(rule["target_value"])))


# The three rule types, checked by hand on values the official framework-2 rules make interesting.
@pytest.mark.parametrize("rule_type, value, expected", [
    ("binary", "0", "0"), ("binary", "1", "3"),
    ("steps", "1", "0"), ("steps", "2", "1"), ("steps", "3", "2"), ("steps", "4", "3"), ("steps", "5", "3"),
    ("proportional", "45", "1.6875"),    # 3 * 45 / 80
    ("proportional", "95", "3"),         # 3 * 95 / 80 = 3.5625, capped
])
def test_independent_rules_by_hand(rule_type, value, expected):
    rule = {"binary": {"rule_type": "binary", "max_points": 3},
            "steps": {"rule_type": "steps", "max_points": 3, "steps": [[2, 1], [3, 2], [4, 3]]},
            "proportional": {"rule_type": "proportional", "max_points": 3, "target_value": 80}}[rule_type]
    assert exact_points(rule, Decimal(value)) == Decimal(expected)


@pytest.fixture(scope="module")
def rescored(demo):
    """Every result row with its stored points and the exact points its official rule gives."""
    rules = load_official_rules()
    rows = fetch(demo, "select fiscal_year, indicator_code, value, points from results")
    framework_of_year = {fy: 1 if fy < FRAMEWORK_CHANGE_FY else 2 for fy in ALL_YEARS}
    out = []
    for fy, code, value, points in rows:
        # the indicator belongs to the framework of its year (codes are F1-… / F2-…)
        assert code.startswith(f"F{framework_of_year[fy]}-")
        out.append((code, value, points, exact_points(rules[code], value)))
    return out


# Every stored point is exactly what the official ruleset gives, rounded half up to a cent
# (half-cent ties such as 3 * 60.4 / 80 = 2.265 -> 2.27 included).
def test_stored_points_equal_official_rules(rescored):
    assert len(rescored) > 80_000
    ties = [r for r in rescored if r[3] * 1000 % 10 == 5]
    assert ties, "the demo has values whose points end in a half cent"
    wrong = [(code, value, points, exact.quantize(CENT, ROUND_HALF_UP))
             for code, value, points, exact in rescored
             if points != exact.quantize(CENT, ROUND_HALF_UP)]
    assert wrong == []


# ---- Missing submissions and coverage ----------------------------------------------------------

def expected_per_year(demo) -> dict[int, int]:
    """Results expected per fiscal year and round: assigned indicators of the year's framework,
    for units active that year (computed here, not through the assigned_indicators view)."""
    return dict(fetch(demo, """
        select fiscal_years.fiscal_year, count(*)
        from fiscal_years
        join indicators using (framework_id)
        join assignments using (indicator_code)
        join units using (unit_code)
        where fiscal_years.fiscal_year between units.active_from_fy
                                           and coalesce(units.active_to_fy, 9999)
        group by all"""))


# Every round has single submissions missing from units that did report that round.
def test_single_submissions_missing_in_every_round(demo):
    rows = fetch(demo, """
        with reporting as (
            select fiscal_year, inspection_round, unit_code, count(*) as num_received
            from results
            group by all
        ),
        assigned as (
            select fiscal_years.fiscal_year, unit_code, count(*) as num_assigned
            from fiscal_years
            join indicators using (framework_id)
            join assignments using (indicator_code)
            group by all
        )
        select fiscal_year, inspection_round, sum(num_assigned - num_received) as num_missing
        from reporting
        join assigned using (fiscal_year, unit_code)
        group by all""")
    missing = {(fy, rnd): n for fy, rnd, n in rows}
    assert sorted(missing) == [(fy, rnd) for fy in RESULT_YEARS for rnd in (1, 2)]
    assert all(0 < n < 20 for n in missing.values()), missing


# Coverage stays above 95 % in every round of every fiscal year: a few submissions are missing,
# never so many that the year is unusable.
def test_coverage_per_year_above_95(demo):
    expected = expected_per_year(demo)
    received = {(fy, rnd): n for fy, rnd, n in fetch(
        demo, "select fiscal_year, inspection_round, count(*) from results group by all")}
    for fy in RESULT_YEARS:
        got = [received[(fy, rnd)] for rnd in (1, 2)]
        assert all(0.95 < n / expected[fy] < 1 for n in got), (fy, got, expected[fy])


# coverage_by_round counts the same expected and received results, and none in FY2570.
def test_coverage_by_round_agrees(demo):
    expected = expected_per_year(demo)
    received = {(fy, rnd): n for fy, rnd, n in fetch(
        demo, "select fiscal_year, inspection_round, count(*) from results group by all")}
    rows = [(r.fiscal_year, r.inspection_round, r.num_expected, r.num_received)
            for r in demo.query("coverage_by_round").itertuples()]
    assert rows == [(fy, rnd, expected[fy], received.get((fy, rnd), 0))
                    for fy in ALL_YEARS for rnd in (1, 2)]
    assert received.get((2570, 1)) is None and expected[2570] > 0


# ---- The command line -------------------------------------------------------------------------

# `python -m saisaat info --format json` reports the numbers above.
def test_info_json(demo_path, demo):
    done = subprocess.run(
        [sys.executable, "-m", "saisaat", "info", "--format", "json", "--db", str(demo_path)],
        cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert done.returncode == 0, done.stderr
    info = json.loads(done.stdout)
    assert info["units_by_kind"] == {"department": 20, "district": 50}
    assert info["fiscal_years"] == {
        "first": 2545, "last": 2570,
        "with_results": list(RESULT_YEARS), "without_results": [2570],
    }
    assert [(f["framework_id"], f["first_fy"], f["last_fy"], f["objectives"], f["indicators"])
            for f in info["frameworks"]] == [(1, 2545, 2551, 4, 27), (2, 2552, None, 3, 30)]
    per_unit = info["indicators_per_unit"]
    assert {"framework_id": 2, "unit_kind": "district", "indicators": 23, "units": 50} in per_unit
    # CSC is the one department with 20 indicators in framework 2
    assert {"framework_id": 2, "unit_kind": "department", "indicators": 20, "units": 1} in per_unit
    assert info["result_rows"] == fetch(demo, "select count(*) from results")[0][0]
    assert [(b["batch_id"], b["source"], b["rows"]) for b in info["import_batches"]] \
        == [(1, "demo", info["result_rows"])]
