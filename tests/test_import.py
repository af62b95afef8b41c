"""Importing inspection results, all or nothing.

A corpus of malformed files (tests/import_corpus/), each refused with every problem named by sheet, row
and column, and nothing written; valid imports in both layouts, three encodings, Thai and English
headers, with the exact rows and the points the official rules give them (worked out by hand); the
batch record; replacing with history; undo; export and restore round-trips; an import killed before its
commit; a database held by another process; the command line.

The tiny database (tests/fixture.py) holds FY2560–2563, units D01, D02 (districts, 'service'), DEPA
(core indicators only), DEPN (from FY2562), batches 1–3 and no result in FY2563. Its official framework-2
rules: binary = 3 points; count: 2 → 1, 3 → 2, 4 or more → 3; percent: 3 × value ÷ 80, capped at 3,
rounded half up to 0.01.
"""
from __future__ import annotations

import hashlib
import io
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import zipfile
from datetime import date, datetime
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pyarrow as pa
import pytest

from fixture import acting
from saisaat import backup, cli, import_templates, importer, store
from saisaat.db import Database
from saisaat.demo import build_demo

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "import_corpus"
THAI = re.compile(r"[\u0e00-\u0e7f]")
EN_HEADER = "fiscal_year,inspection_round,unit_code,indicator_code,value,inspected_on,inspector,note\n"
TH_HEADER = "ปีงบประมาณ,รอบการตรวจ,รหัสหน่วยงาน,รหัสตัวชี้วัด,ค่าที่วัดได้,วันที่ตรวจ,ผู้ตรวจ,หมายเหตุ\n"
RESULT_FIELDS = ("fiscal_year", "inspection_round", "unit_code", "indicator_code", "value", "points",
                 "inspected_on", "inspector", "note")


# --- databases and helpers ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    """The BMA demo database (F-codes, units 1001…, CSC; batch 1 is the demo), built once."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo(path)
    return path


@pytest.fixture
def demo_db(demo_file, tmp_path):
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_file, path)
    database = Database(path)
    yield database
    database.close()


def canonical(table: pa.Table) -> pa.Table:
    """A table's rows in a fixed order (an undo puts rows back at the end of the table)."""
    return table.sort_by([(c, "ascending") for c in table.column_names])


def snapshot(db: Database) -> dict[str, pa.Table]:
    return {name: canonical(t) for name, t in backup.table_frames(db).items()}


def snapshot_file(path: Path) -> dict[str, pa.Table]:
    with Database(path, read_only=True) as d:
        return snapshot(d)


def differing(before: dict, after: dict) -> list[str]:
    """The tables whose contents differ (empty: every table identical)."""
    assert set(before) == set(after) == set(store.TABLES)
    return [t for t in store.TABLES if not before[t].equals(after[t])]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows_of_batch(db: Database, batch_id: int) -> list[tuple]:
    rows = backup.table_frames(db)["results"].to_pylist()
    return sorted(tuple(r[f] for f in RESULT_FIELDS) for r in rows if r["batch_id"] == batch_id)


def history(db: Database) -> list[tuple]:
    rows = backup.table_frames(db)["results_history"].to_pylist()
    return sorted(tuple(r[f] for f in RESULT_FIELDS + ("batch_id", "replaced_by_batch")) for r in rows)


def batch_record(db: Database, batch_id: int) -> dict:
    rows = [r for r in backup.table_frames(db)["import_batches"].to_pylist() if r["batch_id"] == batch_id]
    assert len(rows) == 1
    return rows[0]


def do_import(db: Database, data: bytes, name: str, *, by: str = "secretariat", replace: bool = False,
              reason: str | None = None) -> int:
    plan = importer.plan_import(db, data, name)
    return importer.commit(db, plan, by=acting(by), replace=replace, reason=reason)


def where(problems) -> list[tuple]:
    return [(p.sheet, p.row, p.column) for p in problems]


# --- the corpus: every malformed file refused with its exact problems, nothing written --------------

