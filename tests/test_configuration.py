"""The configuration workbook as a secretariat uses it: exported, edited (in openpyxl as a clerk would in
Excel, and re-saved by LibreOffice), checked, previewed, applied in one transaction, undone; a new framework
version and the results that follow it; the command line.

The tiny database (tests/fixture.py) is configured as: units D01, D02 (district offices, peer group Z1),
DEPA, DEPN (departments; DEPN from FY2562); framework 1 FY2560–2561, framework 2 from FY2562; results of
FY2560–2562. Its calendar ends in FY2563, so "today" is 1 June 2020 (FY2563) unless a test moves it: applying
a configuration then adds no fiscal year. The exported workbook's rows are sorted by key, so the sheets read
(row 1 Thai headers, row 2 English, data from row 3):
    units        3 D01, 4 D02, 5 DEPA, 6 DEPN          (A code … D kind, E peer group, H first FY, I last FY)
    frameworks   3 framework 1, 4 framework 2          (D first FY, E last FY)
    indicators   3 T1-1.01, 4 T1-1.02, 5 T1-2.01, 6 T2-1.01, 7 T2-1.02, 8 T2-2.01, 9 T2-2.02
    assignments  3–9 D01, 10–16 D02, 17–21 DEPA, 22–28 DEPN
    rules        3–5 framework 1 binary/count/percent, 6–8 framework 2 (F: steps, framework 2 count '2:1, 3:2, 4:3')
    settings     3–13 framework 1, 14–24 framework 2, by setting name (component.mission, levels, name_en,
                 name_th, pool_baht, round_aggregation, tier.1–3, tier_basis, transparency_weight)
    calendar     3 circular, 4 round1_work, 5 round1_visits, 6 round2_work, 7 round2_visits, 8 evaluations_due,
                 9 compile_scores, 10 circulate_report (A step, B–D start day, month, year, E–G end day, month,
                 year; the default: round 1 visits 1 Apr – 20 Apr of year 0, …)
    plan deadlines  3–7 action, 8–12 strategic, each drafted, approved, submitted, published, in_progress
                 (A kind, B step, C day, D month, E year; action drafted 31 Jul of year -1, approved 31 Aug, …)
"""
from __future__ import annotations

import hashlib
import io
import json
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pytest

from fixture import acting
from saisaat import auth, backup, cli, configuration, importer, labels, plans, reference, reports, store
from saisaat.auth import SYSTEM_USER
from saisaat.configuration import sheet_title
from saisaat.db import Database
from saisaat.fiscal import current_fiscal_year, inspection_cycle, pending_rounds
from saisaat.i18n import MessageError

CORPUS = Path(__file__).resolve().parent / "config_corpus"
CONFIG_TABLES = {"organisation", "unit_kinds", "peer_groups", "units", "frameworks", "fiscal_years", "objectives",
                 "indicators", "assignments", "rulesets", "rules", "rule_steps", "configuration_versions"}


@pytest.fixture(autouse=True)
def today_in_fy2563(monkeypatch):
    monkeypatch.setenv("SAISAAT_TODAY", "2020-06-01")


@pytest.fixture(scope="module")
def workbook(tiny_file) -> bytes:
    """The tiny database's configuration as the workbook a clerk downloads."""
    with Database(tiny_file, read_only=True) as d:
        return configuration.export_workbook(configuration.current(d))


# --- helpers: editing the workbook as a clerk would, and looking at every table ----------------------

