"""Roles, publication and the audit trail, in saisaat/ (the pages only offer what these allow).

Every write × every role: allowed or refused exactly as the issue's roles say; a refused write leaves
every table byte for byte as it was; an allowed one writes exactly one audit entry under the acting
user. Drafts reach only those who may see them, through every query that reads results.
"""
from __future__ import annotations

import csv
import io
import ipaddress
import json
import os
import signal
import subprocess
import time
import tomllib
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from test_queries import UNIT_SCORES_2562_R2

from bench.browser import free_port
from fixture import acting, build_tiny, renamed
from saisaat import auth, backup, configuration, importer, labels, reports, store
from saisaat.db import Database
from saisaat.demo import build_demo
from saisaat.i18n import MessageError

HEADER = "fiscal_year,inspection_round,unit_code,indicator_code,value,inspected_on,inspector,note\n"
DRAFT_D01 = (HEADER + "2563,1,D01,T2-1.01,1,,,\n").encode()          # a new period: a draft
DRAFT_D02 = (HEADER + "2563,1,D02,T2-1.01,1,,,\n").encode()
INTO_PUBLISHED = (HEADER + "2562,1,D01,T2-1.01,0,,,\n").encode()    # replaces a published result (3 → 0)

SECRETARIAT = acting("sec@bma.go.th")
USERS = {   # one acting user per role (the unit and the inspector answer for D01)
    "secretariat": SECRETARIAT,
    "executive": acting("exec@bma.go.th", "executive"),
    "unit": acting("d01@bma.go.th", "unit", ("D01",), own_drafts=True),
    "inspector": acting("insp@bma.go.th", "inspector", ("D01",)),
    "visitor": auth.unconfigured_user("0.0.0.0"),
    "system": auth.SYSTEM_USER,
}


def snapshot(db) -> dict:
    cur = db.cursor()
    try:
        return {t: cur.execute(f"select * from {t} order by all").fetchall() for t in store.TABLES}   # noqa: S608
    finally:
        cur.close()


def plan(db, data: bytes, name: str):
    return importer.plan_import(db, data, name)


@pytest.fixture
def db(tmp_path):
    """The tiny database with FY2562 round 2 back to draft and one unit user registered (by the secretariat)."""
    build_tiny(tmp_path / "tiny.duckdb")
    database = Database(tmp_path / "tiny.duckdb")
    store.unpublish(database, 2562, 2, by=SECRETARIAT, reason="late corrections")
    store.save_user(database, "d02@bma.go.th", "unit", ["D02"], by=SECRETARIAT)
    yield database
    database.close()


# Each write, as a call on the database by a user, and what it touches (the audit entry's fields).
WRITES = {
    "import": lambda db, by, tmp: importer.commit(db, plan(db, DRAFT_D01, "d01.csv"), by=by),
    "import_other_unit": lambda db, by, tmp: importer.commit(db, plan(db, DRAFT_D02, "d02.csv"), by=by),
    "import_published": lambda db, by, tmp: importer.commit(db, plan(db, INTO_PUBLISHED, "fix.csv"), by=by,
                                                            replace=True, reason="re-inspection"),
    "undo": lambda db, by, tmp: importer.undo(db, 2, by=by),
    "restore": lambda db, by, tmp: backup.restore_over(db, backup.table_frames(db), by=by),
    "publish": lambda db, by, tmp: store.publish(db, 2562, 2, by=by),
    "unpublish": lambda db, by, tmp: store.unpublish(db, 2562, 1, by=by, reason="a unit appealed"),
    "add_user": lambda db, by, tmp: store.save_user(db, "new@bma.go.th", "executive", by=by),
    "change_user": lambda db, by, tmp: store.save_user(db, "d02@bma.go.th", "unit", ["D02"], True, by=by,
                                                       change=True),
    "remove_user": lambda db, by, tmp: store.remove_user(db, "d02@bma.go.th", by=by),
    "save_scenario": lambda db, by, tmp: store.save_scenario(db, name="A", by=by, description=None, framework_id=2,
                                                             spec_json="{}", existing=db.query("scenarios_by_name")),
    "record_plan_steps": lambda db, by, tmp: store.record_plan_steps(db, pd.DataFrame([{
        "unit_code": "D01", "plan_kind": "action", "plan_year": 2563, "step": "drafted",
        "done_on": date(2019, 11, 1)}]), by=by),
    "extend_fiscal_years": lambda db, by, tmp: store.extend_fiscal_years(db, 2565, by=by),
    "build_demo": lambda db, by, tmp: build_demo(tmp / "demo.duckdb", by=by),
    "configure": lambda db, by, tmp: store.apply_configuration(db, renamed(db, {"D01": "เขตทดสอบใหม่"}), by=by,
                                                               reason="renamed"),
    "init_database": lambda db, by, tmp: store.init_database(tmp / "new.duckdb", configuration.plan_new(None, None),
                                                             by=by),
}

