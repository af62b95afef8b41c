"""Files users download: CSV (UTF-8 with BOM, so Excel shows Thai) and XLSX.

Every spreadsheet the app writes goes through here (page downloads, the cabinet annex, the scenario
workbook, the backup workbook), so text that a spreadsheet would run as a formula is neutralised in
one place, whenever it was stored: in XLSX such text is written as a text cell (shown exactly as
stored, with Excel's quote prefix, never run); in CSV, which has no cell types, it gets a leading
apostrophe (the OWASP advice for CSV injection).
"""
from __future__ import annotations

import io
import re

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")


def runs_as_formula(value) -> bool:
    """Text a spreadsheet would run: starting with = + - @ (or a tab or carriage return), unless it
    is a plain number such as -5 or +3.5, which can run nothing."""
    return (isinstance(value, str) and value.startswith(FORMULA_START)
            and not PLAIN_NUMBER.fullmatch(value))


def keep_as_text(cell) -> None:
    """An openpyxl cell whose text would run as a formula becomes a text cell (Excel's quote prefix):
    shown exactly as stored, never run."""
    if runs_as_formula(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True


def csv_safe(value):
    """`value`, or the text with a leading apostrophe when a spreadsheet would run it."""
    return "'" + value if runs_as_formula(value) else value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    safe = frame.copy()
    for i, dtype in enumerate(safe.dtypes):
        if pd.api.types.is_object_dtype(dtype) or isinstance(dtype, pd.StringDtype):
            safe.isetitem(i, safe.iloc[:, i].map(csv_safe))
    return safe.to_csv(index=False).encode("utf-8-sig")


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """One sheet per entry (names cut to Excel's 31 characters), header row frozen; text that would
    run as a formula is written as a text cell."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            sheet = name[:31]
            frame.to_excel(writer, sheet_name=sheet, index=False)
            ws = writer.sheets[sheet]
            ws.freeze_panes = "A2"
            for col in ws.columns:
                width = 0
                for c in col:
                    keep_as_text(c)   # openpyxl made such text a formula cell: make it text again
                    width = max(width, len(str(c.value)) if c.value is not None else 0)
                ws.column_dimensions[col[0].column_letter].width = min(60, max(8, width + 2))
    return buf.getvalue()
