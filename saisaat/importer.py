"""Reading inspection results from XLSX and CSV files: every problem found, none written.

`plan_import(db, data, file_name)` reads a file (XLSX, or CSV in UTF-8, UTF-8 with BOM or Thai Windows
cp874 / TIS-620, detected), finds its header (Thai or English names), understands the long layout
(one row per fiscal year × round × unit × indicator) and the wide layout (one row per unit, one column
per indicator code, fiscal year and round given once above the header), checks every row, and sorts
the valid rows into added / replaced / unchanged against the database. Nothing is written here: the
store writes a plan in one transaction (`store.import_results`).

Every problem names the sheet, row and column as Excel shows them, the value, and what to do, in Thai
and English.
"""
from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from saisaat.db import Database
from saisaat.fiscal import fiscal_year_bounds

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_COUNT = 10_000
MAX_TEXT = 500
IGNORED_SHEETS = {"คำแนะนำ", "instructions", "รายการรหัส", "lists", "codes"}
CODE_SHAPED = re.compile(r"^[A-Za-z]{1,3}\d*-\d+\.\d+$")   # F2-1.01, t2-1.02: an indicator column
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
YES = {"1", "มี", "ใช่", "yes", "y", "true", "done", "ผ่าน"}
NO = {"0", "ไม่มี", "ไม่ใช่", "no", "n", "false", "ไม่ผ่าน"}

# Header names each column may carry (compared without case, spaces or punctuation).
HEADERS = {
    "fiscal_year": ("fiscal_year", "fiscal year", "fy", "ปีงบประมาณ", "ปีงบ", "ปี"),
    "inspection_round": ("inspection_round", "inspection round", "round", "รอบการตรวจ", "รอบที่", "รอบ"),
    "unit_code": ("unit_code", "unit code", "unit", "รหัสหน่วยงาน", "หน่วยงาน"),
    "unit_name": ("unit_name", "unit name", "ชื่อหน่วยงาน"),
    "indicator_code": ("indicator_code", "indicator code", "indicator", "รหัสตัวชี้วัด", "ตัวชี้วัด"),
    "value": ("value", "measured value", "result", "ค่าที่วัดได้", "ผลการดำเนินงาน", "ผลการตรวจ", "ค่า"),
    "inspected_on": ("inspected_on", "inspection date", "date", "วันที่ตรวจ", "วันที่"),
    "inspector": ("inspector", "ผู้ตรวจ", "คณะผู้ตรวจ"),
    "note": ("note", "notes", "remark", "หมายเหตุ"),
}
COLUMNS = ["fiscal_year", "inspection_round", "unit_code", "indicator_code", "value", "inspected_on",
           "inspector", "note"]


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None          # as Excel numbers it (1 = first row)
    column: str | None       # as Excel letters it (A, B, …)
    value: str | None
    th: str
    en: str

    def where(self) -> str:
        parts = [self.sheet]
        if self.row:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        val = f" ('{self.value}')" if self.value not in (None, "") else ""
        return f"{self.where()}{val}: {self.th} / {self.en}"


