"""Drive a real `streamlit run` server with Debian's chromium, without flaky waits.

Two pieces, both context managers:

    with StreamlitServer("app.py", env={"SAISAAT_DB": db}) as server, \
         BrowserPage(server.url) as browser:
        browser.goto("/")
        browser.wait_for_rerun(lambda: browser.page.get_by_text("2568").click())
        assert browser.error_count() == 0

Why the waits look the way they do is written in /work/shared/TOOLING_NOTES.md
("Real-browser tests that do not flake"); each method's docstring says which race it closes.
This module holds no tests itself.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

# The app is idle: websocket up, script not running. Streamlit sets these attributes on stApp.
# A script that does not compile ends in "compilationError" instead: idle too, and it shows an
# error dialog, so a test fails on error_count() at once rather than on a 30 s timeout.
IDLE = (
    '[data-testid="stApp"][data-test-connection-state="CONNECTED"]'
    ':is([data-test-script-state="notRunning"], [data-test-script-state="compilationError"])'
)
STATUS_WIDGET = '[data-testid="stStatusWidget"]'  # "Running..." corner widget
# Grey placeholder the frontend shows while it downloads the code of an element type (metric,
# chart, dataframe... are split into chunks loaded on first use), after the run has finished.
SKELETON = '[data-testid="stSkeleton"]'
CHART = '[data-testid="stPlotlyChart"] .js-plotly-plot .main-svg'
# Error boxes, as streamlit 1.67 marks them (read in its frontend bundle, checked by experiment):
# - st.exception and uncaught exceptions render stException, which wraps an error alert
#   (stAlertContentError) of its own; st.error renders stAlertContentError alone. Count each box
#   once: exceptions, plus error alerts that are not inside an exception.
# - a script that does not compile (SyntaxError) renders no stException: a modal stDialog holds
#   the message in an stErrorCodeBlock (the same modal reports other app-level errors).
ERRORS = (
    '[data-testid="stException"], '
    '[data-testid="stAlertContentError"]:not([data-testid="stException"] *), '
    '[data-testid="stDialog"] [data-testid="stErrorCodeBlock"]'
)


def port_answers(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LoggedProcess:
    """A child process in its own process group, its output kept in a temporary file (a pipe nobody reads
    while tests run would fill and block it); `stop()` ends the whole group (then kills it if it lingers),
    so no orphan keeps a port or a DuckDB lock."""

    proc: subprocess.Popen | None = None
    _log = None

    def start(self, cmd: list[str], cwd: str | os.PathLike | None = None,
              env: Mapping[str, str] | None = None) -> None:
        self._log = tempfile.TemporaryFile(mode="w+b")
        self.proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL,
                                     stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)

    def output(self) -> str:
        """Everything the process printed so far (stdout and stderr interleaved)."""
        if self._log is None:
            return ""
        self._log.flush()
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            for sig, grace_s in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
                try:
                    os.killpg(self.proc.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    self.proc.wait(timeout=grace_s)
                    break
                except subprocess.TimeoutExpired:
                    continue
        if self._log is not None:
            self._log.close()
            self._log = None


class StreamlitServer(LoggedProcess):
    """`streamlit run APP` on a free 127.0.0.1 port, for the length of a `with` block.

    `env` is added to this process's environment (the app reads SAISAAT_DB from it). The server
    runs in its own process group with the app's folder as working directory; on exit the whole
    group is terminated (then killed if it lingers), so no orphan keeps the port or a DuckDB lock.
    """

    def __init__(self, app_path: str | os.PathLike, env: Mapping[str, str] | None = None,
                 timeout_s: float = 60.0, port: int | None = None, args: tuple[str, ...] = ()):
        self.app_path = Path(app_path).resolve()
        self.env = dict(env or {})
        self.timeout_s = timeout_s
        self.port: int | None = port     # None: a free one (a sign-in redirect URI needs it known first)
        self.args = tuple(args)          # more `streamlit run` options, e.g. ("--secrets.files", path)

    @property
    def url(self) -> str:
        """Base URL without a trailing slash, e.g. http://127.0.0.1:54321."""
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> StreamlitServer:
        if not self.app_path.is_file():
            raise FileNotFoundError(self.app_path)
        self.port = self.port or free_port()
        # Another server answering here would make every later check pass against the wrong app.
        if port_answers(self.port):
            raise RuntimeError(f"port {self.port} already answers; refusing to start")
        cmd = [
            sys.executable, "-m", "streamlit", "run", str(self.app_path),
            "--server.headless", "true",
            "--server.address", "127.0.0.1",
            "--server.port", str(self.port),
            "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none",
            *self.args,
        ]
        self.start(cmd, cwd=self.app_path.parent, env=self.env)
        try:
            self._wait_healthy()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_healthy(self) -> None:
        """Poll /_stcore/health until it says `ok`: the port opens before the app can serve."""
        deadline = time.monotonic() + self.timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"streamlit exited with code {self.proc.returncode}:\n{self.output()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as resp:
                    if resp.read().strip() == b"ok":
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        raise TimeoutError(f"streamlit not healthy after {self.timeout_s} s:\n{self.output()}")

    def __exit__(self, *exc) -> None:
        self.stop()


