"""The one place that writes to the database.

Every write runs inside one transaction: it all lands, or nothing does. Every write takes the acting
user (`by`, a saisaat.auth.User), is checked against the user's role before anything is touched
(`auth.require`), and writes its audit entry (`audit`) in the same transaction.
"""
from __future__ import annotations

import json
import os
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from saisaat import QUERIES_DIR, ROOT, auth
from saisaat.auth import User
from saisaat.db import MACROS, ReadOnlyReplica, bind, connect, load_query
from saisaat.i18n import Message, MessageError

SCHEMA = ROOT / "saisaat" / "schema.sql"
WRITES = QUERIES_DIR / "writes"

# Tables in the order they can be filled (each refers only to tables before it).
TABLES = (
    "organisation", "unit_kinds", "peer_groups", "units", "frameworks", "fiscal_years", "objectives", "indicators",
    "assignments", "rulesets", "rules", "rule_steps", "inspection_calendar", "plan_deadlines", "import_batches",
    "results",
    "evaluation_components", "scenarios", "results_history", "plan_steps", "configuration_versions",
    "users", "user_units", "publications", "audit_log",
)

# A result's columns as an import gives them, and its key (one result per fiscal year, round, unit
# and indicator); points are computed on insert.
RESULT_COLUMNS = ["fiscal_year", "inspection_round", "unit_code", "indicator_code", "value",
                  "inspected_on", "inspector", "note"]
RESULT_KEY = ["fiscal_year", "inspection_round", "unit_code", "indicator_code"]


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection, publish: bool = True):
    """All-or-nothing: commit when the block ends, roll back on any exception. A replica (a read-only
    snapshot) refuses before anything starts. After a commit, when `SAISAAT_SNAPSHOT_DIR` is set (the
    writer of a deployment with replicas), the committed database is published there as a new snapshot:
    the one call site, so every import, undo, configuration change and saved scenario reaches the
    replicas at their next rerun. `publish=False`: a new file still being built (new_database)."""
    cur = con.cursor()
    try:
        if cur.execute(load_query("current_database").sql).fetchone()[1]:
            raise ReadOnlyReplica(Message("store_replica_read_only"))
        cur.begin()
        try:
            yield cur
            cur.commit()
        except BaseException:
            cur.rollback()
            raise
    finally:
        cur.close()
    folder = os.environ.get(SNAPSHOT_DIR_ENV)
    if publish and folder:
        write_snapshot(con, Path(folder))


# --- snapshots: what the replicas read -----------------------------------------------------------

SNAPSHOT_DIR_ENV = "SAISAAT_SNAPSHOT_DIR"   # the writer publishes a snapshot there after every commit
SNAPSHOTS_KEPT = 3   # older ones are deleted (a replica still reading one keeps its open file)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_snapshot(con: duckdb.DuckDBPyConnection, folder: Path | str) -> Path:
    """Write the committed state of the database behind `con` as a new read-only snapshot in `folder`
    (made if missing) and return its path. Atomic: the copy is written to a hidden temporary file in the
    same folder, flushed to disk (fsync), then renamed (os.replace) to `snapshot-<UTC time>.duckdb`,
    and the folder is flushed too; a reader lists only finished names, so it never sees a half-written
    file. Names sort by time, so the newest is the greatest (db.latest_snapshot). The snapshots beyond
    the newest SNAPSHOTS_KEPT are deleted."""
    from saisaat.db import SNAPSHOT_PREFIX, SNAPSHOT_SUFFIX, snapshots
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{SNAPSHOT_PREFIX}{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}{SNAPSHOT_SUFFIX}"
    tmp = folder / f".{name}.tmp"
    cur = con.cursor()
    try:
        source = cur.execute(load_query("current_database").sql).fetchone()[0]
        run_write(cur, "attach_snapshot", path=str(tmp))
        try:
            copy = load_query("copy_database_to_snapshot", WRITES).sql
            cur.execute(copy.replace("working_database", '"' + source.replace('"', '""') + '"'))
        finally:
            run_write(cur, "detach_snapshot")
        _fsync(tmp)
        os.replace(tmp, folder / name)
        _fsync(folder)
    except BaseException:
        for p in (tmp, _wal(tmp)):
            p.unlink(missing_ok=True)
        raise
    finally:
        cur.close()
    for old in snapshots(folder)[:-SNAPSHOTS_KEPT]:
        old.unlink(missing_ok=True)
    return folder / name