# Who may, as issue 11 says: the secretariat everything; an inspector imports drafts of its own units;
# the demo and a new fiscal year are the system's too (the secretariat may rebuild the demo from the CLI).
ALLOWED = {
    "import": {"secretariat", "inspector"},
    "import_other_unit": {"secretariat"},
    "import_published": {"secretariat"},
    "undo": {"secretariat"},
    "restore": {"secretariat"},
    "publish": {"secretariat"},
    "unpublish": {"secretariat"},
    "add_user": {"secretariat"},
    "change_user": {"secretariat"},
    "remove_user": {"secretariat"},
    "save_scenario": {"secretariat"},
    "record_plan_steps": {"secretariat"},
    "extend_fiscal_years": {"secretariat", "system"},
    "build_demo": {"secretariat", "system"},
    "configure": {"secretariat"},
    "init_database": {"secretariat", "system"},
}
ACTION_OF = {"import_other_unit": "import", "import_published": "import"}   # the audit entry's action
MATRIX = [(write, role) for write in WRITES for role in USERS]


# Every write × every role: a refused write raises auth.Refused and changes nothing in any table; an
# allowed one lands with exactly one new audit entry naming who, in which role, from where, and what.
@pytest.mark.parametrize("write, role", MATRIX, ids=[f"{w}-{r}" for w, r in MATRIX])
def test_every_write_for_every_role(db, tmp_path, write, role):
    by = USERS[role]
    before = snapshot(db)
    if role not in ALLOWED[write]:
        with pytest.raises(auth.Refused) as refused:
            WRITES[write](db, by, tmp_path)
        assert snapshot(db) == before                       # every table unchanged
        told = "refuses every change" if role == "visitor" else "nothing was changed"
        assert told in str(refused.value).lower()           # and the user is told so (Thai / English)
        assert not (tmp_path / "demo.duckdb").exists() and not (tmp_path / "new.duckdb").exists()
        return
    WRITES[write](db, by, tmp_path)
    new_file = {"build_demo": "demo.duckdb", "init_database": "new.duckdb"}.get(write)
    if new_file:   # a new file: its own trail starts with the build
        with Database(tmp_path / new_file, read_only=True) as made:
            entries = made.query("audit_log_by_id")
        assert entries[["actor", "role", "action"]].values.tolist() == [[by.email, by.role, write]]
        return
    if write == "restore":
        db = Database(db.path)
    entries = db.query("audit_log_by_id")
    new = entries[entries["audit_id"] > len(before["audit_log"])]
    assert new[["actor", "role", "source", "action"]].values.tolist() == \
        [[by.email, by.role, by.source, ACTION_OF.get(write, write)]]


# The matrix covers every action the role table names.
def test_matrix_covers_every_action():
    assert set(auth.ACTIONS) == set(WRITES) - {"import_other_unit"}
    assert {r for r in USERS if r not in ("visitor", "system")} == set(auth.ROLES)


# What a write touched is in its audit entry: period, batch, scenario, subject, reason, details.
def test_audit_entries_record_what_was_touched(db):
    batch = importer.commit(db, plan(db, INTO_PUBLISHED, "fix.csv"), by=SECRETARIAT, replace=True,
                            reason="re-inspection")
    store.publish(db, 2562, 2, by=SECRETARIAT.at("page:data"))
    entries = db.query("audit_log_by_id").sort_values("audit_id")
    rows = entries[["action", "source", "fiscal_year", "inspection_round", "batch_id", "subject", "reason",
                    "detail"]].astype(object).where(entries.notna(), None).values.tolist()
    assert rows == [
        ["unpublish", "cli", 2562, 2, None, None, "late corrections",
         '{"published_at": "2020-11-20 00:00:00", "published_by": "secretariat"}'],
        ["add_user", "cli", None, None, None, "d02@bma.go.th", None,
         '{"own_drafts": false, "role": "unit", "units": ["D02"]}'],
        ["import", "cli", 2562, 1, batch, "fix.csv", "re-inspection",
         '{"added": 0, "periods": "2562/1", "published_periods": "2562/1", "replaced": 1, "unchanged": 0}'],
        ["publish", "page:data", 2562, 2, None, None, None, '{"results": 11, "units": 3}'],
    ]


