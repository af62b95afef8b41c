"""Text a spreadsheet would run is neutralised on every export path, whenever it was stored.

The policy (README, "Importing results"): notes and inspector names are stored exactly as typed, even
when they start with = + - @; every spreadsheet the app writes goes through saisaat/exports.py, which
writes such text as a text cell with Excel's quote prefix (XLSX) or with a leading apostrophe (CSV).
Checked here on each path: page downloads (exports.csv_bytes / xlsx_bytes, e.g. the import problems
table), the cabinet annex (documents.summary_xlsx), the scenario workbook (whatif.workbook) and the
backup workbook (backup.export_xlsx), with notes stored by an import and one stored before the policy.
"""
from __future__ import annotations

import copy
import dataclasses
import io
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from fixture import RULESET_SPECS, acting
from saisaat import backup, documents, exports, importer, reports, store, whatif

CORPUS = Path(__file__).resolve().parent / "import_corpus"
# stored by importing formula_like_notes.csv (the import keeps them exactly)
IMPORTED = ["-team 1", "-2+3", '=HYPERLINK("http://example.org","click")', "@inspector", "+1 document late"]
# stored before this policy, straight through the store
EARLIER = ["=1+2", "@SUM(A1:A9)", "=cmd|' /C calc'!A0"]
RISKY = IMPORTED + EARLIER


@pytest.fixture
def db(tiny_db):
    """The tiny database with formula-like notes: imported ones, and earlier ones written directly."""
    database = tiny_db
    plan = importer.plan_import(database, (CORPUS / "formula_like_notes.csv").read_bytes(), "formula_like_notes.csv")
    importer.commit(database, plan, by=acting("test"))
    earlier = pd.DataFrame([(2563, 2, "D01", "T2-1.01", 1.0, None, "=1+2", "@SUM(A1:A9)"),
                            (2563, 2, "D02", "T2-1.01", 0.0, None, None, "=cmd|' /C calc'!A0")],
                           columns=store.RESULT_COLUMNS)
    with store.transaction(database.con) as cur:
        store.add_batch(cur, batch_id=5, source="import", file_name="old.csv", sha256="e" * 64,
                        imported_by="before", row_count=2, imported_at=datetime(2020, 1, 1))
        store.insert_scored_results(cur, earlier, batch_id=5)
    return database


def sheets_of(data: bytes) -> dict:
    return {ws.title: ws for ws in openpyxl.load_workbook(io.BytesIO(data)).worksheets}


def formula_cells(data: bytes) -> list[str]:
    """Every cell a spreadsheet would run (none may be written)."""
    return [f"{ws.title}!{c.coordinate}" for ws in sheets_of(data).values() for row in ws.iter_rows() for c in row
            if c.data_type == "f"]


def cells_holding(data: bytes, texts) -> dict[str, tuple]:
    """Each of `texts` found in the workbook: (is a text cell, has the quote prefix)."""
    return {c.value: (c.data_type == "s", bool(c.quotePrefix)) for ws in sheets_of(data).values()
            for row in ws.iter_rows() for c in row if c.value in texts}


# The rule itself: = + - @ (and tab, carriage return) at the start, except a plain number.
@pytest.mark.parametrize("text, runs", [
    ("=1+2", True), ("+1 document late", True), ("-2+3", True), ("@SUM(A1)", True), ("\t=1", True),
    ("-5", False), ("+3.5", False), ("-.5", False), ("a=1", False), ("", False), (None, False), (5, False),
])
def test_runs_as_formula(text, runs):
    assert exports.runs_as_formula(text) is runs


# CSV downloads: risky text gets a leading apostrophe, plain numbers (text or not) and other text stay.
def test_csv_download_neutralises():
    frame = pd.DataFrame({"note": ["=1+2", "-5", "ok", None, "-2+3"], "points": [1.5, -2.0, 3.0, 4.0, 5.0]})
    assert exports.csv_bytes(frame).decode("utf-8-sig").splitlines() == [
        "note,points", "'=1+2,1.5", "-5,-2.0", "ok,3.0", ",4.0", "'-2+3,5.0"]


# Page downloads of the import problems table: the refused formulas are text in CSV and XLSX.
def test_problems_table_download_neutralises(db):
    plan = importer.plan_import(db, (CORPUS / "formula_values.xlsx").read_bytes(), "formula_values.xlsx")
    frame = importer.problems_frame(plan.problems, "en")
    assert frame["value"].tolist() == ["=1+2", "=SUM(E2:E3)"]
    lines = exports.csv_bytes(frame).decode("utf-8-sig").splitlines()
    assert [line.split(",")[3] for line in lines[1:]] == ["'=1+2", "'=SUM(E2:E3)"]
    data = exports.xlsx_bytes({"problems": frame})
    assert formula_cells(data) == []
    ws = sheets_of(data)["problems"]
    assert [(ws[f"D{r}"].value, ws[f"D{r}"].data_type, ws[f"D{r}"].quotePrefix) for r in (2, 3)] == \
        [("=1+2", "s", True), ("=SUM(E2:E3)", "s", True)]


