"""Speed figures the README states, measured on this machine (not timed tests).

    python scripts/benchmark.py                 # everything (the national build takes ~40 s)
    python scripts/benchmark.py --skip-national # BMA-scale figures only

Prints one line per figure: what, measured value, target.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from saisaat.demo import build_demo  # noqa: E402

PAGES = ("overview", "compare", "trends", "coverage", "whatif", "reports", "data")


def line(what: str, seconds: float, target: float | None) -> None:
    ok = "" if target is None else ("  ok" if seconds < target else "  OVER TARGET")
    tgt = "" if target is None else f"(target < {target:g} s)"
    print(f"{what:<48} {seconds:8.3f} s  {tgt}{ok}", flush=True)


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
    from streamlit.testing.v1 import AppTest
    os.environ["SAISAAT_DB"] = str(db_path)
    st.cache_data.clear()
    st.cache_resource.clear()
    out = {}
    for page in PAGES:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.run()
        if page != "overview":
            at.switch_page(f"pages/{page}.py")
        at.run()   # warm: caches filled for this page
        runs = []
        for _ in range(repeats):
            started = time.perf_counter()
            at.run()
            runs.append(time.perf_counter() - started)
            assert not at.exception, at.exception
        out[page] = statistics.median(runs)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-national", action="store_true")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        bma = Path(tmp) / "bma.duckdb"
        line("demo build, BMA scale (best of 3)", best_of(3, lambda: build_demo(bma)), 5)
        for page, seconds in page_times(bma).items():
            line(f"page '{page}' warm run, BMA scale (median of 5)", seconds, 0.5)
        if not args.skip_national:
            national = Path(tmp) / "national.duckdb"
            counts = {}
            seconds = best_of(1, lambda: counts.update(build_demo(national, scale="national")))
            line(f"demo build, national scale ({counts['units']:,} units, "
                 f"{counts['results'] / 1e6:.1f} M results)", seconds, 60)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