def _wal(path: Path) -> Path:
    return Path(str(path) + ".wal")


@contextmanager
def new_database(path: Path | str):
    """Build a whole new database beside `path`, then swap it in: the block gets a cursor inside one
    transaction on a new file with the schema created. Only when the block succeeds does the new file
    replace `path` (one atomic rename); on any failure the old file is left exactly as it was. The
    caller closes every connection to `path` first. Results are checked as they are added (check_results):
    a duplicate or a dangling reference refuses the whole file."""
    path = Path(path)
    tmp = path.with_name(path.name + ".new")
    for p in (tmp, _wal(tmp)):
        p.unlink(missing_ok=True)
    con = connect(tmp)
    try:
        with transaction(con, publish=False) as cur:
            create_schema(cur)
            yield cur
        con.execute("checkpoint")
    except BaseException:
        con.close()
        for p in (tmp, _wal(tmp)):
            p.unlink(missing_ok=True)
        raise
    con.close()
    _wal(path).unlink(missing_ok=True)
    os.replace(tmp, path)


def create_schema(cur) -> None:
    """Every table, macro and view: the scoring macros first (saisaat/macros.sql), then the schema."""
    cur.execute(MACROS.read_text(encoding="utf-8"))
    cur.execute(SCHEMA.read_text(encoding="utf-8"))


PROBLEM_TEXT = {   # how check_results words each problem (for the log and the refusal's detail)
    "duplicate_key": "Duplicate key",
    "unknown_fiscal_year": "Unknown fiscal year",
    "unknown_unit": "Unknown unit",
    "unknown_indicator": "Unknown indicator",
    "unknown_batch": "Unknown import batch",
}


def check_results(cur, first_fy: int | None = None, last_fy: int | None = None) -> None:
    """Refuse the transaction's results if two share a key (fiscal year, round, unit, indicator) or one names a
    fiscal year, unit, indicator or batch that does not exist, among the fiscal years first_fy..last_fy (None:
    from the first, to the last). `results` has no key index nor foreign keys (saisaat/schema.sql says why): every
    write that adds results calls this before its transaction commits, so the rule holds as a key would hold it.
    Raises duckdb.ConstraintException, as a key would."""
    problems = read(cur, "result_integrity_problems", first_fy=first_fy, last_fy=last_fy)
    if len(problems):
        p = problems.iloc[0]
        raise duckdb.ConstraintException(
            f'{PROBLEM_TEXT[p["problem"]]} in results: "fiscal_year: {p["fiscal_year"]}, inspection_round: '
            f'{p["inspection_round"]}, unit_code: {p["unit_code"]}, indicator_code: {p["indicator_code"]}, '
            f'batch_id: {p["batch_id"]}"'
            + (f' ({p["num_results"]} results)' if p["num_results"] > 1 else "")
            + (f"; {len(problems) - 1} more problem(s)" if len(problems) > 1 else ""))


def _years(frame: pd.DataFrame) -> tuple[int, int]:
    return int(frame["fiscal_year"].min()), int(frame["fiscal_year"].max())


def append(cur, table: str, frame: pd.DataFrame) -> None:
    """Append rows by column name; constraints are checked by DuckDB, results' key and references by
    check_results."""
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}")
    if len(frame):
        cur.append(table, frame, by_name=True)
        if table == "results":
            check_results(cur, *_years(frame))


def run_write(cur, name: str, **params) -> None:
    q = load_query(name, WRITES)
    cur.execute(q.sql, bind(q, params))


def read(cur, name: str, **params) -> pd.DataFrame:
    """Run a query of queries/ on the write's own cursor (what the transaction sees)."""
    q = load_query(name)
    return cur.execute(q.sql, bind(q, params)).df()


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


