#!/bin/sh
# Regenerates the corpus files that LibreOffice writes: the project's own import templates (for the
# tiny test database), filled in as a secretary would, then re-saved by LibreOffice Calc, and the long
# template saved by LibreOffice as a Thai Windows (cp874) CSV. tests/test_import.py imports them and
# expects exactly the rows written down there; the generated files are committed, so the tests need no
# LibreOffice. Needs soffice (Debian: apt-get install -y libreoffice-calc-nogui).
#
#     tests/import_corpus/make_resaved.sh          # rewrites the three files next to this script
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# 1. The templates, filled in with openpyxl (the template's own cells, formats and lists kept).
PYTHONPATH="$ROOT:$ROOT/tests" python3 - "$WORK" <<'EOF'
import io
import sys
from datetime import datetime
from pathlib import Path

import openpyxl

from fixture import build_tiny
from saisaat import templates
from saisaat.db import Database

work = Path(sys.argv[1])
build_tiny(work / "tiny.duckdb")
db = Database(work / "tiny.duckdb", read_only=True)


def filled(blank: bytes, cells: dict, formats: dict = {}) -> openpyxl.Workbook:
    wb = openpyxl.load_workbook(io.BytesIO(blank))
    ws = wb["ผลการตรวจ"]
    for ref, value in cells.items():
        ws[ref] = value
    for ref, number_format in formats.items():
        ws[ref].number_format = number_format
    return wb


def long_rows(ws) -> dict:
    return {(ws[f"C{r}"].value, ws[f"D{r}"].value): r for r in range(2, ws.max_row + 1)}


# wide, FY2563 round 1: a percent cell (50 %), a Thai digit typed as text, 'มี', one empty cell,
# the template's dashes kept
wide = filled(templates.template(db, 2563, 1, layout="wide"), {
    "C5": 1, "D5": 4, "E5": 0.5, "F5": 1,
    "C6": 0, "D6": "๒", "F6": "มี",
    "C7": 1, "D7": 3,
    "C8": 1, "D8": 0, "E8": 80, "F8": 0,
}, {"E5": "0%"})
wide.save(work / "template_wide_libreoffice.xlsx")

# long, FY2563 round 2: a Buddhist-era date cell, 'ไม่มี', a note a spreadsheet would run, a dash
blank = templates.template(db, 2563, 2, layout="long")
rows = long_rows(openpyxl.load_workbook(io.BytesIO(blank))["ผลการตรวจ"])
long = filled(blank, {
    f"E{rows['D02', 'T2-2.01']}": 26.67,
    f"E{rows['DEPA', 'T2-1.02']}": 2, f"F{rows['DEPA', 'T2-1.02']}": datetime(2563, 8, 15),
    f"E{rows['DEPN', 'T2-1.01']}": "ไม่มี", f"G{rows['DEPN', 'T2-1.01']}": "คณะตรวจที่ ๒",
    f"H{rows['DEPN', 'T2-1.01']}": "-2+3",
    f"E{rows['D01', 'T2-1.01']}": "-",
}, {f"F{rows['DEPA', 'T2-1.02']}": "DD/MM/YYYY"})
long.save(work / "template_long_libreoffice.xlsx")

# long, FY2563 round 1, to be saved as cp874 CSV: Thai text with '…' (in cp874, not in TIS-620),
# a Thai digit, a percent cell (LibreOffice writes it as shown: 72.5%)
blank = templates.template(db, 2563, 1, layout="long")
rows = long_rows(openpyxl.load_workbook(io.BytesIO(blank))["ผลการตรวจ"])
csv_source = filled(blank, {
    f"E{rows['D01', 'T2-1.01']}": "มี", f"F{rows['D01', 'T2-1.01']}": "10/04/2563",
    f"G{rows['D01', 'T2-1.01']}": "คณะตรวจที่ ๑", f"H{rows['D01', 'T2-1.01']}": "ส่งเอกสารครบ…",
    f"E{rows['D01', 'T2-1.02']}": "๔",
    f"E{rows['D02', 'T2-2.01']}": 0.725,
    f"E{rows['DEPN', 'T2-2.02']}": 0,
}, {f"E{rows['D02', 'T2-2.01']}": "0.0%"})
csv_source.save(work / "results_cp874_libreoffice.xlsx")
EOF

# 2. LibreOffice re-saves the workbooks, and writes the results sheet (the template's second) as CSV:
#    comma, double quotes, character set 32 (Windows-874), cells as shown.
mkdir -p "$WORK/out"
soffice --headless --convert-to xlsx --outdir "$WORK/out" \
    "$WORK/template_wide_libreoffice.xlsx" "$WORK/template_long_libreoffice.xlsx" >/dev/null
soffice --headless --convert-to "csv:Text - txt - csv (StarCalc):44,34,32,1,,0,false,true,true,false,false,2" \
    --outdir "$WORK/out" "$WORK/results_cp874_libreoffice.xlsx" >/dev/null
for f in template_wide_libreoffice.xlsx template_long_libreoffice.xlsx; do
    cp "$WORK/out/$f" "$HERE/$f"
done
# LibreOffice names a CSV of one chosen sheet after the file and the sheet
cp "$WORK"/out/results_cp874_libreoffice*.csv "$HERE/results_cp874_libreoffice.csv"
ls -l "$HERE"/template_wide_libreoffice.xlsx "$HERE"/template_long_libreoffice.xlsx \
    "$HERE"/results_cp874_libreoffice.csv
