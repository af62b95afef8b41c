"""History from archives: how long one results file of 25 fiscal years × 70 units × both rounds takes to import.

Builds one long-layout file (a fiscal-year column; every indicator each BMA unit answers for in FY2545–2569,
both inspection rounds, about 87,000 rows) as CSV and as XLSX, then for each: makes a new database with
`python -m saisaat init` (the BMA's configuration, no results), and times `importer.plan_import` + `commit` on
it (reading, checking, scoring and writing everything). The files are built before the clock starts.

    python scripts/benchmark_import.py             # prints each figure beside its target (< 15 s)
    python scripts/benchmark_import.py --keep DIR  # also keeps the two files and databases in DIR
"""
from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from saisaat import auth, configuration, importer  # noqa: E402
from saisaat.db import Database  # noqa: E402

FIRST_FY, LAST_FY = 2545, 2569     # 25 fiscal years: framework 1 (2545–2551) and framework 2
TARGET = 15.0                      # seconds, plan_import + commit (the target)
TODAY = "2026-12-01"               # FY2570 under way: every year of the file has ended


def archive_rows() -> pd.DataFrame:
    """Every (fiscal year, round, unit, indicator) the BMA configuration expects, with a valid value."""
    config = configuration.default_configuration()
    units = config["units"]
    indicators = config["indicators"].set_index("indicator_code")
    frameworks = config["frameworks"]
    assigned = config["assignments"].merge(indicators[["framework_id", "measure"]], left_on="indicator_code",
                                           right_index=True)
    rows = []
    for fy in range(FIRST_FY, LAST_FY + 1):
        fw = int(frameworks[(frameworks["first_fy"] <= fy) & (frameworks["last_fy"].isna()
                                                              | (frameworks["last_fy"] >= fy))]["framework_id"].iloc[0])
        active = units[(units["active_from_fy"] <= fy) & (units["active_to_fy"].isna() | (units["active_to_fy"] >= fy))]
        part = assigned[(assigned["framework_id"] == fw) & assigned["unit_code"].isin(active["unit_code"])]
        for rnd in (1, 2):
            rows.append(part.assign(fiscal_year=fy, inspection_round=rnd))
    out = pd.concat(rows, ignore_index=True)
    k = pd.Series(range(len(out)))
    out["value"] = [("1" if i % 5 else "0") if m == "binary" else str(i % 6) if m == "count" else f"{40 + i % 61}"
                    for i, m in zip(k, out["measure"])]
    return out[["fiscal_year", "inspection_round", "unit_code", "indicator_code", "value"]]


def as_xlsx(rows: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        rows.to_excel(writer, sheet_name="results", index=False)
    return buf.getvalue()


def timed_import(folder: Path, name: str, data: bytes) -> tuple[float, float, float, int]:
    """A new database made with init, then the file planned and committed: (plan s, commit s, total s, rows)."""
    db_path = folder / f"{name}.duckdb"
    env = {**os.environ, "SAISAAT_TODAY": TODAY, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "saisaat", "init", "--db", str(db_path)], check=True, env=env,
                   capture_output=True, cwd=ROOT)
    with Database(db_path) as db:
        started = time.perf_counter()
        plan = importer.plan_import(db, data, name)
        planned = time.perf_counter()
        if plan.problems:
            raise SystemExit("\n".join(str(p) for p in plan.problems[:10]))
        importer.commit(db, plan, by=auth.cli_user("benchmark"))
        done = time.perf_counter()
        stored = int(db.query("import_batches_by_id")["num_results"].sum())
    return planned - started, done - planned, done - started, stored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, default=None, help="keep the files and databases in this folder")
    args = parser.parse_args()
    os.environ["SAISAAT_TODAY"] = TODAY
    rows = archive_rows()
    files = {"archive.csv": rows.to_csv(index=False).encode("utf-8"), "archive.xlsx": as_xlsx(rows)}
    print(f"{len(rows):,} rows: FY{FIRST_FY}–{LAST_FY}, {rows['unit_code'].nunique()} units, both rounds", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            if args.keep:
                (folder / name).write_bytes(data)
            plan_s, commit_s, total, stored = timed_import(folder, name, data)
            assert stored == len(rows), (stored, len(rows))
            ok = "ok" if total < TARGET else "OVER TARGET"
            print(f"{name:<14} {len(data) / 1e6:5.1f} MB  plan_import {plan_s:6.2f} s + commit {commit_s:5.2f} s "
                  f"= {total:6.2f} s  (target < {TARGET:g} s)  {ok}", flush=True)


if __name__ == "__main__":
    main()