# An inspector's import into a published period is refused naming the period; into a draft of its unit
# it lands, and the secretariat's replace of a published result is allowed (she publishes).
def test_inspector_refused_published_period_named(db):
    with pytest.raises(auth.Refused) as refused:
        importer.commit(db, plan(db, INTO_PUBLISHED, "fix.csv"), by=USERS["inspector"], replace=True, reason="r")
    assert "published periods: 2562/1 (fiscal year/round)" in str(refused.value)


# Publication: publish twice, unpublish without a reason, a period with no results: each refused, nothing
# written; and the CLI's publish / unpublish round trip.
@pytest.mark.parametrize("call, message", [
    (lambda db: store.publish(db, 2562, 1, by=SECRETARIAT), "fiscal year 2562 round 1 is published already"),
    (lambda db: store.unpublish(db, 2562, 1, by=SECRETARIAT, reason="  "), "needs a reason"),
    (lambda db: store.unpublish(db, 2562, 2, by=SECRETARIAT, reason="x"), "fiscal year 2562 round 2 is not published"),
    (lambda db: store.publish(db, 2563, 1, by=SECRETARIAT), "fiscal year 2563 round 1 holds no results to publish"),
])
def test_publication_refusals(db, call, message):
    before = snapshot(db)
    with pytest.raises(MessageError, match=message):
        call(db)
    assert snapshot(db) == before


# Users: bad addresses, roles and units are all reported at once; the last secretariat user stays.
def test_user_problems_reported_together(db):
    with pytest.raises(MessageError) as exc:
        store.save_user(db, "not an address", "unit", ["D01", "NOPE"], by=SECRETARIAT)
    text = str(exc.value)
    assert "'not an address' is not an e-mail address" in text
    assert "a unit user needs exactly one unit (2 given)" in text
    assert "no unit has the code NOPE" in text
    store.save_user(db, "Boss@BMA.go.th ", "secretariat", by=SECRETARIAT)
    with pytest.raises(MessageError, match="boss@bma.go.th is registered already, as secretariat"):
        store.save_user(db, "boss@bma.go.th", "executive", by=SECRETARIAT)
    with pytest.raises(MessageError, match="boss@bma.go.th is the last secretariat user"):
        store.remove_user(db, "boss@bma.go.th", by=SECRETARIAT)
    with pytest.raises(MessageError, match="boss@bma.go.th is the last secretariat user"):
        store.save_user(db, "boss@bma.go.th", "executive", by=SECRETARIAT, change=True)
    assert db.query("users_by_email")[["email", "role", "unit_codes", "own_drafts", "added_by"]].values.tolist() == [
        ["boss@bma.go.th", "secretariat", "", False, "sec@bma.go.th"],
        ["d02@bma.go.th", "unit", "D02", False, "sec@bma.go.th"]]


# A registered address (any case) is that user with their units; an unknown one is nobody.
def test_registered_user_lookup(db):
    store.save_user(db, "insp@bma.go.th", "inspector", ["D02", "D01"], by=SECRETARIAT)
    assert auth.registered(db, " INSP@bma.go.th", at="page:data") == auth.User(
        email="insp@bma.go.th", role="inspector", units=("D01", "D02"), source="page:data")
    assert auth.registered(db, "someone@else.org") is None


SCOPES = {   # who sees FY2562 round 2 (a draft in `db`)
    "published only (a unit not allowed its drafts, a visitor)": (auth.PUBLISHED_ONLY, set()),
    "secretariat, executive": (auth.EVERYTHING, {"D01", "D02", "DEPN"}),
    "unit D01 allowed its own drafts": (auth.scope(USERS["unit"]), {"D01"}),
    "inspector of D01": (auth.scope(USERS["inspector"]), {"D01"}),
}


