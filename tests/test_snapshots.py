"""Read-only snapshots for replicas: the writer publishes (store.write_snapshot, the CLI, after every
commit when SAISAAT_SNAPSHOT_DIR is set), a replica reads the newest (db.Replica) and refuses writes."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import duckdb
import pandas as pd
import pytest

from saisaat import ROOT, store
from saisaat.db import Database, NoSnapshot, ReadOnlyReplica, Replica, latest_snapshot, snapshots
from saisaat.i18n import t
from tests.test_schema import GOOD


def add_unit(db, code: str) -> None:
    unit = pd.DataFrame([{**GOOD["units"], "unit_code": code}]).astype({"active_to_fy": "Int64"})
    with store.transaction(db.con) as cur:
        store.append(cur, "units", unit)


# A snapshot holds every table's rows, and the views and macros the queries need: the queries give the
# same rows on the snapshot as on the working database.
def test_snapshot_answers_every_query_like_the_original(tiny_db, tmp_path):
    path = store.write_snapshot(tiny_db.con, tmp_path / "snaps")
    assert path.parent == tmp_path / "snaps" and path.name.startswith("snapshot-") and path.suffix == ".duckdb"
    assert os.listdir(tmp_path / "snaps") == [path.name]   # no temporary file left behind
    with Database(path, read_only=True) as snap:
        for name, params in [("unit_scores", {"fiscal_year": 2562, "inspection_round": None}),
                             ("units_by_code", {}), ("import_batches_by_id", {})]:
            pd.testing.assert_frame_equal(snap.query(name, **params), tiny_db.query(name, **params))
        assert snap.rows("current_database")[0][1] is True


# Published later = a greater name; only the newest SNAPSHOTS_KEPT stay; an unfinished (hidden temporary)
# file is never listed.
def test_latest_snapshot_and_pruning(tiny_db, tmp_path):
    folder = tmp_path / "snaps"
    written = [store.write_snapshot(tiny_db.con, folder) for _ in range(store.SNAPSHOTS_KEPT + 2)]
    assert written == sorted(written)
    assert snapshots(folder) == written[-store.SNAPSHOTS_KEPT:]
    (folder / ".snapshot-29991231T000000000000Z.duckdb.tmp").write_bytes(b"half written")
    assert latest_snapshot(folder) == written[-1]


# A write on a replica is refused before anything starts, with the catalogue's message in both
# languages; the snapshot is unchanged.
def test_writes_are_refused_on_a_replica(tiny_db, tmp_path):
    path = store.write_snapshot(tiny_db.con, tmp_path / "snaps")
    with Database(path, read_only=True) as snap:
        with pytest.raises(ReadOnlyReplica) as refused:
            add_unit(snap, "D09")
        assert refused.value.text("en") == t("store_replica_read_only", "en")
        assert refused.value.text("th") == t("store_replica_read_only", "th")
        assert len(snap.query("units_by_code")) == 4


# With SAISAAT_SNAPSHOT_DIR set, every committed write publishes a snapshot holding it; a refused write
# publishes nothing.
def test_each_commit_publishes_a_snapshot(tiny_db, tmp_path, monkeypatch):
    folder = tmp_path / "published"
    monkeypatch.setenv(store.SNAPSHOT_DIR_ENV, str(folder))
    add_unit(tiny_db, "D09")
    first = latest_snapshot(folder)
    with Database(first, read_only=True) as snap:
        assert "D09" in set(snap.query("units_by_code")["unit_code"])
    with pytest.raises(duckdb.ConstraintException):
        add_unit(tiny_db, "D09")   # the same key again: refused, nothing published
    assert snapshots(folder) == [first]


# A replica switches to a newer snapshot at the next call, keeps an older one open while it is still
# asked for, and closes it once it has been idle for idle_seconds; with no snapshot it says so.
def test_replica_switches_and_closes_idle_snapshots(tiny_db, tmp_path):
    folder = tmp_path / "snaps"
    replica = Replica(folder, idle_seconds=0.2)
    with pytest.raises(NoSnapshot) as none:
        replica.latest()
    assert str(folder) in none.value.text("en")
    old = store.write_snapshot(tiny_db.con, folder)
    assert replica.latest() == old
    old_db = replica.database(old)
    add_unit(tiny_db, "D09")
    new = store.write_snapshot(tiny_db.con, folder)
    assert replica.latest() == new
    assert "D09" in set(replica.database(new).query("units_by_code")["unit_code"])
    assert "D09" not in set(replica.database(old).query("units_by_code")["unit_code"])   # still in use
    assert replica.open_paths() == [old, new]
    time.sleep(0.3)
    replica.database(new)
    assert replica.open_paths() == [new]
    with pytest.raises(duckdb.ConnectionException):
        old_db.query("units_by_code")   # closed


# The command line publishes a database file as a snapshot (exit 0) and prints where.
def test_cli_snapshot(tiny_file, tmp_path):
    done = subprocess.run([sys.executable, "-m", "saisaat", "snapshot", "--db", str(tiny_file),
                           "--out", str(tmp_path / "snaps")], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    written = latest_snapshot(tmp_path / "snaps")
    assert str(written) in done.stdout
    with Database(written, read_only=True) as snap:
        assert len(snap.query("units_by_code")) == 4