class ImportRefused(ValueError):
    """The file cannot be imported; `problems` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Plan:
    """What an import would do: nothing is written until the store commits it."""
    file_name: str
    sha256: str
    sheet: str = ""
    layout: str = ""
    encoding: str = ""
    problems: list[Problem] = field(default_factory=list)
    rows: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=COLUMNS))
    added: pd.DataFrame = field(default_factory=pd.DataFrame)
    replaced: pd.DataFrame = field(default_factory=pd.DataFrame)   # with old_value
    unchanged: pd.DataFrame = field(default_factory=pd.DataFrame)
    same_file_batch: int | None = None
    skipped: int = 0          # cells or rows without a value: not submitted, left out

    @property
    def ok(self) -> bool:
        return not self.problems

    def problems_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"sheet": p.sheet, "row": p.row, "column": p.column, "value": p.value,
                              "problem_th": p.th, "problem_en": p.en} for p in self.problems],
                            columns=["sheet", "row", "column", "value", "problem_th", "problem_en"])


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _norm(text) -> str:
    return re.sub(r"[\s_*:.\-]+", " ", str(text).replace("\ufeff", "")).strip().lower()


_HEADER_LOOKUP = {_norm(name): key for key, names in HEADERS.items() for name in names}


def header_field(text) -> str | None:
    """The column a header names: 'รหัสหน่วยงาน (unit_code)' → unit_code."""
    if text is None:
        return None
    raw = str(text)
    candidates = [raw] + re.findall(r"\(([^)]*)\)", raw) + [re.sub(r"\([^)]*\)", "", raw)]
    for c in candidates:
        key = _HEADER_LOOKUP.get(_norm(c))
        if key:
            return key
    return None


# --- reading the file into sheets of cells -------------------------------------------------------

@dataclass
class Sheet:
    name: str
    rows: list[list]                    # cell values, row by row
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # min_row, min_col, max_row, max_col (0-based)


def read_sheets(data: bytes, file_name: str) -> tuple[list[Sheet], str, list[Problem]]:
    """The file's sheets, the encoding used (CSV) and any problem that stops reading."""
    name = file_name or "file"
    if len(data) > MAX_FILE_BYTES:
        return [], "", [Problem(name, None, None, f"{len(data) / 1e6:.1f} MB",
                                f"ไฟล์ใหญ่เกิน {MAX_FILE_BYTES // (1024 * 1024)} MB แยกไฟล์ตามรอบหรือกลุ่มหน่วยงานแล้วนำเข้าทีละไฟล์",
                                f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB: split it by round "
                                f"or group of units and import each part")]
    if not data.strip():
        return [], "", [Problem(name, None, None, None, "ไฟล์ว่าง ไม่มีข้อมูล",
                                "the file is empty: export the sheet again with its data")]
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, name)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return [], "", [Problem(name, None, None, None,
                                "ไฟล์ Excel รุ่นเก่า (.xls) ให้บันทึกเป็น .xlsx หรือ CSV ก่อน",
                                "an old Excel file (.xls): save it as .xlsx or CSV first")]
    return _read_csv(data, name)


def _read_xlsx(data: bytes, name: str):
    import openpyxl
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=False, read_only=False)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the user's to fix
        return [], "", [Problem(name, None, None, None, f"เปิดไฟล์ Excel ไม่ได้ ({type(exc).__name__}) ให้บันทึกไฟล์ใหม่เป็น .xlsx",
                                f"cannot open the Excel file ({type(exc).__name__}): save it again as .xlsx")]
    sheets = []
    for ws in wb.worksheets:
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        merged = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in ws.merged_cells.ranges]
        sheets.append(Sheet(ws.title, rows, merged))
    return sheets, "xlsx", []


def _read_csv(data: bytes, name: str):
    if data[:3] == b"\xef\xbb\xbf":
        text, encoding = data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, encoding = data.decode("cp874"), "cp874"
            except UnicodeDecodeError:
                return [], "", [Problem(name, None, None, None,
                                        "อ่านตัวอักษรในไฟล์ไม่ได้ ให้บันทึกเป็น CSV UTF-8",
                                        "the file's characters cannot be read: save it as CSV UTF-8")]
    if "\x00" in text:
        return [], "", [Problem(name, None, None, None, "ไฟล์นี้ไม่ใช่ CSV หรือ Excel",
                                "this is not a CSV or Excel file")]
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows = [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    sheet = re.sub(r"\.[^.]*$", "", name) or "CSV"
    return [Sheet(sheet, rows)], encoding, []


# --- understanding a sheet ----------------------------------------------------------------------

def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and math.isnan(v))


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (datetime, date)):
        return v.isoformat()[:10]
    return str(v).strip()


def _data_sheets(sheets: list[Sheet]) -> list[Sheet]:
    return [s for s in sheets if _norm(s.name) not in IGNORED_SHEETS
            and any(not _blank(v) for row in s.rows for v in row)]


def _find_header(sheet: Sheet, indicator_codes: set[str]):
    """Index of the header row and its fields per column, or None."""
    for i, row in enumerate(sheet.rows[:30]):
        fields = {j: header_field(v) for j, v in enumerate(row) if not _blank(v)}
        indicator_cols = {j for j, v in enumerate(row) if not _blank(v) and
                          (_text(v).upper() in indicator_codes or CODE_SHAPED.match(_text(v)))}
        named = set(fields.values())
        if "unit_code" in named and ({"indicator_code", "value"} <= named or indicator_cols):
            return i, fields, indicator_cols
    return None


