"""Writes the binary files of the import corpus (XLSX, cp874 and BOM CSVs, an old .xls, bytes that
are no text), byte for byte the same on every run, so they can be committed beside the hand-written
CSVs and checked by tests/test_import.py (which regenerates them and compares).

    python tests/import_corpus/make_corpus.py          # (re)writes them next to this file
    python tests/import_corpus/make_corpus.py OUT_DIR  # writes them elsewhere (the test compares)

The over-size (50 MB) case is not stored: the test makes it at run time.
"""
from __future__ import annotations

import io
import os
import re
import sys
import zipfile
from datetime import datetime
from pathlib import Path

# The standard library's XML writer, not lxml's: the same bytes whether or not lxml is installed. This
# takes effect only if openpyxl is not imported yet, so run this file as a script (the test does).
os.environ["OPENPYXL_LXML"] = "False"
from openpyxl import Workbook  # noqa: E402

HERE = Path(__file__).resolve().parent
FIXED_TIME = datetime(2020, 1, 1, 0, 0, 0)

THAI_HEADER = "ปีงบประมาณ,รอบการตรวจ,รหัสหน่วยงาน,รหัสตัวชี้วัด,ค่าที่วัดได้,วันที่ตรวจ,ผู้ตรวจ,หมายเหตุ\r\n"
EN_HEADER = ["fiscal_year", "inspection_round", "unit_code", "indicator_code", "value"]


def _deterministic(data: bytes) -> bytes:
    """The same ZIP with fixed timestamps (openpyxl stamps the save time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_STORED   # no zlib: the same bytes with any zlib version
            fixed.external_attr = 0o600 << 16
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":   # openpyxl writes the save time here
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2020-01-01T00:00:00Z", body)
            dst.writestr(fixed, body)
    return out.getvalue()


def _xlsx(wb: Workbook) -> bytes:
    wb.properties.creator = "saisaat tests"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    return _deterministic(buf.getvalue())


def merged_header() -> bytes:
    """The unit_code header spans C1:D1 (merged); the data itself is fine."""
    wb = Workbook()
    ws = wb.active
    ws.title = "results"
    ws.append(["fiscal_year", "inspection_round", "unit_code", None, "indicator_code", "value"])
    ws.merge_cells("C1:D1")
    ws.append([2563, 1, "D01", None, "T2-1.01", 1])
    ws.append([2563, 1, "D02", None, "T2-1.02", 3])
    return _xlsx(wb)


def formula_values() -> bytes:
    """Value cells holding formulas (row 2 and row 4); row 3 is a typed number."""
    wb = Workbook()
    ws = wb.active
    ws.title = "results"
    ws.append(EN_HEADER)
    ws.append([2563, 1, "D01", "T2-1.02", "=1+2"])
    ws.append([2563, 1, "D02", "T2-1.02", 3])
    ws.append([2563, 1, "DEPA", "T2-2.01", "=SUM(E2:E3)"])   # DEPA is also unassigned: the formula is found first
    return _xlsx(wb)


def second_sheet() -> bytes:
    """Two sheets with results: refused as a whole (which one was meant?)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "round1"
    ws.append(EN_HEADER)
    ws.append([2563, 1, "D01", "T2-1.01", 1])
    ws2 = wb.create_sheet("round2")
    ws2.append(EN_HEADER)
    ws2.append([2563, 2, "D01", "T2-1.01", 1])
    wb.create_sheet("empty")          # an empty sheet is no problem
    return _xlsx(wb)


def wide_lowercase_code() -> bytes:
    """A wide sheet (fiscal year and round above the header) whose third indicator column is headed
    't2-1.02' instead of 'T2-1.02': its values must not vanish silently."""
    wb = Workbook()
    ws = wb.active
    ws.title = "ผลการตรวจ"
    ws.append(["ปีงบประมาณ (fiscal_year)", 2563])
    ws.append(["รอบการตรวจ (inspection_round)", 1])
    ws.append([])
    ws.append(["รหัสหน่วยงาน (unit_code)", "T2-1.01", "t2-1.02"])
    ws.append(["D01", 1, 3])
    ws.append(["D02", 0, 4])
    return _xlsx(wb)


