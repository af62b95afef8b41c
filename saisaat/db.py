"""The one place that opens the database and runs the SQL files in queries/.

Every value reaches DuckDB as a bound `$parameter`; the SQL text comes only from files.
"""
from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from saisaat import DATA_DIR, QUERIES_DIR
from saisaat.auth import PUBLISHED_ONLY, SCOPE_PARAMS, Scope
from saisaat.i18n import Message, MessageError

DEFAULT_DB = DATA_DIR / "saisaat.duckdb"
MACROS = Path(__file__).parent / "macros.sql"   # the scoring arithmetic, in every database (see the file)


def default_db_path() -> Path:
    """`SAISAAT_DB` if set, else data/saisaat.duckdb."""
    return Path(os.environ.get("SAISAAT_DB") or DEFAULT_DB)


DatabaseError = duckdb.Error   # what a refused write raises (constraints, conversions)


class DatabaseBusy(MessageError):
    """Another process holds the database file."""


class ReadOnlyReplica(DatabaseBusy):
    """A write on a replica (a read-only snapshot): refused. A kind of DatabaseBusy, so every page that
    reports a database it cannot write to reports this too."""


class QueryParamError(ValueError):
    """A query was called with parameters that do not match its $names."""


_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


@dataclass(frozen=True)
class Query:
    name: str
    sql: str
    params: frozenset[str]
    header: str


def _strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


@cache
def load_query(name: str, folder: Path = QUERIES_DIR) -> Query:
    path = folder / f"{name}.sql"
    text = path.read_text(encoding="utf-8")
    header = "\n".join(
        line[2:].strip() for line in text.splitlines() if line.startswith("--")
    )
    body = _strip_comments(text)
    return Query(name, text, frozenset(_PARAM.findall(body)), header)


def query_names() -> list[str]:
    return sorted(p.stem for p in QUERIES_DIR.glob("*.sql"))


def bind(query: Query, params: dict) -> dict:
    given = set(params)
    if given != query.params:
        raise QueryParamError(
            f"{query.name}: expects {sorted(query.params)}, got {sorted(given)}"
        )
    return params


