"""deploy/start.sh run for a test or a load test: N replicas, the writer and nginx on free loopback
ports, stopped (SIGTERM, as Ctrl-C would) when the block ends; and what a secretary does on the writer
that publishes a snapshot (saving a what-if scenario), driven over Streamlit's protocol."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.stclient import Session
from saisaat import ROOT
from saisaat.db import SNAPSHOT_PREFIX


def free_ports(n: int) -> list[int]:
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def port_answers(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.3)
        return s.connect_ex(("127.0.0.1", port)) == 0


def published_clock(snapshot: Path) -> str:
    """The time of day (Bangkok) a snapshot was published, as the replicas' sidebar shows it."""
    stamp = snapshot.name.removeprefix(SNAPSHOT_PREFIX)[:21]
    utc = datetime.strptime(stamp, "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC)
    return f"{utc + timedelta(hours=7):%H:%M:%S}"


class Deployment:
    def __init__(self, db: Path, folder: Path, replicas: int = 2, writer: bool = True, timeout_s: float = 90.0):
        """`writer=False`: no writer process (the caller writes to `db` and publishes, as the load test)."""
        self.db, self.folder, self.replicas, self.timeout_s = Path(db), Path(folder), replicas, timeout_s
        self.writer = writer
        ports = free_ports(3 + replicas)
        self.public_port, self.secretariat_port, self.writer_port = ports[:3]
        self.replica_ports = ports[3:]
        self.snapshots = self.folder / "snapshots"
        self.run_dir = self.folder / "run"
        self.proc: subprocess.Popen | None = None
        self.lines: list[str] = []

    @property
    def public_url(self) -> str:
        return f"http://127.0.0.1:{self.public_port}"

    @property
    def secretariat_url(self) -> str:
        return f"http://127.0.0.1:{self.secretariat_port}"

    def __enter__(self) -> Deployment:
        # start.sh numbers replica ports from REPLICA_PORT: take a free run of them.
        first = self.replica_ports[0]
        while any(port_answers(first + i) for i in range(self.replicas)):
            first += self.replicas
        self.replica_ports = [first + i for i in range(self.replicas)]
        env = {**os.environ, "SAISAAT_DB": str(self.db), "SNAPSHOT_DIR": str(self.snapshots),
               "RUN_DIR": str(self.run_dir), "REPLICAS": str(self.replicas),
               "PUBLIC_PORT": str(self.public_port), "SECRETARIAT_PORT": str(self.secretariat_port),
               "WRITER_PORT": str(self.writer_port), "REPLICA_PORT": str(first),
               "WRITER": "1" if self.writer else "0"}
        self.proc = subprocess.Popen(["bash", str(ROOT / "deploy" / "start.sh")], env=env, cwd=ROOT,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     start_new_session=True)
        deadline = time.monotonic() + self.timeout_s
        for line in self.proc.stdout:
            self.lines.append(line.rstrip())
            if line.strip() == "ready":
                return self
            if time.monotonic() > deadline:
                break
        self.stop()
        raise RuntimeError("deploy/start.sh did not get ready:\n" + "\n".join(self.lines))

    def stop(self) -> int:
        """SIGTERM to start.sh (it stops nginx and every server it started); its exit code."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(signal.SIGTERM)
        try:
            rest, _ = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            rest, _ = self.proc.communicate()
        self.lines += (rest or "").splitlines()
        return self.proc.returncode

    def __exit__(self, *exc) -> None:
        self.stop()

    def all_ports(self) -> list[int]:
        return [self.public_port, self.secretariat_port, self.writer_port, *self.replica_ports]


def save_scenario_on_writer(url: str, name: str, query_string: str = "") -> float:
    """Save the official rules as a what-if scenario named `name` on the writer's What-if page, as a
    secretary would (which commits, and so publishes a snapshot). Returns the seconds it took."""
    started = time.perf_counter()
    with Session(url, query_string) as writer:
        writer.rerun()
        # the save form is in the what-if's "import / save" editor (one editor is drawn at a time)
        run = writer.rerun(page="whatif", query_string="&".join(q for q in (query_string, "wi_editor=share") if q))
        widgets = run.widgets()
        key = {prefix: next(k for k in widgets if k.startswith(prefix)) for prefix in ("wi_name_", "wi_save_")}
        # the scenario is saved as the user signed in (here the writer's local secretariat): no name typed
        done = writer.rerun(widgets={widgets[key["wi_name_"]].id: ("string_value", name),
                                     widgets[key["wi_save_"]].id: ("trigger_value", True)})
        if done.errors():
            raise RuntimeError(f"saving the scenario failed: {done.errors()}")
    return time.perf_counter() - started
