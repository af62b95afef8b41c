"""Speed figures the README states, measured on this machine (not timed tests). Run it from the
repository root as a module, so saisaat and bench are importable:

    python -m scripts.benchmark                 # everything (the national build takes ~40 s)
    python -m scripts.benchmark --skip-national # BMA-scale figures only
    python -m scripts.benchmark --national-db /tmp/nat.duckdb   # reuse a national database, no rebuild
        (make one with: python -m saisaat demo --db /tmp/nat.duckdb --scale national)

Prints one line per figure: what, measured value, target. On the national database it also times
the scoring engine (saisaat.scoring.unit_scores, DuckDB) warm, beside the same computation in pandas
(bench.scoring_pandas) on frames already in memory (their loading is not timed), with the ratio,
and checks that both give the same scores.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench import scoring_pandas
from saisaat import ROOT, scoring
from saisaat.db import Database
from saisaat.demo import build_demo

PAGES = ("overview", "compare", "trends", "coverage", "whatif", "reports", "data")
SCORED_YEAR = 2569          # the fiscal year the one-year figures recompute (framework 2)
ONE_YEAR_TARGET = 0.05      # seconds, warm, all units, 2 cores (issue 12: <= 50 ms and >= 3x pandas)
ONE_YEAR_RATIO_TARGET = 3.0
ALL_YEARS_TARGET = 2.0
NATIONAL_BUILD_TARGET = 30     # seconds (issue 12)
NATIONAL_FILE_TARGET_MB = 300


def line(what: str, seconds: float, target: float | None, note: str = "") -> None:
    ok = "" if target is None else ("  ok" if seconds < target else "  OVER TARGET")
    tgt = "" if target is None else f"(target < {target:g} s)"
    print(f"{what:<48} {seconds:8.3f} s  {tgt}{ok}{note}", flush=True)


def ratio_line(what: str, ratio: float, target: float | None = None) -> None:
    tgt = "" if target is None else f"  (target >= {target:g} x)" + ("  ok" if ratio >= target else "  UNDER TARGET")
    print(f"{what:<48} {ratio:8.2f} x{tgt}", flush=True)


def best_of(n: int, fn) -> float:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def page_times(db_path: Path, repeats: int = 5) -> dict[str, float]:
    """Median warm run of each page script from the entrypoint (AppTest), caches filled."""
    import streamlit as st
    from streamlit import config
    from streamlit.testing.v1 import AppTest
    os.environ["SAISAAT_DB"] = str(db_path)
    config.set_option("server.address", "127.0.0.1")   # local mode, as ./run.sh serves it: every page open
    st.cache_data.clear()
    st.cache_resource.clear()
    out = {}
    for page in PAGES:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.run()
        if page != "overview":
            at.switch_page(f"views/{page}.py")
        at.run()   # warm: caches filled for this page
        runs = []
        for _ in range(repeats):
            started = time.perf_counter()
            at.run()
            runs.append(time.perf_counter() - started)
            assert not at.exception, at.exception
        out[page] = statistics.median(runs)
    return out


def warm(fn, repeats: int = 5) -> tuple[float, float]:
    """(median, best) of `repeats` runs after one warm-up run."""
    fn()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times)


def scoring_times(db_path: Path) -> None:
    """The scoring engine warm on the national database, DuckDB and pandas side by side."""
    with Database(db_path, read_only=True) as db:
        frameworks = sorted(int(f) for f in db.query("frameworks_by_id")["framework_id"])
        official = {fw: scoring.stored_ruleset(db, framework_id=fw) for fw in frameworks}
        ruleset = official[2]
        started = time.perf_counter()
        frames = scoring_pandas.load_frames(db)
        print(f"national: frames for pandas loaded in {time.perf_counter() - started:.1f} s "
              f"({len(frames['results']):,} results; not timed below)", flush=True)

        def side_by_side(label: str, target: float, duck_fn, pandas_fn,
                         ratio_target: float | None = None) -> tuple[list, list]:
            out = {}
            duck, duck_best = warm(lambda: out.update(duck=duck_fn()))
            pandas, pandas_best = warm(lambda: out.update(pandas=pandas_fn()))
            line(f"{label}, DuckDB, warm (median of 5)", duck, target, f"  best {duck_best:.3f} s")
            line(f"{label}, pandas, warm (median of 5)", pandas, None, f"  best {pandas_best:.3f} s")
            ratio_line(f"{label}: pandas / DuckDB", pandas / duck, ratio_target)
            return out["duck"], out["pandas"]

        def agreement(label: str, pairs) -> None:
            found = [d for a, b in pairs for d in scoring_pandas.differences(a, b)]
            print(f"{label}: pandas and DuckDB " + (
                "agree (same rows, same tiers, numbers equal to 1e-9)" if not found
                else "DISAGREE: " + "; ".join(found)), flush=True)

        # Warm, as on the what-if page: the year's values read once (scoring.year_values; the page keeps them
        # until the data changes), as the pandas frames are loaded once; each run scores them afresh.
        started = time.perf_counter()
        values = scoring.year_values(db, ruleset.framework_id, SCORED_YEAR, ruleset.round_aggregation)
        print(f"national: FY{SCORED_YEAR}'s values read once in {time.perf_counter() - started:.2f} s "
              f"({values.num_cells:,} unit × objective × value counts, "
              f"{values.num_pairs:,} indicator values; the first what-if of a year)",
              flush=True)
        duck, pandas = side_by_side(
            f"scores FY{SCORED_YEAR}, all units", ONE_YEAR_TARGET,
            lambda: scoring.unit_scores(db, ruleset, SCORED_YEAR, values),
            lambda: scoring_pandas.unit_scores(frames, ruleset, SCORED_YEAR), ONE_YEAR_RATIO_TARGET)
        agreement(f"scores FY{SCORED_YEAR} ({len(duck):,} units)", [(duck, pandas)])
        cold = best_of(3, lambda: scoring.unit_scores(db, ruleset, SCORED_YEAR))
        line(f"scores FY{SCORED_YEAR}, values read too (best of 3)", cold, None)

        every = {fw: scoring.year_values(db, fw, None, official[fw].round_aggregation) for fw in frameworks}
        duck, pandas = side_by_side(
            f"scores all fiscal years, {len(frameworks)} frameworks", ALL_YEARS_TARGET,
            lambda: [scoring.unit_scores(db, official[fw], None, every[fw]) for fw in frameworks],
            lambda: [scoring_pandas.unit_scores(frames, official[fw], None) for fw in frameworks])
        agreement(f"scores all fiscal years ({sum(map(len, duck)):,} unit-years)", zip(duck, pandas))


def report_times(db_path: Path) -> None:
    """The November documents for FY2569 of the BMA demo, as the secretariat makes them (the CLI)."""
    import subprocess
    with tempfile.TemporaryDirectory() as out:
        total = 0.0
        for kind in ("cabinet", "cards"):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "saisaat", "report", kind, "--fiscal-year", "2569",
                            "--out", out, "--db", str(db_path)], check=True, capture_output=True, cwd=ROOT)
            seconds = time.perf_counter() - started
            total += seconds
            line(f"report {kind} FY2569 (CLI, fresh process)", seconds, None)
        line("cabinet summary + all report cards, together", total, 60)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.benchmark")
    parser.add_argument("--skip-national", action="store_true", help="BMA-scale figures only")
    parser.add_argument("--national-db", type=Path, metavar="PATH",
                        help="reuse this national demo database instead of building one")
    args = parser.parse_args()
    if args.national_db and not args.skip_national and not args.national_db.is_file():
        parser.error(f"no database at {args.national_db} (make one: python -m saisaat demo "
                     f"--db {args.national_db} --scale national)")
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        bma = Path(tmp) / "bma.duckdb"
        line("demo build, BMA scale (best of 3)", best_of(3, lambda: build_demo(bma)), 5)
        report_times(bma)   # before the pages: their AppTest keeps this process's connection open
        for page, seconds in page_times(bma).items():
            line(f"page '{page}' warm run, BMA scale (median of 5)", seconds, 0.5)
        if not args.skip_national:
            if args.national_db:
                national = args.national_db
                print(f"national: reusing {national} (not rebuilt)", flush=True)
            else:
                national = Path(tmp) / "national.duckdb"
                counts = {}
                seconds = best_of(1, lambda: counts.update(build_demo(national, scale="national")))
                line(f"demo build, national scale ({counts['units']:,} units, "
                     f"{counts['results'] / 1e6:.1f} M results)", seconds, NATIONAL_BUILD_TARGET)
            size_mb = national.stat().st_size / 1e6
            print(f"{'national database file':<48} {size_mb:8.1f} MB (target <= {NATIONAL_FILE_TARGET_MB} MB)"
                  + ("  ok" if size_mb <= NATIONAL_FILE_TARGET_MB else "  OVER TARGET"), flush=True)
            scoring_times(national)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