# A draft period reaches only the viewers who may see it, and only the units they may see; each unit
# they see has exactly its scores (the hand-computed FY2562 round-2 rows).
@pytest.mark.parametrize("who", list(SCOPES))
def test_drafts_reach_only_their_viewers(db, who):
    scope, units = SCOPES[who]
    view = db.viewing(scope)
    scores = view.query("unit_scores", fiscal_year=2562, inspection_round=2)
    assessed = scores[scores["points"].notna()]
    assert set(assessed["unit_code"]) == units
    expected = {r[0]: r[-2] for r in UNIT_SCORES_2562_R2}   # unit_code → score_pct
    assert {c: float(p) for c, p in zip(assessed["unit_code"], assessed["score_pct"])} == \
        {c: expected[c] for c in units}
    for name, params in (("unit_indicator_points", {"fiscal_year": 2562, "inspection_round": 2}),
                         ("unit_objective_scores", {"fiscal_year": 2562, "inspection_round": 2}),
                         ("unit_scores_by_year", {})):
        rows = view.query(name, **params)
        if name == "unit_scores_by_year":
            rows = rows[(rows["fiscal_year"] == 2562) & (rows["inspection_round"] == 2)]
        assert set(rows.loc[rows["points"].notna(), "unit_code"]) == units, name
    coverage = view.query("coverage_by_round")
    assert int(coverage.loc[(coverage["fiscal_year"] == 2562) & (coverage["inspection_round"] == 2),
                            "num_units_reporting"].iloc[0]) == len(units)
    assert labels.draft_periods(view) == ({(2562, 2)} if units else set())
    assert labels.unseen_periods(view) == (set() if units else {(2562, 2)})
    assert reports.cabinet_summary(view, 2562).draft == bool(units)
    assert [c.unit_code for c in reports.report_cards(view, 2562) if c.draft] == \
        (sorted(c.unit_code for c in reports.report_cards(view, 2562)) if units else [])


# A Database read without a viewer sees published results only.
def test_database_alone_sees_published_only(db):
    assert db.query("unit_scores", fiscal_year=2562, inspection_round=2)["points"].notna().sum() == 0


# The default view is the latest fiscal year with both rounds published and complete: with FY2562's round 2
# a draft, FY2560 (all its expected units reported; FY2561 is published but only D01 reported in it); FY2562
# once it is published (all four units reported, both rounds inspected by 1 June 2020).
def test_default_fiscal_year_is_latest_complete(db):
    day = date(2020, 6, 1)
    calendar = db.query("inspection_calendar_by_step")
    assert labels.default_fiscal_year(db, db.query("fiscal_years", **auth.PUBLISHED_ONLY.params()), calendar, day) == 2560
    store.publish(db, 2562, 2, by=SECRETARIAT)
    assert labels.default_fiscal_year(db, db.query("fiscal_years", **auth.PUBLISHED_ONLY.params()), calendar, day) == 2562


# The pages each role opens, as issue 11 lists them.
@pytest.mark.parametrize("role, pages", [
    ("secretariat", {"overview", "compare", "trends", "coverage", "whatif", "reports", "data", "settings", "users",
                     "audit"}),
    ("executive", {"overview", "compare", "trends", "coverage", "reports"}),
    ("unit", {"overview", "compare", "trends", "coverage", "reports"}),
    ("inspector", {"overview", "compare", "trends", "coverage", "data"}),
    ("visitor", {"overview", "compare", "trends", "coverage"}),
])
def test_pages_by_role(role, pages):
    assert {p for p in auth.PAGES if auth.may_open(USERS[role], p)} == pages


# A unit user sees its own unit's details and card only; every other role sees every unit's.
def test_unit_details_limited_to_own_unit():
    assert [auth.may_see_unit(USERS["unit"], c) for c in ("D01", "D02")] == [True, False]
    assert all(auth.may_see_unit(USERS[r], "D02") for r in ("secretariat", "executive", "inspector"))


# --- deployment: the embedded default stays two commands ------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


# Uploads are allowed up to exactly the importer's limit, and XSRF protection stays on.
def test_streamlit_config_matches_the_importer():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == importer.MAX_FILE_BYTES
    assert config["server"]["enableXsrfProtection"] is True