def over_size_csv() -> bytes:
    """A 50 MB CSV (made here, never stored): valid rows, far over the 20 MB limit."""
    row = b"2563,1,D01,T2-1.01,1,,,\n"
    return EN_HEADER.encode() + row * (50 * 1024 * 1024 // len(row) + 1)


GENERATED = {"over_size_50mb.csv": over_size_csv}
NO_HEADER = "no header row found"
WHOLE_NUMBER = "count: enter a whole number from 0 to 10,000"
PERCENT = "percentage: enter 0 to 100"
FORMULA = "this cell holds a formula"
UNREADABLE = "the file's characters cannot be read"

# file → every expected problem as (sheet, row, column, part of the English text), in order.
CORPUS_CASES = [
    ("wrong_headers.csv", [("wrong_headers", 1, None, NO_HEADER)]),
    # a long sheet without its value column: the missing column is named, with the headers found
    ("missing_value_column.csv", [("missing_value_column", 1, None,
                                   "the header (row 1) has no column ค่าที่วัดได้ / value; the headers found are: "
                                   "fiscal_year, inspection_round, unit_code, indicator_code, inspector")]),
    ("empty.csv", [("empty.csv", None, None, "the file is empty")]),
    ("whitespace_only.csv", [("whitespace_only.csv", None, None, "the file is empty")]),
    ("only_headers.csv", [("only_headers", None, None, "only headers: the sheet has no result rows")]),
    ("no_values.csv", [("no_values", None, None, "no measured value is filled in (2 empty cells)")]),
    # cp874 without declaration: Thai headers, 'มี', Thai digits read; only unit ZZ9 is wrong
    ("cp874_unknown_unit.csv", [("cp874_unknown_unit", 3, "C", "unknown unit code")]),
    ("utf8_bom_negative.csv", [("utf8_bom_negative", 2, "E", PERCENT)]),
    ("merged_header.xlsx", [("results", 1, "C", "the header has merged cells")]),
    ("formula_values.xlsx", [("results", 2, "E", FORMULA), ("results", 4, "E", FORMULA)]),
    ("text_in_number.csv", [("text_in_number", 2, "E", "the measured value must be a number"),
                            ("text_in_number", 3, "E", "the measured value must be a number")]),
    ("negative_value.csv", [("negative_value", 2, "E", WHOLE_NUMBER)]),
    ("huge_value.csv", [("huge_value", 2, "E", WHOLE_NUMBER),
                        ("huge_value", 3, "E", "the measured value must be a number")]),   # 1e999 = inf
    ("percent_over_100.csv", [("percent_over_100", 2, "E", PERCENT)]),
    ("binary_two.csv", [("binary_two", 2, "E", "yes / no: enter 1 (yes) or 0 (no)")]),
    ("decimals.csv", [("decimals", 2, "E", "use at most 2 decimal places"), ("decimals", 3, "E", WHOLE_NUMBER)]),
    ("unknown_unit.csv", [("unknown_unit", 3, "C", "unknown unit code")]),
    ("unknown_indicator.csv", [("unknown_indicator", 2, "D", "unknown indicator code")]),
    ("other_framework.csv", [
        ("other_framework", 2, "D", "belongs to framework 1, but fiscal year 2563 uses framework 2"),
        ("other_framework", 3, "D", "belongs to framework 2, but fiscal year 2561 uses framework 1")]),
    # DEPA answers for core indicators only; DEPN did not exist in FY2561
    ("unassigned.csv", [
        ("unassigned", 2, "D", "unit DEPA does not answer for this indicator in fiscal year 2563"),
        ("unassigned", 3, "D", "unit DEPN does not answer for this indicator in fiscal year 2561")]),
    ("round_three.csv", [("round_three", 2, "B", "the inspection round must be 1 or 2")]),
    ("fiscal_year_2540.csv", [
        ("fiscal_year_2540", 2, "A", "fiscal year 2540 is outside the known frameworks (2560–2563)"),
        ("fiscal_year_2540", 3, "A", "the fiscal year must be a 4-digit Buddhist-era year")]),
    # rows 2 and 4 contradict each other (values 1 and 0): which is right?
    ("duplicate_rows.csv", [("duplicate_rows", 4, "E", "row 2 gives the value 1 and this row 0 for the same unit, "
                                                       "indicator, year and round: which is right?")]),
    # row 2 changes a stored value (no replace asked); row 3 is unchanged, row 4 new: both fine
    ("conflict_with_database.csv", [("conflict_with_database", 2, "E", "would change a stored result (batch 2)")]),
    ("second_sheet.xlsx", [("second_sheet.xlsx", None, None, "more than one sheet holds data")]),
    ("over_size_50mb.csv", [("over_size_50mb.csv", None, None, "the file is larger than 20 MB")]),
    ("hyperlink_in_value.csv", [("hyperlink_in_value", 2, "E", FORMULA)]),
    # the SQL-looking unit code is an unknown unit; the SQL-looking note is plain text and is not flagged
    ("sql_in_unit_code.csv", [("sql_in_unit_code", 2, "C", "unknown unit code")]),
    ("old_excel.xls", [("old_excel.xls", None, None, "an old Excel file (.xls)")]),
    ("date_outside_fiscal_year.csv", [
        ("date_outside_fiscal_year", 2, "F", "the inspection date is not in fiscal year 2563"),
        ("date_outside_fiscal_year", 3, "F", "there is no such date: February 2563 has 29 days")]),
    ("wide_without_fiscal_year.csv", [("wide_without_fiscal_year", 4, None, "no fiscal year")]),
    # an F-code column the tiny database does not know is found by its shape, and refused at its header
    ("wide_unknown_code.csv", [("wide_unknown_code", 3, "C", "unknown indicator code")]),
    ("not_text.csv", [("not_text.csv", None, None, "this is not a CSV or Excel file")]),
    ("utf16_text.csv", [("utf16_text.csv", None, None, UNREADABLE)]),
    # bytes neither UTF-8 nor cp874 reads: the cell is named
    ("undecodable.csv", [("undecodable", 2, "E", "this cell holds characters that cannot be read")]),
    ("truncated_workbook.xlsx", [("truncated_workbook.xlsx", None, None, "cannot open the Excel file")]),
]


CORPUS_NAMES = [name for name, _ in CORPUS_CASES]


def corpus_bytes(name: str) -> bytes:
    return GENERATED[name]() if name in GENERATED else (CORPUS / name).read_bytes()


# Each malformed file: plan + commit refused with exactly these problems (Thai and English); every table unchanged.
@pytest.mark.parametrize("name, expected", CORPUS_CASES, ids=CORPUS_NAMES)
def test_corpus_file_is_refused_and_writes_nothing(db, name, expected):
    before = snapshot(db)
    plan = importer.plan_import(db, corpus_bytes(name), name)
    try:
        importer.commit(db, plan, by=acting("test"))
    except importer.ImportRefused as exc:
        problems = exc.problems
    else:
        pytest.fail(f"{name} was imported")
    assert where(problems) == [e[:3] for e in expected]
    for problem, (*_, text) in zip(problems, expected):
        assert text in problem.en
        assert THAI.search(problem.th)
    assert differing(before, snapshot(db)) == []


# --- the corpus, part 2 (issue 9): exact problems for each point, every table unchanged --------------

NOT_IN_FORMAT = ("this column is not part of the format and would not be imported ({}): rename or delete it, "
                 "or choose to ignore the columns that are not in the format")
NOT_A_NUMBER = "the measured value must be a number, written with digits and a decimal point only: e.g. 12 or 85.5"
UNREADABLE_CELL = ("this cell holds characters that cannot be read (neither UTF-8 nor Thai Windows text): retype "
                   "them, or save the file as CSV UTF-8")

# file, the user's choices (commit's keyword arguments), every problem as (sheet, row, column, value, English).
REFUSED_EXACT = [
    # values: a percent cell holds value × 100; a third decimal, or 100 % for yes / no, is refused for what it is
    ("percent_cell_decimals.xlsx", {}, [
        ("results", 2, "E", "85.555", "use at most 2 decimal places"),
        ("results", 3, "E", "100", "this indicator is yes / no: enter 1 (yes) or 0 (no)")]),
    # values: only what a spreadsheet shows as a number (not 1_0, 1e1, Arabic-Indic digits); 10 is fine
    ("underscore_number.csv", {}, [
        ("underscore_number", 2, "E", "1_0", NOT_A_NUMBER),
        ("underscore_number", 3, "E", "1e1", NOT_A_NUMBER),
        ("underscore_number", 4, "E", "١٠", NOT_A_NUMBER)]),
    # dropped: a typed-in points column, a misspelled optional header, values under no header
    ("points_column.csv", {}, [
        ("points_column", 1, "F", "คะแนน", NOT_IN_FORMAT.format("points are computed from the values"))]),
    ("misspelled_note.csv", {}, [
        ("misspelled_note", 1, "F", "หมายเหต", NOT_IN_FORMAT.format("did you mean หมายเหตุ / note?"))]),
    ("value_without_header.csv", {}, [
        ("value_without_header", 1, "G", "", NOT_IN_FORMAT.format("it holds values but has no header"))]),
    # dropped: in the long layout, a column headed by an indicator code
    ("long_extra_code_column.csv", {}, [
        ("long_extra_code_column", 1, "F", "T2-1.02", NOT_IN_FORMAT.format(
            "in the long layout each row names its indicator in the indicator code column: put these values in "
            "rows of their own"))]),
    # dropped: a second column with the same header would lose one of them
    ("repeated_column.csv", {}, [
        ("repeated_column", 1, "F", "value", "this column repeats the header of column E: delete the one that is "
                                             "not meant")]),
    # a formula cell in a text column: the sheet shows its result, the file holds the formula
    ("formula_cell_note.xlsx", {}, [
        ("results", 2, "F", '=C2&" ok"', "this cell holds a formula: type what it shows instead (copy, then paste "
                                         "as values)")]),
    # messages: a misspelled required column names the column, its nearest match and the headers found
    ("misspelled_required.csv", {}, [
        ("misspelled_required", 1, "D", "รหัสตัวชีวัด",
         "the header (row 1) has no column รหัสตัวชี้วัด / indicator_code; column D is the nearest: if that is the "
         "one, rename it รหัสตัวชี้วัด / indicator_code (headers found: ปีงบประมาณ, รอบการตรวจ, รหัสหน่วยงาน, "
         "รหัสตัวชีวัด, ค่าที่วัดได้)")]),
    ("hidden_sheet.xlsx", {}, [
        ("round 1 (old)", None, None, None,
         "sheet 'round 1 (old)' is hidden and holds data: unhide it (right-click a sheet tab → Unhide) to check it, "
         "then delete it or move its results into the results sheet")]),
    # impossible dates say why (29/02/2563 is real: 2020 is a leap year)
    ("impossible_date.csv", {}, [
        ("impossible_date", 2, "F", "31/04/2563", "there is no such date: April 2563 has 30 days; correct the date"),
        ("impossible_date", 3, "F", "15/13/2563",
         "there is no month 13: write the date as dd/mm/yyyy (day first) or yyyy-mm-dd"),
        ("impossible_date", 4, "F", "29/02/2562",
         "there is no such date: February 2562 has 28 days; correct the date")]),
    # files that are not what their name says: what they seem to be and what to do, no library names
    ("word_document.xlsx", {}, [
        ("word_document.xlsx", None, None, None,
         "this is a Word document, not a spreadsheet: enter the results in the Excel template and import that")]),
    ("ods_renamed.xlsx", {}, [
        ("ods_renamed.xlsx", None, None, None,
         "this is an OpenDocument spreadsheet (.ods): save it as .xlsx (Save As → Excel 2007-365) and import that")]),
    ("zip_archive.xlsx", {}, [
        ("zip_archive.xlsx", None, None, None,
         "this is a ZIP archive, not an Excel workbook: extract it and import the results file inside")]),
    ("damaged_xml.xlsx", {}, [
        ("damaged_xml.xlsx", None, None, None,
         "cannot open the Excel file: its contents are damaged; open it in Excel or LibreOffice, save it again as "
         ".xlsx and import the new file")]),
    ("html_export.xls", {}, [
        ("html_export.xls", None, None, None,
         "this file is a web page (HTML) with a spreadsheet's name: open it in Excel or LibreOffice and save it as "
         ".xlsx or CSV")]),
    # one NUL byte, or one byte no encoding reads, names its cell instead of refusing the whole file
    ("nul_in_note.csv", {}, [
        ("nul_in_note", 3, "F", "sent", "this cell holds an invisible control character (NUL, often copied in from "
                                        "another program): retype the cell's text")]),
    ("one_bad_byte.csv", {}, [("one_bad_byte", 3, "H", "ส่งครบ\ufffd", UNREADABLE_CELL)]),
    # duplicates: an exact copy, the same value with another note, a contradiction (duplicate_rows.csv above)
    ("duplicate_exact_copy.csv", {}, [
        ("duplicate_exact_copy", 4, "E", "1",
         "this row is an exact copy of row 2 (same unit, indicator, year, round and value): keep one")]),
    ("duplicate_other_note.csv", {}, [
        ("duplicate_other_note", 3, "E", "1",
         "this row has the same unit, indicator, year, round and value as row 2, but another date, inspector or "
         "note: keep only the right one")]),
    # one defect, one message: an unknown indicator column once at its header (three rows hold values) ...
    ("wide_unknown_code_rows.csv", {}, [
        ("wide_unknown_code_rows", 3, "C", "F2-1.01", "unknown indicator code: use a code from the template, "
                                                     "e.g. F2-1.01")]),
    # ... and a unit listed twice once (not once per indicator): D01 contradicts itself, D02 is a copy
    ("wide_unit_twice.csv", {}, [
        ("wide_unit_twice", 6, "A", "D01", "unit D01 is already listed in row 4, with other values (T2-1.02: 3 "
                                          "there, 2 here): which is right? Keep one row"),
        ("wide_unit_twice", 7, "A", "D02", "unit D02 is already listed in row 5 with the same values: keep one of "
                                          "the rows")]),
    # replacing without a reason names the rows that would be replaced (row 4 equals what is stored)
    ("replace_rows.csv", {"replace": True}, [
        ("replace_rows", None, None, None, "replacing stored results needs a reason (rows that would be replaced: "
                                           "2–3, 5)")]),
]
REFUSED_EXACT_NAMES = [name for name, _, _ in REFUSED_EXACT]


# Each file: refused with exactly these problems (value and English text; the Thai is Thai), every table unchanged.
@pytest.mark.parametrize("name, choices, expected", REFUSED_EXACT, ids=REFUSED_EXACT_NAMES)
def test_corpus_exact_problems_and_nothing_written(db, name, choices, expected):
    before = snapshot(db)
    plan = importer.plan_import(db, (CORPUS / name).read_bytes(), name)
    with pytest.raises(importer.ImportRefused) as exc:
        importer.commit(db, plan, by=acting("test"), **choices)
    assert [(p.sheet, p.row, p.column, p.value, p.en) for p in exc.value.problems] == expected
    assert all(THAI.search(p.th) for p in exc.value.problems)
    assert differing(before, snapshot(db)) == []


LIBRARY_WORDS = re.compile(r"Error|Exception|BadZip|XMLSyntax|Traceback|openpyxl|zipfile|lxml|codec", re.I)


# No refusal in the whole corpus speaks of the libraries that read the file, in either language.
def test_no_library_names_reach_users(db):
    said = []
    for name in CORPUS_NAMES + REFUSED_EXACT_NAMES:
        plan = importer.plan_import(db, corpus_bytes(name), name)
        said += [text for p in importer.all_problems(plan) for text in (p.th, p.en)]
    assert len(said) > 100
    assert [text for text in said if LIBRARY_WORDS.search(text)] == []


NONE3 = (None, None, None)
# file, the user's choices, the rows stored (points by the official rules, worked out by hand), the cells
# shown as not applicable (unit, indicator, row, column) and the columns the preview names as ignored.
VALID_CORPUS = [
    # percent cells: 0.85 shown as 85 % is 85, 0.855 as 85.5 %, 0.6667 as 66.67 %
    ("percent_cells.xlsx", {}, [
        (2563, 1, "D01", "T2-1.01", D("1"), D("3"), *NONE3),
        (2563, 1, "D01", "T2-2.01", D("85"), D("3"), *NONE3),          # 3 × 85 / 80 capped at 3
        (2563, 1, "D02", "T2-2.01", D("85.5"), D("3"), *NONE3),
        (2563, 1, "DEPN", "T2-2.01", D("66.67"), D("2.5"), *NONE3),    # 2.500125 → 2.50
    ], [], []),
    # a date cell of year 2563 is Buddhist era: 10 Apr 2020, in FY2563; a Gregorian date cell stays
    ("be_date_cells.xlsx", {}, [
        (2563, 1, "D01", "T2-1.01", D("1"), D("3"), date(2020, 4, 10), None, None),
        (2563, 1, "D02", "T2-1.01", D("0"), D("0"), date(2020, 4, 11), None, None),
    ], [], []),
    # Thai digits in unit and indicator codes (D๐๑, T๒-๑.๐๑, and a lower-case t๒-๒.๐๑)
    ("thai_digit_codes.csv", {}, [
        (2563, 1, "D01", "T2-1.01", D("1"), D("3"), *NONE3),
        (2563, 1, "D02", "T2-2.01", D("75"), D("2.81"), *NONE3),       # 2.8125 → 2.81
    ], [], []),
    # a dash in the long layout: not applicable, left out and listed (as in the wide layout)
    ("long_dash.csv", {}, [
        (2563, 1, "D01", "T2-1.01", D("1"), D("3"), *NONE3),
        (2563, 1, "D02", "T2-1.02", D("3"), D("2"), *NONE3),
    ], [("DEPA", "T2-2.01", 3, "E"), ("DEPA", "T2-2.02", 4, "E")], []),
    # text a spreadsheet would run is stored exactly as written (exports neutralise it: test_exports.py)
    ("formula_like_notes.csv", {}, [
        (2563, 1, "D01", "T2-1.01", D("1"), D("3"), None, "-team 1", "-2+3"),
        (2563, 1, "D02", "T2-1.01", D("1"), D("3"), None, None, '=HYPERLINK("http://example.org","click")'),
        (2563, 1, "DEPA", "T2-1.01", D("0"), D("0"), None, "@inspector", "+1 document late"),
        (2563, 1, "DEPN", "T2-1.01", D("1"), D("3"), None, None, "-5"),
    ], [], []),
    ("hyperlink_in_note.csv", {}, [
        (2563, 1, "D01", "T2-1.01", D("1"), D("3"), None, None, '=HYPERLINK("http://x","click")'),
        (2563, 1, "D02", "T2-1.01", D("1"), D("3"), None, None, 'see =HYPERLINK("http://x")'),
    ], [], []),
    # columns outside the format, explicitly ignored: the rows land without them, the preview names them
    ("points_column.csv", {"ignore_columns": True}, [
        (2563, 1, "D01", "T2-1.01", D("1"), D("3"), *NONE3),
        (2563, 1, "D02", "T2-1.02", D("3"), D("2"), *NONE3),
    ], [], ["column F 'คะแนน' is ignored: points are computed from the values"]),
    ("misspelled_note.csv", {"ignore_columns": True}, [
        (2563, 1, "D01", "T2-1.01", D("1"), D("3"), *NONE3),
        (2563, 1, "D02", "T2-1.02", D("3"), D("2"), *NONE3),
    ], [], ["column F 'หมายเหต' is ignored: did you mean หมายเหตุ / note?"]),
    ("value_without_header.csv", {"ignore_columns": True}, [
        (2563, 1, "D01", "T2-1.01", D("1"), D("3"), *NONE3),
        (2563, 1, "D02", "T2-1.02", D("3"), D("2"), *NONE3),
    ], [], ["column G is ignored: it holds values but has no header"]),
    # the project's wide template filled in and re-saved by LibreOffice: a 50 % cell, a Thai digit, 'มี',
    # one empty cell and the template's two dashes
    ("template_wide_libreoffice.xlsx", {}, [
        (2563, 1, "D01", "T2-1.01", D("1"), D("3"), *NONE3),
        (2563, 1, "D01", "T2-1.02", D("4"), D("3"), *NONE3),
        (2563, 1, "D01", "T2-2.01", D("50"), D("1.88"), *NONE3),       # 1.875 → 1.88
        (2563, 1, "D01", "T2-2.02", D("1"), D("3"), *NONE3),
        (2563, 1, "D02", "T2-1.01", D("0"), D("0"), *NONE3),
        (2563, 1, "D02", "T2-1.02", D("2"), D("1"), *NONE3),           # '๒'
        (2563, 1, "D02", "T2-2.02", D("1"), D("3"), *NONE3),           # 'มี'
        (2563, 1, "DEPA", "T2-1.01", D("1"), D("3"), *NONE3),
        (2563, 1, "DEPA", "T2-1.02", D("3"), D("2"), *NONE3),
        (2563, 1, "DEPN", "T2-1.01", D("1"), D("3"), *NONE3),
        (2563, 1, "DEPN", "T2-1.02", D("0"), D("0"), *NONE3),
        (2563, 1, "DEPN", "T2-2.01", D("80"), D("3"), *NONE3),
        (2563, 1, "DEPN", "T2-2.02", D("0"), D("0"), *NONE3),
    ], [("DEPA", "T2-2.01", 7, "E"), ("DEPA", "T2-2.02", 7, "F")], []),
    # the long template re-saved by LibreOffice: a Buddhist-era date cell, 'ไม่มี', a formula-like note, a dash
    ("template_long_libreoffice.xlsx", {}, [
        (2563, 2, "D02", "T2-2.01", D("26.67"), D("1"), *NONE3),       # 1.000125 → 1.00
        (2563, 2, "DEPA", "T2-1.02", D("2"), D("1"), date(2020, 8, 15), None, None),
        (2563, 2, "DEPN", "T2-1.01", D("0"), D("0"), None, "คณะตรวจที่ ๒", "-2+3"),
    ], [("D01", "T2-1.01", 2, "E")], []),
    # the long template saved by LibreOffice as Windows-874 CSV: '…' (cp874 only), ๔, '72.5%' as shown
    ("results_cp874_libreoffice.csv", {}, [
        (2563, 1, "D01", "T2-1.01", D("1"), D("3"), date(2020, 4, 10), "คณะตรวจที่ ๑", "ส่งเอกสารครบ…"),
        (2563, 1, "D01", "T2-1.02", D("4"), D("3"), *NONE3),
        (2563, 1, "D02", "T2-2.01", D("72.5"), D("2.72"), *NONE3),     # 2.71875 → 2.72
        (2563, 1, "DEPN", "T2-2.02", D("0"), D("0"), *NONE3),
    ], [], []),
]
VALID_NAMES = [name for name, *_ in VALID_CORPUS]


# Each valid file stores exactly these rows; dashes are listed as not applicable, ignored columns named.
@pytest.mark.parametrize("name, choices, rows, not_applicable, ignored", VALID_CORPUS, ids=VALID_NAMES)
def test_corpus_valid_file_stores_exact_rows(db, name, choices, rows, not_applicable, ignored):
    before = snapshot(db)
    plan = importer.plan_import(db, (CORPUS / name).read_bytes(), name)
    assert plan.problems == []
    assert plan.not_applicable[["unit_code", "indicator_code", "excel_row", "excel_col"]].values.tolist() == \
        [list(x) for x in not_applicable]
    assert [u.ignored().text("en") for u in plan.unknown_columns] == ignored
    batch = importer.commit(db, plan, by=acting("secretariat"), **choices)
    assert rows_of_batch(db, batch) == rows
    assert differing(before, snapshot(db)) == ["import_batches", "results", "audit_log"]


# The LibreOffice files are what they claim: written by LibreOffice, the CSV in Windows-874 (not UTF-8).
def test_resaved_files_are_libreoffice_output(db):
    for name in ("template_wide_libreoffice.xlsx", "template_long_libreoffice.xlsx"):
        with zipfile.ZipFile(CORPUS / name) as z:
            assert b"LibreOffice" in z.read("docProps/app.xml")
    data = (CORPUS / "results_cp874_libreoffice.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert "ส่งเอกสารครบ…".encode("cp874") in data
    plan = importer.plan_import(db, data, "results_cp874_libreoffice.csv")
    assert (plan.encoding, plan.layout, plan.empty) == ("cp874", "long", 10)


# A Thai-digit unit code (๑๐๐๑) and indicator code (F๒-๑.๐๑) on the demo database are 1001 and F2-1.01.
def test_thai_digit_codes_on_demo(demo_db):
    data = (EN_HEADER + "2570,1,๑๐๐๑,F๒-๑.๐๑,1,,,\n").encode("utf-8")
    batch = do_import(demo_db, data, "thai-digits.csv")
    assert rows_of_batch(demo_db, batch) == [(2570, 1, "1001", "F2-1.01", D("1"), D("3"), None, None, None)]


# Messages follow the reader's language: the page renders one language, the command line both.
def test_problem_rendered_in_each_language(db):
    plan = importer.plan_import(db, (CORPUS / "impossible_date.csv").read_bytes(), "impossible_date.csv")
    p = plan.problems[0]
    th = "ไม่มีวันที่นี้ เดือนเมษายน 2563 มี 30 วัน แก้วันที่ให้ถูกต้อง"
    en = "there is no such date: April 2563 has 30 days; correct the date"
    assert p.text("th") == f"impossible_date, แถว 2, คอลัมน์ F ('31/04/2563'): {th}"
    assert p.text("en") == f"impossible_date, row 2, column F ('31/04/2563'): {en}"
    assert str(p) == f"impossible_date, row 2, column F ('31/04/2563'): {th} / {en}"
    frame = importer.problems_frame(plan.problems, "th")
    assert list(frame.columns) == ["sheet", "row", "column", "value", "problem"]
    assert frame.iloc[0].tolist() == ["impossible_date", 2, "F", "31/04/2563", th]
    refused = importer.ImportRefused(plan.problems[:1])
    assert (refused.text("en"), refused.text("th")) == (p.text("en"), p.text("th"))


# Unknown columns are refused until the user chooses to ignore them; the choice drops only those columns.
def test_ignore_columns_is_an_explicit_choice(db):
    data = (CORPUS / "misspelled_note.csv").read_bytes()
    plan = importer.plan_import(db, data, "misspelled_note.csv")
    assert plan.problems == [] and len(plan.unknown_columns) == 1
    assert importer.require_columns(plan, ignore_columns=False) == [plan.unknown_columns[0].problem()]
    assert importer.require_columns(plan, ignore_columns=True) == []
    assert plan.rows["note"].isna().all()   # the misspelled column's notes are not read as notes


# Bugs found and fixed, kept as regression tests (their files are not in the refusal table above).
KNOWN_BUG_FILES = ("wide_lowercase_code.xlsx", "decimal_comma.csv", "wide_fiscal_year_2540.csv")


# A wide column headed 't2-1.02' (not a known code, not F-shaped) must not lose its values silently.
def test_bug_wide_unrecognised_column_is_not_dropped_silently(db):
    plan = importer.plan_import(db, (CORPUS / "wide_lowercase_code.xlsx").read_bytes(), "wide_lowercase_code.xlsx")
    assert plan.problems == [] and len(plan.rows) == 4   # 't2-1.02' is read as the code T2-1.02


# A decimal comma ('1,5', '7,5' in a ';' export) is refused or read as 1.5 / 7.5, never as 15 / 75.
def test_bug_decimal_comma_is_not_multiplied(db):
    plan = importer.plan_import(db, (CORPUS / "decimal_comma.csv").read_bytes(), "decimal_comma.csv")
    assert set(plan.rows["value"]) & {15.0, 75.0} == set()
    assert plan.problems and all("use a point for decimals" in p.en for p in plan.problems)


# A bad fiscal year above a wide header is one problem, not one per data row.
def test_bug_bad_preamble_reported_once(db):
    plan = importer.plan_import(db, (CORPUS / "wide_fiscal_year_2540.csv").read_bytes(), "wide_fiscal_year_2540.csv")
    assert where(plan.problems) == [("wide_fiscal_year_2540", 1, "B")]


# The generated cases really are what they claim: 50 MB, cp874 read as cp874, a BOM, an .xls signature.
def test_corpus_files_are_what_they_claim(db):
    assert len(over_size_csv()) >= 50 * 1024 * 1024
    encodings = {name: importer.plan_import(db, (CORPUS / name).read_bytes(), name).encoding
                 for name in ("cp874_unknown_unit.csv", "utf8_bom_negative.csv", "merged_header.xlsx")}
    assert encodings == {"cp874_unknown_unit.csv": "cp874", "utf8_bom_negative.csv": "utf-8-sig",
                         "merged_header.xlsx": "xlsx"}
    with pytest.raises(UnicodeDecodeError):
        (CORPUS / "cp874_unknown_unit.csv").read_bytes().decode("utf-8")
    assert (CORPUS / "old_excel.xls").read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    assert (CORPUS / "empty.csv").stat().st_size == 0


# The cp874 file's Thai text is decoded exactly: its valid rows carry the Thai inspector, note and 'มี'.
def test_corpus_cp874_rows_are_decoded(db):
    plan = importer.plan_import(db, (CORPUS / "cp874_unknown_unit.csv").read_bytes(), "cp874_unknown_unit.csv")
    got = plan.rows[["unit_code", "indicator_code", "value", "inspector", "note"]].values.tolist()
    assert got == [["D01", "T2-1.01", 1.0, "คณะตรวจที่ ๑", "ส่งครบ"],
                   ["D02", "T2-2.02", 0.0, "คณะตรวจที่ ๒", "ยังไม่มีเอกสาร"]]


# Every file in the corpus is in the table above (none untested), and each is small.
def test_corpus_table_covers_every_file():
    names = CORPUS_NAMES + REFUSED_EXACT_NAMES + VALID_NAMES
    on_disk = {p.name for p in CORPUS.iterdir() if p.is_file() and p.suffix not in (".py", ".sh")}
    assert on_disk == set(names) - set(GENERATED) | set(KNOWN_BUG_FILES)
    assert all(len(table) == len(set(table)) for table in (CORPUS_NAMES, REFUSED_EXACT_NAMES, VALID_NAMES))
    assert len(set(names)) >= 60   # (a file with unknown columns is refused, then valid once they are ignored)
    assert max(p.stat().st_size for p in CORPUS.iterdir() if p.is_file()) < 32 * 1024


# make_corpus.py, run as a script, regenerates the committed binary files byte for byte.
def test_corpus_generator_is_deterministic(tmp_path):
    done = subprocess.run([sys.executable, str(CORPUS / "make_corpus.py"), str(tmp_path)], capture_output=True,
                          text=True, timeout=120, check=True)
    written = sorted(Path(line).name for line in done.stdout.splitlines())
    assert len(written) == 22
    assert [name for name in written if (tmp_path / name).read_bytes() != (CORPUS / name).read_bytes()] == []


# --- valid imports: the exact rows written, points by the official rules ---------------------------

LONG_CSV = (EN_HEADER
            + "2563,1,D01,T2-1.01,1,2020-04-10,team 1,all documents seen\n"
            + "2563,1,D01,T2-1.02,3,10/04/2563,team 1,\n"
            + "2563,1,D01,T2-2.01,30,,,\n"
            + "2563,1,D01,T2-2.02,0,,,\n"
            + "2563,1,D02,T2-1.02,1,,,\n"
            + "2563,1,D02,T2-2.01,85.5,,,\n"
            + "2563,1,DEPA,T2-1.02,7,,,\n"
            + "2563,1,DEPN,T2-2.01,66.67,,,\n").encode("utf-8")
APRIL_10 = date(2020, 4, 10)   # 10/04/2563 (Buddhist era) is in FY2563
LONG_ROWS = [
    (2563, 1, "D01", "T2-1.01", D("1"), D("3"), APRIL_10, "team 1", "all documents seen"),
    (2563, 1, "D01", "T2-1.02", D("3"), D("2"), APRIL_10, "team 1", None),     # 3 activities → 2
    (2563, 1, "D01", "T2-2.01", D("30"), D("1.13"), None, None, None),       # 3 × 30 / 80 = 1.125 → 1.13 (half up)
    (2563, 1, "D01", "T2-2.02", D("0"), D("0"), None, None, None),
    (2563, 1, "D02", "T2-1.02", D("1"), D("0"), None, None, None),           # below the first step
    (2563, 1, "D02", "T2-2.01", D("85.5"), D("3"), None, None, None),        # above the target: capped
    (2563, 1, "DEPA", "T2-1.02", D("7"), D("3"), None, None, None),          # past the last step
    (2563, 1, "DEPN", "T2-2.01", D("66.67"), D("2.5"), None, None, None),    # 2.500125 → 2.50
]


# A long UTF-8 CSV with English headers lands as exactly these rows and points; only results and batches change.
def test_long_csv_import_writes_exact_rows(db):
    before = snapshot(db)
    plan = importer.plan_import(db, LONG_CSV, "fy2563-r1.csv")
    assert (plan.layout, plan.encoding, plan.sheet, plan.problems) == ("long", "utf-8", "fy2563-r1", [])
    assert (len(plan.added), len(plan.replaced), len(plan.unchanged), plan.skipped) == (8, 0, 0, 0)
    assert importer.commit(db, plan, by=acting("secretariat")) == 4
    assert rows_of_batch(db, 4) == LONG_ROWS
    assert differing(before, snapshot(db)) == ["import_batches", "results", "audit_log"]
    assert len(backup.table_frames(db)["results"]) == 49 + 8


# History from archives: one long file holding several fiscal years (a fiscal-year column), framework 1's
# and framework 2's, each row scored by the rules of its own year's framework. Framework 1: binary 1 point,
# count 1 → 1, percent 1 × value ÷ 100; framework 2 as above. The rows are ones the tiny database lacks.
ARCHIVE_CSV = (EN_HEADER
               + "2561,1,D02,T1-1.01,1,,,\n2561,2,D02,T1-1.02,3,,,\n2561,1,DEPA,T1-2.01,50,,,\n"
               + "2562,2,DEPA,T2-1.01,1,,,\n2562,2,DEPA,T2-1.02,3,,,\n"
               + "2563,1,D01,T2-2.01,40,,,\n2563,2,DEPN,T2-2.02,1,,,\n").encode()
ARCHIVE_ROWS = [
    (2561, 1, "D02", "T1-1.01", D("1"), D("1"), None, None, None),
    (2561, 1, "DEPA", "T1-2.01", D("50"), D("0.5"), None, None, None),    # 1 × 50 / 100
    (2561, 2, "D02", "T1-1.02", D("3"), D("1"), None, None, None),        # past framework 1's one step
    (2562, 2, "DEPA", "T2-1.01", D("1"), D("3"), None, None, None),
    (2562, 2, "DEPA", "T2-1.02", D("3"), D("2"), None, None, None),
    (2563, 1, "D01", "T2-2.01", D("40"), D("1.5"), None, None, None),     # 3 × 40 / 80
    (2563, 2, "DEPN", "T2-2.02", D("1"), D("3"), None, None, None),
]


def test_file_of_several_fiscal_years(db):
    before = snapshot(db)
    plan = importer.plan_import(db, ARCHIVE_CSV, "archive.csv")
    assert (plan.layout, plan.problems, len(plan.added), len(plan.replaced)) == ("long", [], 7, 0)
    assert importer.commit(db, plan, by=acting("secretariat")) == 4
    assert rows_of_batch(db, 4) == ARCHIVE_ROWS
    assert differing(before, snapshot(db)) == ["import_batches", "results", "audit_log"]


THAI_BODY = ("2563,1,D01,T2-1.01,มี,๑๐/๐๔/๒๕๖๓,คณะตรวจที่ ๑,ส่งเอกสารครบ\n"
             "2563,1,D01,T2-2.02,ไม่มี,๑๐/๐๔/๒๕๖๓,คณะตรวจที่ ๑,\n"
             "๒๕๖๓,๑,D02,T2-1.02,๓,2020-04-11,,\n"
             "2563,1,D02,T2-2.01,๗๒.๕,,,\n")
THAI_ROWS = [
    (2563, 1, "D01", "T2-1.01", D("1"), D("3"), APRIL_10, "คณะตรวจที่ ๑", "ส่งเอกสารครบ"),   # มี = 1
    (2563, 1, "D01", "T2-2.02", D("0"), D("0"), APRIL_10, "คณะตรวจที่ ๑", None),             # ไม่มี = 0
    (2563, 1, "D02", "T2-1.02", D("3"), D("2"), date(2020, 4, 11), None, None),              # ๓ = 3
    (2563, 1, "D02", "T2-2.01", D("72.5"), D("2.72"), None, None, None),                     # 2.71875 → 2.72
]
HEADER_VARIANTS = {
    "thai": TH_HEADER,
    "template": ("ปีงบประมาณ (fiscal_year),รอบการตรวจ (inspection_round),รหัสหน่วยงาน (unit_code),"
                 "รหัสตัวชี้วัด (indicator_code),ค่าที่วัดได้ (value),วันที่ตรวจ (inspected_on),"
                 "ผู้ตรวจ (inspector),หมายเหตุ (note)\n"),
    "english": "Fiscal Year,Round,Unit Code,Indicator Code,Result,Inspection Date,Inspector,Remark\n",
    "short-thai": "ปี,รอบ,หน่วยงาน,ตัวชี้วัด,ค่า,วันที่,ผู้ตรวจ,หมายเหตุ\n",
}


# 'มี' / 'ไม่มี', Thai digits and every header naming read alike in UTF-8, UTF-8 with BOM and undeclared cp874.
@pytest.mark.parametrize("headers", list(HEADER_VARIANTS))
@pytest.mark.parametrize("encoding, bom, expected_encoding", [
    ("utf-8", b"", "utf-8"), ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"), ("cp874", b"", "cp874")])
def test_thai_csv_in_every_encoding(db, headers, encoding, bom, expected_encoding):
    data = bom + (HEADER_VARIANTS[headers] + THAI_BODY).encode(encoding)
    plan = importer.plan_import(db, data, "ผลรอบ1.csv")
    assert (plan.layout, plan.encoding, plan.problems) == ("long", expected_encoding, [])
    batch = importer.commit(db, plan, by=acting("เลขานุการ"))
    assert rows_of_batch(db, batch) == THAI_ROWS
    assert batch_record(db, batch)["imported_by"] == "เลขานุการ"


def fill(workbook_bytes: bytes, sheet: str, cells: dict[str, object]) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes))
    for ref, value in cells.items():
        wb[sheet][ref] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# The wide template filled in: empty cells and '—' are skipped, the rest land with their points.
def test_wide_template_filled_in(db):
    blank = import_templates.template(db, 2563, 1, layout="wide")
    ws = openpyxl.load_workbook(io.BytesIO(blank))["ผลการตรวจ"]
    assert [c.value for c in ws[4]] == ["รหัสหน่วยงาน (unit_code)", "ชื่อหน่วยงาน (unit_name)",
                                        "T2-1.01", "T2-1.02", "T2-2.01", "T2-2.02"]
    assert [ws[f"A{r}"].value for r in range(5, 9)] == ["D01", "D02", "DEPA", "DEPN"]
    assert (ws["E7"].value, ws["F7"].value) == ("—", "—")
    data = fill(blank, "ผลการตรวจ", {
        "C5": 1, "D5": 4, "E5": 50, "F5": 1,
        "C6": 0, "D6": 2, "F6": "มี",            # E6 left empty: not submitted
        "C7": 1, "D7": 3,                         # E7, F7 stay '—'
        "C8": 1, "D8": 0, "E8": 80, "F8": 0,
    })
    plan = importer.plan_import(db, data, "template.xlsx")
    assert (plan.layout, plan.sheet, plan.problems, plan.skipped) == ("wide", "ผลการตรวจ", [], 3)
    batch = importer.commit(db, plan, by=acting("secretariat"))
    none = (None, None, None)
    assert rows_of_batch(db, batch) == [
        (2563, 1, "D01", "T2-1.01", D("1"), D("3"), *none),
        (2563, 1, "D01", "T2-1.02", D("4"), D("3"), *none),
        (2563, 1, "D01", "T2-2.01", D("50"), D("1.88"), *none),     # 1.875 → 1.88
        (2563, 1, "D01", "T2-2.02", D("1"), D("3"), *none),
        (2563, 1, "D02", "T2-1.01", D("0"), D("0"), *none),
        (2563, 1, "D02", "T2-1.02", D("2"), D("1"), *none),
        (2563, 1, "D02", "T2-2.02", D("1"), D("3"), *none),
        (2563, 1, "DEPA", "T2-1.01", D("1"), D("3"), *none),
        (2563, 1, "DEPA", "T2-1.02", D("3"), D("2"), *none),
        (2563, 1, "DEPN", "T2-1.01", D("1"), D("3"), *none),
        (2563, 1, "DEPN", "T2-1.02", D("0"), D("0"), *none),
        (2563, 1, "DEPN", "T2-2.01", D("80"), D("3"), *none),
        (2563, 1, "DEPN", "T2-2.02", D("0"), D("0"), *none),
    ]


# The long template (one pre-filled row per assigned unit × indicator) with three values typed in.
def test_long_template_filled_in(db):
    blank = import_templates.template(db, 2563, 2, layout="long")
    ws = openpyxl.load_workbook(io.BytesIO(blank))["ผลการตรวจ"]
    rows = {(ws[f"C{r}"].value, ws[f"D{r}"].value): r for r in range(2, ws.max_row + 1)}
    assert len(rows) == 14          # D01, D02, DEPN × 4 and DEPA × 2
    data = fill(blank, "ผลการตรวจ", {f"E{rows['D02', 'T2-2.01']}": 26.67,
                                     f"E{rows['DEPA', 'T2-1.02']}": 2,
                                     f"F{rows['DEPA', 'T2-1.02']}": datetime(2020, 8, 15),
                                     f"E{rows['DEPN', 'T2-1.01']}": "ไม่มี"})
    plan = importer.plan_import(db, data, "long.xlsx")
    assert (plan.layout, plan.problems, plan.skipped) == ("long", [], 11)
    batch = importer.commit(db, plan, by=acting("secretariat"))
    assert rows_of_batch(db, batch) == [
        (2563, 2, "D02", "T2-2.01", D("26.67"), D("1"), None, None, None),   # 1.000125 → 1.00
        (2563, 2, "DEPA", "T2-1.02", D("2"), D("1"), date(2020, 8, 15), None, None),
        (2563, 2, "DEPN", "T2-1.01", D("0"), D("0"), None, None, None),
    ]


# Demo database: a wide CSV's F-code columns are found by their shape; FY2570 (no results) is all added.
def test_wide_csv_with_f_codes_on_demo(demo_db):
    data = ("ปีงบประมาณ,2570\nรอบการตรวจ,1\n\n"
            "รหัสหน่วยงาน,F2-1.01,F2-1.03,F2-1.04,F2-2.11\n"
            "CSC,1,4,40,1\n"
            "1001,0,2,80,—\n").encode()
    plan = importer.plan_import(demo_db, data, "fy2570.csv")
    assert (plan.layout, plan.problems, plan.skipped) == ("wide", [], 1)
    assert importer.commit(demo_db, plan, by=acting("secretariat")) == 2
    none = (None, None, None)
    assert rows_of_batch(demo_db, 2) == [
        (2570, 1, "1001", "F2-1.01", D("0"), D("0"), *none),
        (2570, 1, "1001", "F2-1.03", D("2"), D("1"), *none),
        (2570, 1, "1001", "F2-1.04", D("80"), D("3"), *none),
        (2570, 1, "CSC", "F2-1.01", D("1"), D("3"), *none),
        (2570, 1, "CSC", "F2-1.03", D("4"), D("3"), *none),
        (2570, 1, "CSC", "F2-1.04", D("40"), D("1.5"), *none),
        (2570, 1, "CSC", "F2-2.11", D("1"), D("3"), *none),
    ]


# A personnel indicator for a district office (demo: F2-2.11 for 1001) is refused; nothing written.
def test_personnel_indicator_for_district_refused_on_demo(demo_db):
    before = snapshot(demo_db)
    data = (EN_HEADER + "2570,1,CSC,F2-2.11,1,,,\n2570,1,1001,F2-2.11,1,,,\n").encode()
    plan = importer.plan_import(demo_db, data, "personnel.csv")
    with pytest.raises(importer.ImportRefused) as exc:
        importer.commit(demo_db, plan, by=acting("t"))
    assert where(exc.value.problems) == [("personnel", 3, "D")]
    assert "unit 1001 does not answer for this indicator in fiscal year 2570" in exc.value.problems[0].en
    assert differing(before, snapshot(demo_db)) == []


# SQL-looking text in the note and inspector is plain text: accepted and stored verbatim (decision).
def test_sql_looking_text_is_stored_verbatim(db):
    note, inspector = "x'); drop table results; --", "Robert'); DROP TABLE units;--"
    data = (EN_HEADER + f'2563,1,D01,T2-1.01,1,,"{inspector}","{note}"\n').encode()
    batch = do_import(db, data, "sql.csv")
    assert rows_of_batch(db, batch) == [(2563, 1, "D01", "T2-1.01", D("1"), D("3"), None, inspector, note)]
    assert {t: len(v) for t, v in backup.table_frames(db).items() if t in ("units", "results")} == \
        {"units": 4, "results": 50}


# --- the batch record, the same file twice ---------------------------------------------------------

# The batch records the file name, its sha256, who imported, when, and the counts; nothing undone.
def test_batch_record(db):
    started = datetime.now().replace(microsecond=0)
    batch = do_import(db, LONG_CSV, "fy2563-r1.csv", by="somchai")
    record = batch_record(db, batch)
    assert started <= record.pop("imported_at") <= datetime.now()
    assert record == {"batch_id": 4, "source": "import", "file_name": "fy2563-r1.csv",
                      "sha256": hashlib.sha256(LONG_CSV).hexdigest(), "imported_by": "somchai",
                      "row_count": 8, "note": None, "num_added": 8, "num_replaced": 0, "num_unchanged": 0,
                      "replace_reason": None, "undone_at": None, "undone_by": None}


# The same bytes again (under any name) are refused, naming the first batch; nothing written.
@pytest.mark.parametrize("second_name", ["fy2563-r1.csv", "renamed copy.csv"])
def test_same_file_twice_refused(db, second_name):
    do_import(db, LONG_CSV, "fy2563-r1.csv")
    before = snapshot(db)
    plan = importer.plan_import(db, LONG_CSV, second_name)
    assert plan.same_file_batch == 4
    with pytest.raises(importer.ImportRefused) as exc:
        importer.commit(db, plan, by=acting("secretariat"))
    assert where(exc.value.problems) == [(second_name, None, None)]
    assert "this exact file was already imported (batch 4)" in exc.value.problems[0].en
    assert differing(before, snapshot(db)) == []


# --- replace, history, undo -------------------------------------------------------------------------

# Row 2 changes D01's stored T2-1.01 (1 → 0, batch 2), row 3 equals what is stored, row 4 is new.
REPLACE_CSV = (EN_HEADER
               + "2562,1,D01,T2-1.01,0,2019-04-12,re-inspection,document was missing\n"
               + "2562,1,D01,T2-1.02,3,,,\n"
               + "2562,2,D02,T2-2.01,40,,,\n").encode()


# Replacing without a reason is refused (the file has a changed row), nothing written.
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_replace_without_reason_refused(db, reason):
    before = snapshot(db)
    plan = importer.plan_import(db, REPLACE_CSV, "fix.csv")
    assert plan.problems == []
    with pytest.raises(importer.ImportRefused) as exc:
        importer.commit(db, plan, by=acting("secretariat"), replace=True, reason=reason)
    assert [(p.sheet, p.row, p.column, p.en) for p in exc.value.problems] == \
        [("fix", None, None, "replacing stored results needs a reason (rows that would be replaced: 2)")]
    assert differing(before, snapshot(db)) == []


# Replace with a reason: new value scored, old row kept in results_history with the replacing batch.
def test_replace_with_reason_keeps_history(db):
    before = snapshot(db)
    batch = do_import(db, REPLACE_CSV, "fix.csv", replace=True, reason="inspector typo")
    assert batch == 4
    assert rows_of_batch(db, 4) == [
        (2562, 1, "D01", "T2-1.01", D("0"), D("0"), date(2019, 4, 12), "re-inspection", "document was missing"),
        (2562, 2, "D02", "T2-2.01", D("40"), D("1.5"), None, None, None),
    ]
    assert history(db) == [(2562, 1, "D01", "T2-1.01", D("1"), D("3"), date(2019, 4, 10), "ชุดตรวจที่ 1", None, 2, 4)]
    assert (2562, 1, "D01", "T2-1.02", D("3"), D("2"), date(2019, 4, 10), "ชุดตรวจที่ 1", None) in rows_of_batch(db, 2)
    record = batch_record(db, 4)
    assert (record["row_count"], record["num_added"], record["num_replaced"], record["num_unchanged"],
            record["replace_reason"]) == (3, 1, 1, 1, "inspector typo")
    assert differing(before, snapshot(db)) == ["import_batches", "results", "results_history", "audit_log"]


# Undo restores every table but import_batches exactly, marks the batch undone; the file may then return.
def test_undo_restores_exactly_and_file_can_return(db):
    before = snapshot(db)
    do_import(db, REPLACE_CSV, "fix.csv", replace=True, reason="inspector typo")
    imported = batch_record(db, 4)
    started = datetime.now().replace(microsecond=0)
    importer.undo(db, 4, by=acting("auditor"))
    after = snapshot(db)
    assert differing(before, after) == ["import_batches", "audit_log"]
    undone = batch_record(db, 4)
    assert undone["undone_by"] == "auditor"
    assert started <= undone["undone_at"] <= datetime.now()
    assert {k: v for k, v in undone.items() if k not in ("undone_at", "undone_by")} == \
        {k: v for k, v in imported.items() if k not in ("undone_at", "undone_by")}
    assert [r for r in after["import_batches"].to_pylist() if r["batch_id"] != 4] == \
        before["import_batches"].to_pylist()
    assert do_import(db, REPLACE_CSV, "fix.csv", replace=True, reason="again") == 5
    assert history(db) == [(2562, 1, "D01", "T2-1.01", D("1"), D("3"), date(2019, 4, 10), "ชุดตรวจที่ 1", None, 2, 5)]


# A batch whose rows a later batch replaced cannot be undone first; in the right order both undo.
def test_undo_refused_while_later_batch_replaced_its_rows(db):
    original = snapshot(db)
    first = do_import(db, (EN_HEADER + "2563,1,D01,T2-1.01,1,,,\n").encode(), "a.csv")
    second = do_import(db, (EN_HEADER + "2563,1,D01,T2-1.01,0,,,\n").encode(), "b.csv", replace=True, reason="fix")
    before = snapshot(db)
    with pytest.raises(importer.UndoRefused, match=f"undo batch {second} first"):
        importer.undo(db, first, by=acting("auditor"))
    assert differing(before, snapshot(db)) == []
    importer.undo(db, second, by=acting("auditor"))
    assert rows_of_batch(db, first) == [(2563, 1, "D01", "T2-1.01", D("1"), D("3"), None, None, None)]
    importer.undo(db, first, by=acting("auditor"))
    assert differing(original, snapshot(db)) == ["import_batches", "audit_log"]


# Undo is refused for an unknown batch and for one already undone; nothing changes.
@pytest.mark.parametrize("batch, message", [(99, "there is no import batch 99"), (4, "batch 4 was already undone")])
def test_undo_refused_unknown_or_twice(db, batch, message):
    do_import(db, LONG_CSV, "fy2563-r1.csv")
    importer.undo(db, 4, by=acting("auditor"))
    before = snapshot(db)
    with pytest.raises(importer.UndoRefused, match=re.escape(message)):
        importer.undo(db, batch, by=acting("auditor"))
    assert differing(before, snapshot(db)) == []


# The demo's own batch is not a file import: undo is refused and the demo stays whole.
def test_undo_refused_for_demo_batch(demo_db):
    before = snapshot(demo_db)
    with pytest.raises(importer.UndoRefused, match="batch 1 is not a file import"):
        importer.undo(demo_db, 1, by=acting("auditor"))
    assert differing(before, snapshot(demo_db)) == []


# --- export and restore -----------------------------------------------------------------------------

def busy_state(db: Database) -> dict[str, pa.Table]:
    """The tiny database plus a replace (history), an undone batch and a saved scenario."""
    do_import(db, REPLACE_CSV, "fix.csv", replace=True, reason="inspector typo")
    do_import(db, LONG_CSV, "fy2563-r1.csv")
    importer.undo(db, 5, by=acting("auditor"))
    store.save_scenario(db, name="ลองเกณฑ์ใหม่", by=acting("secretariat"), description=None, framework_id=2,
                        spec_json="{}", existing=db.query("scenarios_by_name"))
    state = backup.table_frames(db)
    filled = ("units", "rule_steps", "import_batches", "results", "evaluation_components", "scenarios",
              "results_history")
    assert [t for t in filled if state[t].num_rows == 0] == []
    assert [r["batch_id"] for r in state["import_batches"].to_pylist() if r["undone_at"]] == [5]
    return state


# export_parquet then restore (new file, or over another database) gives identical tables, order and types
# (the audit trail gains the restore's entry).
@pytest.mark.parametrize("target", ["new file", "over another database"])
def test_parquet_export_restore_round_trip(db, tiny_file, tmp_path, target):
    state = busy_state(db)
    written = backup.export_parquet(db, tmp_path / "export")
    assert sorted(p.name for p in written) == sorted(f"{t}.parquet" for t in store.TABLES)
    out = tmp_path / "restored.duckdb"
    if target == "over another database":
        shutil.copyfile(tiny_file, out)
    backup.restore(backup.read_export(tmp_path / "export"), out, by=acting())
    with Database(out, read_only=True) as restored:
        again = backup.table_frames(restored)
    assert_restored(state, again)


def assert_restored(state: dict, again: dict) -> None:
    """Every table identical; the audit trail the export's, with the restore's own entry after it."""
    assert [t for t in store.TABLES if t != "audit_log" and not state[t].equals(again[t])] == []
    n = state["audit_log"].num_rows
    assert again["audit_log"].slice(0, n).equals(state["audit_log"])
    assert [(r["audit_id"], r["action"], r["actor"]) for r in again["audit_log"].slice(n).to_pylist()] == \
        [(n + 1, "restore", "secretariat")]


# export_zip then read_export of the bytes (or of the ZIP file's path) gives identical tables.
@pytest.mark.parametrize("as_path", [False, True])
def test_zip_export_restore_round_trip(db, tmp_path, as_path):
    state = busy_state(db)
    data = backup.export_zip(db)
    if as_path:
        (tmp_path / "export.zip").write_bytes(data)
    tables = backup.read_export(tmp_path / "export.zip" if as_path else data)
    assert [t for t in store.TABLES if not state[t].equals(tables[t])] == []
    backup.restore(tables, tmp_path / "restored.duckdb", by=acting())
    with Database(tmp_path / "restored.duckdb", read_only=True) as restored:
        again = backup.table_frames(restored)
    assert_restored(state, again)


# An export made before the inspection calendar and the plan deadlines were configuration (no such tables)
# restores with the defaults the app used until then; every other table comes back identical.
def test_restore_export_from_before_the_calendar_tables(db, tmp_path):
    state = busy_state(db)
    folder = tmp_path / "export"
    backup.export_parquet(db, folder)
    for table in ("inspection_calendar", "plan_deadlines"):
        (folder / f"{table}.parquet").unlink()
    backup.restore(backup.read_export(folder), tmp_path / "restored.duckdb", by=acting())
    with Database(tmp_path / "restored.duckdb", read_only=True) as restored:
        again = backup.table_frames(restored)
        assert restored.query("inspection_calendar_by_step").set_index("step").loc[
            "round1_visits"].tolist() == [1, 4, 0, 20, 4, 0]
        assert len(restored.query("plan_deadlines_by_step")) == 10
    assert_restored(state, again)


def incomplete_folder(db, tmp_path) -> Path:
    folder = tmp_path / "export"
    backup.export_parquet(db, folder)
    (folder / "results_history.parquet").unlink()
    return folder


def incomplete_zip(db, tmp_path) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(backup.export_zip(db))) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            if name != "results.parquet":
                dst.writestr(name, src.read(name))
    return out.getvalue()


# An incomplete export is refused; the old database file is byte for byte untouched, nothing left beside it.
@pytest.mark.parametrize("make, message", [
    (incomplete_folder, "the export is incomplete: missing results_history"),
    (incomplete_zip, "the export is incomplete: missing results"),
    (lambda db, tmp_path: b"PK\x03\x04 not really a zip", "this is not a Sai Sa-at export ZIP"),
])
def test_restore_incomplete_export_refused(db, db_path, tmp_path, make, message):
    source = make(db, tmp_path)
    db.close()
    digest, before = sha(db_path), snapshot_file(db_path)
    with pytest.raises(backup.RestoreRefused, match=message):
        backup.restore(backup.read_export(source), db_path, by=acting())
    assert sha(db_path) == digest
    assert differing(before, snapshot_file(db_path)) == []
    assert sorted(p.name for p in db_path.parent.iterdir() if p.name.startswith(db_path.name)) == [db_path.name]


# An export whose rows break a constraint fails mid-build: old file untouched, half-built file removed.
def test_restore_rows_breaking_constraints_leave_old_file(db, db_path, tmp_path):
    tables = backup.table_frames(db)
    results = tables["results"].to_pandas()
    results.loc[0, "unit_code"] = "NOPE"
    tables["results"] = pa.Table.from_pandas(results, schema=tables["results"].schema, preserve_index=False)
    db.close()
    digest = sha(db_path)
    with pytest.raises(backup.RestoreRefused, match="NOPE"):
        backup.restore(tables, db_path, by=acting())
    assert sha(db_path) == digest
    assert sorted(p.name for p in db_path.parent.iterdir() if p.name.startswith(db_path.name)) == [db_path.name]


# An export cut short (a truncated Parquet file) should be refused like a missing table.
def test_restore_truncated_parquet_refused(db, tmp_path):
    folder = tmp_path / "export"
    backup.export_parquet(db, folder)
    part = folder / "results.parquet"
    part.write_bytes(part.read_bytes()[:200])
    try:
        backup.read_export(folder)
    except backup.RestoreRefused:
        return
    except Exception as exc:  # the bug: any other exception
        raise AssertionError(f"not refused: {type(exc).__name__}") from exc
    raise AssertionError("a truncated export was read")


# --- a real process killed before its commit ---------------------------------------------------------

@pytest.fixture
def today_in_fy2563(monkeypatch):
    """The tiny database's today (its calendar ends in FY2563): the command line's import then adds no fiscal
    year (from 1 October it adds the year begun, as the app does on start: tests/test_calendar.py)."""
    monkeypatch.setenv("SAISAAT_TODAY", "2020-06-01")


def cli_env(**extra) -> dict:
    return {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(ROOT), **extra}


# An import SIGKILLed with every row written but uncommitted leaves every table as it was. (The pause
# before the commit is put in by tests/cli_paused.py; the shipped code has no such hook.)
@pytest.mark.usefixtures("today_in_fy2563")
def test_import_killed_before_commit_leaves_database_unchanged(db_path, tmp_path):
    source = tmp_path / "fix.csv"
    source.write_bytes(REPLACE_CSV)
    before = snapshot_file(db_path)
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "cli_paused.py"), "30", "import", str(source), "--db", str(db_path),
         "--replace", "--reason", "typo"],
        cwd=ROOT, env=cli_env(),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    try:
        seen = []
        while "written, about to commit\n" not in seen:
            seen.append(lines.get(timeout=60))
        assert proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert seen[0].startswith("fix.csv: long layout, sheet 'fix', 3 rows — add 1, replace 1, unchanged 1")
    assert differing(before, snapshot_file(db_path)) == []
    with Database(db_path) as again:
        do_import(again, REPLACE_CSV, "fix.csv", replace=True, reason="typo")
        assert differing(before, snapshot(again)) == ["import_batches", "results", "results_history", "audit_log"]