def edit(data: bytes, *changes) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for change in changes:
        change(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def put(part: str, ref: str, value):
    return lambda wb: wb[sheet_title(part)].__setitem__(ref, value)


def append(part: str, *rows):
    def change(wb):
        for row in rows:
            wb[sheet_title(part)].append(list(row))
    return change


def delete_rows(part: str, row: int, amount: int = 1):
    return lambda wb: wb[sheet_title(part)].delete_rows(row, amount)


def checksums(db: Database) -> dict[str, str]:
    """A checksum of every table's rows (in a fixed order)."""
    out = {}
    for name, table in backup.table_frames(db).items():
        table = table.sort_by([(c, "ascending") for c in table.column_names]).combine_chunks()
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        out[name] = hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()
    assert set(out) == set(store.TABLES)
    return out


def spec_meaning(text: str) -> str:
    """A ruleset file as what it means: numbers as numbers (1 = 1.0), no override the same as empty
    overrides, the default round aggregation written out (a configuration rebuilds the file from its rows)."""
    spec = json.loads(text, parse_int=float)
    spec = {k: v for k, v in spec.items() if v != {}}
    spec.setdefault("round_aggregation", "score_each_round")
    return json.dumps(spec, sort_keys=True)


def rows(db: Database, table: str) -> list[tuple]:
    """A table's rows, sorted; a ruleset's spec_json by its meaning (its text may be normalised)."""
    frame = backup.table_frames(db)[table].to_pandas()
    if "spec_json" in frame:
        frame["spec_json"] = frame["spec_json"].map(spec_meaning)
    return sorted(tuple(None if v is None or v != v else v for v in r)
                  for r in frame.itertuples(index=False, name=None))


def located(problems) -> list[tuple]:
    return [(p.sheet, p.row, p.column, p.value, p.message.key) for p in problems]


def plan(db: Database, data: bytes, name: str = "config.xlsx"):
    return configuration.plan_configuration(db, data, name)


def exported(db: Database) -> dict:
    return {k: v.to_dict(orient="records") for k, v in configuration.current(db).items()}


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


U, F, I, A = sheet_title("units"), sheet_title("frameworks"), sheet_title("indicators"), sheet_title("assignments")
R, S, K = sheet_title("rules"), sheet_title("settings"), sheet_title("unit_kinds")
C, P = sheet_title("calendar"), sheet_title("plan_deadlines")


# --- export → import changes nothing ------------------------------------------------------------------

# The workbook as exported, and as LibreOffice re-saves it (yes/no cells become =TRUE() formulas), reads
# back as exactly the configuration in use: no problem, no change, nothing rescored. Applying it is refused
# as "nothing to change" (a version that changes nothing would blur the history), and nothing is written.
@pytest.mark.parametrize("source", ["export", "libreoffice"])
def test_unchanged_workbook_changes_nothing(db, workbook, source):
    data = workbook if source == "export" else (CORPUS / "tiny_libreoffice.xlsx").read_bytes()
    before = checksums(db)
    p = plan(db, data)
    assert p.problems == []
    assert not p.has_changes and configuration.changes_frame(p, "en").empty
    assert set(p.summary.values()) == {0} and p.rescored.empty
    assert {k: v.to_dict(orient="records") for k, v in p.config.items()} == exported(db)
    with pytest.raises(MessageError) as refused:
        store.apply_configuration(db, p, by=acting("secretariat"), reason="same again")
    assert [m.key for m in refused.value.messages] == ["cfg_nothing_to_change"]
    assert checksums(db) == before


# Every sheet has Thai headers in row 1 and English in row 2, and the sheet names carry the part's key.
def test_workbook_layout(workbook):
    wb = openpyxl.load_workbook(io.BytesIO(workbook))
    assert wb.sheetnames == [sheet_title(p.key) for p in configuration.PARTS]
    units = wb[U]
    assert [c.value for c in units[1]][:4] == ["รหัสหน่วยงาน", "ชื่อภาษาไทย", "ชื่อภาษาอังกฤษ", "รหัสประเภทหน่วยงาน"]
    assert [c.value for c in units[2]][:4] == ["unit code", "Thai name", "English name", "unit kind code"]
    assert [c.value for c in units[3]] == ["D01", "สำนักงานเขตทดสอบหนึ่ง", "Test District One", "district", "Z1",
                                           None, "service", 2560, None]


# --- malformed workbooks: each refused with located problems, nothing written -------------------------

MALFORMED = {
    # a unit's kind, group and period
    "unknown_kind": ([put("units", "D3", "amphoe")], [(U, 3, "D", "amphoe", "cfg_unknown_kind")]),
    "grouped_kind_without_group": ([put("units", "E3", None)], [(U, 3, "E", None, "cfg_needs_group")]),
    "unknown_peer_group": ([put("units", "E4", "Z9")], [(U, 4, "E", "Z9", "cfg_unknown_group")]),
    "group_for_ungrouped_kind": ([put("units", "E5", "Z1")], [(U, 5, "E", "Z1", "cfg_kind_not_grouped")]),
    "retired_before_started": ([put("units", "I6", 2561)], [(U, 6, "I", "2561", "cfg_retired_before_start")]),
    "gregorian_year": ([put("units", "H3", 2017)], [(U, 3, "H", "2017", "cfg_fiscal_year_range")]),
    "retired_before_its_results": ([put("units", "I3", 2561)], [(U, 3, "I", "2561", "cfg_unit_results_after_end")]),
    "started_after_its_results": ([put("units", "H4", 2561)],
                                  [(U, 4, "H", "2561", "cfg_unit_results_before_start")]),
    # codes, cells and columns
    "duplicate_unit_code": ([put("units", "A4", "D01")], [(U, 4, "A", "D01", "cfg_duplicate_key")]),
    "duplicate_assignment": ([append("assignments", ("D01", "T1-1.01"))],
                             [(A, 29, "B", "D01 / T1-1.01", "cfg_duplicate_key")]),
    "blank_required_cell": ([put("units", "B4", None)], [(U, 4, "B", None, "cfg_required")]),
    "not_a_whole_number": ([put("frameworks", "D3", "สองพันห้าร้อยหกสิบ")],
                           [(F, 3, "D", "สองพันห้าร้อยหกสิบ", "cfg_not_whole_number")]),
    "not_a_number": ([put("rules", "D6", "สาม")], [(R, 6, "D", "สาม", "cfg_not_number")]),
    "not_yes_or_no": ([put("unit_kinds", "E3", "maybe")], [(K, 3, "E", "maybe", "cfg_not_yes_no")]),
    "formula_cell": ([put("units", "B3", "=A3&\" office\"")], [(U, 3, "B", "=A3&\" office\"", "imp_formula_cell")]),
    "unknown_column": ([put("units", "J1", "สีประจำหน่วย")], [(U, 1, "J", "สีประจำหน่วย", "cfg_unknown_column")]),
    "column_twice": ([put("units", "J1", "ชื่อภาษาไทย")], [(U, 1, "J", "ชื่อภาษาไทย", "cfg_column_twice")]),
    "missing_column": ([lambda wb: wb[U].delete_cols(8)], [(U, 1, None, None, "cfg_missing_column")]),
    "missing_sheet": ([lambda wb: wb.remove(wb[sheet_title("peer_groups")])],
                      [("config.xlsx", None, None, sheet_title("peer_groups"), "cfg_missing_sheet")]),
    "sheet_twice": ([lambda wb: setattr(wb.copy_worksheet(wb[U]), "title", "units")],
                    [("units", None, None, None, "cfg_sheet_twice")]),
    "unknown_sheet": ([lambda wb: wb.create_sheet("หมายเหตุ")["A1"].__setattr__("value", "x")],
                      [("หมายเหตุ", None, None, "หมายเหตุ", "cfg_unknown_sheet")]),
    "organisation_item_missing": ([delete_rows("organisation", 3)],
                                  [(sheet_title("organisation"), None, "A", "centre_name", "cfg_org_item_missing")]),
    # references between sheets
    "indicator_without_objective": ([put("indicators", "C3", 7)], [(I, 3, "C", "7", "cfg_unknown_objective")]),
    "unknown_measure": ([put("indicators", "F9", "ratio")], [(I, 9, "F", "ratio", "cfg_unknown_measure")]),
    "assignment_to_unknown_unit": ([append("assignments", ("X99", "T2-1.01"), ("X99", "T2-1.02"))],
                                   [(A, 29, "A", "X99", "cfg_assignments_unknown_unit")]),
    # frameworks
    "frameworks_overlap": ([put("frameworks", "D4", 2561)],
                           [(F, 4, "D", "2561", "cfg_frameworks_overlap"),
                            (F, 3, "E", "2561", "cfg_results_other_framework")]),
    "frameworks_leave_a_gap": ([put("frameworks", "D4", 2563)], [(F, 4, "D", "2563", "cfg_frameworks_gap")]),
    "framework_ends_before_it_starts": ([put("frameworks", "E3", 2559)],
                                        [(F, 3, "E", "2559", "cfg_framework_ends_before_start"),
                                         (F, 4, "D", "2562", "cfg_frameworks_gap")]),
    "open_framework_not_last": ([put("frameworks", "E3", None)],
                                [(F, 3, "E", None, "cfg_framework_open_not_last")]),
    "years_with_results_change_framework": ([put("frameworks", "E3", 2560), put("frameworks", "D4", 2561)],
                                            [(F, 3, "E", "2560", "cfg_results_other_framework")]),
    # point rules and settings
    "steps_do_not_rise": ([put("rules", "F7", "2:1, 2:2, 4:3")], [(R, 7, "F", "2:1, 2:2, 4:3", "cfg_rule_problem")]),
    "steps_unreadable": ([put("rules", "F4", "one:1")], [(R, 4, "F", "one:1", "cfg_steps_unreadable")]),
    "no_full_points": ([put("rules", "D6", 0)], [(R, 6, "D", "0", "cfg_rule_problem")]),
    "target_on_a_binary_rule": ([put("rules", "E3", 5)], [(R, 3, "E", "5", "cfg_rule_value_unused")]),
    "rule_for_unknown_scope": ([put("rules", "B5", "ratio")], [(R, 5, "B", "ratio", "cfg_unknown_scope")]),
    "framework_without_rules": ([delete_rows("rules", 3, 3)], [(R, None, "A", "1", "cfg_framework_without_rules")]),
    "weights_do_not_add_up": ([put("settings", "C24", "0.5")], [(S, 24, "C", "0.5", "cfg_setting_problem")]),
    "objective_weights_do_not_add_up": (
        [append("settings", (2, "objective_weight.1", "0.5"), (2, "objective_weight.2", "0.3"))],
        [(S, 25, "C", "0.5", "cfg_setting_problem")]),
    "levels_do_not_rise": ([put("settings", "C4", "50, 40, 70, 80, 90")],
                           [(S, 4, "C", "50, 40, 70, 80, 90", "cfg_setting_problem")]),
    "tier_unreadable": ([put("settings", "C9", "A; 4; 2")], [(S, 9, "C", "A; 4; 2", "cfg_setting_unreadable")]),
    "unknown_setting": ([put("settings", "B3", "colour")], [(S, 3, "B", "colour", "cfg_unknown_setting")]),
    "unknown_round_aggregation": ([put("settings", "C8", "average")], [(S, 8, "C", "average", "cfg_setting_choice")]),
    # stored results keep their meaning
    "unit_with_results_removed": ([delete_rows("units", 5)],
                                  [(A, 17, "A", "DEPA", "cfg_assignments_unknown_unit"),
                                   (U, None, "A", "DEPA", "cfg_unit_has_results")]),
    "indicator_with_results_removed": ([delete_rows("indicators", 3)],
                                       [(A, 3, "B", "T1-1.01", "cfg_assignments_unknown_indicator"),
                                        (I, None, "A", "T1-1.01", "cfg_indicator_has_results")]),
    "indicator_with_results_changes_measure": ([put("indicators", "F3", "count")],
                                               [(I, 3, "F", "count", "cfg_indicator_meaning_changed")]),
    "indicator_with_results_changes_framework": ([put("indicators", "B3", 2), put("indicators", "C3", 1)],
                                                 [(I, 3, "B", "2", "cfg_indicator_meaning_changed")]),
    "assignment_with_results_removed": ([delete_rows("assignments", 3)],
                                        [(A, None, "B", "D01 / T1-1.01", "cfg_assignment_has_results")]),
    # the inspection calendar: real days, windows that end after they start, rounds inside their fiscal year,
    # start dates rising in the steps' order, every step once
    "calendar_dates_do_not_rise": ([put("calendar", "C7", 3)], [(C, 7, "B", "1", "cfg_cal_not_rising")]),
    "calendar_window_ends_before_it_starts": ([put("calendar", "F5", 3)],
                                              [(C, 5, "E", "20", "cfg_window_ends_before_start")]),
    "round_visits_outside_fiscal_year": ([put("calendar", "F7", 10)],
                                         [(C, 7, "E", "31", "cfg_cal_round_outside_year")]),
    "calendar_day_not_every_year": ([put("calendar", "F4", 2)], [(C, 4, "E", "30", "cfg_no_such_day")]),
    "calendar_year_typed_as_buddhist_era": ([put("calendar", "D3", 2569)], [(C, 3, "D", "2569", "cfg_bad_year_offset")]),
    "calendar_month_13": ([put("calendar", "C8", 13)], [(C, 8, "C", "13", "cfg_bad_month")]),
    "unknown_calendar_step": ([put("calendar", "A3", "circular_letter")],
                              [(C, 3, "A", "circular_letter", "cfg_cal_unknown_step"),
                               (C, None, "A", "circular", "cfg_cal_step_missing")]),
    "step_after_the_next_year": ([put("calendar", "G10", 1), put("calendar", "F10", 10)],
                                 [(C, 10, "E", "30", "cfg_cal_too_late")]),
    # plan deadlines: known kinds and steps, each once, rising, due by the end of the plan's first fiscal year
    "unknown_plan_step": ([put("plan_deadlines", "B3", "draft")],
                          [(P, 3, "B", "draft", "cfg_plan_unknown_step"),
                           (P, None, "B", "action / drafted", "cfg_plan_deadline_missing")]),
    "unknown_plan_kind": ([put("plan_deadlines", "A8", "yearly")],
                          [(P, 8, "A", "yearly", "cfg_plan_unknown_kind"),
                           (P, None, "B", "strategic / drafted", "cfg_plan_deadline_missing")]),
    "plan_deadline_outside_its_fiscal_year": ([put("plan_deadlines", "E7", 0)],
                                              [(P, 7, "E", "0", "cfg_plan_deadline_after_year")]),
    "plan_deadlines_do_not_rise": ([put("plan_deadlines", "C4", 15), put("plan_deadlines", "D4", 7)],
                                   [(P, 4, "C", "15", "cfg_plan_not_rising")]),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_workbook_refused_with_located_problems(db, workbook, case):
    changes, expected = MALFORMED[case]
    before = checksums(db)
    p = plan(db, edit(workbook, *changes))
    assert located(p.problems) == expected
    assert p.config is None
    for problem in p.problems:   # each says what is wrong in both languages
        assert problem.message.text("th") and problem.message.text("en")
    with pytest.raises(MessageError) as refused:
        store.apply_configuration(db, p, by=acting("secretariat"), reason="try", rescore=True)
    assert [m.key for m in refused.value.messages] == ["cfg_not_checked"]
    assert checksums(db) == before


def test_malformed_cases_are_many():
    assert len(MALFORMED) >= 20


# Messages name what to do in the reader's language, with the rows that repeat: one message for a unit
# removed from the units sheet although five assignment rows still name it.
def test_problem_text_in_each_language(db, workbook):
    p = plan(db, edit(workbook, delete_rows("units", 5)))
    first = p.problems[0]
    assert first.text("en") == (f"{A}, row 17, column A ('DEPA'): this unit is not on the units sheet (rows 17–21 "
                                "of this sheet): add the unit, or delete those rows")
    assert first.text("th") == (f"{A}, แถว 17, คอลัมน์ A ('DEPA'): ไม่มีหน่วยงานนี้ในแผ่นงานหน่วยงาน (แถว 17–21 "
                                "ของแผ่นงานนี้) เพิ่มหน่วยงาน หรือลบแถวเหล่านั้น")
    rule = plan(db, edit(workbook, put("rules", "F7", "2:1, 2:2, 4:3"))).problems[0]
    assert rule.text("en").endswith("this rule cannot be applied: step thresholds must rise strictly "
                                    "(no overlap or repeat)")
    assert rule.text("th").endswith("เกณฑ์นี้ใช้ไม่ได้: ค่าขั้นต่ำของขั้นต้องเรียงจากน้อยไปมากและไม่ซ้ำกัน")


# A calendar problem says what to do in the reader's language, naming the step it must follow.
def test_calendar_problem_text(db, workbook):
    problem = plan(db, edit(workbook, put("calendar", "C7", 3))).problems[0]
    assert problem.text("en") == (f"{C}, row 7, column B ('1'): this step starts before the step before it "
                                  "(Round 2 work): the start dates must follow the steps' order")
    assert problem.text("th") == (f"{C}, แถว 7, คอลัมน์ B ('1'): ขั้นตอนนี้เริ่มก่อนขั้นตอนก่อนหน้า (ผลงานรอบที่ 2) "
                                  "ให้วันที่เริ่มเรียงตามลำดับขั้นตอน")


# --- the inspection calendar and plan deadlines as configuration --------------------------------------

# The calendar sheets as exported: Thai headers, English below, the steps in the cycle's order and the
# default dates relative to the fiscal year.
def test_calendar_sheets_layout(workbook):
    wb = openpyxl.load_workbook(io.BytesIO(workbook))
    calendar = wb[C]
    assert [c.value for c in calendar[1]][:4] == ["ขั้นตอน", "วันที่เริ่ม", "เดือนที่เริ่ม (1–12)",
                                                  "ปีที่เริ่ม (-1, 0, 1 เทียบปีงบประมาณ)"]
    assert [c.value for c in calendar[2]][:4] == ["step", "start day", "start month (1–12)",
                                                  "start year (-1, 0, 1 from the fiscal year)"]
    assert [[c.value for c in row] for row in calendar.iter_rows(min_row=3)] == [
        ["circular", 1, 10, -1, 31, 10, -1], ["round1_work", 1, 10, -1, 30, 3, 0],
        ["round1_visits", 1, 4, 0, 20, 4, 0], ["round2_work", 1, 4, 0, 31, 8, 0],
        ["round2_visits", 1, 8, 0, 31, 8, 0], ["evaluations_due", 1, 10, 0, 31, 10, 0],
        ["compile_scores", 1, 10, 0, 31, 10, 0], ["circulate_report", 1, 11, 0, 30, 11, 0]]
    deadlines = wb[P]
    assert [c.value for c in deadlines[2]] == ["plan kind (strategic, action)", "step", "due day", "due month (1–12)",
                                               "due year (-1, 0 from the plan's first fiscal year)"]
    assert [c.value for c in deadlines[3]] == ["action", "drafted", 31, 7, -1]
    assert [c.value for c in deadlines[12]] == ["strategic", "in_progress", 30, 11, -1]


# Round 1's visits extended to 30 April and the action plan's draft due 15 July: the preview says exactly
# that; once applied, every reader takes the new dates from the database (the cycle, the rounds still
# pending, the cycle table of the Reports page, the plans' deadlines and who is late); undo restores it.
def test_calendar_change_previewed_applied_read_and_undone(db, workbook):
    before_config, before = exported(db), {t: rows(db, t) for t in store.TABLES}
    p = plan(db, edit(workbook, put("calendar", "E5", 30), put("plan_deadlines", "C3", 15)), "calendar.xlsx")
    assert p.problems == [] and p.has_changes
    assert set(p.summary.values()) == {0}
    assert configuration.changes_frame(p, "en").values.tolist() == [
        ["Inspection calendar", "changed", "round1_visits", "end day: 20 → 30"],
        ["Plan deadlines", "changed", "action / drafted", "due day: 31 → 15"]]
    version = store.apply_configuration(db, p, by=acting("secretariat"), reason="longer round 1 visits")
    calendar = db.query("inspection_calendar_by_step")
    steps = {s.key: (s.starts_on, s.ends_on) for s in inspection_cycle(calendar, 2563)}
    assert steps["round1_visits"] == (date(2020, 4, 1), date(2020, 4, 30))
    assert pending_rounds(calendar, 2563, None, date(2020, 4, 25)) == [1, 2]     # was [2] under 20 April
    table = reports.cycle_table(db, 2563, date(2020, 4, 25), "en").set_index("step")
    assert table.loc["Round 1 inspection visits", "when"] == "1 Apr 2020 – 30 Apr 2020"
    assert table.loc["Round 1 inspection visits", "state"] == "In progress"
    deadlines = db.query("plan_deadlines_by_step")
    assert plans.due_date(deadlines, "action", 2564, "drafted") == date(2020, 7, 15)
    late = plans.status(pd.DataFrame({"unit_code": ["D01"]}), pd.DataFrame(
        columns=["unit_code", "plan_kind", "plan_year", "step", "done_on"]), deadlines, "action", 2564, date(2020, 7, 20))
    assert late["overdue"].tolist() == [["drafted"]]                              # due 15 July, not 31 July
    assert [t for t in store.TABLES if rows(db, t) != before[t]] == [
        "inspection_calendar", "plan_deadlines", "configuration_versions", "audit_log"]
    undo = configuration.plan_undo(db, version)
    assert configuration.changes_frame(undo, "en")["key"].tolist() == ["round1_visits", "action / drafted"]
    store.undo_configuration(db, undo, version, by=acting("secretariat"), reason="back")
    assert exported(db) == before_config
    assert [t for t in store.TABLES if rows(db, t) != before[t]] == ["configuration_versions", "audit_log"]


def without_calendar_sheets(wb):
    for part in configuration.OPTIONAL_PARTS:
        wb.remove(wb[sheet_title(part)])


# A workbook made before the calendar was configuration (no calendar or plan-deadline sheet) still imports:
# the calendar in use stays as it is (here one applied before, not the default), only the other change
# applies. `init` from such a workbook starts with the default calendar.
def test_older_workbook_without_calendar_sheets_keeps_them(db, workbook, tmp_path):
    changed = plan(db, edit(workbook, put("calendar", "E5", 30)), "calendar.xlsx")
    store.apply_configuration(db, changed, by=acting("secretariat"), reason="longer visits")
    kept = {k: exported(db)[k] for k in ("calendar", "plan_deadlines")}
    older = edit(workbook, without_calendar_sheets, put("units", "C3", "District One"))
    p = plan(db, older, "older.xlsx")
    assert p.problems == []
    assert configuration.changes_frame(p, "en").values.tolist() == [
        ["Units", "changed", "D01", "English name: Test District One → District One"]]
    store.apply_configuration(db, p, by=acting("secretariat"), reason="rename")
    after = exported(db)
    assert {k: after[k] for k in kept} == kept and after["calendar"][2]["end_day"] == 30
    assert db.query("units_by_code").set_index("unit_code").loc["D01", "name_en"] == "District One"
    new = configuration.plan_new(older, "older.xlsx")
    assert new.problems == []
    store.init_database(tmp_path / "new.duckdb", new, by=acting("installer"))
    with Database(tmp_path / "new.duckdb", read_only=True) as made:
        for table, default in (("inspection_calendar", reference.inspection_calendar()),
                               ("plan_deadlines", reference.plan_deadlines())):
            assert rows(made, table) == sorted(default.itertuples(index=False, name=None))


# --- a change applied, previewed exactly, and undone exactly -----------------------------------------

# A clerk's edit in LibreOffice (D01 renamed in English, D02 retired after FY2563, D03 added with its four
# framework-2 indicators, T2-1.01 reworded): the preview says exactly that, and nothing is rescored.
def test_libreoffice_edit_previewed_exactly(db):
    p = plan(db, (CORPUS / "tiny_edited_libreoffice.xlsx").read_bytes(), "edited.xlsx")
    assert p.problems == []
    assert p.summary == {"units_added": 1, "units_renamed": 1, "units_retired": 1, "indicators_added": 0,
                         "indicators_reworded": 1, "frameworks_added": 0, "assignments_added": 4,
                         "assignments_removed": 0, "rules_changed": 0, "results_rescored": 0}
    assert configuration.changes_frame(p, "en").values.tolist() == [
        ["Units", "added", "D03", ""],
        ["Units", "changed", "D01", "English name: Test District One → Test District One (renamed)"],
        ["Units", "changed", "D02", "last fiscal year: None → 2563"],
        ["Indicators", "changed", "T2-1.01", "Thai name: ตัวชี้วัดทดสอบ T2-1.01 → ถ้อยคำใหม่ของตัวชี้วัด T2-1.01"],
    ] + [["Assignments", "added", f"D03 / {code}", ""] for code in ("T2-1.01", "T2-1.02", "T2-2.01", "T2-2.02")]


# Apply → undo restores exactly: the configuration exported after the undo equals the one before the apply,
# results and their history are identical, and the history of versions says who did what and why.
def test_apply_then_undo_restores_exactly(db):
    before_config, before = exported(db), {t: rows(db, t) for t in store.TABLES}
    p = plan(db, (CORPUS / "tiny_edited_libreoffice.xlsx").read_bytes(), "edited.xlsx")
    version = store.apply_configuration(db, p, by=acting("clerk"), reason="new district office")
    assert version == 2
    units = db.query("units_by_code").set_index("unit_code")
    assert units.loc["D01", "name_en"] == "Test District One (renamed)"
    assert units.loc["D02", "active_to_fy"] == 2563
    assert units.loc["D03", "name_th"] == "สำนักงานเขตทดสอบสาม"
    assert pd.isna(units.loc["DEPA", "peer_group_code"])    # a blank optional cell is stored as no value
    assert rows(db, "results") == before["results"]       # a configuration never touches results
    undo = configuration.plan_undo(db, 2)
    assert undo.problems == []
    assert store.undo_configuration(db, undo, 2, by=acting("auditor"), reason="wrong file") == 3
    assert exported(db) == before_config
    after = {t: rows(db, t) for t in store.TABLES}
    assert [t for t in store.TABLES if after[t] != before[t]] == ["configuration_versions", "audit_log"]
    history = db.query("configuration_versions_by_id")
    assert history[["version_id", "applied_by", "reason", "file_name", "undoes"]].astype(object).where(
        history.notna(), None).values.tolist()[1:] == [
        [2, "clerk", "new district office", "edited.xlsx", None],
        [3, "auditor", "wrong file", "undo of version 2", 2]]


# Only the latest version can be undone, and version 1 (the database's first configuration) cannot.
def test_undo_refusals(db):
    with pytest.raises(MessageError) as first:
        configuration.plan_undo(db, 1)
    assert [m.key for m in first.value.messages] == ["cfg_undo_first"]
    store.apply_configuration(db, plan(db, (CORPUS / "tiny_edited_libreoffice.xlsx").read_bytes()), by=acting("clerk"))
    with pytest.raises(MessageError) as older:
        configuration.plan_undo(db, 1)
    assert [(m.key, dict(m.params)) for m in older.value.messages] == [("cfg_undo_not_latest", {"latest": 2})]


# --- a rule change that moves stored points -----------------------------------------------------------

# Framework 2's count steps become 1 → 1, 3 → 2, 4 → 3: one stored result (FY2562 round 1, D02, T2-1.02,
# value 1) goes from 0 to 1 point. Without --rescore and a reason it is refused and nothing is written; with
# them the result is rescored under a 'rescore' batch (4), its old points kept in results_history; undoing
# the version puts the old points back and leaves results and their history exactly as before.
def test_rule_change_rescores_only_when_confirmed(db, workbook):
    p = plan(db, edit(workbook, put("rules", "F7", "1:1, 3:2, 4:3")), "steps.xlsx")
    assert p.problems == [] and p.summary["rules_changed"] == 1 and p.summary["results_rescored"] == 1
    assert p.rescored[["fiscal_year", "inspection_round", "unit_code", "indicator_code", "stored_points",
                       "ruleset_points"]].values.tolist() == [[2562, 1, "D02", "T2-1.02", 0.0, 1.0]]
    before, results_before = checksums(db), rows(db, "results")
    for flags in ({}, {"rescore": True}, {"rescore": True, "reason": "  "}, {"reason": "steps lowered"}):
        with pytest.raises(MessageError) as refused:
            store.apply_configuration(db, p, by=acting("secretariat"), **flags)
        assert [(m.key, dict(m.params)) for m in refused.value.messages] == [
            ("cfg_rescore_needs_confirmation", {"n": 1})]
        assert checksums(db) == before
    version = store.apply_configuration(db, p, by=acting("secretariat"), reason="steps lowered", rescore=True)
    results = {(r[0], r[1], r[2], r[3]): (r[4], r[5], r[9]) for r in rows(db, "results")}
    assert results[(2562, 1, "D02", "T2-1.02")] == (D("1.00"), D("1.00"), 4)
    assert results[(2562, 2, "D02", "T2-1.02")] == (D("2.00"), D("1.00"), 2)   # unchanged, same batch
    assert [r[:6] + r[9:] for r in rows(db, "results_history")] == [
        (2562, 1, "D02", "T2-1.02", D("1.00"), D("0.00"), 2, 4)]
    batch = [r for r in rows(db, "import_batches") if r[0] == 4][0]
    assert (batch[1], batch[5], batch[6], batch[9], batch[11]) == ("rescore", "secretariat", 1, 1, "steps lowered")
    assert db.query("configuration_versions_by_id")["rescore_batch"].tolist()[-1] == 4
    scores = db.query("unit_scores", fiscal_year=2562, inspection_round=None).set_index("unit_code")
    assert scores.loc["D02", "points"] == 9.69       # 8.69 before: 1.69 + 3 in round 1, 3 + 1 in round 2
    undo = configuration.plan_undo(db, version)
    assert undo.summary["results_rescored"] == 1     # the old rules give the old points back
    store.undo_configuration(db, undo, version, by=acting("secretariat"), reason="back to the old steps")
    assert rows(db, "results") == results_before
    assert rows(db, "results_history") == []
    assert [r[12] is not None for r in rows(db, "import_batches") if r[0] == 4] == [True]   # batch 4 undone


# --- units retired and renamed --------------------------------------------------------------------------

# Retiring a unit never deletes its results: D02 retired after FY2562 keeps every stored result, is no longer
# expected in FY2563, and its name change shows wherever pages take unit names from (units_by_code).
def test_retire_and_rename_unit(db, workbook):
    results_before = rows(db, "results")
    p = plan(db, edit(workbook, put("units", "I4", 2562), put("units", "B4", "สำนักงานเขตทดสอบสอง (ชื่อใหม่)")))
    assert p.summary["units_retired"] == 1 and p.summary["units_renamed"] == 1
    store.apply_configuration(db, p, by=acting("secretariat"), reason="D02 merged into D01")
    assert rows(db, "results") == results_before
    assert labels.unit_names(db, "th")["D02"] == "สำนักงานเขตทดสอบสอง (ชื่อใหม่)"
    expected_2563 = set(db.query("unit_scores", fiscal_year=2563, inspection_round=None)["unit_code"])
    assert expected_2563 == {"D01", "DEPA", "DEPN"}
    assert "D02" in set(db.query("unit_scores", fiscal_year=2562, inspection_round=None)["unit_code"])


# --- a new framework version through the workbook -------------------------------------------------------

def framework_3(workbook: bytes) -> bytes:
    """Framework 3 from FY2564: framework 2 ends in FY2563; its two objectives merged into one; three new
    indicators (binary and count for every unit, percent for the 'service' mission); its own rules."""
    return edit(
        workbook,
        put("frameworks", "E4", 2563),
        append("frameworks", (3, "กรอบทดสอบที่ 3", "Test framework 3", 2564, None)),
        append("objectives", (3, 1, "conscience", "จิตสำนึกและพร้อมรับการตรวจสอบ", "Conscience and audit")),
        append("indicators", ("T3-1.01", 3, 1, "ตัวชี้วัด T3-1.01", "Indicator T3-1.01", "binary", "core"),
               ("T3-1.02", 3, 1, "ตัวชี้วัด T3-1.02", "Indicator T3-1.02", "count", "core"),
               ("T3-1.03", 3, 1, "ตัวชี้วัด T3-1.03", "Indicator T3-1.03", "percent", "service")),
        append("assignments", *[(u, c) for u in ("D01", "D02", "DEPA", "DEPN") for c in ("T3-1.01", "T3-1.02")],
               *[(u, "T3-1.03") for u in ("D01", "D02", "DEPN")]),
        append("rules", (3, "binary", "binary", 2, None, None), (3, "count", "steps", 4, None, "1:2, 2:4"),
               (3, "percent", "proportional", 4, 50, None)),
        append("settings", *[(3, k, v) for k, v in (
            ("name_th", "เกณฑ์ทดสอบ 3"), ("name_en", "Test rules 3"), ("round_aggregation", "score_each_round"),
            ("levels", "50, 60, 70, 80, 90"), ("transparency_weight", "0.2"), ("component.mission", "0.8"),
            ("tier_basis", "overall_score"), ("pool_baht", "1000"), ("tier.1", "A, 4, 2"), ("tier.2", "B, 3, 1"),
            ("tier.3", "C, 0, 0"))]))


FY2564_CSV = (b"fiscal_year,inspection_round,unit_code,indicator_code,value\n"
              b"2564,1,D01,T3-1.01,1\n2564,1,D01,T3-1.02,1\n2564,1,D01,T3-1.03,30\n2564,1,DEPA,T3-1.02,5\n")


# Applied through the workbook, framework 3 takes FY2564 once it begins (1 Oct 2020); a results file for
# FY2564 then imports and is scored by framework 3's rules: D01 binary 1 → 2, count 1 → 2, percent 30 →
# 4 × 30 / 50 = 2.4 (6.4 of 10 = 64 %); DEPA count 5 → 4 of 4 (100 %). Framework 2's indicators are refused.
def test_new_framework_version_then_results(db, workbook, monkeypatch):
    p = plan(db, framework_3(workbook), "framework3.xlsx")
    assert p.problems == []
    assert (p.summary["frameworks_added"], p.summary["indicators_added"], p.summary["assignments_added"],
            p.summary["results_rescored"]) == (1, 3, 11, 0)
    store.apply_configuration(db, p, by=acting("secretariat"), reason="framework 3 from FY2564")
    assert db.query("frameworks_by_id")[["framework_id", "first_fy", "last_fy"]].astype(object).where(
        lambda f: f.notna(), None).values.tolist() == [[1, 2560, 2561], [2, 2562, 2563], [3, 2564, None]]
    monkeypatch.setenv("SAISAAT_TODAY", "2020-10-01")
    assert store.extend_fiscal_years(db, current_fiscal_year(), by=SYSTEM_USER) == [2564]
    years = db.query("fiscal_years").set_index("fiscal_year")["framework_id"]
    assert (years[2563], years[2564]) == (2, 3)
    monkeypatch.setenv("SAISAAT_TODAY", "2021-06-01")
    refused = importer.plan_import(db, b"fiscal_year,inspection_round,unit_code,indicator_code,value\n"
                                       b"2564,1,D01,T2-1.01,1\n", "old.csv")
    assert [p.message.key for p in refused.problems] == ["imp_other_framework"]
    incoming = importer.plan_import(db, FY2564_CSV, "fy2564.csv")
    assert incoming.problems == []
    batch = importer.commit(db, incoming, by=acting("secretariat"))
    assert sorted((r[2], r[3], r[5]) for r in rows(db, "results") if r[9] == batch) == [
        ("D01", "T3-1.01", D("2.00")), ("D01", "T3-1.02", D("2.00")), ("D01", "T3-1.03", D("2.40")),
        ("DEPA", "T3-1.02", D("4.00"))]
    scores = db.viewing(auth.EVERYTHING).query("unit_scores", fiscal_year=2564, inspection_round=None).set_index("unit_code")
    assert (scores.loc["D01", "points"], scores.loc["D01", "max_points"], scores.loc["D01", "score_pct"]) == (6.4, 10, 64)
    assert (scores.loc["DEPA", "points"], scores.loc["DEPA", "score_pct"]) == (4, 100)


# --- the command line ---------------------------------------------------------------------------------

# init makes a database with a configuration and no results: the BMA's by default, a workbook's with
# --config; it never overwrites a file (exit 2), and a workbook with problems makes nothing (exit 1).
def test_cli_init(tmp_path, workbook, capsys):
    code, out, err = run_cli(capsys, "init", "--db", tmp_path / "bma.duckdb", "--by", "installer")
    assert (code, err) == (0, "")
    default = configuration.default_configuration()
    assert out == (f"สร้างฐานข้อมูล {tmp_path / 'bma.duckdb'} แล้ว: {len(default['units'])} หน่วยงาน "
                   f"{len(default['indicators'])} ตัวชี้วัด {len(default['frameworks'])} กรอบ ยังไม่มีผลการประเมิน / "
                   f"made {tmp_path / 'bma.duckdb'}: {len(default['units'])} units, {len(default['indicators'])} "
                   f"indicators, {len(default['frameworks'])} frameworks, no results yet\n")
    with Database(tmp_path / "bma.duckdb", read_only=True) as made:
        assert exported(made) == {k: v.to_dict(orient="records") for k, v in default.items()}
        assert rows(made, "results") == [] and rows(made, "import_batches") == []
        assert max(made.query("fiscal_years")["fiscal_year"]) == 2563
        assert made.query("configuration_versions_by_id")["applied_by"].tolist() == ["installer"]
    source = tmp_path / "tiny_config.xlsx"
    source.write_bytes(workbook)
    code, out, _ = run_cli(capsys, "init", "--db", tmp_path / "tiny.duckdb", "--config", source)
    assert code == 0 and "4 units, 7 indicators, 2 frameworks" in out
    from_file, problems, _ = configuration.read_workbook(workbook, "tiny_config.xlsx")
    assert problems == []
    with Database(tmp_path / "tiny.duckdb", read_only=True) as made:
        assert exported(made) == {k: v.to_dict(orient="records") for k, v in from_file.items()}
        assert rows(made, "results") == []
    code, _, err = run_cli(capsys, "init", "--db", tmp_path / "tiny.duckdb", "--config", source)
    assert code == 2 and "exists already and is not overwritten" in err
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(edit(workbook, put("units", "D3", "amphoe")))
    code, _, err = run_cli(capsys, "init", "--db", tmp_path / "bad.duckdb", "--config", bad)
    assert code == 1 and not (tmp_path / "bad.duckdb").exists()
    assert err.splitlines() == [
        "ไม่นำเข้า พบปัญหา 1 รายการ / refused: 1 problems",
        f"- {U}, row 3, column D ('amphoe'): ไม่มีประเภทหน่วยงานนี้ในแผ่นงานประเภทหน่วยงาน (มี: department, district) / "
        "this unit kind is not on the unit kinds sheet (there are: department, district)"]


# config export / import: --dry-run previews and writes nothing; a workbook with problems exits 1 with each
# located problem; a rule change that moves stored points exits 1 without --rescore and a reason, 0 with
# them; an unchanged workbook says there is nothing to change (exit 0, nothing written); history lists the
# versions; undo takes back the latest (exit 0) and refuses any other (exit 1); no database exits 2.
def test_cli_config(db_path, tmp_path, capsys):
    out_file = tmp_path / "config.xlsx"
    assert run_cli(capsys, "config", "export", "--out", out_file, "--db", db_path)[:2] == (0, f"{out_file}\n")
    exported_bytes = out_file.read_bytes()
    with Database(db_path, read_only=True) as d:
        before, before_rows = checksums(d), {t: rows(d, t) for t in store.TABLES}

    code, out, err = run_cli(capsys, "config", "import", out_file, "--db", db_path)
    assert (code, err) == (0, "")
    assert out.splitlines()[-1] == ("ค่ากำหนดในไฟล์นี้เหมือนกับที่ใช้อยู่ทุกประการ ไม่มีสิ่งที่ต้องเปลี่ยน จึงไม่ได้บันทึก / "
                                    "this workbook holds exactly the configuration in use: there is nothing to change, "
                                    "and nothing was written")

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(edit(exported_bytes, put("frameworks", "D4", 2563)))
    code, _, err = run_cli(capsys, "config", "import", bad, "--db", db_path)
    assert code == 1
    assert err.splitlines()[1] == (f"- {F}, row 4, column D ('2563'): ปีงบประมาณ 2562 ไม่อยู่ในกรอบใด ให้กรอบต่อเนื่องกัน / "
                                   "fiscal year(s) 2562 belong to no framework: make the frameworks follow on")

    steps = tmp_path / "steps.xlsx"
    steps.write_bytes(edit(exported_bytes, put("rules", "F7", "1:1, 3:2, 4:3"), put("units", "C3", "District One")))
    code, out, _ = run_cli(capsys, "config", "import", steps, "--db", db_path, "--dry-run")
    assert code == 0
    assert out.splitlines() == [
        "Units: changed D01 English name: Test District One → District One",
        "Point rules: changed 2 / count steps (min value:points): 2:1, 3:2, 4:3 → 1:1, 3:2, 4:3",
        "หน่วยงานเพิ่ม 0 เปลี่ยนชื่อ 1 เลิกใช้ 0; ตัวชี้วัดเพิ่ม 0 แก้ถ้อยคำ 0; กรอบใหม่ 0; การรับผิดชอบเพิ่ม 0 ลด 0; "
        "เกณฑ์เปลี่ยน 1; ผลที่ต้องคิดคะแนนใหม่ 1 / units added 0, renamed 1, retired 0; indicators added 0, "
        "reworded 0; new frameworks 0; assignments added 0, removed 0; rules changed 1; stored results rescored 1",
        "ตรวจแล้ว ไม่ได้บันทึก (--dry-run) / checked, nothing written (--dry-run)"]
    code, _, err = run_cli(capsys, "config", "import", steps, "--db", db_path, "--reason", "lower steps")
    assert code == 1 and "confirm the rescoring and give a reason" in err
    with Database(db_path, read_only=True) as d:
        assert checksums(d) == before
    code, out, _ = run_cli(capsys, "config", "import", steps, "--db", db_path, "--rescore", "--reason",
                           "lower steps", "--by", "clerk")
    assert code == 0 and out.splitlines()[-1] == "ใช้ค่ากำหนดแล้ว เป็นฉบับที่ 2 / configuration applied as version 2"

    code, out, _ = run_cli(capsys, "config", "history", "--db", db_path)
    assert code == 0
    assert [line.split(",")[:6] for line in out.splitlines()] == [
        ["version_id", "applied_at", "applied_by", "reason", "file_name", "sha256"],
        ["1", "2018-10-01 08:00:00", "tests/fixture.py", "", "", ""],
        ["2", out.splitlines()[2].split(",")[1], "clerk", "lower steps", "steps.xlsx",
         hashlib.sha256(steps.read_bytes()).hexdigest()]]
    assert out.splitlines()[2].split(",")[6:] == ["", "4"]    # undoes nothing; rescored as batch 4

    code, _, err = run_cli(capsys, "config", "undo", "1", "--db", db_path)
    assert code == 1 and "only the latest version (version 2) can be undone" in err
    code, out, _ = run_cli(capsys, "config", "undo", "2", "--db", db_path, "--by", "auditor")
    assert (code, out) == (0, "ย้อนฉบับที่ 2 แล้ว (บันทึกเป็นฉบับที่ 3) / version 2 undone (recorded as version 3)\n")
    with Database(db_path, read_only=True) as d:
        after = {t: rows(d, t) for t in store.TABLES}
        assert exported(d) == configuration_of(exported_bytes)
    assert [t for t in store.TABLES if after[t] != before_rows[t]] == ["import_batches", "configuration_versions",
                                                                     "audit_log"]

    assert run_cli(capsys, "config", "export", "--out", out_file, "--db", tmp_path / "none.duckdb")[0] == 2


def configuration_of(data: bytes) -> dict:
    config, problems, _ = configuration.read_workbook(data, "config.xlsx")
    assert problems == []
    return {k: v.to_dict(orient="records") for k, v in config.items()}
