"""Many users at once (issue 12), on loopback only: deploy/start.sh with N replicas behind nginx on a new
BMA demo database, and S protocol-level sessions (bench/stclient.py: Streamlit's own protobufs on its
websocket, no browser) each repeating a mixed journey for a bounded time:

    overview → unit comparison with another unit added → trends → What-if with a tier cut-off moved →
    a download of the comparison (built on click, fetched through nginx)

Halfway through, the secretariat imports a results file (FY2570 round 1, every unit) in the writer, then
publishes that period; each commit writes a snapshot (store.transaction with SAISAAT_SNAPSHOT_DIR). This script
is that writer (it holds the working database, as the writer process would), so the replicas switch under load.

Reported: requests (reruns and downloads), errors (must be 0), sessions that saw another session's state
(each session has its own unit and checks that every render shows it: must be 0), sessions that went on to
the new snapshot, p50/p95 interaction time, and the replicas' memory (RSS) over the run, with the growth
after warm-up (target ≤ 10 %).

    python -m scripts.load_test                       # 30 sessions, 5 minutes, 2 replicas
    python -m scripts.load_test --sessions 10 --minutes 1 --replicas 2 --json out.json
"""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd

from bench.deployment import Deployment, published_clock
from bench.stclient import Session
from saisaat import importer, store
from saisaat.auth import cli_user
from saisaat.db import Database, latest_snapshot
from saisaat.demo import build_demo

MAX_SESSIONS, MAX_MINUTES = 60, 15   # bounded: this is a 2-core machine shared with others
IMPORT_FY = 2570
SECRETARIAT = cli_user("load test")   # the writer: imports and publishes as the secretariat


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its threads (Linux /proc), in MB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def replica_pids(parent: int) -> list[int]:
    """The Streamlit replicas start.sh (pid `parent`) started: its children running SAISAAT_REPLICA_DIR."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            env = open(f"/proc/{entry}/environ", "rb").read()
        except OSError:
            continue
        if ppid == parent and b"SAISAAT_REPLICA_DIR=" in env:
            found.append(int(entry))
    return sorted(found)


def import_file(db: Database) -> bytes:
    """A results file for FY2570 round 1: every unit's FY2569 round-1 values (long layout, CSV)."""
    frame = db.query("unit_indicator_points", fiscal_year=2569, inspection_round=1)
    frame = frame[frame["value"].notna()]
    out = pd.DataFrame({"fiscal_year": IMPORT_FY, "inspection_round": 1, "unit_code": frame["unit_code"],
                        "indicator_code": frame["indicator_code"], "value": frame["value"].astype(float)})
    buffer = io.StringIO()
    out.to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8")