# --- a database held by another process ------------------------------------------------------------

# While this process holds the database, CLI import / restore exit 3 "in use", no traceback, file unchanged.
@pytest.mark.parametrize("command", ["import", "restore"])
@pytest.mark.usefixtures("today_in_fy2563")
def test_cli_refuses_database_in_use(db_path, tmp_path, command):
    source = tmp_path / "fy2563-r1.csv"
    source.write_bytes(LONG_CSV)
    before, digest = snapshot_file(db_path), sha(db_path)
    # (the file is not read while held: closing any descriptor of it would drop this process's POSIX lock)
    holder = Database(db_path)
    try:
        if command == "restore":
            backup.export_parquet(holder, tmp_path / "export")
        argv = ["import", str(source)] if command == "import" else ["restore", str(tmp_path / "export")]
        done = subprocess.run([sys.executable, "-m", "saisaat", *argv, "--db", str(db_path)], cwd=ROOT,
                              env=cli_env(), capture_output=True, text=True, encoding="utf-8", timeout=120)
    finally:
        holder.close()
    assert sha(db_path) == digest
    assert done.returncode == 3
    assert "กำลังถูกใช้งานโดยโปรแกรมอื่น" in done.stderr
    assert "is in use by another process" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert differing(before, snapshot_file(db_path)) == []