def _preamble(sheet: Sheet, header_row: int) -> dict[str, tuple[object, int, int]]:
    """Key-value cells above the header (wide layout): fiscal year and round given once."""
    found = {}
    for i, row in enumerate(sheet.rows[:header_row]):
        cells = [(j, v) for j, v in enumerate(row) if not _blank(v)]
        if len(cells) >= 2:
            key = header_field(cells[0][1])
            if key in ("fiscal_year", "inspection_round"):
                found[key] = (cells[1][1], i, cells[1][0])
    return found


@dataclass
class Reference:
    units: set[str]
    indicators: pd.DataFrame      # indicator_code → framework_id, measure
    years: dict[int, int]         # fiscal_year → framework_id
    assigned: set[tuple[int, str, str]]   # (fiscal_year, unit_code, indicator_code)

    @classmethod
    def load(cls, db: Database) -> "Reference":
        ind = db.query("indicators_by_code").set_index("indicator_code")
        years = db.query("fiscal_years")
        assigned = db.query("assigned_indicators_by_unit")
        return cls(
            units=set(db.query("units_by_code")["unit_code"]),
            indicators=ind[["framework_id", "measure"]],
            years=dict(zip(years["fiscal_year"].astype(int), years["framework_id"].astype(int))),
            assigned=set(zip(assigned["fiscal_year"].astype(int), assigned["unit_code"], assigned["indicator_code"])),
        )


class _Checker:
    def __init__(self, ref: Reference, sheet: str):
        self.ref = ref
        self.sheet = sheet
        self.problems: list[Problem] = []

    def problem(self, row, col, value, th, en):
        self.problems.append(Problem(self.sheet, row, col, None if value is None else _text(value)[:80], th, en))

    def fiscal_year(self, v, row, col):
        t = _text(v).translate(THAI_DIGITS)
        if not re.fullmatch(r"\d{4}", t):
            self.problem(row, col, v, "ปีงบประมาณต้องเป็นปี พ.ศ. 4 หลัก เช่น 2569",
                         "the fiscal year must be a 4-digit Buddhist-era year, e.g. 2569")
            return None
        fy = int(t)
        if fy not in self.ref.years:
            lo, hi = min(self.ref.years), max(self.ref.years)
            self.problem(row, col, v, f"ไม่มีปีงบประมาณ {fy} ในกรอบตัวชี้วัดที่รู้จัก (มี {lo}–{hi}) ตรวจปี พ.ศ.",
                         f"fiscal year {fy} is outside the known frameworks ({lo}–{hi}): check the Buddhist-era year")
            return None
        return fy

    def round(self, v, row, col):
        t = _text(v).translate(THAI_DIGITS)
        if t not in ("1", "2"):
            self.problem(row, col, v, "รอบการตรวจต้องเป็น 1 หรือ 2", "the inspection round must be 1 or 2")
            return None
        return int(t)

    def value(self, v, measure: str, row, col):
        if isinstance(v, str) and v.strip().startswith("="):
            self.problem(row, col, v, "ช่องนี้เป็นสูตร ให้พิมพ์ค่าที่วัดได้เป็นตัวเลข (คัดลอกแล้ววางแบบค่า)",
                         "this cell holds a formula: type the measured value as a number (paste as values)")
            return None
        t = _text(v).translate(THAI_DIGITS).replace("%", "").strip()
        if "," in t:
            if not re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", t):   # 1,234.5 is a thousands comma
                self.problem(row, col, v, "ใช้จุด (.) เป็นจุดทศนิยม ไม่ใช้จุลภาค (,) เช่น 1.5",
                             "use a point for decimals, not a comma: e.g. 1.5")
                return None
            t = t.replace(",", "")
        if measure == "binary" and t.lower() in YES | NO:
            return 1.0 if t.lower() in YES else 0.0
        try:
            x = float(t)
        except ValueError:
            self.problem(row, col, v, "ค่าที่วัดได้ต้องเป็นตัวเลข", "the measured value must be a number")
            return None
        if not math.isfinite(x):
            self.problem(row, col, v, "ค่าที่วัดได้ต้องเป็นตัวเลข", "the measured value must be a number")
            return None
        if measure == "binary" and x not in (0, 1):
            self.problem(row, col, v, "ตัวชี้วัดนี้เป็นแบบมี/ไม่มี ใส่ 1 (มี) หรือ 0 (ไม่มี)",
                         "this indicator is yes / no: enter 1 (yes) or 0 (no)")
            return None
        if measure == "count" and (x < 0 or x != int(x) or x > MAX_COUNT):
            self.problem(row, col, v, f"ตัวชี้วัดนี้นับจำนวน ใส่จำนวนเต็ม 0–{MAX_COUNT:,}",
                         f"this indicator is a count: enter a whole number from 0 to {MAX_COUNT:,}")
            return None
        if measure == "percent" and not 0 <= x <= 100:
            self.problem(row, col, v, "ตัวชี้วัดนี้เป็นร้อยละ ใส่ค่า 0–100", "this indicator is a percentage: enter 0 to 100")
            return None
        if round(x, 2) != x:
            self.problem(row, col, v, "ใส่ทศนิยมไม่เกิน 2 ตำแหน่ง", "use at most 2 decimal places")
            return None
        return x

    def text(self, v, row, col):
        if _blank(v):
            return None
        t = _text(v)
        if t[:1] in ("=", "+", "@") or (t[:1] == "-" and len(t) > 1 and not t[1:2].isdigit()):
            self.problem(row, col, v, "ข้อความขึ้นต้นด้วย = + - @ ซึ่งโปรแกรมตารางคำนวณอาจตีความเป็นสูตร ให้ลบเครื่องหมายนั้น",
                         "text starting with = + - @ can run as a formula in a spreadsheet: remove that sign")
            return None
        if len(t) > MAX_TEXT:
            self.problem(row, col, t[:40] + "…", f"ข้อความยาวเกิน {MAX_TEXT} ตัวอักษร", f"text longer than {MAX_TEXT} characters")
            return None
        return t

    def day(self, v, fy, row, col):
        if _blank(v):
            return None
        if isinstance(v, datetime):
            d = v.date()
        elif isinstance(v, date):
            d = v
        else:
            t = _text(v).translate(THAI_DIGITS)
            m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", t) or None
            m2 = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", t)
            try:
                if m:
                    y, mo, dd = map(int, m.groups())
                elif m2:
                    dd, mo, y = map(int, m2.groups())
                else:
                    raise ValueError
                d = date(y - 543 if y > 2400 else y, mo, dd)
            except ValueError:
                self.problem(row, col, v, "วันที่ตรวจต้องเป็น วว/ดด/ปปปป หรือ ปปปป-ดด-วว",
                             "the inspection date must read dd/mm/yyyy or yyyy-mm-dd")
                return None
        if fy is not None:
            lo, hi = fiscal_year_bounds(fy)
            if not lo <= d <= hi:
                self.problem(row, col, v, f"วันที่ตรวจไม่อยู่ในปีงบประมาณ {fy}",
                             f"the inspection date is not in fiscal year {fy}")
                return None
        return d