AUDIT_TOUCHED = ("fiscal_year", "inspection_round", "batch_id", "scenario_id", "configuration_version",
                 "subject")


def audit(cur, by: User, action: str, *, reason: str | None = None, detail: dict | None = None,
          at: datetime | None = None, **touched) -> None:
    """Write the audit entry of a change, on the change's own cursor (so in its transaction): who, in
    which role, from where, the action (a name in auth.ACTIONS), what it touched (any of AUDIT_TOUCHED)
    and the reason given. `detail`: counts and choices, stored as JSON."""
    auth.ACTIONS[action]   # an action no rule names is a programming error
    unknown = set(touched) - set(AUDIT_TOUCHED)
    if unknown:
        raise TypeError(f"audit: unknown fields {sorted(unknown)}")
    values = {k: touched.get(k) for k in AUDIT_TOUCHED}
    run_write(cur, "insert_audit_entry", acted_at=at or _now(), actor=by.email, role=by.role, source=by.source,
              action=action, reason=(reason or "").strip() or None,
              detail=json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str) if detail else None,
              **values)


def add_batch(cur, *, batch_id: int, source: str, file_name: str, sha256: str,
              imported_by: str, row_count: int, note: str | None = None,
              imported_at: datetime | None = None, num_added: int = 0, num_replaced: int = 0,
              num_unchanged: int = 0, replace_reason: str | None = None) -> None:
    append(cur, "import_batches", pd.DataFrame([{
        "batch_id": batch_id, "source": source, "file_name": file_name, "sha256": sha256,
        "imported_at": imported_at or datetime.now().replace(microsecond=0),
        "imported_by": imported_by, "row_count": row_count, "note": note,
        "num_added": num_added, "num_replaced": num_replaced, "num_unchanged": num_unchanged,
        "replace_reason": replace_reason,
    }]))


def insert_scored_results(cur, staged: pd.DataFrame, batch_id: int) -> None:
    """Stage measured values, then insert them with points from the official ruleset."""
    run_write(cur, "create_staged_results")
    cur.append("staged_results", staged, by_name=True)
    run_write(cur, "insert_scored_results", batch_id=batch_id)
    run_write(cur, "drop_staged_results")
    if len(staged):
        check_results(cur, *_years(staged))


def extend_fiscal_years(db, through_fy: int, *, by: User) -> list[int]:
    """Add the fiscal years that have begun since the database was made: the framework in force (no last
    fiscal year) runs through `through_fy`, so from 1 October the new fiscal year exists by itself.
    Returns the years added (none: nothing is written)."""
    from saisaat.reference import fiscal_years
    auth.require(by, "extend_fiscal_years")
    have = set(db.query("fiscal_years")["fiscal_year"])
    wanted = fiscal_years(db.query("frameworks_by_id"), through_fy)
    new = wanted[~wanted["fiscal_year"].isin(have)]
    if len(new):
        with transaction(db.con) as cur:
            append(cur, "fiscal_years", new)
            audit(cur, by, "extend_fiscal_years", fiscal_year=int(new["fiscal_year"].max()),
                  detail={"fiscal_years": [int(y) for y in new["fiscal_year"]]})
    return new["fiscal_year"].tolist()


def follow_the_calendar(db, *, by: User = auth.SYSTEM_USER) -> list[int]:
    """From 1 October the new fiscal year exists: add every fiscal year begun by today (`fiscal.today()`,
    which honours SAISAAT_TODAY) that the database lacks. The app does it on start, the command line before
    a results import; returns the years added."""
    from saisaat.fiscal import current_fiscal_year
    return extend_fiscal_years(db, current_fiscal_year(), by=by)


class ScenarioNameTaken(MessageError):
    """A scenario with this name is already saved."""


class UndoOrder(MessageError):
    """A batch whose results a later batch replaced must wait for that one to be undone."""