def listening_addresses(port: int) -> set[str]:
    """The local addresses a TCP port is listened on (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if int(hex_port, 16) == port and state == "0A":   # LISTEN
                found.add(str(ipaddress.ip_address(bytes.fromhex(address)[::-1])) if len(address) == 8 else address)
    return found


# ./run.sh without [auth] serves this computer only: it listens on 127.0.0.1 and nowhere else.
def test_run_sh_without_auth_binds_loopback(tmp_path):
    build_tiny(tmp_path / "tiny.duckdb")
    port = free_port()
    proc = subprocess.Popen([str(ROOT / "run.sh"), "--server.port", str(port), "--server.fileWatcherType", "none"],
                            cwd=ROOT, env={**os.environ, "SAISAAT_DB": str(tmp_path / "tiny.duckdb"), "HOME": str(tmp_path)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not listening_addresses(port):
            assert proc.poll() is None, "run.sh exited"
            time.sleep(0.2)
        assert listening_addresses(port) == {"127.0.0.1"}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


# --- the command line: users, publication, audit; recorded under --by (or $USER), marked as the CLI ----

def cli(capsys, *args) -> tuple[int, str, str]:
    from saisaat import cli as command_line
    code = command_line.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_users_publish_and_audit(db, capsys):
    path = db.path
    db.close()
    assert cli(capsys, "users", "add", "Somchai@BMA.go.th", "--role", "unit", "--unit", "D01", "--own-drafts",
               "--db", path, "--by", "admin") == (0, "เพิ่มผู้ใช้ somchai@bma.go.th แล้ว / somchai@bma.go.th registered\n", "")
    code, _, err = cli(capsys, "users", "add", "somchai@bma.go.th", "--role", "inspector", "--db", path)
    assert code == 1 and "somchai@bma.go.th is registered already, as unit" in err
    assert cli(capsys, "users", "add", "somchai@bma.go.th", "--role", "inspector", "--unit", "D01", "--unit", "D02",
               "--update", "--db", path, "--by", "admin")[:2] == (
        0, "แก้ไขผู้ใช้ somchai@bma.go.th แล้ว / somchai@bma.go.th changed\n")
    code, out, _ = cli(capsys, "users", "list", "--db", path)
    assert [list(r.values())[:4] for r in csv.DictReader(io.StringIO(out))] == [
        ["d02@bma.go.th", "unit", "D02", "False"], ["somchai@bma.go.th", "inspector", "D01,D02", "False"]]
    assert cli(capsys, "users", "remove", "d02@bma.go.th", "--db", path, "--by", "admin")[0] == 0
    assert cli(capsys, "publish", "--fiscal-year", 2562, "--round", 2, "--db", path, "--by", "admin")[:2] == \
        (0, "เผยแพร่ปีงบประมาณ 2562 รอบที่ 2 แล้ว / fiscal year 2562 round 2 published\n")
    code, _, err = cli(capsys, "unpublish", "--fiscal-year", 2562, "--round", 2, "--reason", " ", "--db", path)
    assert code == 1 and "unpublishing fiscal year 2562 round 2 needs a reason" in err
    code, out, _ = cli(capsys, "audit", "--db", path)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["actor"], r["source"], r["action"], r["subject"], r["fiscal_year"]) for r in rows] == [
        ("admin", "cli", "publish", "", "2562"),
        ("admin", "cli", "remove_user", "d02@bma.go.th", ""),
        ("admin", "cli", "change_user", "somchai@bma.go.th", ""),
        ("admin", "cli", "add_user", "somchai@bma.go.th", ""),
        ("sec@bma.go.th", "cli", "add_user", "d02@bma.go.th", ""),
        ("sec@bma.go.th", "cli", "unpublish", "", "2562"),
    ]


# Undoing a configuration version is the same action ("configure"): only the secretariat may, a refusal
# changes nothing, and the undo's audit entry says which version it undid.
def test_configuration_undo_is_the_secretariats(db):
    version = store.apply_configuration(db, renamed(db, {"D01": "เขตทดสอบใหม่"}), by=SECRETARIAT, reason="renamed")
    before = snapshot(db)
    for role in ("executive", "unit", "inspector", "visitor"):
        with pytest.raises(auth.Refused):
            store.undo_configuration(db, configuration.plan_undo(db, version), version, by=USERS[role], reason="no")
        assert snapshot(db) == before
    assert store.undo_configuration(db, configuration.plan_undo(db, version), version, by=SECRETARIAT,
                                    reason="wrong file") == version + 1
    last = db.query("audit_log_by_id").sort_values("audit_id").iloc[-1]
    assert (last["action"], last["configuration_version"], last["reason"], json.loads(last["detail"])) == \
        ("configure", version + 1, "wrong file", {"undoes": version})
