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
from dataclasses import dataclass, field

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


@dataclass
class Sheet:
    """A sheet laid out for reading and printing: title lines above the table, number formats by
    column header, columns whose text wraps, and print set-up (A4 landscape, fit to the page's width,
    the header row repeated on every page)."""
    frame: pd.DataFrame
    title: list[str] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)
    wrap: set[str] = field(default_factory=set)


def xlsx_bytes(sheets: dict[str, pd.DataFrame | Sheet]) -> bytes:
    """One sheet per entry (names cut to Excel's 31 characters), header row frozen; text that would
    run as a formula is written as a text cell. A `Sheet` adds its title, formats and print set-up."""
    from openpyxl.styles import Alignment, Font

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, entry in sheets.items():
            spec = entry if isinstance(entry, Sheet) else Sheet(entry)
            sheet = name[:31]
            top = len(spec.title) + 1 if spec.title else 0      # a blank row between title and table
            spec.frame.to_excel(writer, sheet_name=sheet, index=False, startrow=top)
            ws = writer.sheets[sheet]
            header_row = top + 1
            ws.freeze_panes = f"A{header_row + 1}"
            for i, line in enumerate(spec.title, start=1):
                ws.cell(row=i, column=1, value=line).font = Font(bold=i == 1, size=14 if i == 1 else 11)
            for col in ws.iter_cols(min_row=header_row):
                width = 0
                header = col[0].value
                for c in col:
                    keep_as_text(c)   # openpyxl made such text a formula cell: make it text again
                    if c.row > header_row and header in spec.formats:
                        c.number_format = spec.formats[header]
                    if header in spec.wrap:
                        c.alignment = Alignment(wrap_text=True, vertical="top")
                    lines = str(c.value).split("\n") if c.value is not None else [""]
                    width = max(width, max(len(x) for x in lines))
                ws.column_dimensions[col[0].column_letter].width = min(60, max(8, width + 2))
            if spec.title:
                ws.print_title_rows = f"{header_row}:{header_row}"
                ws.page_setup.orientation = "landscape"
                ws.page_setup.paperSize = ws.PAPERSIZE_A4
                ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
                ws.sheet_properties.pageSetUpPr.fitToPage = True
                ws.print_options.gridLines = True
    return buf.getvalue()