# --- the command line (in this process) ---------------------------------------------------------------

def run_cli(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


# Success: exit 0, the plan summary, the batch number; the batch names who imported.
@pytest.mark.usefixtures("today_in_fy2563")
def test_cli_import_success(db_path, tmp_path, capsys):
    source = tmp_path / "fy2563-r1.csv"
    source.write_bytes(LONG_CSV)
    code, out, err = run_cli(capsys, "import", source, "--db", db_path, "--by", "cli-user")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "fy2563-r1.csv: long layout, sheet 'fy2563-r1', 8 rows — add 8, replace 0, unchanged 0, "
        "empty (not submitted) 0, not applicable (—) 0",
        "นำเข้าแล้ว ชุดที่ 4 / imported as batch 4"]
    with Database(db_path, read_only=True) as d:
        assert rows_of_batch(d, 4) == LONG_ROWS
        assert (batch_record(d, 4)["imported_by"], batch_record(d, 4)["file_name"]) == ("cli-user", "fy2563-r1.csv")


# Refusal: exit 1 and every problem, one line each, with sheet, row, column, value, Thai and English.
@pytest.mark.usefixtures("today_in_fy2563")
def test_cli_import_refused_lists_every_problem(db_path, capsys):
    before = snapshot_file(db_path)
    code, _, err = run_cli(capsys, "import", CORPUS / "date_outside_fiscal_year.csv", "--db", db_path)
    assert code == 1
    assert err.splitlines() == [
        "ไม่นำเข้า พบปัญหา 2 รายการ / refused: 2 problems",
        "- date_outside_fiscal_year, row 2, column F ('2019-09-30'): วันที่ตรวจไม่อยู่ในปีงบประมาณ 2563 / "
        "the inspection date is not in fiscal year 2563",
        "- date_outside_fiscal_year, row 3, column F ('31/02/2563'): ไม่มีวันที่นี้ เดือนกุมภาพันธ์ 2563 มี 29 วัน "
        "แก้วันที่ให้ถูกต้อง / there is no such date: February 2563 has 29 days; correct the date"]
    assert differing(before, snapshot_file(db_path)) == []


