"""Page speed in a real browser (issue 12's table), Playwright driving Debian's Chromium (bench/browser.py):

    python -m scripts.benchmark_browser                          # BMA demo, and the national demo (built: ~1-2 min)
    python -m scripts.benchmark_browser --skip-national
    python -m scripts.benchmark_browser --national-db /tmp/nat.duckdb   # reuse a national database

Each figure is the median of 3, from the action to the page idle with every visible chart drawn, with
the browser's cache warm (one context, every page opened once before timing; the server's caches warm
too): every page by navigation, a filter change (the sidebar's fiscal year), a What-if cut-off moved (tier
A's). In the same run, the floor: a Streamlit page with one Plotly chart (bench/floor_app.py). Each figure
is printed beside its target; nothing here is a test (the pages' national work comes later).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.browser import BrowserPage, StreamlitServer
from saisaat import ROOT
from saisaat.demo import build_demo

PAGES = ("", "compare", "trends", "coverage", "whatif", "reports", "data", "settings")
TARGETS = {"bma": {"page": 1.0, "change": 0.5}, "national": {"page": 1.5, "change": 1.0}}
ALL_VISIBLE_CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .filter(el => el.offsetParent !== null)
    .every(el => el.querySelector('.js-plotly-plot .main-svg'))"""
REPEATS = 3


def line(what: str, seconds: list[float], target: float | None) -> None:
    median = statistics.median(seconds)
    verdict = "" if target is None else ("  ok" if median <= target else "  OVER TARGET")
    tgt = "" if target is None else f"(target <= {target:g} s)"
    runs = ", ".join(f"{s:.2f}" for s in seconds)
    print(f"{what:<52} {median:7.2f} s  {tgt}{verdict}   [{runs}]", flush=True)


def drawn(browser: BrowserPage, timeout_ms: float = 600_000) -> None:
    browser.page.wait_for_function(ALL_VISIBLE_CHARTS_DRAWN, timeout=timeout_ms)


def timed(browser: BrowserPage, action) -> float:
    started = time.perf_counter()
    browser.wait_for_rerun(action)
    drawn(browser)
    return time.perf_counter() - started


def floor(repeats: int = REPEATS) -> list[float]:
    with StreamlitServer(ROOT / "bench" / "floor_app.py") as server, BrowserPage(server.url) as browser:
        browser.goto("/")
        drawn(browser)
        return [timed(browser, lambda: browser.page.goto(server.url + "/")) for _ in range(repeats)]


def app_figures(db: Path, scale: str) -> None:
    target = TARGETS[scale]
    with StreamlitServer(ROOT / "app.py", env={"SAISAAT_DB": str(db)}, timeout_s=600) as server, \
            BrowserPage(server.url, locale="en-US", timeout_ms=900_000) as browser:
        url = lambda path: f"{server.url}/{path}?lang=en"   # noqa: E731
        for path in PAGES:   # warm: the browser's cache and the server's caches
            browser.goto(f"/{path}?lang=en")
            drawn(browser)
        for path in PAGES:
            runs = [timed(browser, lambda p=path: browser.page.goto(url(p))) for _ in range(REPEATS)]
            line(f"{scale}: page '{path or 'overview'}'", runs, target["page"])
            if browser.error_count():
                print(f"    {browser.error_count()} error boxes on '{path}'", flush=True)

        browser.goto("/?lang=en")
        drawn(browser)
        box = browser.page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').nth(0)
        runs = []
        for fy in (2568, 2567, 2566):
            box.click()
            option = browser.page.get_by_role("option", name=f"Fiscal year {fy}", exact=True)
            runs.append(timed(browser, option.click))
        line(f"{scale}: a filter change (fiscal year, overview)", runs, target["change"])

        browser.goto("/whatif?lang=en")
        drawn(browser)
        browser.page.get_by_role("tab", name="Reward tiers and pool").click()
        cut_off = browser.page.get_by_label("Cut-off").first
        runs = []
        for value in ("4.4", "4.6", "4.5"):
            cut_off.fill(value)
            runs.append(timed(browser, lambda: cut_off.press("Enter")))
        line(f"{scale}: a what-if cut-off moved (tier A)", runs, target["change"])


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.benchmark_browser")
    parser.add_argument("--skip-national", action="store_true")
    parser.add_argument("--national-db", type=Path, metavar="PATH")
    args = parser.parse_args()
    print(f"median of {REPEATS}, navigation or action → idle with every visible chart drawn, browser cache warm")
    line("floor: one Plotly chart, navigation", floor(), None)
    with tempfile.TemporaryDirectory() as tmp:
        bma = Path(tmp) / "bma.duckdb"
        build_demo(bma)
        app_figures(bma, "bma")
        if not args.skip_national:
            national = args.national_db
            if national is None:
                national = Path(tmp) / "national.duckdb"
                build_demo(national, scale="national")
            app_figures(national, "national")
    return 0


if __name__ == "__main__":
    sys.exit(main())
