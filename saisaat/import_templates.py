"""Import templates (XLSX, Thai headers): the wide layout secretaries keep (a row per unit, a column
per indicator, fiscal year and round given once) or the long layout (a row per unit × indicator), both
pre-filled with the units that answer for each indicator, with dropdown lists and an instructions sheet.
"""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from saisaat import importer
from saisaat.db import Database
from saisaat.i18n import t

HEAD = Font(bold=True)
GREY = PatternFill("solid", fgColor="D9D9D9")
NOT_ASSIGNED = "—"
STEPS = 5   # the instructions' numbered steps (catalogue keys tpl_step_1 … tpl_step_5)


def instructions() -> list[str]:
    """The instructions sheet's lines: the title, then each step in Thai with its English beneath."""
    lines = [f"{t('tpl_title', 'th')} / {t('tpl_title', 'en')}", ""]
    for n in range(1, STEPS + 1):
        lines += [f"{n}. {t(f'tpl_step_{n}', 'th')}", f"   {t(f'tpl_step_{n}', 'en')}"]
    return lines


def header(field: str) -> str:
    """A template column's header: the importer's Thai name for the field, then the field itself, e.g.
    'รหัสหน่วยงาน (unit_code)' (importer.HEADERS reads either)."""
    return f"{importer.thai_header(field)} ({field})"


def _xlsx(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def template(db: Database, fiscal_year: int, inspection_round: int, layout: str = "wide",
             lang: str = "th") -> bytes:
    matrix = db.query("assignment_matrix", fiscal_year=fiscal_year)
    units = db.query("units_by_code").set_index("unit_code")
    indicators = db.query("indicators_by_code").set_index("indicator_code")
    name_col = "name_th" if lang == "th" else "name_en"
    codes = list(dict.fromkeys(matrix["indicator_code"]))
    unit_codes = list(dict.fromkeys(matrix["unit_code"]))
    wb = Workbook()
    ws = wb.active
    ws.title = t("tpl_sheet_results", "th")
    codes_sheet = t("tpl_sheet_codes", "th")
    lists = wb.create_sheet(codes_sheet)
    lists.append([header("unit_code"), importer.thai_header("unit_name"), header("indicator_code"),
                  t("col_indicator", "th")])
    for i in range(max(len(unit_codes), len(codes))):
        lists.append([unit_codes[i] if i < len(unit_codes) else None,
                      units.loc[unit_codes[i], name_col] if i < len(unit_codes) else None,
                      codes[i] if i < len(codes) else None,
                      indicators.loc[codes[i], name_col] if i < len(codes) else None])
    unit_list = f"'{codes_sheet}'!$A$2:$A${len(unit_codes) + 1}"
    code_list = f"'{codes_sheet}'!$C$2:$C${len(codes) + 1}"
    if layout == "wide":
        ws.append([header("fiscal_year"), fiscal_year])
        ws.append([header("inspection_round"), inspection_round])
        ws.append([])
        ws.append([header("unit_code"), header("unit_name")] + codes)
        for j, code in enumerate(codes, start=3):
            cell = ws.cell(row=4, column=j)
            hint = t(f"tpl_hint_{indicators.loc[code, 'measure']}", "th")
            cell.comment = Comment(f"{indicators.loc[code, name_col]}\n{hint}", t("app_short", "th"))
        assigned = matrix.pivot(index="unit_code", columns="indicator_code", values="is_assigned")
        for r, unit in enumerate(unit_codes, start=5):
            ws.cell(row=r, column=1, value=unit)
            ws.cell(row=r, column=2, value=units.loc[unit, name_col])
            for j, code in enumerate(codes, start=3):
                if not bool(assigned.loc[unit, code]):
                    c = ws.cell(row=r, column=j, value=NOT_ASSIGNED)
                    c.fill = GREY
        for cell in ws[4]:
            cell.font = HEAD
            cell.alignment = Alignment(wrap_text=True)
        ws.freeze_panes = "C5"
        ws.column_dimensions["A"].width = 22
        ws.column_dimensions["B"].width = 40
        dv = DataValidation(type="list", formula1=unit_list, allow_blank=False)
        ws.add_data_validation(dv)
        dv.add(f"A5:A{len(unit_codes) + 4}")
    else:
        ws.append([header(f) for f in ("fiscal_year", "inspection_round", "unit_code", "indicator_code", "value",
                                       "inspected_on", "inspector", "note")])
        rows = matrix[matrix["is_assigned"]]
        for r in rows.itertuples():
            ws.append([fiscal_year, inspection_round, r.unit_code, r.indicator_code, None, None, None, None])
        for cell in ws[1]:
            cell.font = HEAD
        ws.freeze_panes = "A2"
        for col in "ABCDEFGH":
            ws.column_dimensions[col].width = 20
        n = len(rows) + 200
        for formula, cols in ((unit_list, "C"), (code_list, "D")):
            dv = DataValidation(type="list", formula1=formula, allow_blank=False)
            ws.add_data_validation(dv)
            dv.add(f"{cols}2:{cols}{n}")
        rnd = DataValidation(type="list", formula1='"1,2"', allow_blank=False)
        ws.add_data_validation(rnd)
        rnd.add(f"B2:B{n}")
    info = wb.create_sheet(t("tpl_sheet_instructions", "th"), 0)
    for line in instructions():
        info.append([line])
    info["A1"].font = Font(bold=True, size=14)
    info.column_dimensions["A"].width = 120
    wb.active = 1
    return _xlsx(wb)