def _parse_sheet(sheet: Sheet, ref: Reference) -> tuple[pd.DataFrame, str, list[Problem]]:
    chk = _Checker(ref, sheet.name)
    codes = set(ref.indicators.index)
    found = _find_header(sheet, codes)
    if found is None:
        first = next((i for i, r in enumerate(sheet.rows) if any(not _blank(v) for v in r)), 0)
        seen = ", ".join(_text(v) for v in sheet.rows[first] if not _blank(v))[:200] if sheet.rows else ""
        chk.problem(first + 1, None, seen,
                    "ไม่พบแถวหัวตาราง ต้องมีคอลัมน์ รหัสหน่วยงาน, รหัสตัวชี้วัด, ค่าที่วัดได้ (แบบยาว) หรือ "
                    "รหัสหน่วยงาน และคอลัมน์รหัสตัวชี้วัด เช่น F2-1.01 (แบบกว้าง) ใช้แม่แบบจากหน้า 'ข้อมูล'",
                    "no header row found: name the columns unit_code, indicator_code, value (long layout) or "
                    "unit_code plus one column per indicator code such as F2-1.01 (wide layout); the Data page "
                    "has templates")
        return pd.DataFrame(columns=COLUMNS), "", chk.problems
    h, fields, indicator_cols = found
    header_cells = sheet.rows[h]
    for (r0, c0, r1, c1) in sheet.merged:
        if r0 <= h <= r1 and c1 > c0:
            chk.problem(h + 1, column_letter(c0), _text(header_cells[c0]),
                        "หัวตารางมีเซลล์ที่ผสานไว้ ให้ยกเลิกการผสานเซลล์ ให้แต่ละคอลัมน์มีหัวของตัวเอง",
                        "the header has merged cells: unmerge them so each column has its own header")
    col_of = {}
    for j, key in fields.items():
        if key and key not in col_of:
            col_of[key] = j
    wide = "value" not in col_of or "indicator_code" not in col_of
    if wide:   # in a wide sheet a column nobody recognises may be a mistyped code: never drop it silently
        for j, key in fields.items():
            if key is None and j not in indicator_cols:
                chk.problem(h + 1, column_letter(j), _text(header_cells[j]),
                            "ไม่รู้จักหัวคอลัมน์นี้ ถ้าเป็นตัวชี้วัดให้ใช้รหัส เช่น F2-1.01 ถ้าไม่ใช่ให้ลบคอลัมน์",
                            "unknown column header: if it is an indicator, use its code such as F2-1.01; "
                            "otherwise delete the column")
    preamble = _preamble(sheet, h) if wide else {}
    # fiscal year and round given once above a wide header: checked (and reported) once
    given = {}
    for key, check in (("fiscal_year", chk.fiscal_year), ("inspection_round", chk.round)):
        if key in preamble and key not in col_of:
            v, pi, pj = preamble[key]
            given[key] = check(v, pi + 1, column_letter(pj))
    records = []
    skipped = 0
    for i in range(h + 1, len(sheet.rows)):
        row = sheet.rows[i]
        if all(_blank(v) for v in row):
            continue
        excel_row = i + 1
        get = lambda key: row[col_of[key]] if key in col_of and col_of[key] < len(row) else None  # noqa: E731
        letter = lambda key: column_letter(col_of[key]) if key in col_of else None  # noqa: E731
        # fiscal year and round: a column, else the value given once above the header
        if "fiscal_year" in col_of:
            fy = chk.fiscal_year(get("fiscal_year"), excel_row, letter("fiscal_year"))
        elif "fiscal_year" in given:
            fy = given["fiscal_year"]
        else:
            chk.problem(excel_row, None, None, "ไม่มีปีงบประมาณ เพิ่มคอลัมน์ ปีงบประมาณ หรือระบุไว้เหนือหัวตาราง",
                        "no fiscal year: add a fiscal_year column or give it above the header")
            break
        if "inspection_round" in col_of:
            rnd = chk.round(get("inspection_round"), excel_row, letter("inspection_round"))
        elif "inspection_round" in given:
            rnd = given["inspection_round"]
        else:
            chk.problem(excel_row, None, None, "ไม่มีรอบการตรวจ เพิ่มคอลัมน์ รอบการตรวจ หรือระบุไว้เหนือหัวตาราง",
                        "no inspection round: add an inspection_round column or give it above the header")
            break
        unit = _text(get("unit_code"))
        if unit not in ref.units:
            chk.problem(excel_row, letter("unit_code"), unit or "(ว่าง / empty)",
                        "ไม่รู้จักรหัสหน่วยงานนี้ ใช้รหัสจากรายการในแม่แบบ (เช่น 1001 หรือ CSC)",
                        "unknown unit code: use a code from the template's list (e.g. 1001 or CSC)")
            unit = None
        day = chk.day(get("inspected_on"), fy, excel_row, letter("inspected_on"))
        inspector = chk.text(get("inspector"), excel_row, letter("inspector"))
        note = chk.text(get("note"), excel_row, letter("note"))
        if wide:
            cells = [(sheet.rows[h][j], row[j] if j < len(row) else None, j) for j in sorted(indicator_cols)]
        else:
            cells = [(get("indicator_code"), get("value"), col_of["value"])]
        for code_cell, raw, j in cells:
            code = _text(code_cell).upper()
            if _blank(raw) or (wide and _text(raw) in ("-", "—", "–")):
                skipped += 1   # an empty value is not submitted (yet); a dash marks "not assigned"
                continue
            code_col = column_letter(j) if wide else letter("indicator_code")
            rec = _check_row(chk, ref, fy, rnd, unit, code, raw, excel_row, code_col, column_letter(j))
            if rec:
                records.append({**rec, "inspected_on": day, "inspector": inspector, "note": note,
                                "excel_row": excel_row, "excel_col": column_letter(j)})
    frame = pd.DataFrame(records, columns=COLUMNS + ["excel_row", "excel_col"])
    frame.attrs["skipped"] = skipped
    return frame, "wide" if wide else "long", chk.problems