def cp874_unknown_unit() -> bytes:
    """Thai Windows encoding without any declaration; Thai headers, Thai values and Thai digits.
    Its only problem: unit ZZ9 (row 3) is unknown."""
    text = (THAI_HEADER
            + "2563,1,D01,T2-1.01,มี,10/04/2563,คณะตรวจที่ ๑,ส่งครบ\r\n"
            + "2563,1,ZZ9,T2-1.02,๓,10/04/2563,คณะตรวจที่ ๑,\r\n"
            + "2563,1,D02,T2-2.02,ไม่มี,,คณะตรวจที่ ๒,ยังไม่มีเอกสาร\r\n")
    return text.encode("cp874")


def utf8_bom_negative() -> bytes:
    """UTF-8 with a byte-order mark and Thai headers; its only problem: a negative percentage."""
    text = (THAI_HEADER
            + "2563,1,D01,T2-2.01,-5,,,\r\n"
            + "2563,1,D02,T2-2.01,50,,,\r\n")
    return b"\xef\xbb\xbf" + text.encode("utf-8")


def old_excel() -> bytes:
    """The OLE2 signature of an Excel 97–2003 workbook, then padding."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


def not_text() -> bytes:
    """A SQLite database renamed .csv: readable as UTF-8, but NUL bytes show it is no text."""
    return b"SQLite format 3\x00" + bytes([16, 0, 1, 1, 0, 64, 32, 32]) + bytes(40)


def utf16_text() -> bytes:
    """Excel's "Unicode text" export: UTF-16 LE with its byte-order mark, tab-separated."""
    text = "fiscal_year\tinspection_round\tunit_code\tindicator_code\tvalue\r\n2563\t1\tD01\tT2-1.01\t1\r\n"
    return b"\xff\xfe" + text.encode("utf-16-le")


def truncated_workbook() -> bytes:
    """An .xlsx cut short (an interrupted download): the ZIP signature, then no central directory."""
    return merged_header()[:700]


def percent_cells() -> bytes:
    """Percent-formatted cells as Excel keeps them (85 % is 0.85): read as the sheet shows them."""
    wb = Workbook()
    ws = wb.active
    ws.title = "results"
    ws.append(EN_HEADER)
    for unit, value, number_format in (("D01", 0.85, "0%"), ("D02", 0.855, "0.0%"), ("DEPN", 0.6667, "0.00%")):
        ws.append([2563, 1, unit, "T2-2.01", value])
        ws.cell(row=ws.max_row, column=5).number_format = number_format
    ws.append([2563, 1, "D01", "T2-1.01", 1])        # general format: 1
    return _xlsx(wb)


def percent_cell_decimals() -> bytes:
    """A percent cell with a third decimal (85.555 %, shown rounded as 85.56 %) and a yes / no
    indicator formatted as percent (shows 100 %): both refused for what the cell holds."""
    wb = Workbook()
    ws = wb.active
    ws.title = "results"
    ws.append(EN_HEADER)
    ws.append([2563, 1, "D01", "T2-2.01", 0.85555])
    ws["E2"].number_format = "0.00%"
    ws.append([2563, 1, "D02", "T2-1.01", 1])
    ws["E3"].number_format = "0%"
    return _xlsx(wb)


def be_date_cells() -> bytes:
    """Real date cells: 10/04/2563 typed into a Gregorian Excel becomes the date 2563-04-10 (a
    Buddhist-era year), beside an ordinary Gregorian date."""
    wb = Workbook()
    ws = wb.active
    ws.title = "results"
    ws.append(EN_HEADER + ["inspected_on"])
    ws.append([2563, 1, "D01", "T2-1.01", 1, datetime(2563, 4, 10)])
    ws.append([2563, 1, "D02", "T2-1.01", 0, datetime(2020, 4, 11)])
    for row in (2, 3):
        ws.cell(row=row, column=6).number_format = "DD/MM/YYYY"
    return _xlsx(wb)


def hidden_sheet() -> bytes:
    """A visible results sheet and a hidden one that still holds results."""
    wb = Workbook()
    ws = wb.active
    ws.title = "results"
    ws.append(EN_HEADER)
    ws.append([2563, 1, "D01", "T2-1.01", 1])
    old = wb.create_sheet("round 1 (old)")
    old.append(EN_HEADER)
    old.append([2563, 1, "D01", "T2-1.01", 0])
    old.sheet_state = "hidden"
    return _xlsx(wb)


