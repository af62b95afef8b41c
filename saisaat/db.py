"""The one place that opens the database and runs the SQL files in queries/.

Every value reaches DuckDB as a bound `$parameter`; the SQL text comes only from files.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from saisaat import DATA_DIR, QUERIES_DIR
from saisaat.auth import PUBLISHED_ONLY, SCOPE_PARAMS, Scope
from saisaat.i18n import Message, MessageError

DEFAULT_DB = DATA_DIR / "saisaat.duckdb"


def default_db_path() -> Path:
    """`SAISAAT_DB` if set, else data/saisaat.duckdb."""
    return Path(os.environ.get("SAISAAT_DB") or DEFAULT_DB)


DatabaseError = duckdb.Error   # what a refused write raises (constraints, conversions)


class DatabaseBusy(MessageError):
    """Another process holds the database file."""


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

    def query_with(self, name: str, relations: dict[str, pd.DataFrame], **params) -> pd.DataFrame:
        """Run a query that reads DataFrames registered under the given names (on its own cursor)."""
        return self._run(name, params, lambda result: result.df(), relations)

    def query(self, name: str, **params) -> pd.DataFrame:
        """Run queries/<name>.sql with bound parameters; a DataFrame, fully read."""
        return self._run(name, params, lambda result: result.df())

    def rows(self, name: str, **params) -> list[tuple]:
        """Run queries/<name>.sql with bound parameters; a list of tuples."""
        return self._run(name, params, lambda result: result.fetchall())

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

    def query_with(self, name: str, relations: dict[str, pd.DataFrame], **params) -> pd.DataFrame:
        return self.db.query_with(name, relations, **self._with_scope(name, params))