# CLI replace: without --replace or without --reason exit 1 (nothing written); with both, exit 0.
@pytest.mark.usefixtures("today_in_fy2563")
def test_cli_replace_needs_flag_and_reason(db_path, tmp_path, capsys):
    source = tmp_path / "fix.csv"
    source.write_bytes(REPLACE_CSV)
    before = snapshot_file(db_path)
    code, _, err = run_cli(capsys, "import", source, "--db", db_path)
    assert code == 1 and "- fix, row 2, column E ('1 → 0'): " in err and "would change a stored result (batch 2)" in err
    code, _, err = run_cli(capsys, "import", source, "--db", db_path, "--replace")
    assert code == 1 and err.splitlines()[1] == \
        "- fix: การแทนที่ผลเดิมต้องระบุเหตุผล (แถวที่จะแทนที่: 2) / replacing stored results needs a reason " \
        "(rows that would be replaced: 2)"
    assert differing(before, snapshot_file(db_path)) == []
    code, out, _ = run_cli(capsys, "import", source, "--db", db_path, "--replace", "--reason", "typo")
    assert code == 0 and out.endswith("imported as batch 4\n")
    with Database(db_path, read_only=True) as d:
        assert batch_record(d, 4)["replace_reason"] == "typo"


# --dry-run checks and previews but writes nothing (same bytes); a bad file still exits 1.
@pytest.mark.parametrize("data, code", [(LONG_CSV, 0), ((CORPUS / "binary_two.csv").read_bytes(), 1)])
@pytest.mark.usefixtures("today_in_fy2563")
def test_cli_dry_run_writes_nothing(db_path, tmp_path, capsys, data, code):
    source = tmp_path / "check.csv"
    source.write_bytes(data)
    digest = sha(db_path)
    got, out, _ = run_cli(capsys, "import", source, "--db", db_path, "--dry-run")
    assert got == code
    assert sha(db_path) == digest
    if code == 0:
        assert out.splitlines()[1:] == ["ตรวจแล้ว ไม่ได้บันทึก (--dry-run) / checked, nothing written (--dry-run)"]
        assert "add 8, replace 0" in out