def _check_row(chk: _Checker, ref: Reference, fy, rnd, unit, code, raw, row, code_col, value_col):
    if code not in ref.indicators.index:
        chk.problem(row, code_col, code or "(ว่าง / empty)", "ไม่รู้จักรหัสตัวชี้วัดนี้ ใช้รหัสจากแม่แบบ เช่น F2-1.01",
                    "unknown indicator code: use a code from the template, e.g. F2-1.01")
        return None
    measure = ref.indicators.loc[code, "measure"]
    value = chk.value(raw, measure, row, value_col)
    if None in (fy, rnd, unit, value):
        return None
    framework = int(ref.indicators.loc[code, "framework_id"])
    if framework != ref.years[fy]:
        chk.problem(row, code_col, code, f"ตัวชี้วัดนี้อยู่ในกรอบที่ {framework} แต่ปีงบประมาณ {fy} ใช้กรอบที่ {ref.years[fy]}",
                    f"this indicator belongs to framework {framework}, but fiscal year {fy} uses framework {ref.years[fy]}")
        return None
    if (fy, unit, code) not in ref.assigned:
        chk.problem(row, code_col, code, f"หน่วยงาน {unit} ไม่ได้รับมอบหมายตัวชี้วัดนี้ในปีงบประมาณ {fy} ลบค่านี้ออก",
                    f"unit {unit} does not answer for this indicator in fiscal year {fy}: remove this value")
        return None
    return {"fiscal_year": fy, "inspection_round": rnd, "unit_code": unit, "indicator_code": code, "value": value}


