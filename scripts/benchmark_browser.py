"""Page and document speed in a real browser (issue 12's table), Playwright driving Debian's Chromium
(bench/browser.py):

    python -m scripts.benchmark_browser                          # BMA demo, and the national demo (built: ~1-2 min)
    python -m scripts.benchmark_browser --skip-national
    python -m scripts.benchmark_browser --national-db /tmp/nat.duckdb   # reuse a national database
    python -m scripts.benchmark_browser --documents-only         # the floor and the documents, no page figures
    python -m scripts.benchmark_browser --pages-only             # the floor and the pages, no documents

Each figure is the median of 3, from the action to the page idle with every visible chart drawn, with
the browser's cache warm (one context, every page opened once before timing; the server's caches warm
too): every page by navigation, a filter change (the sidebar's fiscal year), a What-if cut-off moved (tier
A's). In the same run, the floor: a Streamlit page with one Plotly chart (bench/floor_app.py).

Then the November documents, on the Reports page in Thai (the app's default language), as the local
secretariat (the server binds 127.0.0.1): the cabinet summary's Word and PDF, each from the click on its
download button until the browser has the whole file (median of 3); every unit's report card, from the
click on "prepare" until the ZIP is downloaded (median of 3 at BMA scale, one run at national scale), each
run in a new session (nothing prepared yet), noting the progress texts shown meanwhile. Each file is checked
(not empty, its magic bytes; the ZIP: one PDF per unit the prepare button counts): a file that fails, or a
download that never comes, is printed as an error instead of a figure.

Each figure is printed beside its target; nothing here is a test (the pages' national work comes later).
"""
from __future__ import annotations

import argparse
import contextlib
import re
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError

from bench.browser import BrowserPage, StreamlitServer
from saisaat import ROOT
from saisaat.demo import build_demo
from saisaat.i18n import t

PAGES = ("", "compare", "trends", "coverage", "whatif", "reports", "data", "settings")
TARGETS = {"bma": {"page": 1.0, "change": 0.5, "summary": 10.0, "cards": 30.0},
           "national": {"page": 1.5, "change": 1.0, "summary": 20.0, "cards": 600.0}}
