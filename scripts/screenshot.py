"""Screenshot pages of the running dashboard in a real browser (for the README, or to look).

    python -m scripts.screenshot --out shots --db /tmp/demo.duckdb --lang en / /compare /trends

Starts `streamlit run app.py` on a free port, opens each URL path, waits until the run is drawn
(and every visible Plotly chart, if the page has charts), and writes OUT/<page>.png: "/" becomes
home.png, "/compare?fy=2568" becomes compare_fy_2568.png. Exits 1 if a page shows an error box.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bench.browser import BrowserPage, StreamlitServer

ROOT = Path(__file__).resolve().parent.parent

# Every visible chart has drawn its SVG (wait_for_chart alone waits for the first one).
ALL_VISIBLE_CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .filter(el => el.offsetParent !== null)
    .every(el => el.querySelector('.js-plotly-plot .main-svg'))"""


def with_lang(url_path: str, lang: str | None) -> str:
    """Set the `lang` query parameter, which app.py binds to its language switch."""
    if not lang:
        return url_path
    parts = urlsplit(url_path)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "lang"] + [("lang", lang)]
    return urlunsplit(("", "", parts.path or "/", urlencode(query), ""))


def file_name(url_path: str) -> str:
    """A file name from a URL path: "/" -> home.png, "/compare?fy=2568" -> compare_fy_2568.png."""
    stem = re.sub(r"[^0-9A-Za-z]+", "_", url_path).strip("_")
    return f"{stem or 'home'}.png"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", metavar="PAGE_URL_PATH", default=["/"],
                        help='URL paths such as / or /compare?fy=2568 (default: /)')
    parser.add_argument("--out", required=True, type=Path, help="folder for the PNG files")
    parser.add_argument("--db", type=Path, help="database file, passed to the app as SAISAAT_DB")
    parser.add_argument("--lang", choices=["th", "en"], help="language (the app's default if omitted)")
    parser.add_argument("--app", type=Path, default=ROOT / "app.py", help="entry script (default: app.py)")
    parser.add_argument("--timeout-s", type=float, default=30, help="how long a page may take to draw (default 30)")
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--height", type=int, default=2400,
                        help="viewport height; the page is cut below it (default: 2400)")
    args = parser.parse_args(argv)

    env = {}
    if args.db:
        if not args.db.is_file():
            parser.error(f"no database at {args.db}")
        env["SAISAAT_DB"] = str(args.db.resolve())  # the server runs in the app's folder
    args.out.mkdir(parents=True, exist_ok=True)

    pages_with_errors = []
    with StreamlitServer(args.app, env=env) as server, \
            BrowserPage(server.url, viewport=(args.width, args.height), timeout_ms=args.timeout_s * 1000) as browser:
        for url_path in args.pages:
            if not url_path.startswith("/"):
                url_path = "/" + url_path
            browser.goto(with_lang(url_path, args.lang))
            browser.page.wait_for_function(ALL_VISIBLE_CHARTS_DRAWN)   # charts in hidden tabs are not drawn
            path = args.out / file_name(url_path)
            browser.screenshot(path)
            errors = browser.error_count()
            print(f"{url_path} -> {path}" + (f"  ({errors} error boxes)" if errors else ""))
            if errors:
                pages_with_errors.append(url_path)
    if pages_with_errors:
        print("error boxes on: " + ", ".join(pages_with_errors), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