def save_scenario(db, *, name: str, by: User, description: str | None, framework_id: int,
                  spec_json: str, existing: pd.DataFrame) -> int:
    """Save a what-if scenario (never applied to results) as `by`. `existing`: scenarios_by_name rows."""
    auth.require(by, "save_scenario")
    name = name.strip()
    if not name or not by.email.strip():
        raise MessageError(Message("store_scenario_needs_name"))
    if name in set(existing["name"]):
        raise ScenarioNameTaken(Message("store_scenario_taken", name=name))
    scenario_id = int(existing["scenario_id"].max()) + 1 if len(existing) else 1
    with transaction(db.con) as cur:
        append(cur, "scenarios", pd.DataFrame([{
            "scenario_id": scenario_id, "name": name, "description": description or None,
            "created_by": by.email, "created_at": _now(),
            "framework_id": framework_id, "spec_json": spec_json,
        }]))
        audit(cur, by, "save_scenario", scenario_id=scenario_id, subject=name, reason=description)
    return scenario_id


def _periods(frame: pd.DataFrame) -> set[tuple[int, int]]:
    return {(int(a), int(b)) for a, b in zip(frame["fiscal_year"], frame["inspection_round"])}


def _period_text(periods) -> str:
    return ", ".join(f"{fy}/{rnd}" for fy, rnd in sorted(periods))


def import_results(con, plan, *, by: User, replace_reason: str | None, next_batch_id: int) -> int:
    """Write a checked import plan in one transaction: replaced results go to results_history,
    new and replacing rows are scored by the official rules. All of it lands, or none of it.
    Refused, before anything is written, for a user who may not import, for a unit that is not an
    inspector's own, and for a period already published unless the user may change published results."""
    incoming = pd.concat([plan.added[RESULT_COLUMNS], plan.replaced[RESULT_COLUMNS]], ignore_index=True)
    auth.require(by, "import")
    for unit in sorted(set(incoming["unit_code"])):
        auth.require(by, "import", unit=unit)
    with transaction(con) as cur:
        published = read(cur, "publications_by_period", **auth.PUBLISHED_ONLY.params())
        published = _periods(published[published["is_published"]]) & _periods(incoming)
        if published and not auth.may(by, "import_published"):
            raise auth.Refused(Message("auth_refused", role=Message(f"role_{by.role}"),
                                       action=Message("action_import_published")),
                               Message("store_period_published", periods=_period_text(published)))
        add_batch(cur, batch_id=next_batch_id, source="import", file_name=plan.file_name,
                  sha256=plan.sha256, imported_by=by.email, row_count=len(plan.rows),
                  num_added=len(plan.added), num_replaced=len(plan.replaced),
                  num_unchanged=len(plan.unchanged),
                  replace_reason=replace_reason if len(plan.replaced) else None)
        if len(plan.replaced):
            cur.register("replaced_keys", plan.replaced[RESULT_KEY])
            run_write(cur, "archive_replaced_results", batch_id=next_batch_id)
            run_write(cur, "delete_replaced_results")
            cur.unregister("replaced_keys")
        if len(incoming):
            insert_scored_results(cur, incoming, batch_id=next_batch_id)
        periods = _periods(incoming)
        (fy, rnd), = periods if len(periods) == 1 else [(None, None)]
        audit(cur, by, "import", batch_id=next_batch_id, fiscal_year=fy, inspection_round=rnd,
              subject=plan.file_name, reason=replace_reason if len(plan.replaced) else None,
              detail={"added": len(plan.added), "replaced": len(plan.replaced), "unchanged": len(plan.unchanged),
                      "periods": _period_text(periods), "published_periods": _period_text(published)})
    return next_batch_id


def _take_back_batch(cur, batch_id: int, *, by: User) -> None:
    """A batch's rows leave, the rows it replaced return exactly (inside the caller's transaction)."""
    run_write(cur, "delete_batch_results", batch_id=batch_id)
    run_write(cur, "restore_replaced_results", batch_id=batch_id)
    check_results(cur)   # every year: an undo is rare, and the rows put back may be of any year
    run_write(cur, "delete_batch_history", batch_id=batch_id)
    run_write(cur, "mark_batch_undone", batch_id=batch_id, undone_at=_now(), undone_by=by.email)