def connect(path: Path | str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatabaseBusy(Message("store_database_busy", path=str(path))) from exc
        raise


class Database:
    """One connection per process; every query runs on its own cursor and is materialised."""

    def __init__(self, path: Path | str | None = None, read_only: bool = False):
        self.path = Path(path) if path else default_db_path()
        self.read_only = read_only
        self.con = connect(self.path, read_only=read_only)

    @classmethod
    def in_memory(cls, tables: dict) -> Database:
        """A private database in memory: the scoring macros (saisaat/macros.sql) and `tables` ({name: Arrow
        table}) stored as its own tables. For relations that many queries read, such as a what-if's year
        values (saisaat.scoring.year_values): DuckDB scans a stored table faster than a relation registered
        on each query's cursor, and plans a query over it in less time. Nobody else reaches it and nothing in
        it is ever written back: it goes when the object does. Queries run on their own cursors, as on a file."""
        db = cls.__new__(cls)
        db.path, db.read_only = None, False
        db.con = duckdb.connect(":memory:")
        db.con.execute(MACROS.read_text(encoding="utf-8"))
        for name, table in tables.items():
            db.con.from_arrow(table).create(name)
        return db

    def close(self) -> None:
        self.con.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self.con.cursor()

    def _run(self, name: str, params: dict, read, relations: dict | None = None):
        q = load_query(name)
        if SCOPE_PARAMS <= q.params and not SCOPE_PARAMS & params.keys():
            params = {**params, **PUBLISHED_ONLY.params()}   # no viewer named: published results only
        cur = self.con.cursor()
        try:
            # Registered relations live on this cursor only: one session's what-if never shows in
            # another's, and nothing is written.
            for rel_name, frame in (relations or {}).items():
                cur.register(rel_name, frame)
            return read(cur.execute(q.sql, bind(q, params)))
        finally:
            cur.close()

    def query_with(self, name: str, relations: dict, **params) -> pd.DataFrame:
        """Run a query that reads relations (DataFrames or Arrow tables) registered under the given names,
        on its own cursor."""
        return self._run(name, params, lambda result: result.df(), relations)

    def query(self, name: str, **params) -> pd.DataFrame:
        """Run queries/<name>.sql with bound parameters; a DataFrame, fully read."""
        return self._run(name, params, lambda result: result.df())

    def rows(self, name: str, **params) -> list[tuple]:
        """Run queries/<name>.sql with bound parameters; a list of tuples."""
        return self._run(name, params, lambda result: result.fetchall())

    def tables(self, reads: dict[str, tuple[str, dict]]) -> dict:
        """Several queries read as Arrow tables in one read transaction on one cursor, so they all see the
        same committed data: {key: (query name, params)} → {key: pyarrow.Table} (saisaat.scoring.year_values
        stores them in its in-memory database: Database.in_memory)."""
        cur = self.con.cursor()
        try:
            cur.begin()
            out = {}
            for key, (name, params) in reads.items():
                q = load_query(name)
                out[key] = cur.sql(q.sql, params=bind(q, params)).to_arrow_table()
            cur.commit()
            return out
        finally:
            cur.close()

    def viewing(self, scope: Scope) -> Viewing:
        """This database as one viewer sees it: every query that reads results gets `scope`."""
        return Viewing(self, scope)

    def has_schema(self) -> bool:
        return ("results",) in self.rows("tables_in_schema")

    def schema_is_current(self) -> bool:
        """Whether the file has every table this version of the code needs (a file made by an earlier
        version, before the configuration tables, has not)."""
        from saisaat.store import TABLES
        return {(t,) for t in TABLES} <= set(self.rows("tables_in_schema"))


class Viewing:
    """A Database seen through one viewer's scope (saisaat.auth.scope): the queries that read results
    ($drafts_all, $draft_units) show published results and only the drafts the viewer may see. It has
    the Database's reading methods, so reports, labels and scoring take it where they take a Database."""

    def __init__(self, db: Database, scope: Scope):
        self.db, self.scope = db, scope

    def _with_scope(self, name: str, params: dict) -> dict:
        return {**params, **self.scope.params()} if SCOPE_PARAMS <= load_query(name).params else params

    def query(self, name: str, **params) -> pd.DataFrame:
        return self.db.query(name, **self._with_scope(name, params))

    def rows(self, name: str, **params) -> list[tuple]:
        return self.db.rows(name, **self._with_scope(name, params))

    def query_with(self, name: str, relations: dict, **params) -> pd.DataFrame:
        return self.db.query_with(name, relations, **self._with_scope(name, params))


# --- replicas: the newest published snapshot, read-only ------------------------------------------

REPLICA_DIR_ENV = "SAISAAT_REPLICA_DIR"   # set on a replica: the snapshots folder the writer publishes to
SNAPSHOT_PREFIX, SNAPSHOT_SUFFIX = "snapshot-", ".duckdb"


def replica_dir() -> Path | None:
    """`SAISAAT_REPLICA_DIR` if set: this process is a replica reading the snapshots published there."""
    folder = os.environ.get(REPLICA_DIR_ENV)
    return Path(folder) if folder else None


def snapshots(folder: Path) -> list[Path]:
    """The finished snapshots in `folder`, oldest first (their names are UTC times). A snapshot being
    written has a hidden temporary name until it is complete, so it is never listed."""
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return []
    return [folder / n for n in sorted(names) if n.startswith(SNAPSHOT_PREFIX) and n.endswith(SNAPSHOT_SUFFIX)]


def latest_snapshot(folder: Path) -> Path | None:
    found = snapshots(folder)
    return found[-1] if found else None


class NoSnapshot(MessageError):
    """A replica started before the writer published anything."""


class Replica:
    """The snapshots a replica reads: `latest()` is the newest finished one (one directory listing, cheap
    enough for every rerun); `database(path)` its read-only connection, opened once. A snapshot that a
    newer one has replaced is closed once no rerun has asked for it for `idle_seconds` (a rerun keeps the
    snapshot it started with, so a page never mixes two). Thread-safe: Streamlit runs sessions in threads."""

    def __init__(self, folder: Path, idle_seconds: float = 300.0):
        self.folder = Path(folder)
        self.idle_seconds = idle_seconds
        self._open: dict[Path, Database] = {}
        self._used: dict[Path, float] = {}
        self._lock = threading.Lock()

    def latest(self) -> Path:
        found = latest_snapshot(self.folder)
        if found is None:
            raise NoSnapshot(Message("replica_no_snapshot", path=str(self.folder)))
        return found

    def database(self, path: Path) -> Database:
        path = Path(path)
        now = time.monotonic()
        with self._lock:
            if path not in self._open:
                self._open[path] = Database(path, read_only=True)
            self._used[path] = now
            newest = max(self._open)
            for old in [p for p in self._open if p != newest and now - self._used[p] >= self.idle_seconds]:
                self._open.pop(old).close()
                self._used.pop(old)
            return self._open[path]

    def open_paths(self) -> list[Path]:
        with self._lock:
            return sorted(self._open)