def plan_import(db: Database, data: bytes, file_name: str) -> Plan:
    """Read and check a file against the database; the plan says what would change."""
    plan = Plan(file_name=file_name, sha256=hashlib.sha256(data).hexdigest())
    sheets, plan.encoding, problems = read_sheets(data, file_name)
    if problems:
        plan.problems = problems
        return plan
    data_sheets = _data_sheets(sheets)
    if not data_sheets:
        plan.problems = [Problem(file_name, None, None, None, "ไม่มีข้อมูลในไฟล์ (มีแต่แผ่นงานว่าง)",
                                 "the file has no data (only empty sheets)")]
        return plan
    if len(data_sheets) > 1:
        plan.problems = [Problem(file_name, None, None, ", ".join(s.name for s in data_sheets),
                                 "มีข้อมูลมากกว่าหนึ่งแผ่นงาน ให้รวมผลไว้ในแผ่นงานเดียว หรือแยกเป็นไฟล์ละแผ่นงาน",
                                 "more than one sheet holds data: put all results in one sheet, or one sheet per file")]
        return plan
    sheet = data_sheets[0]
    plan.sheet = sheet.name
    ref = Reference.load(db)
    rows, plan.layout, problems = _parse_sheet(sheet, ref)
    plan.skipped = rows.attrs.get("skipped", 0)
    plan.problems += problems
    if not plan.problems and rows.empty:
        if plan.skipped:
            plan.problems.append(Problem(sheet.name, None, None, None,
                                         f"ยังไม่ได้กรอกค่าที่วัดได้เลย ({plan.skipped:,} ช่องว่าง) กรอกค่าแล้วนำเข้าอีกครั้ง",
                                         f"no measured value is filled in ({plan.skipped:,} empty cells): fill in "
                                         f"the values and import again"))
        else:
            plan.problems.append(Problem(sheet.name, None, None, None, "มีแต่หัวตาราง ไม่มีแถวผลการตรวจ",
                                         "only headers: the sheet has no result rows"))
    key = ["fiscal_year", "inspection_round", "unit_code", "indicator_code"]
    dup = rows[rows.duplicated(key, keep=False)]
    for _, group in dup.groupby(key, sort=False):
        first = group.iloc[0]
        for r in group.iloc[1:].itertuples():
            plan.problems.append(Problem(sheet.name, r.excel_row, r.excel_col, r.indicator_code,
                                         f"ซ้ำกับแถว {first.excel_row} (หน่วยงาน ตัวชี้วัด ปี และรอบเดียวกัน) เก็บไว้แถวเดียว",
                                         f"duplicates row {first.excel_row} (same unit, indicator, year and round): keep one"))
    batches = db.query("import_batches_by_id")
    same = batches[(batches["sha256"] == plan.sha256) & batches["undone_at"].isna()]
    if len(same):
        plan.same_file_batch = int(same["batch_id"].iloc[0])
        plan.problems.append(Problem(file_name, None, None, None,
                                     f"ไฟล์นี้นำเข้าแล้ว (ชุดที่ {plan.same_file_batch}) ไม่ต้องนำเข้าซ้ำ",
                                     f"this exact file was already imported (batch {plan.same_file_batch})"))
    plan.rows = rows
    if not rows.empty:
        _classify(db, plan)
    return plan