class BrowserPage:
    """One chromium page on a Streamlit server, with waits that do not race the app.

    `page` is the Playwright Page, for locators and `expect()`. Every `_stcore/stream` websocket
    the page opens is watched, and each completed script run is counted in `runs_finished`.
    """

    def __init__(self, base_url: str, viewport: tuple[int, int] = (1440, 2400),
                 locale: str = "th-TH", timeout_ms: float = 60_000, of: BrowserPage | None = None,
                 _shared=None):
        """`of`: another BrowserPage whose browser this one shares, in a context of its own (its own
        cookies: another person at once; Playwright's sync API runs one instance per thread)."""
        if of is not None:
            _shared = (of._pw, of._browser)
        self.base_url = base_url.rstrip("/")
        self.timeout_ms = timeout_ms
        self.runs_finished = 0
        self._settings = (viewport, locale, timeout_ms)
        self._owner = _shared is None   # the first page starts Playwright and Chromium; another() shares them
        self._pw = sync_playwright().start() if self._owner else _shared[0]
        try:
            self._browser = (self._pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                             if self._owner else _shared[1])
            self._context = self._browser.new_context(
                viewport={"width": viewport[0], "height": viewport[1]}, locale=locale)
            self._context.set_default_timeout(timeout_ms)
            self.page = self._context.new_page()
            self.page.on("websocket", self._watch_websocket)
        except BaseException:
            if self._owner:
                self._pw.stop()
            raise

    def another(self, base_url: str) -> BrowserPage:
        """A page on another server, in a new browser context (its own cookies and cache) of this page's
        Chromium: Playwright's sync API runs one instance per thread, so a module that starts several
        servers drives them all from the first page's. Close it (a `with` block) before this one."""
        viewport, locale, timeout_ms = self._settings
        return BrowserPage(base_url, viewport, locale, timeout_ms, _shared=(self._pw, self._browser))

    def __enter__(self) -> BrowserPage:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _watch_websocket(self, ws) -> None:
        if ws.url.endswith("/_stcore/stream"):
            ws.on("framereceived", self._count_script_finished)

    def _count_script_finished(self, payload: bytes | str) -> None:
        """Count a run as done when the server says so (one ForwardMsg per binary frame).

        A run cut short by a newer rerun (FINISHED_EARLY_FOR_RERUN) is not counted: the page is
        not in its final state yet, and the run that replaced it will be counted when it ends.
        """
        if isinstance(payload, str):
            return
        msg = ForwardMsg()
        try:
            msg.ParseFromString(payload)
        except Exception:  # not a ForwardMsg; nothing to count
            return
        if (msg.WhichOneof("type") == "script_finished"
                and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN):
            self.runs_finished += 1

    def wait_for_idle(self) -> None:
        """Wait for stApp to show CONNECTED + notRunning (or compilationError), status widget gone,
        and no skeleton left: on a fresh page, metrics and charts are still grey placeholders for
        a few hundred ms after the run has finished, while their code loads.

        Alone this is racy after an interaction (the old content is still idle for a moment
        before the rerun starts); `goto` and `wait_for_rerun` call it only after a run is
        known to have finished.
        """
        self.page.wait_for_selector(IDLE, state="attached")
        self.page.wait_for_selector(STATUS_WIDGET, state="detached")
        self.page.wait_for_function(
            f"() => document.querySelectorAll('{SKELETON}').length === 0")

    def wait_for_rerun(self, action: Callable[[], object]) -> None:
        """Run `action()` (a click, a selection, a navigation) and wait until its rerun is drawn.

        The script-finished message is what separates "new state drawn" from "old state not yet
        replaced": the count is taken before the action, must rise after it, and only then is
        the idle selector trusted. Polling via `page.wait_for_timeout` lets Playwright deliver
        websocket events to this thread in the meantime.
        """
        before = self.runs_finished
        action()
        deadline = time.monotonic() + self.timeout_ms / 1000
        while self.runs_finished <= before:
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"no script run finished within {self.timeout_ms / 1000:.0f} s of the action")
            self.page.wait_for_timeout(25)
        self.wait_for_idle()

    def goto(self, url_path: str = "/") -> None:
        """Open `url_path` (e.g. "/", "/scores?fy=2568") and wait for its first run to be drawn.

        Streamlit 1.67 marks a fresh page "initial" until its first run, so the idle selector
        would mostly do here; awaiting the finished-run message as well costs nothing and also
        covers an app that calls st.rerun() on its first run (that run ends "early for rerun"
        and is not counted; the one after it is).
        """
        if not url_path.startswith("/"):
            url_path = "/" + url_path
        self.wait_for_rerun(lambda: self.page.goto(self.base_url + url_path))

    def wait_for_chart(self) -> None:
        """Wait for a Plotly chart's SVG: plotly.js draws after Streamlit reports the run done."""
        self.page.wait_for_selector(CHART, state="visible")

    def sections(self, key: str) -> list[str]:
        """The names a page's section choice (ui.choose: a segmented control, keyed `key`) offers, in order."""
        return self.page.locator(f".st-key-{key}").get_by_role("radio").all_inner_texts()

    def pick(self, box, option: str) -> None:
        """Open the selectbox `box` (a locator) and choose `option`. On a busy machine a click on an option can
        be lost while the list is still opening: the list stays open and nothing is chosen. Then the option is
        clicked again (a chosen option closes the list)."""
        box.click()
        choice = self.page.get_by_role("option", name=option, exact=True)
        choice.click()
        try:
            choice.wait_for(state="hidden", timeout=2000)
        except PlaywrightTimeout:
            choice.click()

    def choose(self, key: str, name: str) -> None:
        """Pick the section named `name` in the choice keyed `key` (where a page had tabs) and wait for the
        section's rerun (a fragment's) to be drawn; picking the one already chosen reruns nothing."""
        option = self.page.locator(f".st-key-{key}").get_by_role("radio", name=name, exact=True)
        if option.get_attribute("aria-checked") == "true":
            return
        self.wait_for_rerun(option.click)

    def error_count(self) -> int:
        """Number of error boxes shown: exceptions, st.error alerts, error dialogs (see ERRORS)."""
        return self.page.locator(ERRORS).count()

    def screenshot(self, path: str | os.PathLike) -> None:
        """Screenshot the viewport. Streamlit scrolls inside its own container, so a full-page
        screenshot would add nothing: the viewport is made tall instead."""
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path))

    def close(self) -> None:
        """Close the browser and stop Playwright (a page from another(): its context only); safe to call twice."""
        if self._pw is None:
            return
        if not self._owner:
            self._context.close()
            self._pw = None
            return
        try:
            self._browser.close()
        finally:
            self._pw.stop()
            self._pw = None