def undo_batch(con, batch_id: int, *, by: User, later: list[int]) -> None:
    """Take an import back: its rows leave, the rows it replaced return exactly, in one transaction.
    `later`: batches that replaced this one's rows (batches_replacing_batch); they go first."""
    auth.require(by, "undo")
    if later:
        raise UndoOrder(Message("store_undo_later_first", batches=", ".join(map(str, later))))
    with transaction(con) as cur:
        _take_back_batch(cur, batch_id, by=by)
        audit(cur, by, "undo", batch_id=batch_id)


def record_plan_steps(db, steps: pd.DataFrame, *, by: User, at: datetime | None = None) -> None:
    """Add checked plan steps (unit_code, plan_kind, plan_year, step, done_on) recorded by `by`, all or
    none; a step already recorded is refused by the primary key, a blank name by a CHECK."""
    auth.require(by, "record_plan_steps")
    rows = steps.assign(recorded_by=by.email, recorded_at=at or _now())
    with transaction(db.con) as cur:
        append(cur, "plan_steps", rows)
        audit(cur, by, "record_plan_steps", subject=", ".join(sorted(set(map(str, steps["unit_code"])))),
              detail={"steps": len(steps)})


# --- the configuration ------------------------------------------------------------------------------

CONFIG_TABLES = ("organisation", "unit_kinds", "peer_groups", "units", "frameworks", "fiscal_years",
                 "objectives", "indicators", "assignments", "inspection_calendar",
                 "plan_deadlines")   # in the order they can be written


def _staged(cur, name: str, frame: pd.DataFrame, **params) -> None:
    cur.register("staged", frame)
    try:
        run_write(cur, name, **params)
    finally:
        cur.unregister("staged")


def write_configuration(cur, tables: dict[str, pd.DataFrame], rulesets: list) -> None:
    """Make the configuration tables hold exactly `tables` (and the official rules `rulesets`): rows
    added or replaced in place first, in dependency order, then the rows no longer there deleted in
    reverse order. Results keep referring to their units and indicators throughout."""
    for table in CONFIG_TABLES:
        _staged(cur, f"config/replace_{table}", tables[table])
        if table == "fiscal_years":   # a year a new framework version takes over (see the query)
            _staged(cur, "config/move_fiscal_years", tables[table][["fiscal_year", "framework_id"]])
    run_write(cur, "config/delete_official_rule_steps")
    run_write(cur, "config/delete_official_rules")
    official = pd.concat([rs.ruleset for rs in rulesets], ignore_index=True)
    _staged(cur, "config/replace_rulesets", official)
    for rs in rulesets:
        append(cur, "rules", rs.rules)
        append(cur, "rule_steps", rs.rule_steps)
    _staged(cur, "config/delete_official_rulesets_not_staged", official[["ruleset_code"]])
    for table in reversed(CONFIG_TABLES):
        _staged(cur, f"config/delete_{table}_not_staged", tables[table])


def _configuration_tables(db, config) -> dict[str, pd.DataFrame]:
    """The configuration's rows per table, with the fiscal years its frameworks cover (the framework in
    force through the fiscal year under way, or the last year with results)."""
    from saisaat.fiscal import current_fiscal_year
    from saisaat.reference import fiscal_years
    stored_years = []
    if db is not None:
        facts = db.query("stored_result_facts")
        stored_years = [int(c) for c in facts.loc[facts["kind"] == "fiscal_year", "code"]]
    from saisaat.configuration import TABLE_PARTS
    tables = {p.table: config[p.key] for p in TABLE_PARTS}
    tables["fiscal_years"] = fiscal_years(config["frameworks"], max([current_fiscal_year()] + stored_years))
    units = tables["units"]
    tables["units"] = units.assign(   # a blank optional cell is no value (NULL); missions are '' when none
        missions=units["missions"].fillna(""),
        **{col: units[col].map(lambda v: None if v is None or v == "" or v != v else v)
           for col in ("peer_group_code", "abbrev_th")})
    return tables


