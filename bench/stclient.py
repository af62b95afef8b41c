"""A protocol-level Streamlit user, for the deployment test and the load test: no browser, just what
the browser does on the wire. It loads the page over HTTP (so a proxy's affinity cookie is set, as in a
browser), opens `/_stcore/stream` with that cookie, and reruns the app with BackMsg protobufs
(`rerun_script` with a query string, a page and widget states), reading ForwardMsgs until the run ends.
Each run returns the elements it drew, so a caller can check what a user would have seen.

Widgets are found by the key the app gives them: a keyed widget's id is `$$ID-<hash>-<key>`.
Much lighter on 2 cores than a Chromium per user (about 1 MB and no renderer per session).
"""
from __future__ import annotations

import time
import urllib.parse
from dataclasses import dataclass, field

import httpx
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect


@dataclass
class Run:
    """One script run as the client saw it."""
    seconds: float
    elements: list = field(default_factory=list)     # Element protos, in the order drawn
    status: int = 0                                   # ForwardMsg.script_finished
    page_name: str = ""

    def widgets(self) -> dict[str, object]:
        """Widget protos by their key (keyed widgets: the id is `$$ID-<hash>-<key>`)."""
        out = {}
        for element in self.elements:
            kind = element.WhichOneof("type")
            proto = getattr(element, kind) if kind else None
            wid = getattr(proto, "id", "") if proto is not None else ""
            if isinstance(wid, str) and wid.startswith("$$ID-") and wid.count("-") >= 2:
                out[wid.split("-", 2)[2]] = proto   # $$ID-<hash>-<key>; a key may hold '-' itself
        return out

    def texts(self) -> list[str]:
        """The text of markdown, headings, captions, metrics and alerts drawn in this run."""
        found = []
        for element in self.elements:
            kind = element.WhichOneof("type")
            if kind in ("markdown", "heading"):
                found.append(getattr(element, kind).body)
            elif kind == "metric":
                found.append(f"{element.metric.label}: {element.metric.body}")
            elif kind == "alert":
                found.append(element.alert.body)
        return found

    def exceptions(self) -> list[str]:
        return [e.exception.message for e in self.elements if e.WhichOneof("type") == "exception"]

    def errors(self) -> list[str]:
        """Exceptions, and error alerts (format 1 is an error box)."""
        return self.exceptions() + [e.alert.body for e in self.elements
                                    if e.WhichOneof("type") == "alert" and e.alert.format == 1]


class Session:
    """One user of the app at `base_url` (the app, or a proxy in front of it)."""

    def __init__(self, base_url: str, query_string: str = "", timeout: float = 120.0):
        self.base_url = base_url.rstrip("/")
        self.query_string = query_string
        self.timeout = timeout
        self.http = httpx.Client(base_url=self.base_url, timeout=timeout)
        page = self.http.get("/" + (f"?{query_string}" if query_string else ""))
        page.raise_for_status()
        cookies = "; ".join(f"{k}={v}" for k, v in self.http.cookies.items())
        host = urllib.parse.urlsplit(self.base_url)
        ws_url = f"ws://{host.netloc}/_stcore/stream"
        self._connection = connect(ws_url, subprotocols=["streamlit"], open_timeout=timeout, max_size=None,
                                   additional_headers={"Cookie": cookies, "Origin": self.base_url})
        self.ws = self._connection.__enter__()
        self.widget_values: dict[str, object] = {}    # widget id -> the WidgetState last sent
        self.page_script_hash = ""
        self.session_id = ""
        self.pages: dict[str, str] = {}              # url_path -> page_script_hash (from navigation)

    def close(self) -> None:
        try:
            self._connection.__exit__(None, None, None)
        finally:
            self.http.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def rerun(self, page: str | None = None, widgets: dict | None = None, query_string: str | None = None) -> Run:
        """Rerun the app (on `page`, an url_path, when given), with `widgets` ({widget id: WidgetState
        field and value, e.g. ("string_value", "1002")}) changed; wait for the run to finish."""
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query_string if query_string is None else query_string
        if page is not None:
            state.page_script_hash = self.pages.get(page, "")
            state.page_name = "" if page in self.pages else page
        else:
            state.page_script_hash = self.page_script_hash
        for wid, (kind, value) in (widgets or {}).items():
            self.widget_values[wid] = (kind, value)
        for wid, (kind, value) in self.widget_values.items():
            w = state.widget_states.widgets.add()
            w.id = wid
            target = getattr(w, kind)
            if kind.endswith("_array_value"):
                target.data.extend(value)
            else:
                setattr(w, kind, value)
        # A button's trigger is sent once, as a click; other values stay as the user left them.
        self.widget_values = {w: v for w, v in self.widget_values.items() if not v[0].endswith("trigger_value")}
        started = time.perf_counter()
        self.ws.send(msg.SerializeToString())
        run = Run(seconds=0.0)
        deadline = started + self.timeout
        while True:
            frame = self.ws.recv(timeout=max(0.1, deadline - time.perf_counter()))
            fwd = ForwardMsg()
            fwd.ParseFromString(frame)
            kind = fwd.WhichOneof("type")
            if kind == "new_session":
                self.page_script_hash = fwd.new_session.page_script_hash
                self.session_id = fwd.new_session.initialize.session_id or self.session_id
            elif kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in fwd.navigation.app_pages}
                self.page_script_hash = fwd.navigation.page_script_hash
            elif kind == "page_info_changed":
                self.query_string = fwd.page_info_changed.query_string
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                run.elements.append(fwd.delta.new_element)
            elif kind == "script_finished":
                if fwd.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue   # the app reran itself (st.rerun): wait for that run
                run.status = fwd.script_finished
                break
        run.seconds = time.perf_counter() - started
        run.page_name = next((p for p, h in self.pages.items() if h == self.page_script_hash), "")
        # Widgets keep the values the server drew unless the caller sets them (as a browser does).
        return run

    def download(self, file_id: str) -> bytes:
        """What a click on a download button built on click (`on_click="ignore"`, data a callable) gives:
        the server builds the file (a backend operation on the websocket), then it is fetched over HTTP."""
        msg = BackMsg()
        op = msg.backend_operation_request
        op.request_id = f"dl-{time.monotonic_ns()}"
        op.session_id = self.session_id
        op.deferred_file.file_id = file_id
        self.ws.send(msg.SerializeToString())
        deadline = time.perf_counter() + self.timeout
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(self.ws.recv(timeout=max(0.1, deadline - time.perf_counter())))
            if fwd.WhichOneof("type") == "backend_operation_response" \
                    and fwd.backend_operation_response.request_id == op.request_id:
                response = fwd.backend_operation_response
                if response.error_msg:
                    raise RuntimeError(f"download {file_id}: {response.error_msg}")
                got = self.get(response.deferred_file.url)
                got.raise_for_status()
                return got.content

    def get(self, path: str) -> httpx.Response:
        """An HTTP request in this session (same cookies, so a proxy sends it to the same server)."""
        return self.http.get(path)