DOC_LANG = "th"   # the documents' language: the app's default, the one the November work is done in
MAGIC = {"docx": b"PK", "pdf": b"%PDF", "zip": b"PK"}
# Every text a progress bar shows from now on, in order, each once (the bar's label changes as it advances).
WATCH_PROGRESS = """() => {
    window.benchProgress = [];
    const note = () => document.querySelectorAll('[data-testid="stProgress"]').forEach(el => {
        const text = el.innerText.trim() || '(a bar without text)';
        if (window.benchProgress[window.benchProgress.length - 1] !== text) window.benchProgress.push(text);
    });
    new MutationObserver(note).observe(document.body,
        {subtree: true, childList: true, characterData: true, attributes: true});
}"""
ALL_VISIBLE_CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .filter(el => el.offsetParent !== null)
    .every(el => el.querySelector('.js-plotly-plot .main-svg'))"""
REPEATS = 3
CARDS_REPEATS = {"bma": REPEATS, "national": 1}   # every unit's card at national scale is long


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


@contextlib.contextmanager
def app(db: Path) -> Iterator[BrowserPage]:
    """The app on `db`, bound to 127.0.0.1 (local mode: the visitor is the local secretariat, who may read
    every document), and one browser page on it, with timeouts generous enough for the national scale."""
    with StreamlitServer(ROOT / "app.py", env={"SAISAAT_DB": str(db)}, timeout_s=600) as server, \
            BrowserPage(server.url, locale="en-US", timeout_ms=900_000) as browser:
        yield browser


def page_figures(browser: BrowserPage, scale: str) -> None:
    target = TARGETS[scale]
    url = lambda path: f"{browser.base_url}/{path}?lang=en"   # noqa: E731
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
    browser.choose("wi_editor", "Reward tiers and pool")
    cut_off = browser.page.get_by_label("Cut-off").first
    runs = []
    for value in ("4.4", "4.6", "4.5"):
        cut_off.fill(value)
        runs.append(timed(browser, lambda: cut_off.press("Enter")))
    line(f"{scale}: a what-if cut-off moved (tier A)", runs, target["change"])


class DocumentError(Exception):
    """A download that is not the document the page offers (empty, wrong kind, a unit's card missing)."""


def error(what: str, reason: str) -> None:
    print(f"{what:<52}   ERROR: {reason}", flush=True)


def downloaded(browser: BrowserPage, click) -> tuple[float, Path]:
    """`click()`, then wait until the browser has the whole file: (seconds from the click, the file)."""
    started = time.perf_counter()
    with browser.page.expect_download(timeout=browser.timeout_ms) as info:
        click()
    path = Path(info.value.path())   # returns once the download has finished (raises if it failed)
    return time.perf_counter() - started, path


def check_file(path: Path, kind: str) -> None:
    head = path.read_bytes()[:len(MAGIC[kind])]
    if not head:
        raise DocumentError(f"the {kind} file is empty")
    if head != MAGIC[kind]:
        raise DocumentError(f"the {kind} file starts with {head!r}, not {MAGIC[kind]!r}")


def check_cards(path: Path, units: int) -> None:
    """One PDF per unit in the ZIP, each a PDF."""
    check_file(path, "zip")
    try:
        with zipfile.ZipFile(path) as z:
            pdfs = {name for name in z.namelist() if name.lower().endswith(".pdf")}
            if len(pdfs) != units:
                raise DocumentError(f"the ZIP holds {len(pdfs):,} PDFs for {units:,} units")
            not_pdf = [name for name in sorted(pdfs) if z.open(name).read(4) != MAGIC["pdf"]]
    except zipfile.BadZipFile as exc:
        raise DocumentError(f"not a ZIP: {exc}") from exc
    if not_pdf:
        raise DocumentError(f"{len(not_pdf):,} cards are not PDFs, e.g. {not_pdf[0]}")


def summary_figures(browser: BrowserPage, scale: str) -> None:
    """The cabinet summary's Word and PDF (the summary is the Reports page's first section), each click →
    the whole file in the browser; the same page serves every click (each builds the document anew)."""
    browser.goto(f"/reports?lang={DOC_LANG}")
    for kind, key, label in (("docx", "sum_docx", "download_docx"), ("pdf", "sum_pdf", "download_pdf")):
        what = f"{scale}: cabinet summary, {kind} (click → file)"
        button = browser.page.locator(f".st-key-{key}").get_by_role("button", name=t(label, DOC_LANG))
        try:
            runs = []
            for _ in range(REPEATS):
                seconds, path = downloaded(browser, button.click)
                check_file(path, kind)
                runs.append(seconds)
        except (DocumentError, PlaywrightError) as exc:
            error(what, str(exc).splitlines()[0])
            continue
        line(what, runs, TARGETS[scale]["summary"])


def cards_run(browser: BrowserPage) -> tuple[float, list[str], int]:
    """One run in a new session (nothing prepared): click "prepare" in the cards section, wait for the ZIP's
    button, download it. (seconds from the click to the whole ZIP, the progress texts seen, units)."""
    page = browser.page
    browser.goto(f"/reports?lang={DOC_LANG}")
    browser.choose("reports_section", t("tab_cards", DOC_LANG))
    prepare = page.locator(".st-key-card_zip_go").get_by_role("button")
    units = int(re.search(r"\(([\d,]+)", prepare.inner_text()).group(1).replace(",", ""))
    page.evaluate(WATCH_PROGRESS)
    started = time.perf_counter()
    browser.wait_for_rerun(prepare.click)   # the run that prepares ends in st.rerun(); the next offers the ZIP
    zip_button = page.locator(".st-key-card_zip").get_by_role("button")
    zip_button.wait_for(state="attached")
    browser.choose("reports_section", t("tab_cards", DOC_LANG))   # kept by the rerun: then a no-op
    _, path = downloaded(browser, zip_button.click)
    seconds = time.perf_counter() - started
    check_cards(path, units)
    return seconds, page.evaluate("() => window.benchProgress"), units


def cards_figures(browser: BrowserPage, scale: str) -> None:
    what = f"{scale}: all report cards, ZIP (prepare → file)"
    runs, progress, units = [], [], 0
    try:
        for _ in range(CARDS_REPEATS[scale]):
            seconds, progress, units = cards_run(browser)
            if not progress:
                raise DocumentError("no progress was shown while the cards were prepared")
            runs.append(seconds)
    except (DocumentError, PlaywrightError, TimeoutError) as exc:
        error(what, str(exc).splitlines()[0])
        return
    line(what, runs, TARGETS[scale]["cards"])
    print(f"    {units:,} PDFs, one per unit; progress shown while preparing ({len(progress)} texts): "
          f"{progress[0]!r} … {progress[-1]!r}", flush=True)


def document_figures(browser: BrowserPage, scale: str) -> None:
    summary_figures(browser, scale)
    cards_figures(browser, scale)
    if browser.error_count():
        print(f"    {browser.error_count()} error boxes on 'reports'", flush=True)


def app_figures(db: Path, scale: str, documents_only: bool = False, pages_only: bool = False) -> None:
    with app(db) as browser:
        if not documents_only:
            page_figures(browser, scale)
        if not pages_only:
            document_figures(browser, scale)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.benchmark_browser")
    parser.add_argument("--skip-national", action="store_true")
    parser.add_argument("--national-db", type=Path, metavar="PATH")
    parser.add_argument("--documents-only", action="store_true",
                        help="the floor and the documents only, without the page figures")
    parser.add_argument("--pages-only", action="store_true",
                        help="the floor and the page figures only, without the documents")
    args = parser.parse_args()
    if args.documents_only and args.pages_only:
        parser.error("--documents-only and --pages-only leave nothing to measure: give one")
    print(f"median of {REPEATS}, navigation or action → idle with every visible chart drawn, browser cache warm;"
          f" documents: click → the whole file in the browser")
    line("floor: one Plotly chart, navigation", floor(), None)
    with tempfile.TemporaryDirectory() as tmp:
        bma = Path(tmp) / "bma.duckdb"
        build_demo(bma)
        app_figures(bma, "bma", args.documents_only, args.pages_only)
        if not args.skip_national:
            national = args.national_db
            if national is None:
                national = Path(tmp) / "national.duckdb"
                build_demo(national, scale="national")
            app_figures(national, "national", args.documents_only, args.pages_only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
