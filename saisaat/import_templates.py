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

from saisaat.db import Database

HEAD = Font(bold=True)
GREY = PatternFill("solid", fgColor="D9D9D9")
NOT_ASSIGNED = "—"
MEASURE_HINT = {"binary": "1 = มี / 0 = ไม่มี", "count": "จำนวน (จำนวนเต็ม)", "percent": "ร้อยละ 0–100"}
INSTRUCTIONS = [
    "วิธีกรอกแม่แบบผลการตรวจ (ใสสะอาด) / How to fill in this template",
    "",
    "1. กรอกค่าที่วัดได้ในช่องของแต่ละหน่วยงานและตัวชี้วัด: แบบมี/ไม่มี ใส่ 1 หรือ 0, แบบนับ ใส่จำนวนเต็ม, แบบร้อยละ ใส่ 0–100",
    "   Enter the measured value for each unit and indicator: yes/no as 1 or 0, counts as whole numbers, percentages 0–100.",
    "2. ช่องสีเทา (—) คือตัวชี้วัดที่หน่วยงานไม่ได้รับมอบหมาย ไม่ต้องกรอก ช่องที่เว้นว่างถือว่ายังไม่ส่งผล",
    "   Grey cells (—) are indicators the unit does not answer for. An empty cell means no result yet.",
    "3. พิมพ์ตัวเลข ไม่ใช้สูตร และไม่ผสานเซลล์ ไม่ต้องกรอกคะแนน ระบบคำนวณคะแนนจากค่าที่วัดได้",
    "   Type numbers, not formulas, and do not merge cells. Do not enter points: they are computed from the values.",
    "4. บันทึกเป็น .xlsx แล้วนำเข้าที่หน้า 'ข้อมูล' ระบบจะแสดงรายการปัญหาทั้งหมด (แผ่นงาน แถว คอลัมน์) ก่อนบันทึก",
    "   Save as .xlsx and import it on the Data page: every problem (sheet, row, column) is listed before saving.",
    "5. ถ้าต้องการแก้ผลที่บันทึกไว้แล้ว ให้เลือก 'แทนที่' และระบุเหตุผล ผลเดิมจะถูกเก็บไว้ในประวัติและย้อนกลับได้",
    "   To correct stored results, choose replace and give a reason; the old values are kept and can be restored.",
]


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
    ws.title = "ผลการตรวจ"
    lists = wb.create_sheet("รายการรหัส")
    lists.append(["รหัสหน่วยงาน (unit_code)", "ชื่อหน่วยงาน", "รหัสตัวชี้วัด (indicator_code)", "ตัวชี้วัด"])
    for i in range(max(len(unit_codes), len(codes))):
        lists.append([unit_codes[i] if i < len(unit_codes) else None,
                      units.loc[unit_codes[i], name_col] if i < len(unit_codes) else None,
                      codes[i] if i < len(codes) else None,
                      indicators.loc[codes[i], name_col] if i < len(codes) else None])
    unit_list = f"'รายการรหัส'!$A$2:$A${len(unit_codes) + 1}"
    code_list = f"'รายการรหัส'!$C$2:$C${len(codes) + 1}"
    if layout == "wide":
        ws.append(["ปีงบประมาณ (fiscal_year)", fiscal_year])
        ws.append(["รอบการตรวจ (inspection_round)", inspection_round])
        ws.append([])
        ws.append(["รหัสหน่วยงาน (unit_code)", "ชื่อหน่วยงาน (unit_name)"] + codes)
        for j, code in enumerate(codes, start=3):
            cell = ws.cell(row=4, column=j)
            cell.comment = Comment(f"{indicators.loc[code, name_col]}\n{MEASURE_HINT[indicators.loc[code, 'measure']]}",
                                   "ใสสะอาด")
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
        ws.append(["ปีงบประมาณ (fiscal_year)", "รอบการตรวจ (inspection_round)", "รหัสหน่วยงาน (unit_code)",
                   "รหัสตัวชี้วัด (indicator_code)", "ค่าที่วัดได้ (value)", "วันที่ตรวจ (inspected_on)",
                   "ผู้ตรวจ (inspector)", "หมายเหตุ (note)"])
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
    info = wb.create_sheet("คำแนะนำ", 0)
    for line in INSTRUCTIONS:
        info.append([line])
    info["A1"].font = Font(bold=True, size=14)
    info.column_dimensions["A"].width = 120
    wb.active = 1
    return _xlsx(wb)