# A column outside the format: exit 1 with the problem and a hint; with --ignore-columns exit 0, the
# ignored column listed in both languages.
@pytest.mark.usefixtures("today_in_fy2563")
def test_cli_ignore_columns(db_path, capsys):
    before = snapshot_file(db_path)
    code, _, err = run_cli(capsys, "import", CORPUS / "points_column.csv", "--db", db_path)
    assert code == 1
    assert err.splitlines()[1:] == [
        "- points_column, row 1, column F ('คะแนน'): คอลัมน์นี้ไม่อยู่ในรูปแบบของไฟล์นำเข้าและจะไม่ถูกนำเข้า "
        "(ระบบคำนวณคะแนนจากค่าที่วัดได้) ให้แก้ชื่อหรือลบคอลัมน์ หรือเลือกไม่นำเข้าคอลัมน์ที่ไม่อยู่ในรูปแบบ / "
        "this column is not part of the format and would not be imported (points are computed from the values): "
        "rename or delete it, or choose to ignore the columns that are not in the format",
        "ถ้าต้องการนำเข้าโดยไม่รวมคอลัมน์ที่ไม่อยู่ในรูปแบบ ให้เพิ่ม --ignore-columns / "
        "to import without the columns that are not in the format, add --ignore-columns"]
    assert differing(before, snapshot_file(db_path)) == []
    code, out, err = run_cli(capsys, "import", CORPUS / "points_column.csv", "--db", db_path, "--ignore-columns")
    assert (code, err) == (0, "")
    assert out.splitlines()[1:] == [
        "- ไม่นำเข้าคอลัมน์ F 'คะแนน': ระบบคำนวณคะแนนจากค่าที่วัดได้ / "
        "column F 'คะแนน' is ignored: points are computed from the values",
        "นำเข้าแล้ว ชุดที่ 4 / imported as batch 4"]