def formula_cell_note() -> bytes:
    """A note that is a formula (the sheet shows its result, the file holds the formula)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "results"
    ws.append(EN_HEADER + ["note"])
    ws.append([2563, 1, "D01", "T2-1.01", 1, '=C2&" ok"'])
    ws.append([2563, 1, "D02", "T2-1.01", 1, "typed note"])
    return _xlsx(wb)


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for name, body in files.items():
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            info.external_attr = 0o600 << 16
            z.writestr(info, body)
    return out.getvalue()


def word_document() -> bytes:
    """A Word document saved with an .xlsx name."""
    return _zip({"[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
                 "word/document.xml": b'<?xml version="1.0"?><w:document/>'})


def ods_renamed() -> bytes:
    """A LibreOffice (OpenDocument) spreadsheet saved with an .xlsx name."""
    return _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                 "content.xml": b'<?xml version="1.0"?><office:document-content/>'})


def zip_archive() -> bytes:
    """A ZIP archive holding a CSV, named .xlsx."""
    return _zip({"results.csv": b"fiscal_year,inspection_round,unit_code,indicator_code,value\r\n"})


def damaged_xml() -> bytes:
    """A workbook whose sheet XML is cut in half: the ZIP is fine, its contents are not."""
    data = merged_header()
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        files = {name: src.read(name) for name in src.namelist()}
    sheet = files["xl/worksheets/sheet1.xml"]
    files["xl/worksheets/sheet1.xml"] = sheet[:len(sheet) // 2]
    return _zip(files)


def nul_in_note() -> bytes:
    """A CSV whose note in row 3 holds a NUL byte (pasted from another program)."""
    return ("fiscal_year,inspection_round,unit_code,indicator_code,value,note\r\n"
            "2563,1,D01,T2-1.01,1,ok\r\n"
            "2563,1,D02,T2-1.01,1,sent\x00\r\n").encode("utf-8")


def one_bad_byte() -> bytes:
    """A UTF-8 file with Thai headers whose note in row 3 ends with one byte that no encoding reads."""
    return (THAI_HEADER + "2563,1,D01,T2-1.01,มี,,,ส่งครบ\r\n").encode("utf-8") + \
        "2563,1,D02,T2-1.01,มี,,,ส่งครบ".encode("utf-8") + b"\xff\r\n"


def undecodable() -> bytes:
    """Bytes that are neither UTF-8 nor cp874 (0xFC-0xFF are unassigned in cp874)."""
    return b"fiscal_year,inspection_round,unit_code,indicator_code,value\r\n2563,1,D01,T2-1.01,\xfc\xfd\xfe\xff\r\n"


FILES = {
    "merged_header.xlsx": merged_header,
    "formula_values.xlsx": formula_values,
    "second_sheet.xlsx": second_sheet,
    "wide_lowercase_code.xlsx": wide_lowercase_code,
    "cp874_unknown_unit.csv": cp874_unknown_unit,
    "utf8_bom_negative.csv": utf8_bom_negative,
    "old_excel.xls": old_excel,
    "not_text.csv": not_text,
    "utf16_text.csv": utf16_text,
    "truncated_workbook.xlsx": truncated_workbook,
    "undecodable.csv": undecodable,
    "percent_cells.xlsx": percent_cells,
    "percent_cell_decimals.xlsx": percent_cell_decimals,
    "be_date_cells.xlsx": be_date_cells,
    "hidden_sheet.xlsx": hidden_sheet,
    "formula_cell_note.xlsx": formula_cell_note,
    "word_document.xlsx": word_document,
    "ods_renamed.xlsx": ods_renamed,
    "zip_archive.xlsx": zip_archive,
    "damaged_xml.xlsx": damaged_xml,
    "nul_in_note.csv": nul_in_note,
    "one_bad_byte.csv": one_bad_byte,
}


def write(out_dir: Path = HERE) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, make in FILES.items():
        path = out_dir / name
        path.write_bytes(make())
        written[name] = path
    return written


if __name__ == "__main__":
    for p in write(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE).values():
        print(p)
