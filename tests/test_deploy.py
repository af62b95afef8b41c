"""deploy/: two replicas and the writer behind nginx (deploy/start.sh, deploy/nginx.conf), driven over
Streamlit's protocol (bench/stclient.py). Needs nginx (Debian; ./test.sh installs it)."""
from __future__ import annotations

import shutil
import threading
import time

import httpx
import pytest

from bench.deployment import Deployment, port_answers, published_clock, save_scenario_on_writer
from bench.stclient import Session
from saisaat.db import latest_snapshot, snapshots
from tests.fixture import build_tiny

SESSIONS = 6
UNITS = ["D01", "D02", "DEPA", "DEPN"]   # the tiny database's units
JOURNEY = ["", "compare", "trends", "whatif"]


def test_nginx_is_installed():
    assert shutil.which("nginx") or shutil.which("/usr/sbin/nginx"), "nginx is needed: apt-get install nginx"


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    folder = tmp_path_factory.mktemp("deploy")
    build_tiny(folder / "work.duckdb")
    with Deployment(folder / "work.duckdb", folder, replicas=2) as running:
        yield running


def caption(run) -> str:
    return next((t for t in run.texts() if "Published data as of" in t or "ข้อมูลที่เผยแพร่ ณ" in t), "")


# A short load through nginx while the writer publishes: every session keeps its own unit in every render,
# no run errs, each session's requests stay on one replica, both replicas serve, and every session goes
# on to render from the new snapshot (its time in the sidebar, the saved scenario among the What-if's
# starting points) without a restart. Then start.sh stops everything it started.
def test_sessions_see_a_new_snapshot_through_nginx(deployment):
    first = latest_snapshot(deployment.snapshots)
    assert first is not None   # start.sh published the working database before starting the writer
    published = threading.Event()
    results = {}

    def user(i: int) -> None:
        own = UNITS[i % len(UNITS)]
        out = results[i] = {"errors": [], "runs": 0, "wrong_unit": 0, "captions": [], "replicas": set(),
                            "scenario_seen": False}
        try:
            with Session(deployment.public_url, f"unit={own}&lang=en") as s:
                out["replicas"].add(s.http.get("/_stcore/health").headers.get("x-saisaat-replica"))
                step = 0
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    page = JOURNEY[step % len(JOURNEY)]   # the what-if's table of every unit, with its download
                    run = s.rerun(page=page, query_string=f"unit={own}&lang=en&wi_view=all_units"
                                  if page == "whatif" else None)
                    step += 1
                    out["runs"] += 1
                    out["errors"] += run.errors()
                    unit = run.widgets().get("unit")
                    if unit is None or f"({own})" not in unit.raw_value:
                        out["wrong_unit"] += 1
                    out["captions"].append(caption(run))
                    if JOURNEY[(step - 1) % len(JOURNEY)] == "whatif":
                        download = run.widgets()["csv_comparison"]
                        assert s.download(download.deferred_file_id).startswith(b"\xef\xbb\xbf")
                        out["replicas"].add(s.get("/_stcore/health").headers.get("x-saisaat-replica"))
                        start = run.widgets()["wi_start"]
                        out["scenario_seen"] = any("deploy-test" in o for o in start.options)
                    if published.is_set() and out["scenario_seen"] and step >= len(JOURNEY) * 2:
                        break
        except Exception as exc:   # noqa: BLE001 - a failure is reported as this session's error
            out["errors"].append(repr(exc))

    threads = [threading.Thread(target=user, args=(i,)) for i in range(SESSIONS)]
    for thread in threads:
        thread.start()
    time.sleep(5)
    save_scenario_on_writer(deployment.secretariat_url, "deploy-test")
    newest = latest_snapshot(deployment.snapshots)
    published.set()
    for thread in threads:
        thread.join(timeout=90)

    assert newest != first   # the commit on the writer published a snapshot
    # (the writer's first run also commits: it adds the fiscal years begun since the tiny database's)
    clocks = [published_clock(first)] + [published_clock(p) for p in snapshots(deployment.snapshots)
                                         if p != first]
    for i, out in sorted(results.items()):
        assert out["errors"] == [], (i, out["errors"])
        assert out["wrong_unit"] == 0, i
        assert len(out["replicas"]) == 1, (i, out["replicas"])   # sticky: page, health, download alike
        assert published_clock(newest) in out["captions"][-1] and out["scenario_seen"], (i, out["captions"][-3:])
        seen = [next(k for k, clock in enumerate(clocks) if clock in c) for c in out["captions"]]
        assert seen == sorted(seen), i   # a session never goes back to an older snapshot
    assert len(results) == SESSIONS
    # Both replicas serve: nginx routes each new browser by a random id, so six sessions all land on one
    # replica once in 32 runs; new browsers (no route cookie) are added until both have answered.
    served = set().union(*(out["replicas"] for out in results.values()))
    with httpx.Client(base_url=deployment.public_url, timeout=10) as probe:
        for _ in range(40):
            if len(served) == 2:
                break
            probe.cookies.clear()
            served.add(probe.get("/_stcore/health").headers.get("x-saisaat-replica"))
    assert len(served) == 2, served

    # A replica refuses a write with the catalogue's message (saving there changes nothing).
    with pytest.raises(RuntimeError, match="published data \\(read-only\\)"):
        save_scenario_on_writer(deployment.public_url, "on-a-replica", query_string="lang=en")

    assert deployment.stop() in (0, 143)   # 143: ended by the SIGTERM it was sent
    assert "stopped" in deployment.lines
    assert [p for p in deployment.all_ports() if port_answers(p)] == []
