"""Regenerates the configuration workbooks that LibreOffice writes, next to this script: the tiny database's
configuration as exported, re-saved by LibreOffice Calc (which writes yes/no cells as =TRUE() / =FALSE()
formulas), and the same workbook edited as a clerk would (D01 renamed in English, D02 retired after FY2563,
D03 added with its four framework-2 indicators, T2-1.01 reworded), then re-saved. tests/test_configuration.py
plans them and expects exactly these changes; the files are committed, so the tests need no LibreOffice.

    python3 tests/config_corpus/make_resaved.py      # needs soffice (apt-get install libreoffice-calc-nogui)
"""
from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent.parent), str(HERE.parent)]

import openpyxl  # noqa: E402

from fixture import build_tiny  # noqa: E402
from saisaat import configuration  # noqa: E402
from saisaat.configuration import sheet_title  # noqa: E402
from saisaat.db import Database  # noqa: E402


def edited(data: bytes) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    units = wb[sheet_title("units")]
    units["C3"] = "Test District One (renamed)"
    units["I4"] = 2563
    units.append(["D03", "สำนักงานเขตทดสอบสาม", "Test District Three", "district", "Z1", None, "service", 2563, None])
    wb[sheet_title("indicators")]["D6"] = "ถ้อยคำใหม่ของตัวชี้วัด T2-1.01"
    for code in ("T2-1.01", "T2-1.02", "T2-2.01", "T2-2.02"):
        wb[sheet_title("assignments")].append(["D03", code])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        build_tiny(work / "tiny.duckdb")
        with Database(work / "tiny.duckdb", read_only=True) as db:
            data = configuration.export_workbook(configuration.current(db))
        sources = {"tiny_libreoffice.xlsx": data, "tiny_edited_libreoffice.xlsx": edited(data)}
        for name, content in sources.items():
            (work / name).write_bytes(content)
            subprocess.run(["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(work / "out"),
                            str(work / name)], check=True, capture_output=True)
            shutil.copyfile(work / "out" / name, HERE / name)
            print(HERE / name)


if __name__ == "__main__":
    main()