def add_configuration_version(cur, *, version_id: int, by: User, snapshot: str, reason: str | None = None,
                              file_name: str | None = None, sha256: str | None = None,
                              undoes: int | None = None, rescore_batch: int | None = None,
                              applied_at: datetime | None = None) -> None:
    append(cur, "configuration_versions", pd.DataFrame([{
        "version_id": version_id, "applied_at": applied_at or datetime.now().replace(microsecond=0), "applied_by": by.email,
        "reason": reason or None, "file_name": file_name, "sha256": sha256, "undoes": undoes,
        "rescore_batch": rescore_batch, "snapshot": snapshot}]))


def _rescore(cur, rescored: pd.DataFrame, *, batch_id: int, by: User, reason: str, file_name: str,
             sha256: str) -> None:
    """Score these stored results again under the official rules now in force: the old rows go to
    results_history under a 'rescore' batch (so undoing it puts them back), the values stay."""
    add_batch(cur, batch_id=batch_id, source="rescore", file_name=file_name, sha256=sha256,
              imported_by=by.email, row_count=len(rescored), num_replaced=len(rescored), replace_reason=reason)
    keys = rescored[RESULT_KEY]
    cur.register("replaced_keys", keys)
    try:
        staged = cur.execute(load_query("stored_results_for_keys").sql).df()
        run_write(cur, "archive_replaced_results", batch_id=batch_id)
        run_write(cur, "delete_replaced_results")
    finally:
        cur.unregister("replaced_keys")
    insert_scored_results(cur, staged[RESULT_COLUMNS], batch_id=batch_id)


def apply_configuration(db, plan, *, by: User, reason: str | None = None, rescore: bool = False,
                        undoes: int | None = None) -> int:
    """Apply a checked configuration plan (configuration.plan_configuration) in one transaction and
    record it as a new version; returns the version. Stored results whose points the new official rules
    change are scored again only when `rescore` is confirmed with a reason (their old points stay in
    history); otherwise nothing is written. A plan that changes nothing is refused (nothing written)."""
    from saisaat.configuration import snapshot_json
    auth.require(by, "configure")
    if not plan.ok or plan.config is None:
        raise MessageError(Message("cfg_not_checked"))
    if not plan.has_changes:   # a version that changes nothing would only blur the history
        raise MessageError(Message("cfg_nothing_to_change"))
    if len(plan.rescored) and not (rescore and reason and reason.strip()):
        raise MessageError(Message("cfg_rescore_needs_confirmation", n=len(plan.rescored)))
    config = plan.config
    versions = db.query("configuration_versions_by_id")
    version_id = int(versions["version_id"].max()) + 1 if len(versions) else 1
    batches = db.query("import_batches_by_id")
    batch_id = int(batches["batch_id"].max()) + 1 if len(batches) else 1
    tables = _configuration_tables(db, config)
    rescore_batch = batch_id if len(plan.rescored) else None
    try:
        with transaction(db.con) as cur:
            write_configuration(cur, tables, plan.rulesets)
            if rescore_batch:
                _rescore(cur, plan.rescored, batch_id=batch_id, by=by, reason=reason, file_name=plan.file_name,
                         sha256=plan.sha256)
            add_configuration_version(cur, version_id=version_id, by=by, snapshot=snapshot_json(config),
                                      reason=reason, file_name=plan.file_name, sha256=plan.sha256, undoes=undoes,
                                      rescore_batch=rescore_batch)
            audit(cur, by, "configure", configuration_version=version_id, batch_id=rescore_batch,
                  subject=plan.file_name, reason=reason, detail={**plan.summary, "undoes": undoes})
    except duckdb.ConstraintException as exc:
        raise MessageError(Message("cfg_apply_refused", detail=str(exc).splitlines()[0])) from exc
    return version_id