# The backup workbook: every stored risky note and inspector, imported or earlier, is a quoted text cell.
def test_backup_workbook_neutralises(db):
    stored = backup.table_frames(db)["results"].to_pandas()
    assert set(RISKY) <= set(stored["note"].dropna()) | set(stored["inspector"].dropna())
    data = backup.export_xlsx(db)
    assert formula_cells(data) == []
    assert cells_holding(data, RISKY) == {text: (True, True) for text in RISKY}
    assert cells_holding(data, {"-5"}) == {"-5": (True, False)}   # a plain number: text as stored, no prefix


# The cabinet annex: a unit name that would run (data the app did not type) is a quoted text cell.
def test_cabinet_annex_neutralises(db):
    summary = reports.cabinet_summary(db, 2562, "en")
    scores = summary.scores.copy()
    scores.loc[scores.index[0], "unit_name"] = "=1+2"
    data = documents.summary_xlsx(dataclasses.replace(summary, scores=scores))
    assert formula_cells(data) == []
    assert cells_holding(data, RISKY) == {"=1+2": (True, True)}


# The scenario workbook: a scenario name and a comparison cell that would run are quoted text cells.
def test_scenario_workbook_neutralises():
    spec = copy.deepcopy(next(s for s in RULESET_SPECS if s["ruleset_code"] == "official-f2"))
    spec["name_th"] = "=cmd|' /C calc'!A0"
    comparison = pd.DataFrame({"unit_code": ["D01"], "unit_name": ["@SUM(A1:A9)"], "score_pct": [-1.5]})
    data = whatif.workbook(spec, comparison)
    assert formula_cells(data) == []
    assert cells_holding(data, RISKY) == {"=cmd|' /C calc'!A0": (True, True), "@SUM(A1:A9)": (True, True)}


# The scenario workbook reads in the reader's language: sheet names, headers and coded values (measures,
# rule types, the round aggregation, the tier basis) are labels, never snake_case identifiers.
def test_scenario_workbook_labelled():
    spec = copy.deepcopy(next(s for s in RULESET_SPECS if s["ruleset_code"] == "official-f2"))
    shown = pd.DataFrame({"หน่วยงาน": ["เขตหนึ่ง"], "คะแนน (ร้อยละ)": [92.71]})
    book = openpyxl.load_workbook(io.BytesIO(whatif.workbook(spec, shown, "th")))
    assert book.sheetnames == ["ค่ากำหนด", "เกณฑ์คะแนน", "กลุ่มรางวัล", "เปรียบเทียบ"]
    rows = lambda name: [[c.value for c in r] for r in book[name].iter_rows()]   # noqa: E731
    assert rows("เกณฑ์คะแนน") == [
        ["ใช้กับ", "ชนิดเกณฑ์", "คะแนนเต็ม", "ค่าเป้าหมาย", "ขั้นคะแนน (ค่าขั้นต่ำ:คะแนน)"],
        ["มี/ไม่มี", "มี/ไม่มี", 3, None, None],
        ["จำนวน", "ตามขั้นคะแนน", 3, None, "2:1, 3:2, 4:3"],
        ["ร้อยละ", "ตามสัดส่วนของค่าเป้าหมาย", 3, 80, None]]
    settings = dict(rows("ค่ากำหนด")[1:])
    assert settings["การรวมสองรอบ"] == "คิดคะแนนแต่ละรอบแล้วรวม"
    assert settings["จัดกลุ่มรางวัลตาม"] == "คะแนนประเมินรวม (1–5)"
    assert rows("กลุ่มรางวัล")[0] == ["กลุ่ม", "เกณฑ์ขั้นต่ำ", "ตัวคูณเงินรางวัล"]
    assert rows("เปรียบเทียบ") == [["หน่วยงาน", "คะแนน (ร้อยละ)"], ["เขตหนึ่ง", 92.71]]
    english = openpyxl.load_workbook(io.BytesIO(whatif.workbook(spec, shown, "en")))
    assert english.sheetnames == ["Settings", "Rules", "Tiers", "Comparison"]


# The what-if rules editor shows measures and rule types by name (no raw values for a screen reader or the eye)
# and reads an edited table back to exactly the same ruleset; an indicator override keeps its code.
def test_rules_table_labelled_and_back():
    spec = copy.deepcopy(next(s for s in RULESET_SPECS if s["ruleset_code"] == "official-f2"))
    spec["indicators"] = {"T2-1.02": {"rule_type": "binary", "max_points": 2}}
    table = whatif.rules_table(spec)
    shown = whatif.labelled_rules(table, "en")
    assert shown[["scope", "rule_type"]].values.tolist() == [
        ["Yes / no", "Yes / no"], ["Count", "Steps"], ["Percent", "Proportional to the target"], ["T2-1.02", "Yes / no"]]
    back = whatif.apply_rules_table(spec, whatif.coded_rules(shown, "en"))
    assert (back["by_measure"], back["indicators"]) == (whatif.apply_rules_table(spec, table)["by_measure"],
                                                        {"T2-1.02": {"rule_type": "binary", "max_points": 2.0}})