def _classify(db: Database, plan: Plan) -> None:
    """Sort the file's rows into added (new), replaced (a different stored value) and unchanged."""
    keys = plan.rows[["fiscal_year", "inspection_round", "unit_code", "indicator_code", "value"]]
    stored = db.query_with("stored_results_for_incoming", {"incoming": keys})
    merged = plan.rows.merge(stored, on=["fiscal_year", "inspection_round", "unit_code", "indicator_code"],
                             how="left")
    has = merged["stored_value"].notna()
    same = has & (merged["stored_value"].astype(float) == merged["value"].astype(float))
    plan.added = merged[~has].drop(columns=["stored_value", "stored_batch_id"])
    plan.replaced = merged[has & ~same].rename(columns={"stored_value": "old_value"})
    plan.unchanged = merged[same].drop(columns=["stored_value", "stored_batch_id"])


def require_replace(plan: Plan, replace: bool, reason: str | None) -> list[Problem]:
    """Rows that would change stored results need an explicit replace with a reason."""
    if plan.replaced.empty:
        return []
    if not replace:
        return [Problem(plan.sheet, int(r.excel_row), r.excel_col, f"{r.old_value:g} → {r.value:g}",
                        f"จะเปลี่ยนผลที่บันทึกไว้แล้ว (ชุดที่ {int(r.stored_batch_id)}) ถ้าตั้งใจแก้ ให้เลือก 'แทนที่' และระบุเหตุผล",
                        f"would change a stored result (batch {int(r.stored_batch_id)}): to correct it, choose replace "
                        f"and give a reason")
                for r in plan.replaced.itertuples()]
    if not (reason or "").strip():
        return [Problem(plan.sheet, None, None, None, "การแทนที่ผลเดิมต้องระบุเหตุผล",
                        "replacing stored results needs a reason")]
    return []


def commit(db: Database, plan: Plan, *, imported_by: str, replace: bool = False, reason: str | None = None,
           before_commit=None) -> int:
    """Write a plan (all or nothing) and return its batch id; refuse with every problem otherwise."""
    from saisaat import store
    problems = plan.problems + require_replace(plan, replace, reason)
    if problems:
        raise ImportRefused(problems)
    batches = db.query("import_batches_by_id")
    next_id = int(batches["batch_id"].max()) + 1 if len(batches) else 1
    return store.import_results(db.con, plan, imported_by=imported_by or "unknown",
                                replace_reason=(reason or "").strip() or None, next_batch_id=next_id,
                                before_commit=before_commit)


class UndoRefused(ValueError):
    pass


def undo(db: Database, batch_id: int, *, undone_by: str) -> None:
    """Take an import back exactly; refused for the demo, restores, undone batches, or a batch whose
    results a later import replaced (undo that one first)."""
    from saisaat import store
    batches = db.query("import_batches_by_id").set_index("batch_id")
    if batch_id not in batches.index:
        raise UndoRefused(f"ไม่มีชุดนำเข้าที่ {batch_id} / there is no import batch {batch_id}")
    b = batches.loc[batch_id]
    if b["source"] != "import":
        raise UndoRefused(f"ชุดที่ {batch_id} ไม่ใช่การนำเข้าไฟล์ ย้อนไม่ได้ / batch {batch_id} is not a file "
                          f"import and cannot be undone")
    if pd.notna(b["undone_at"]):
        raise UndoRefused(f"ชุดที่ {batch_id} ย้อนไปแล้ว / batch {batch_id} was already undone")
    later = [int(x) for x in db.query("batches_replacing_batch", batch_id=batch_id)["batch_id"]]
    try:
        store.undo_batch(db.con, batch_id, undone_by=undone_by or "unknown", later=later)
    except ValueError as exc:
        raise UndoRefused(str(exc)) from exc