def undo_configuration(db, plan, version_id: int, *, by: User, reason: str | None = None) -> int:
    """Undo the latest configuration version (plan: configuration.plan_undo): the previous configuration
    is written again, the results it rescored get their old points back, in one transaction; recorded as
    a new version that says what it undid."""
    from saisaat.configuration import snapshot_json
    auth.require(by, "configure")
    if not plan.ok:
        raise MessageError(Message("cfg_not_checked"))
    versions = db.query("configuration_versions_by_id")
    undone = versions[versions["version_id"] == version_id].iloc[0]
    tables = _configuration_tables(db, plan.config)
    new_version = int(versions["version_id"].max()) + 1
    try:
        with transaction(db.con) as cur:
            write_configuration(cur, tables, plan.rulesets)
            if pd.notna(undone["rescore_batch"]):
                _take_back_batch(cur, int(undone["rescore_batch"]), by=by)
            add_configuration_version(cur, version_id=new_version, by=by, snapshot=snapshot_json(plan.config),
                                      reason=reason, file_name=plan.file_name, sha256=plan.sha256 or None,
                                      undoes=version_id)
            audit(cur, by, "configure", configuration_version=new_version, reason=reason,
                  batch_id=int(undone["rescore_batch"]) if pd.notna(undone["rescore_batch"]) else None,
                  detail={"undoes": version_id})
    except duckdb.ConstraintException as exc:
        raise MessageError(Message("cfg_apply_refused", detail=str(exc).splitlines()[0])) from exc
    return new_version


def init_database(path, plan, *, by: User) -> None:
    """Make a new database at `path` holding a checked configuration (configuration.plan_new) and no
    results; version 1 is that configuration. Refuses to overwrite a file that exists."""
    from saisaat.configuration import snapshot_json
    auth.require(by, "init_database")
    if Path(path).exists():
        raise MessageError(Message("cli_init_exists", path=str(path)))
    if not plan.ok:
        raise MessageError(Message("cfg_not_checked"))
    with new_database(path) as cur:
        write_configuration(cur, _configuration_tables(None, plan.config), plan.rulesets)
        add_configuration_version(cur, version_id=1, by=by, snapshot=snapshot_json(plan.config),
                                  file_name=plan.file_name, sha256=plan.sha256 or None)
        audit(cur, by, "init_database", configuration_version=1, subject=plan.file_name,
              detail={"units": len(plan.config["units"]), "indicators": len(plan.config["indicators"])})


# --- publication -----------------------------------------------------------------------------

def _period_row(cur, fiscal_year: int, inspection_round: int) -> pd.Series | None:
    periods = read(cur, "publications_by_period", **auth.PUBLISHED_ONLY.params())
    row = periods[(periods["fiscal_year"] == fiscal_year) & (periods["inspection_round"] == inspection_round)]
    return None if row.empty else row.iloc[0]


def publish(db, fiscal_year: int, inspection_round: int, *, by: User) -> None:
    """Publish a period's results: from now on everyone sees them. Refused when it is published already
    or holds no results."""
    auth.require(by, "publish")
    with transaction(db.con) as cur:
        row = _period_row(cur, fiscal_year, inspection_round)
        if row is not None and row["is_published"]:
            raise MessageError(Message("store_already_published", fy=fiscal_year, round=inspection_round,
                                       by=row["published_by"]))
        if row is None or row["num_results"] == 0:
            raise MessageError(Message("store_nothing_to_publish", fy=fiscal_year, round=inspection_round))
        append(cur, "publications", pd.DataFrame([{
            "fiscal_year": fiscal_year, "inspection_round": inspection_round,
            "published_at": _now(), "published_by": by.email}]))
        audit(cur, by, "publish", fiscal_year=fiscal_year, inspection_round=inspection_round,
              detail={"results": int(row["num_results"]), "units": int(row["num_units_reporting"])})


def unpublish(db, fiscal_year: int, inspection_round: int, *, by: User, reason: str) -> None:
    """Take a period back to draft, with a reason (kept in the audit trail)."""
    auth.require(by, "unpublish")
    if not (reason or "").strip():
        raise MessageError(Message("store_unpublish_reason", fy=fiscal_year, round=inspection_round))
    with transaction(db.con) as cur:
        row = _period_row(cur, fiscal_year, inspection_round)
        if row is None or not row["is_published"]:
            raise MessageError(Message("store_not_published", fy=fiscal_year, round=inspection_round))
        run_write(cur, "delete_publication", fiscal_year=fiscal_year, inspection_round=inspection_round)
        audit(cur, by, "unpublish", fiscal_year=fiscal_year, inspection_round=inspection_round, reason=reason,
              detail={"published_at": row["published_at"], "published_by": row["published_by"]})