# undo through the CLI: exit 0 for an import, 1 for an unknown batch; a missing file exits 2.
@pytest.mark.usefixtures("today_in_fy2563")
def test_cli_undo_and_missing_file(db_path, tmp_path, capsys):
    source = tmp_path / "fy2563-r1.csv"
    source.write_bytes(LONG_CSV)
    before = snapshot_file(db_path)
    assert run_cli(capsys, "import", source, "--db", db_path)[0] == 0
    assert run_cli(capsys, "undo", "4", "--db", db_path, "--by", "auditor")[:2] == \
        (0, "ย้อนชุดที่ 4 แล้ว / batch 4 undone\n")
    assert differing(before, snapshot_file(db_path)) == ["import_batches", "audit_log"]
    code, _, err = run_cli(capsys, "undo", "99", "--db", db_path)
    assert code == 1 and "there is no import batch 99" in err
    code, _, err = run_cli(capsys, "import", tmp_path / "nowhere.csv", "--db", db_path)
    assert code == 2 and "cannot open the file" in err


# CLI export then restore gives identical tables; an incomplete export exits 1, database file untouched.
@pytest.mark.usefixtures("today_in_fy2563")
def test_cli_export_restore(db, db_path, tmp_path, capsys):
    state = busy_state(db)
    db.close()
    code, out, _ = run_cli(capsys, "export", "--out", tmp_path / "export", "--db", db_path)
    assert code == 0 and out.startswith(f"{len(store.TABLES)} Parquet tables and saisaat.xlsx")
    target = tmp_path / "restored.duckdb"
    assert run_cli(capsys, "restore", tmp_path / "export", "--db", target, "--by", "secretariat")[0] == 0
    with Database(target, read_only=True) as restored:
        again = backup.table_frames(restored)
    assert_restored(state, again)
    (tmp_path / "export" / "scenarios.parquet").unlink()
    digest = sha(target)
    code, _, err = run_cli(capsys, "restore", tmp_path / "export", "--db", target)
    assert code == 1 and "the export is incomplete: missing scenarios" in err
    assert sha(target) == digest
