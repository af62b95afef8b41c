"""The inspection calendar (saisaat.fiscal.cycle_status) and plan tracking (saisaat.plans, store.record_plan_steps),
under the default calendar and deadlines (data/inspection_calendar.csv, data/plan_deadlines.csv: the BMA's
configuration, which a workbook can change).

FY2570 runs 1 Oct 2026 – 30 Sep 2027 (BE = CE + 543), so its cycle falls in CE 2026–2027:
    circular           2026-10-01 – 2026-10-31
    round1_work        2026-10-01 – 2027-03-30   (as the documents write it)
    round1_visits      2027-04-01 – 2027-04-20
    round2_work        2027-04-01 – 2027-08-31
    round2_visits      2027-08-01 – 2027-08-31
    evaluations_due    2027-10-01 – 2027-10-31
    compile_scores     2027-10-01 – 2027-10-31
    circulate_report   2027-11-01 – 2027-11-30
Plan deadlines (data/plan_deadlines.csv) fall in the CE year in which the plan's first fiscal year starts:
    action     drafted 31 Jul, approved 31 Aug, submitted 30 Sep, published 31 Oct, in_progress 30 Nov
    strategic  drafted 30 Jun, approved 15 Aug, submitted 30 Sep, published 31 Oct, in_progress 30 Nov
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import duckdb
import numpy as np
import pandas as pd
import pytest

from fixture import acting
from saisaat import plans, reference, store
from saisaat.fiscal import cycle_status, inspection_cycle

CALENDAR, DEADLINES = reference.inspection_calendar(), reference.plan_deadlines()
KEYS = ["circular", "round1_work", "round1_visits", "round2_work", "round2_visits",
        "evaluations_due", "compile_scores", "circulate_report"]


# --- the inspection cycle ------------------------------------------------------------------------

# FY2570's steps, in order, with the dates of the table above.
def test_inspection_cycle_dates():
    assert [(s.key, s.starts_on, s.ends_on) for s in inspection_cycle(CALENDAR, 2570)] == [
        ("circular", date(2026, 10, 1), date(2026, 10, 31)),
        ("round1_work", date(2026, 10, 1), date(2027, 3, 30)),
        ("round1_visits", date(2027, 4, 1), date(2027, 4, 20)),
        ("round2_work", date(2027, 4, 1), date(2027, 8, 31)),
        ("round2_visits", date(2027, 8, 1), date(2027, 8, 31)),
        ("evaluations_due", date(2027, 10, 1), date(2027, 10, 31)),
        ("compile_scores", date(2027, 10, 1), date(2027, 10, 31)),
        ("circulate_report", date(2027, 11, 1), date(2027, 11, 30)),
    ]


# State of every step on a day, with units reporting per round (received, due). Steps that wait for
# results carry received / expected: each round's own, and for the evaluations and the compilation the
# sum of both rounds (70 + 70 = 140 unit-rounds). Done needs every unit; past the end without it: late.
CASES = {
    # before round 1: the circular is over, round-1 work under way, nothing received yet
    "before_round1": (date(2026, 11, 28), {1: (0, 70), 2: (0, 70)}, [
        ("done", None, None), ("in_progress", None, None), ("upcoming", 0, 70), ("upcoming", None, None),
        ("upcoming", 0, 70), ("upcoming", 0, 140), ("upcoming", 0, 140), ("upcoming", None, None)]),
    # round-1 visits under way, 60 of 70 units in; round-2 work has started
    "round1_visits_incomplete": (date(2027, 4, 10), {1: (60, 70), 2: (0, 70)}, [
        ("done", None, None), ("done", None, None), ("in_progress", 60, 70), ("in_progress", None, None),
        ("upcoming", 0, 70), ("upcoming", 60, 140), ("upcoming", 60, 140), ("upcoming", None, None)]),
    # every unit already in: the visits still run to 20 April (only later steps close early)
    "round1_visits_complete": (date(2027, 4, 10), {1: (70, 70), 2: (0, 70)}, [
        ("done", None, None), ("done", None, None), ("in_progress", 70, 70), ("in_progress", None, None),
        ("upcoming", 0, 70), ("upcoming", 70, 140), ("upcoming", 70, 140), ("upcoming", None, None)]),
    # in October with every result in: the evaluations and the compilation are done early
    "october_complete": (date(2027, 10, 10), {1: (70, 70), 2: (70, 70)}, [
        ("done", None, None), ("done", None, None), ("done", 70, 70), ("done", None, None),
        ("done", 70, 70), ("done", 140, 140), ("done", 140, 140), ("upcoming", None, None)]),
    # in October with 2 units missing in round 2: round-2 visits late, evaluations still in progress
    "october_incomplete": (date(2027, 10, 10), {1: (70, 70), 2: (68, 70)}, [
        ("done", None, None), ("done", None, None), ("done", 70, 70), ("done", None, None),
        ("late", 68, 70), ("in_progress", 138, 140), ("in_progress", 138, 140), ("upcoming", None, None)]),
    # November after the year, complete: everything done, results being circulated
    "november_complete": (date(2027, 11, 15), {1: (70, 70), 2: (70, 70)}, [
        ("done", None, None), ("done", None, None), ("done", 70, 70), ("done", None, None),
        ("done", 70, 70), ("done", 140, 140), ("done", 140, 140), ("in_progress", None, None)]),
    # November, round 2 incomplete (68 + 70 = 138 of 140): every step that waited for it is late
    "november_incomplete": (date(2027, 11, 15), {1: (70, 70), 2: (68, 70)}, [
        ("done", None, None), ("done", None, None), ("done", 70, 70), ("done", None, None),
        ("late", 68, 70), ("late", 138, 140), ("late", 138, 140), ("in_progress", None, None)]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_cycle_status(case):
    today, reporting, expected = CASES[case]
    got = cycle_status(CALENDAR, 2570, today, reporting)
    assert [s.step.key for s in got] == KEYS
    assert [(s.state, s.received, s.expected) for s in got] == expected


# --- plans: deadlines, strategic years, status --------------------------------------------------

# Deadlines: FY2570 starts 1 Oct 2026, so its plans are due in 2026; FY2566 starts 1 Oct 2022.
@pytest.mark.parametrize("kind, year, step, due", [
    ("action", 2570, "drafted", date(2026, 7, 31)),
    ("action", 2570, "approved", date(2026, 8, 31)),
    ("action", 2570, "submitted", date(2026, 9, 30)),
    ("action", 2570, "published", date(2026, 10, 31)),
    ("action", 2570, "in_progress", date(2026, 11, 30)),
    ("strategic", 2570, "drafted", date(2026, 6, 30)),
    ("strategic", 2570, "approved", date(2026, 8, 15)),
    ("strategic", 2566, "submitted", date(2022, 9, 30)),
])
def test_due_date(kind, year, step, due):
    assert plans.due_date(DEADLINES, kind, year, step) == due


# Strategic plans run 2546–2549, 2550–2553, … 2566–2569, 2570–2573.
@pytest.mark.parametrize("year, start", [(2570, 2570), (2573, 2570), (2569, 2566), (2546, 2546), (2574, 2574)])
def test_strategic_start(year, start):
    assert plans.strategic_start(year) == start


UNITS = pd.DataFrame({"unit_code": ["U1", "U2", "U3"]})


def step(unit, step_, done_on, kind="action", year=2570):
    return {"unit_code": unit, "plan_kind": kind, "plan_year": year, "step": step_, "done_on": done_on}


RECORDED = pd.DataFrame([
    # U1: four steps, each before its deadline (published on its deadline day is on time)
    step("U1", "drafted", date(2026, 7, 20)), step("U1", "approved", date(2026, 8, 20)),
    step("U1", "submitted", date(2026, 9, 20)), step("U1", "published", date(2026, 10, 31)),
    # U2: drafted 5 days after 31 Jul, approved on time, nothing since
    step("U2", "drafted", date(2026, 8, 5)), step("U2", "approved", date(2026, 8, 30)),
    # U3: nothing for the FY2570 action plan; rows of other plans must be ignored
    step("U3", "drafted", date(2025, 7, 1), year=2569), step("U3", "drafted", date(2026, 6, 1), kind="strategic"),
])


# Status of the FY2570 action plan. On 31 Oct the published deadline is today, so not yet overdue;
# on 1 Nov it is. in_progress (30 Nov) is never overdue here.
@pytest.mark.parametrize("today, overdue", [
    (date(2026, 10, 31), {"U1": [], "U2": ["submitted"], "U3": ["drafted", "approved", "submitted"]}),
    (date(2026, 11, 1), {"U1": [], "U2": ["submitted", "published"],
                         "U3": ["drafted", "approved", "submitted", "published"]}),
])
def test_status(today, overdue):
    out = plans.status(UNITS, RECORDED, DEADLINES, "action", 2570, today)
    assert out["unit_code"].tolist() == ["U1", "U2", "U3"]
    assert out["reached"].tolist()[:2] == ["published", "approved"] and pd.isna(out.loc[2, "reached"])
    assert dict(zip(out["unit_code"], out["overdue"])) == overdue
    assert out["done_late"].tolist() == [[], ["drafted"], []]
    assert out["is_late"].tolist() == [False, True, True]
    assert out.loc[0, "drafted"] == date(2026, 7, 20) and pd.isna(out.loc[2, "drafted"])


# "The furthest step reached (or none)": views/reports.py shows it as
# `T(f"plan_step_{s}") if s else "—"`. BUG (failing): when some units have steps and another has none,
# pandas 3 stores the none as NaN (string column), which is truthy, so the page looks up the catalogue key
# plan_step_nan and raises KeyError (seen under AppTest: record one step of a plan nobody had started,
# then open the Reports page on that plan).
def test_status_nothing_reached_reads_as_none():
    out = plans.status(UNITS, RECORDED, DEADLINES, "action", 2570, date(2026, 11, 1))
    assert [s if s else "—" for s in out["reached"]] == ["published", "approved", "—"]


# The same status written for people (English), and the plan tab's headline counts: on 1 Nov 2026
# nobody has carried the plan through, U2 and U3 are late, U2 drafted late.
def test_status_labelled_and_counts():
    out = plans.status_labelled(plans.status(UNITS, RECORDED, DEADLINES, "action", 2570, date(2026, 11, 1)), "en")
    assert out["reached_text"].tolist() == ["Published", "Approved by the oversight committee", "—"]
    assert out.loc[1, "overdue_text"] == "Submitted to the Budget Bureau, Published"
    assert out.loc[1, "late_text"] == "Drafted"
    assert out["drafted"].tolist() == ["20 Jul 2026", "5 Aug 2026", "—"]
    assert plans.status_counts(out) == {"units": 3, "done": 0, "late": 2, "done_late": 1}


# Plan pickers: action plans by fiscal year; strategic plans by their first year (every 4 years).
def test_plan_years():
    assert plans.plan_years([2566, 2567, 2570], "action") == [2570, 2567, 2566]
    assert plans.plan_years([2566, 2567, 2570], "strategic") == [2570, 2566]   # 2566–2569, 2570–2573


# A database with no step recorded: every unit has every past step overdue.
def test_status_nothing_recorded():
    empty = pd.DataFrame(columns=["unit_code", "plan_kind", "plan_year", "step", "done_on"])
    out = plans.status(UNITS, empty, DEADLINES, "strategic", 2570, date(2026, 9, 1))
    assert out["reached"].tolist() == [None, None, None]
    assert out["overdue"].tolist() == [["drafted", "approved"]] * 3   # 30 Jun and 15 Aug 2026 passed


# --- checking rows before they are written ---------------------------------------------------------

KNOWN = {"D01", "D02"}
EXISTING = pd.DataFrame([step("D01", "drafted", date(2026, 7, 20))])
TOMORROW = date.today() + timedelta(days=1)


def frame(*rows) -> pd.DataFrame:
    return pd.DataFrame([step(*r[:3]) | dict(zip(("plan_kind", "plan_year"), r[3:])) for r in rows],
                        columns=["unit_code", "plan_kind", "plan_year", "step", "done_on"])


# Each problem as (row as Excel numbers it: header = 1, column letter, value, English message).
@pytest.mark.parametrize("rows, problems", [
    pytest.param([("D02", "drafted", date(2026, 7, 25))], [], id="clean"),
    pytest.param([("ZZZ", "drafted", date(2026, 7, 25))], [(2, "A", "ZZZ", "unknown unit code")], id="unknown_unit"),
    pytest.param([("D02", "drafted", date(2026, 7, 25), "yearly")],
                 [(2, "B", "yearly", "plan_kind must be strategic or action")], id="bad_kind"),
    pytest.param([("D02", "drafted", date(2026, 6, 25), "strategic", 2571)],
                 [(2, "C", "2571", "4-year strategic plans start in 2570: give the plan's first year")],
                 id="strategic_not_a_start_year"),
    pytest.param([("D02", "finished", date(2026, 7, 25))],
                 [(2, "D", "finished", "step must be one of drafted, approved, submitted, published, in_progress")],
                 id="bad_step"),
    pytest.param([("D01", "drafted", date(2026, 7, 25))], [(2, "D", "drafted", "this step is already recorded")],
                 id="recorded_twice"),
    pytest.param([("D02", "approved", date(2026, 8, 25)), ("D02", "approved", date(2026, 8, 26))],
                 [(3, "D", "approved", "duplicates row 2")], id="duplicate_in_file"),
    pytest.param([("D02", "drafted", TOMORROW)], [(2, "E", str(TOMORROW), "the date is in the future")],
                 id="future_date"),
    pytest.param([("D02", "drafted", "31/07/2569")], [(2, "E", "31/07/2569", "the date must read yyyy-mm-dd")],
                 id="not_a_date"),
])
def test_check_steps(rows, problems):
    got = plans.check_steps(frame(*rows), KNOWN, EXISTING, sheet="plans.csv")
    assert [(p.row, p.column, p.value, p.en) for p in got] == problems
    assert all(p.sheet == "plans.csv" and p.th for p in got)


# The Thai message of a strategic year names the plan's first year too (2573 → 2570).
def test_check_steps_thai_message():
    (p,) = plans.check_steps(frame(("D02", "drafted", date(2026, 6, 25), "strategic", 2573)), KNOWN, EXISTING)
    assert p.th == "แผนยุทธศาสตร์ 4 ปีเริ่มปี 2570 ใช้ปีเริ่มต้นของแผน"


# check_steps' docstring lists "a step recorded twice or before the step it follows" among the problems.
# BUG (failing): a file approving D02's plan on 10 Aug (row 2) before drafting it on 20 Aug (row 3) is
# accepted without a problem, whichever way "before" is read (row order or dates).
def test_check_steps_refuses_a_step_before_the_one_it_follows():
    rows = frame(("D02", "approved", date(2026, 8, 10)), ("D02", "drafted", date(2026, 8, 20)))
    assert plans.check_steps(rows, KNOWN, EXISTING) != []


# parse_csv: BOM and padded headers accepted; a Buddhist-era date (2569-07-20) becomes 20 Jul 2026, a CE
# date stays; an unreadable date is kept as text (check_steps then names it); plan_year becomes int.
def test_parse_csv_then_check():
    data = ("\ufeff unit_code , plan_kind,plan_year,step,done_on\n"
            "D02,action,2570,drafted,2569-07-20\n"
            "D02,action,2570,approved,2026-08-31\n"
            "D02,strategic,2570,drafted,30/06/2569\n").encode("utf-8")
    parsed = plans.parse_csv(data)
    assert parsed.columns.tolist() == ["unit_code", "plan_kind", "plan_year", "step", "done_on"]
    assert parsed["done_on"].tolist() == [date(2026, 7, 20), date(2026, 8, 31), "30/06/2569"]
    assert parsed["plan_year"].tolist() == [2570, 2570, 2570]
    got = plans.check_steps(parsed, KNOWN, EXISTING)
    assert [(p.row, p.column, p.value) for p in got] == [(4, "E", "30/06/2569")]


# --- writing: all or nothing -----------------------------------------------------------------------

def written(db) -> list[tuple]:
    return [tuple(r) for r in db.query("plan_steps_by_unit")[["unit_code", "plan_kind", "plan_year", "step"]]
            .itertuples(index=False)]


def full(unit, step_, done_on, **kw) -> dict:
    return step(unit, step_, done_on, **kw)


AT = datetime(2026, 11, 1, 9, 0)


# A clean batch lands whole (tiny database units D01, D02).
def test_record_plan_steps_writes_a_batch(tiny_db):
    store.record_plan_steps(tiny_db, pd.DataFrame([
        full("D01", "drafted", date(2026, 7, 20)), full("D01", "approved", date(2026, 8, 20)),
        full("D02", "drafted", date(2026, 7, 25))]), by=acting("secretariat"), at=AT)
    recorded = tiny_db.query("plan_steps_by_unit")
    assert set(recorded["recorded_by"]) == {"secretariat"} and set(recorded["recorded_at"]) == {pd.Timestamp(AT)}
    assert written(tiny_db) == [("D01", "action", 2570, "approved"), ("D01", "action", 2570, "drafted"),
                                ("D02", "action", 2570, "drafted")]


# A batch with one bad row (or recorded by nobody) writes nothing: the two good rows before it are
# rolled back, and a step already recorded stays the only row.
@pytest.mark.parametrize("bad, by", [
    pytest.param(full("ZZZ", "drafted", date(2026, 7, 25)), "secretariat", id="unknown_unit"),
    pytest.param(full("D02", "drafted", date(2026, 7, 25)), "  ", id="blank_recorded_by"),
    pytest.param(full("D02", "finished", date(2026, 7, 25)), "secretariat", id="bad_step"),
    pytest.param(full("D01", "drafted", date(2026, 7, 25)), "secretariat", id="duplicate_in_batch"),
    pytest.param(full("D02", "approved", date(2026, 8, 1)), "secretariat", id="already_recorded"),
])
def test_record_plan_steps_all_or_nothing(tiny_db, bad, by):
    store.record_plan_steps(tiny_db, pd.DataFrame([full("D02", "approved", date(2026, 8, 1))]), by=acting("secretariat"))
    before = written(tiny_db)
    batch = pd.DataFrame([full("D01", "drafted", date(2026, 7, 20)), full("D01", "approved", date(2026, 8, 20)), bad])
    with pytest.raises(duckdb.ConstraintException):
        store.record_plan_steps(tiny_db, batch, by=acting(by))
    assert written(tiny_db) == before == [("D02", "action", 2570, "approved")]


# --- demo steps ---------------------------------------------------------------------------------------

# The same seed gives the same steps, another seed others; and they are plausible: nothing after today,
# each plan's steps a prefix of the sequence, action plans 2566–2570 and strategic plans 2566 and 2570.
def test_demo_steps_deterministic():
    units = pd.DataFrame({"unit_code": [f"U{i}" for i in range(12)]})
    today = date(2026, 11, 28)
    a = plans.demo_steps(units, np.random.default_rng(7), today, DEADLINES)
    b = plans.demo_steps(units, np.random.default_rng(7), today, DEADLINES)
    c = plans.demo_steps(units, np.random.default_rng(8), today, DEADLINES)
    pd.testing.assert_frame_equal(a, b)
    assert not a[["unit_code", "plan_kind", "plan_year", "step", "done_on"]].equals(
        c[["unit_code", "plan_kind", "plan_year", "step", "done_on"]])
    assert (a["done_on"] <= today).all()
    assert sorted(set(zip(a["plan_kind"], a["plan_year"]))) == [
        ("action", 2566), ("action", 2567), ("action", 2568), ("action", 2569), ("action", 2570),
        ("strategic", 2566), ("strategic", 2570)]
    for _, plan in a.groupby(["unit_code", "plan_kind", "plan_year"]):
        assert plan["step"].tolist() == list(plans.STEPS[:len(plan)])
    assert plans.check_steps(a, set(units["unit_code"]), a.iloc[0:0]) == []