# --- users -----------------------------------------------------------------------------------

def _check_user(cur, email: str, role: str, units: list[str], own_drafts: bool) -> list[Message]:
    problems = []
    if not email or "@" not in email.strip("@") or " " in email:
        problems.append(Message("store_user_email_invalid", email=email))
    if role not in auth.ROLES:
        problems.append(Message("store_user_role_invalid", role=role, roles=", ".join(auth.ROLES)))
    elif role == "unit" and len(units) != 1:
        problems.append(Message("store_user_one_unit", n=len(units)))
    elif role == "inspector" and not units:
        problems.append(Message("store_user_inspector_units"))
    elif role in ("secretariat", "executive") and units:
        problems.append(Message("store_user_no_units", role=Message(f"role_{role}")))
    known = set(read(cur, "units_by_code")["unit_code"])
    unknown = [u for u in units if u not in known]
    if unknown:
        problems.append(Message("store_user_unknown_unit", units=", ".join(unknown)))
    if own_drafts and role != "unit":
        problems.append(Message("store_user_own_drafts_unit_only"))
    return problems


def _secretariat_left(users: pd.DataFrame, without: str) -> bool:
    return bool(((users["role"] == "secretariat") & (users["email"] != without)).any())


def save_user(db, email: str, role: str, units: list[str] | tuple[str, ...] = (), own_drafts: bool = False, *,
              by: User, change: bool = False) -> None:
    """Register a user (`change=True`: change a registered one's role, units or own drafts). The address
    is kept in lower case. Every problem is refused at once; the last secretariat user keeps that role."""
    auth.require(by, "change_user" if change else "add_user")
    email = auth.normal_email(email)
    units = sorted({u.strip() for u in units if u and u.strip()})
    with transaction(db.con) as cur:
        problems = _check_user(cur, email, role, units, own_drafts)
        users = read(cur, "users_by_email")
        exists = email in set(users["email"])
        if exists and not change:
            role_now = users.loc[users["email"] == email, "role"].iloc[0]
            problems.append(Message("store_user_exists", email=email, role=Message(f"role_{role_now}")))
        if change and not exists:
            problems.append(Message("store_user_missing", email=email))
        was_secretariat = exists and users.loc[users["email"] == email, "role"].iloc[0] == "secretariat"
        if change and was_secretariat and role != "secretariat" and not _secretariat_left(users, email):
            problems.append(Message("store_last_secretariat", email=email))
        if problems:
            raise MessageError(*problems)
        before = users[users["email"] == email].to_dict("records")
        if exists:
            run_write(cur, "delete_user_units", email=email)
            run_write(cur, "delete_user", email=email)
        append(cur, "users", pd.DataFrame([{"email": email, "role": role, "own_drafts": bool(own_drafts),
                                            "added_at": _now(), "added_by": by.email}]))
        append(cur, "user_units", pd.DataFrame({"email": [email] * len(units), "unit_code": units}))
        audit(cur, by, "change_user" if change else "add_user", subject=email,
              detail={"role": role, "units": units, "own_drafts": bool(own_drafts),
                      **({"before": {k: before[0][k] for k in ("role", "unit_codes", "own_drafts")}} if before else {})})


def remove_user(db, email: str, *, by: User) -> None:
    """Remove a registered user (they can no longer open the app); never the last secretariat user."""
    auth.require(by, "remove_user")
    email = auth.normal_email(email)
    with transaction(db.con) as cur:
        users = read(cur, "users_by_email")
        row = users[users["email"] == email]
        if row.empty:
            raise MessageError(Message("store_user_missing", email=email))
        if row["role"].iloc[0] == "secretariat" and not _secretariat_left(users, email):
            raise MessageError(Message("store_last_secretariat", email=email))
        run_write(cur, "delete_user_units", email=email)
        run_write(cur, "delete_user", email=email)
        audit(cur, by, "remove_user", subject=email,
              detail={"role": row["role"].iloc[0], "units": row["unit_codes"].iloc[0]})