class User(threading.Thread):
    """One session: its own unit, the journey repeated until `stop_at`, with a think time between
    interactions."""

    def __init__(self, n: int, url: str, own: str, other: str, stop_at: float, think: tuple[float, float]):
        super().__init__(daemon=True)
        self.n, self.url, self.own, self.other, self.stop_at, self.think = n, url, own, other, stop_at, think
        self.times: list[tuple[float, float]] = []   # (monotonic end, seconds)
        self.errors: list[str] = []
        self.wrong_state = 0
        self.download_errors = 0
        self.requests = 0
        self.captions: list[str] = []
        self.rng = random.Random(n)

    def check(self, run) -> None:
        self.requests += 1
        self.times.append((time.monotonic(), run.seconds))
        self.errors += run.errors()
        unit = run.widgets().get("unit")
        if unit is None or f"({self.own})" not in unit.raw_value:
            self.wrong_state += 1
        self.captions += [t for t in run.texts() if t.startswith("Published data as of")]

    def pause(self) -> None:
        time.sleep(self.rng.uniform(*self.think))

    def run(self) -> None:
        try:
            with Session(self.url, f"unit={self.own}&lang=en") as s:
                while time.monotonic() < self.stop_at:
                    for page in ("", "compare", "trends", "whatif"):
                        # the views the journey uses, each drawn one at a time: the units side by side, the
                        # what-if's tiers editor and its table of every unit
                        view = {"compare": "&why=side_by_side", "whatif": "&wi_editor=tiers&wi_view=all_units"}
                        run = s.rerun(page=page, query_string=f"unit={self.own}&lang=en{view[page]}"
                                      if page in view else None)
                        self.check(run)
                        widgets = run.widgets()
                        if page == "compare" and "compare_units" in widgets:
                            pick = [o for o in widgets["compare_units"].options
                                    if f"({self.own})" in o or f"({self.other})" in o]
                            self.pause()
                            self.check(s.rerun(widgets={widgets["compare_units"].id: ("string_array_value", pick)}))
                        if page == "whatif":
                            cut = next(k for k in widgets if k.startswith("wi_tier_0_min_"))
                            self.pause()
                            moved = s.rerun(widgets={widgets[cut].id: ("double_value",
                                                                       round(self.rng.uniform(4.1, 4.9), 1))})
                            self.check(moved)
                            started = time.perf_counter()
                            self.requests += 1
                            try:   # a failed download is an error; the user goes on (and clicks again later)
                                data = s.download(moved.widgets()["csv_comparison"].deferred_file_id)
                                if not data.startswith(b"\xef\xbb\xbf"):
                                    self.errors.append("download without a UTF-8 BOM")
                            except Exception as exc:   # noqa: BLE001
                                self.errors.append(f"download: {exc!r}")
                                self.download_errors += 1
                            self.times.append((time.monotonic(), time.perf_counter() - started))
                        self.pause()
                        if time.monotonic() >= self.stop_at:
                            break
        except Exception as exc:   # noqa: BLE001 - reported as this session's error
            self.errors.append(repr(exc))


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.load_test")
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--think", type=float, nargs=2, default=(1.0, 3.0), metavar=("MIN", "MAX"),
                        help="seconds a user waits between interactions (default 1 3)")
    parser.add_argument("--json", type=Path, help="also write the report here")
    args = parser.parse_args()
    if not 1 <= args.sessions <= MAX_SESSIONS or not 0 < args.minutes <= MAX_MINUTES:
        parser.error(f"at most {MAX_SESSIONS} sessions and {MAX_MINUTES} minutes")

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "work.duckdb"
        build_demo(work)
        with Deployment(work, Path(tmp), replicas=args.replicas, writer=False) as dep:
            os.environ[store.SNAPSHOT_DIR_ENV] = str(dep.snapshots)   # this process is the writer
            first = latest_snapshot(dep.snapshots)
            writer = Database(work)
            units = writer.query("units_by_code")["unit_code"].tolist()
            payload = import_file(writer)
            pids = replica_pids(dep.proc.pid)
            print(f"{args.replicas} replicas (pids {pids}) behind nginx at {dep.public_url}; "
                  f"{args.sessions} sessions for {args.minutes:g} min", flush=True)

            started = time.monotonic()
            stop_at = started + args.minutes * 60
            users = [User(i, dep.public_url, units[i % len(units)], units[(i + 7) % len(units)], stop_at,
                          tuple(args.think)) for i in range(args.sessions)]
            for user in users:
                user.start()
                time.sleep(0.2)   # users arrive over a few seconds, not in one instant
            memory, imported = [], {}
            while any(u.is_alive() for u in users):
                now = time.monotonic() - started
                memory.append((now, sum(rss_mb(p) for p in pids)))
                if not imported and now >= args.minutes * 30:   # halfway: the secretariat imports
                    t0 = time.perf_counter()
                    plan = importer.plan_import(writer, payload, f"fy{IMPORT_FY}-round1.csv")
                    batch = importer.commit(writer, plan, by=SECRETARIAT)
                    imported = {"at_s": round(now, 1), "batch": batch, "rows": len(plan.added),
                                "seconds": round(time.perf_counter() - t0, 2),
                                "snapshot": latest_snapshot(dep.snapshots).name}
                    print(f"import committed at {now:.0f} s: batch {batch}, {len(plan.added):,} rows, "
                          f"snapshot {imported['snapshot']} ({imported['seconds']} s)", flush=True)
                    t0 = time.perf_counter()   # then the secretariat publishes the period it imported
                    store.publish(writer, IMPORT_FY, 1, by=SECRETARIAT)
                    imported.update(published_s=round(time.perf_counter() - t0, 2),
                                    snapshot=latest_snapshot(dep.snapshots).name)
                    print(f"FY{IMPORT_FY} round 1 published: snapshot {imported['snapshot']} "
                          f"({imported['published_s']} s)", flush=True)
                time.sleep(5)
            for user in users:
                user.join()
            writer.close()
            assert latest_snapshot(dep.snapshots) != first

    times = sorted(s for u in users for _, s in u.times)
    warm = [m for t, m in memory if t >= min(60.0, args.minutes * 12)] or [m for _, m in memory]
    new_clock = published_clock(Path(imported["snapshot"])) if imported else "(no import)"
    saw_new = sum(1 for u in users if u.captions and new_clock in u.captions[-1])
    report = {
        "sessions": args.sessions, "minutes": args.minutes, "replicas": args.replicas,
        "requests": sum(u.requests for u in users),
        "errors": sum(len(u.errors) for u in users),
        "download_errors": sum(u.download_errors for u in users),
        "error_examples": sorted({e[:160] for u in users for e in u.errors})[:5],
        "sessions_with_another_sessions_state": sum(1 for u in users if u.wrong_state),
        "sessions_that_switched_to_the_new_snapshot": saw_new,
        "interaction_p50_s": round(statistics.median(times), 3) if times else None,
        "interaction_p95_s": round(times[int(0.95 * (len(times) - 1))], 3) if times else None,
        "replicas_rss_mb_start": round(memory[0][1], 1) if memory else None,
        "replicas_rss_mb_after_warmup": round(warm[0], 1) if warm else None,
        "replicas_rss_mb_peak": round(max(m for _, m in memory), 1) if memory else None,
        "replicas_rss_mb_end": round(memory[-1][1], 1) if memory else None,
        "rss_growth_after_warmup_pct": round(100 * (warm[-1] - warm[0]) / warm[0], 1) if warm else None,
        "import": imported, "new_snapshot_published_at": new_clock,
        "load_average_end": os.getloadavg(),
    }
    for key, value in report.items():
        print(f"{key:<46} {value}")
    ok = (report["errors"] == 0 and report["sessions_with_another_sessions_state"] == 0
          and report["rss_growth_after_warmup_pct"] is not None and report["rss_growth_after_warmup_pct"] <= 10
          and saw_new == args.sessions)
    print("load test: " + ("PASS" if ok else "FAIL") + " (0 errors, 0 leaks, every session on the new snapshot, "
          "RSS growth after warm-up <= 10 %)")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
