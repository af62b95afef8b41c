"""Streamlit glue shared by app.py and the pages: language, the cached database, cached queries,
shared filters, download buttons. Layout helpers only; the figures come from saisaat/."""
from __future__ import annotations

import getpass
import re
from datetime import UTC, date
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import streamlit as st

from saisaat import analytics, auth, charts, exports, formats, labels, plans
from saisaat.db import DEFAULT_DB, SNAPSHOT_PREFIX, Database, DatabaseBusy, NoSnapshot, Replica, default_db_path, replica_dir
from saisaat.fiscal import (
    current_fiscal_year,
    format_date,
    format_month_tick,
    inspection_cycle,
    today,
)
from saisaat.i18n import DEFAULT_LANG, LANGS, period_label, t

ROUND_KEYS = (0, 1, 2)   # 0 = whole year (both rounds)


def url_value(key: str, options, default, write: bool = True):
    """Keep a widget's value in the URL, so a copied link reproduces the view.

    Once per session the value is seeded from the URL (when it names a valid option), before the
    widget with this key is drawn; after that the widget's value is written back (a default value
    leaves the URL clean). Values travel as their plain text, never as translated labels, so a link
    works in both languages. (Streamlit's own bind="query-params" writes the formatted label.)
    """
    options = list(options)
    by_text = {str(o): o for o in options}
    multi = isinstance(default, list)
    value = st.session_state.get(key)
    if key not in st.session_state:
        raw = st.query_params.get_all(key)
        if multi:
            value = [by_text[r] for r in raw if r in by_text] if raw else list(default)
        else:
            value = by_text.get(raw[-1], default) if raw else default
    if multi:
        value = [v for v in value if v in by_text.values()]
    elif value not in options:
        value = default
    st.session_state[key] = value
    if write:
        write_url(key, value, default)
    return value


def write_url(key: str, value, default) -> None:
    if value == default:
        if key in st.query_params:
            del st.query_params[key]
    else:
        st.query_params[key] = [str(v) for v in value] if isinstance(value, list) else str(value)


def url_number(key: str, default: float, low: float, high: float) -> float:
    """url_value for a number input."""
    if key not in st.session_state:
        try:
            value = float(st.query_params.get(key, default))
        except ValueError:
            value = default
        st.session_state[key] = min(high, max(low, value))
    write_url(key, st.session_state[key], default)
    return st.session_state[key]


def lang() -> str:
    value = st.session_state.get("lang")
    return value if value in LANGS else DEFAULT_LANG


def keep_built_downloads() -> None:
    """Keep a file built on click (a download button with `on_click="ignore"` and its data a callable, as every
    download here) for its session until that session's next run, as Streamlit keeps a file given up front.

    Streamlit 1.67 stores the built file referenced by no session, so the clean-up that ends any session's run
    marks it and the next deletes it: with a dozen sessions on a process that can be before the browser fetches
    it (404). The load test met it on 72 of 230 downloads. This wraps MediaFileManager.execute_deferred to map
    the built file to the session and place of its button, which is how Streamlit keeps a file passed as bytes;
    the session's next run lets it go as usual. Idempotent; app.py calls it on every run."""
    from streamlit.runtime.media_file_manager import MediaFileManager
    original = MediaFileManager.execute_deferred
    if getattr(original, "keeps_for_session", False):
        return

    def execute_deferred(self, file_id: str) -> str:
        with self._lock:
            entry = self._deferred_callables.get(file_id)
        url = original(self, file_id)
        built = url.rsplit("/", 1)[-1].split(".", 1)[0]   # MemoryMediaFileStorage.get_url: <endpoint>/<id><ext>
        with self._lock:
            if entry is not None and built in self._file_metadata \
                    and entry["session_id"] in self._deferred_ids_by_session:   # the session is still there
                self._files_by_session_and_coord[entry["session_id"]][f"{entry['coordinates']}:built"] = built
        return url

    execute_deferred.keeps_for_session = True
    execute_deferred.original = original
    MediaFileManager.execute_deferred = execute_deferred


def translator():
    """The page's translator: t() with this run's language fixed. Pages call it once
    (`T = ui.translator()`); format functions called after the run (AppTest) keep the language."""
    code = lang()
    return lambda key, **values: t(key, code, **values)


@st.cache_resource(show_spinner=False)
def _database(path: str) -> Database:
    return Database(path)


@st.cache_resource(show_spinner=False)
def _replica() -> Replica | None:
    """On a replica (SAISAAT_REPLICA_DIR set): the published snapshots, read-only; else None."""
    folder = replica_dir()
    return Replica(folder) if folder else None


def source() -> str:
    """The database this rerun reads: the working file, or on a replica the snapshot pinned when the
    rerun began (ensure_database), so one rerun never mixes two snapshots and the next takes the newest."""
    if _replica() is not None:
        return st.session_state.get("_snapshot") or str(_replica().latest())
    return str(default_db_path())


def _open(path: str) -> Database:
    replica = _replica()
    return replica.database(path) if replica is not None else _database(path)


def db() -> Database:
    return _open(source())


def snapshot_time() -> str | None:
    """On a replica: when the snapshot in use was published (UTC, from its name), for the sidebar."""
    if _replica() is None:
        return None
    from datetime import datetime
    from zoneinfo import ZoneInfo
    stamp = Path(source()).name.removeprefix(SNAPSHOT_PREFIX)[:21]
    when = datetime.strptime(stamp, "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC).astimezone(
        ZoneInfo("Asia/Bangkok"))
    return f"{when.day}/{when.month}/{when.year + 543} {when:%H:%M:%S}"


def release_db() -> None:
    """Close this process's connection (before a restore replaces the file); the next query reopens."""
    try:
        db().close()
    finally:
        _database.clear()
        forget_figures()


@st.cache_resource(show_spinner=False)
def _versions() -> dict:
    return {}


def data_version() -> int:
    return _versions().get(source(), 0)


def data_changed() -> None:
    """Call after every write, so every page reads the new data (and the figures kept for the data before go)."""
    key = source()
    _versions()[key] = _versions().get(key, 0) + 1
    forget_figures()


@st.cache_resource(show_spinner=False)
def _newest_snapshot() -> dict:
    return {}


def forget_older_snapshots(latest: str) -> None:
    """On a replica every published snapshot is a new key (its path): once a newer one is taken, the figures kept
    for the older ones go (a rerun still on an older snapshot computes its own again)."""
    seen = _newest_snapshot()
    if seen.get("path") not in (None, latest):
        for kept in KEPT_UNTIL_THE_DATA_CHANGES:
            kept.clear()
    seen["path"] = latest


def forget_figures() -> None:
    """Let go of every query result and figure kept for the data as it was."""
    st.cache_data.clear()
    for kept in KEPT_UNTIL_THE_DATA_CHANGES:
        kept.clear()


def _viewing(path: str, drafts_all: bool, draft_units: tuple):
    return _open(path).viewing(auth.Scope(drafts_all, draft_units))


@st.cache_data(show_spinner=False, max_entries=512)
def _query(path: str, version: int, name: str, params: tuple, drafts_all: bool, draft_units: tuple) -> pd.DataFrame:
    return _viewing(path, drafts_all, draft_units).query(name, **dict(params))


def _params(**params) -> tuple:
    return tuple(sorted(params.items()))


def query(name: str, **params) -> pd.DataFrame:
    """Run queries/<name>.sql as this session's user sees it (cached until the data changes; two users
    share a cached result only when they may see the same results)."""
    s = scope()
    return _query(source(), data_version(), name, _params(**params), s.drafts_all, s.draft_units)


def shared_query(name: str, **params) -> pd.DataFrame:
    """query(), but the same frame for every caller and session that may see the same results until the data
    changes (st.cache_resource: no copy a run; a national query of 600,000 rows costs about 40 ms a copy).
    For large results the caller only reads."""
    s = scope()
    return _shared_query(source(), data_version(), name, _params(**params), s.drafts_all, s.draft_units)


@st.cache_resource(show_spinner=False, max_entries=8)
def _shared_query(path: str, version: int, name: str, params: tuple, drafts_all: bool,
                  draft_units: tuple) -> pd.DataFrame:
    return _viewing(path, drafts_all, draft_units).query(name, **dict(params))


def viewer_db():
    """The database as this session's user sees it (for saisaat functions that read results)."""
    s = scope()
    return _viewing(source(), s.drafts_all, s.draft_units)


def write(action, /, *args, **kwargs):
    """The one way a page changes data: run a write of saisaat/ (a store function, or one built on it)
    on this process's database as this session's user, from this page (`by`: the audit trail's who and
    where), then let every page read the new data. A refused write raises and has changed nothing."""
    result = action(db(), *args, by=user().at(f"page:{st.session_state.get('_page', '')}"), **kwargs)
    data_changed()
    return result


# --- who is here ------------------------------------------------------------------------------

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def auth_configured() -> bool:
    """Sign-in is set up: an [auth] section in .streamlit/secrets.toml."""
    try:
        return "auth" in st.secrets
    except Exception:   # no secrets file at all  # noqa: BLE001
        return False


def server_address() -> str:
    return str(st.get_option("server.address") or "")


def user() -> auth.User:
    """This session's user, as app.py's sign-in gate found them on this run."""
    return st.session_state["_user"]


def scope() -> auth.Scope:
    return auth.scope(user()) if "_user" in st.session_state else auth.PUBLISHED_ONLY


def signed_in_email() -> str:
    """The address the identity provider gave (Entra ID may give it as preferred_username)."""
    return auth.normal_email(str(st.user.get("email") or st.user.get("preferred_username") or ""))


def identify() -> auth.User | None:
    """Who is here. With [auth]: the signed-in, registered user (None: not signed in, or not
    registered). Without it: the local secretariat user when bound to this computer only (replicas behind
    deploy/'s nginx too: configure [auth] before nginx serves anyone else), else a visitor whose every write
    is refused."""
    if auth_configured():
        if not st.user.is_logged_in or st.user.get("email_verified") is False:
            return None
        return auth.registered(CACHED, signed_in_email())
    if server_address() in LOOPBACK:
        return auth.local_user(getpass.getuser())
    return auth.unconfigured_user(server_address())


def only_page(draw, paths) -> None:
    """Show `draw` and nothing else, whatever page the URL names (every page's address leads to it)."""
    pages = [st.Page(draw, title=translator()("app_short"), url_path="signin", default=True)]
    pages += [st.Page(draw, url_path=p, title=p, visibility="hidden") for p in paths]
    st.navigation(pages, position="hidden").run()
    st.stop()


def sign_in_page() -> None:
    T = translator()
    st.title(T("signin_title", app=T("app_short")))
    st.write(T("signin_intro", org=organisation()["org_name"]))
    st.button(T("signin_button"), on_click=st.login, type="primary", key="signin", icon=":material/login:")


def not_registered_page() -> None:
    T = translator()
    email = signed_in_email()
    st.title(T("not_registered_title"))
    if st.user.get("email_verified") is False:
        st.warning(T("email_unverified", email=email))
    st.write(T("not_registered_text", email=email or "—", secretariat=organisation()["secretariat"]))
    st.button(T("signout"), on_click=st.logout, key="signout", icon=":material/logout:")


def forbidden_page(page: str):
    """The stand-in for a page the user's role may not open: it says so and shows nothing of it."""
    def draw() -> None:
        T = translator()
        st.title(T(f"page_{page}"))
        st.warning(T("page_forbidden", page=T(f"page_{page}"), role=T(f"role_{user().role}")), icon=":material/lock:")
    return draw


def who_is_here(T) -> None:
    """The sidebar's line about the session: signed in as whom (and a sign-out), local mode, or why
    nothing can be changed."""
    u = user()
    if auth_configured():
        st.caption(T("signed_in_as", email=u.email, role=T(f"role_{u.role}")))
        st.button(T("signout"), on_click=st.logout, key="signout", icon=":material/logout:")
    elif u.refused is not None:
        st.warning(u.refused.text(lang()), icon=":material/lock:")
    else:
        st.info(T("local_mode_notice", email=u.email), icon=":material/computer:")


@st.cache_resource(show_spinner=False)
def _calendar_seen() -> set:
    return set()


def follow_the_calendar() -> None:
    """From 1 October the new fiscal year exists: add it once per process, database and fiscal year."""
    from saisaat.store import follow_the_calendar as add_years_begun
    key = (source(), current_fiscal_year())
    if key not in _calendar_seen():
        if not db().read_only and add_years_begun(db()):
            data_changed()
        _calendar_seen().add(key)


def ensure_database() -> None:
    """Build the demo database on first start (no file yet), showing progress."""
    T = translator()
    if _replica() is not None:   # a replica: the newest published snapshot, taken at each rerun
        try:
            st.session_state["_snapshot"] = str(_replica().latest())
        except NoSnapshot as exc:
            st.error(exc.text(lang()))
            st.stop()
        forget_older_snapshots(st.session_state["_snapshot"])
        return
    path = default_db_path()
    if path.exists():
        try:
            if db().has_schema() and db().schema_is_current():
                follow_the_calendar()
                return
            if db().has_schema() and not (path == DEFAULT_DB and is_demo()):
                st.error(T("database_outdated", path=str(path)))   # real data: never rebuilt behind anyone's back
                st.stop()
            release_db()   # the synthetic demo made by an earlier version: built again below
        except DatabaseBusy as exc:
            st.error(T("database_busy", detail=str(exc)))
            st.stop()
    from saisaat.demo import build_demo
    path.parent.mkdir(parents=True, exist_ok=True)
    _database.clear()
    with st.status(T("building_demo"), expanded=True) as status:
        bar = st.progress(0.0)
        counts = build_demo(path, progress=lambda f, step: bar.progress(
            f, text=T("building_demo_step", step=step)))
        status.update(label=T("built_demo", units=f"{counts['units']:,}",
                              results=f"{counts['results']:,}"), state="complete", expanded=False)
    forget_figures()


class _CachedSource:
    """The cached queries as a source for saisaat.labels (anything with .query)."""

    @staticmethod
    def query(name: str, **params) -> pd.DataFrame:
        return query(name, **params)


CACHED = _CachedSource()


def is_demo() -> bool:
    return labels.is_demo(CACHED)


def getting_started() -> bool:
    """On a database without any results (a centre just set up with `init`), a panel for the
    secretariat instead of empty charts: what is configured, and the first steps. True when shown."""
    if (query("fiscal_years")["num_results"] > 0).any():
        return False
    T = translator()
    kinds = query("unit_kinds_by_order")
    col = "name_th" if lang() == "th" else "name_en"
    with st.container(border=True):
        st.header(T("getting_started_title"))
        st.write(T("getting_started_configured", org=organisation()["org_name"],
                   units=f"{int(kinds['num_units'].sum()):,}",
                   kinds=", ".join(f"{name} {int(n):,}" for name, n in zip(kinds[col], kinds["num_units"])),
                   frameworks=f"{len(query('frameworks_by_id')):,}",
                   indicators=f"{len(query('indicators_by_code')):,}"))
        st.write(T("getting_started_intro"))
        st.page_link("views/settings.py", label=T("getting_started_step_config"), icon=":material/settings:")
        st.page_link("views/data.py", label=T("getting_started_step_template"), icon=":material/download:")
        st.page_link("views/data.py", label=T("getting_started_step_import"), icon=":material/upload:")
        st.page_link("views/data.py", label=T("getting_started_step_publish"), icon=":material/campaign:")
    return True


ASSETS = Path(__file__).resolve().parent / "assets"


def chrome() -> None:
    """The frame's styling (assets/chrome.css: caption contrast, heading sizes, the phone layout, the file
    uploader's words) and the page's language: the html element's lang (Streamlit always says "en") and the uploader's
    words from the catalogue, set by assets/page_language.html."""
    import json
    T = translator()
    st.html(ASSETS / "chrome.css")   # style only: Streamlit puts it where it takes no space
    script = (ASSETS / "page_language.html").read_text(encoding="utf-8")
    for name, value in (("LANG", lang()), ("UPLOAD_BUTTON", json.dumps(T("upload_button"), ensure_ascii=False)),
                        ("UPLOAD_DROP", json.dumps(T("upload_drop"), ensure_ascii=False))):
        script = script.replace(f"@{name}@", json.dumps(value, ensure_ascii=False))
    with st.sidebar:
        st.html(script, unsafe_allow_javascript=True)


def incomplete_years() -> set[int]:
    """Fiscal years with some results but not all (a unit missing, or a round not inspected yet)."""
    states = analytics.completeness_by_year(query("fiscal_years"), calendar(), today()).values()
    return {c.fiscal_year for c in states if c.has_results and not c.complete}


def incomplete_notice(fiscal_year: int) -> None:
    """Say so when the fiscal year shown is incomplete: not every unit has reported, or a round is not
    inspected yet. Its figures (means, ranks, percentiles) may change; the latest complete year is named."""
    years = query("fiscal_years")
    state = analytics.completeness(years, calendar(), fiscal_year, today())
    if state.complete or not state.has_results:
        return
    T = translator()
    parts = [T("period_incomplete", fy=fiscal_year, reported=f"{state.units_reported:,}",
               expected=f"{state.units_expected:,}")]
    if state.pending_rounds:
        parts.append(T("period_pending_rounds", rounds=", ".join(T("round_n", n=r) for r in state.pending_rounds)))
    latest = analytics.default_period(years, calendar(), today())
    if latest != fiscal_year:
        parts.append(T("period_latest_complete", fy=latest))
    st.warning(" ".join(parts), icon=":material/hourglass_top:")


def demo_banner() -> None:
    if is_demo():
        st.info(translator()("demo_banner"), icon="🧪")


# --- publication: drafts marked wherever they appear ------------------------------------------

def periods() -> pd.DataFrame:
    """publications_by_period as this session's user sees it (num_visible: the results they may see)."""
    return query("publications_by_period")


def draft_periods() -> set[tuple[int, int]]:
    """(fiscal year, round) of the drafts this user sees (worked out once per data version: a page asks 3-5
    times a run)."""
    s = scope()
    return _draft_periods(source(), data_version(), s.drafts_all, s.draft_units)


@st.cache_data(show_spinner=False, max_entries=64)
def _draft_periods(path: str, version: int, drafts_all: bool, draft_units: tuple) -> set[tuple[int, int]]:
    return labels.draft_periods(_Seen(path, version, drafts_all, draft_units))


def default_fiscal_year() -> int:
    """The fiscal year every page opens on (labels.default_fiscal_year, as this viewer sees the years), worked
    out once per data version and day."""
    s = scope()
    return _default_fiscal_year(source(), data_version(), s.drafts_all, s.draft_units, today())


@st.cache_data(show_spinner=False, max_entries=64)
def _default_fiscal_year(path: str, version: int, drafts_all: bool, draft_units: tuple, day: date) -> int:
    seen = _Seen(path, version, drafts_all, draft_units)
    return labels.default_fiscal_year(seen, seen.query("fiscal_years"), seen.query("inspection_calendar_by_step"),
                                      day)


class _Seen(NamedTuple):
    """The cached queries of one database version as one viewer sees them, as a source for saisaat.labels (what
    CACHED is for this session, for a function cached by these keys)."""
    path: str
    version: int
    drafts_all: bool
    draft_units: tuple

    def query(self, name: str, **params) -> pd.DataFrame:
        return _query(self.path, self.version, name, _params(**params), self.drafts_all, self.draft_units)


def _period_names(pairs) -> str:
    code = lang()
    return ", ".join(period_label(fy, rnd, code) for fy, rnd in sorted(pairs))


def _in_view(fy: int | None, rnd: int | None, years=None) -> set[tuple[int, int]]:
    rounds = (1, 2) if rnd is None else (rnd,)
    return {(y, r) for y in ([fy] if years is None else years) for r in rounds}


def period_banner(fy: int | None = None, rnd: int | None = None, years=None) -> None:
    """Say when what the page shows includes drafts (marked: not published yet), and when results of
    the period exist that this user may not see yet (the period is incomplete for them)."""
    T = translator()
    if fy is None and years is None:
        fy, rnd = fiscal_year(), inspection_round()
    view = _in_view(fy, rnd, years)
    drafts = draft_periods() & view
    unseen = labels.unseen_periods(CACHED) & view
    if drafts:
        st.warning(T("draft_banner", periods=_period_names(drafts)), icon=":material/edit_note:")
    if unseen:
        st.info(T("unpublished_notice", periods=_period_names(unseen)), icon=":material/hourglass_top:")


def view_is_draft(years=None) -> bool:
    """Whether the sidebar's period (or these fiscal years, whole years) includes drafts this user sees."""
    if years is not None:
        return bool(draft_periods() & _in_view(None, None, years))
    return bool(draft_periods() & _in_view(fiscal_year(), inspection_round()))


def mark_drafts(frame: pd.DataFrame, draft: bool | None = None) -> tuple[pd.DataFrame, bool]:
    """The frame with a status column (draft / published) when any of its rows are drafts; rows are
    matched by their fiscal_year (and inspection_round) when the frame has them, else `draft` (None:
    the sidebar's period) decides for all. Returns (frame, whether it holds drafts)."""
    T = translator()
    drafts = draft_periods()
    if not drafts:
        return frame, False
    if draft is None and "fiscal_year" in frame.columns:
        rounds = frame["inspection_round"] if "inspection_round" in frame.columns else [None] * len(frame)
        flags = [bool(_in_view(int(fy), None if pd.isna(r) else int(r)) & drafts) if pd.notna(fy) else False
                 for fy, r in zip(frame["fiscal_year"], rounds)]
    else:
        flags = [view_is_draft() if draft is None else draft] * len(frame)
    if not any(flags):
        return frame, False
    return _with_status(frame, flags, T), True


def _with_status(frame: pd.DataFrame, flags, T) -> pd.DataFrame:
    out = frame.copy()
    out.insert(0, T("col_publication"), [T("draft_mark") if f else T("published_mark") for f in flags])
    return out


def draft_name(file_name: str, is_draft: bool) -> str:
    """A download's file name, marked when it holds drafts: 'DRAFT_top10_2570'."""
    return f"{translator()('draft_file_prefix')}_{file_name}" if is_draft else file_name


# --- shared filters (widgets live in app.py; pages read them) ---------------------------------

def fiscal_year() -> int:
    return int(st.session_state["fy"])


def inspection_round() -> int | None:
    r = int(st.session_state.get("round") or 0)
    return None if r == 0 else r


def unit_code() -> str:
    return st.session_state["unit"]


def period() -> str:
    return period_label(fiscal_year(), inspection_round(), lang())


def units() -> pd.DataFrame:
    return query("units_by_code")


def unit_names() -> dict[str, str]:
    """unit_code → its name in the page's language (the same dict for every caller until the data changes:
    a national page asks for 8,000 names several times a run; callers only read it)."""
    return _unit_names(source(), data_version(), lang())


@st.cache_resource(show_spinner=False, max_entries=16)
def _unit_names(path: str, version: int, lang_code: str) -> dict[str, str]:
    return labels.unit_names(CACHED, lang_code)


def plan_status(plan_kind: str, plan_year: int) -> pd.DataFrame:
    """Where every unit's plan of the kind and year stands today, labelled in the page's language and with the
    units' names (plans.status, status_labelled): computed once until the data changes or the day does."""
    return _plan_status(source(), data_version(), plan_kind, plan_year, lang(), today())


@st.cache_data(show_spinner=False, max_entries=32)
def _plan_status(path: str, version: int, plan_kind: str, plan_year: int, lang_code: str, day: date) -> pd.DataFrame:
    status = plans.status(units(), query("plan_steps_by_unit"), query("plan_deadlines_by_step"), plan_kind,
                          plan_year, day)
    return with_names(plans.status_labelled(status, lang_code))


def unit_option():
    """format_func of a unit picker: 'เขตพระนคร (1001)'."""
    return labels.unit_option(unit_names())


def unit_options(key: str, codes: list[str], keep: list[str]) -> list[str]:
    """The options of a unit picker (`key`): every unit, or past labels.PICKER_ALL_UP_TO units a search box drawn
    here and the units in `keep` with the first matches (labels.unit_choices), so no run sends 8,000 options."""
    if len(codes) <= labels.PICKER_ALL_UP_TO:
        return codes
    T = translator()
    text = st.text_input(T("unit_search"), key=f"{key}_search")
    options = labels.unit_choices(codes, unit_names(), keep, text)
    st.caption(T("unit_search_listed", shown=f"{len(options):,}", n=f"{len(codes):,}"))
    return options


def unit_picker(codes: list[str]) -> None:
    """The sidebar's unit, kept in the URL (searched at national size: unit_options)."""
    url_value("unit", codes, codes[0])
    st.selectbox(translator()("your_unit"), unit_options("unit", codes, [st.session_state["unit"]]), key="unit",
                 format_func=unit_option())


def units_multiselect(label_key: str, key: str, codes: list[str], default: list[str]) -> list[str]:
    """A choice of a few units to compare, kept in the URL (searched at national size: unit_options)."""
    T = translator()
    url_value(key, codes, default)
    return st.multiselect(T(label_key), unit_options(key, codes, st.session_state[key]), key=key,
                          max_selections=analytics.MAX_COMPARED_UNITS, format_func=unit_option(),
                          placeholder=T("choose_placeholder"), select_all=False)


def with_names(frame: pd.DataFrame, column: str = "unit_code", to: str = "unit_name") -> pd.DataFrame:
    out = frame.copy()
    out[to] = out[column].map(unit_names())
    return out


def kind_labels() -> dict[str, str]:
    return labels.kind_labels(CACHED, lang())


def peer_group_labeller():
    """format_func for the peer-group choice: 'Same kind', 'Same zone' (the organisation's own word for
    its peer groups), 'All units'; the language and names are fixed now, as translator() does."""
    T, word = translator(), as_text(organisation()["peer_group"])
    return lambda group: T("peer_same_group", group=word) if group == "group" else T(f"peer_{group}")


MARKDOWN_READS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$:=])")


def as_text(value) -> str:
    """A name or wording (user input) put into an element Streamlit renders as markdown (a title, caption,
    message, metric label, st.write) shown exactly as typed: every character markdown would read as
    emphasis, a link, a heading, LaTeX ($) or a :shortcode: is escaped with a backslash, and HTML's
    characters (& < >) are written as entities, which markdown shows as the characters."""
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")   # markup: as entities
    return MARKDOWN_READS.sub(r"\\\1", text)


def organisation() -> dict[str, str]:
    """The organisation's own names in the page's language (labels.organisation)."""
    return labels.organisation(CACHED, lang())


def round_labeller():
    T_ = translator()
    return lambda r: T_("round_year") if r == 0 else T_(f"round_{r}")


def objective_names(framework_id: int) -> dict[int, str]:
    return labels.objective_names(CACHED, framework_id, lang())


def objective_themes(framework_id: int) -> dict[int, str]:
    return labels.objective_themes(CACHED, framework_id)


def theme_names() -> dict[str, str]:
    return labels.theme_names(CACHED, lang())


def theme_colours() -> dict[str, str]:
    return charts.theme_colours(theme_names())


def framework_of(fy: int) -> int | None:
    return labels.framework_of(CACHED, fy)


def framework_name(framework_id: int) -> str:
    return labels.framework_name(CACHED, framework_id, lang())


def framework_indicators(framework_id: int) -> list[str]:
    return labels.framework_indicators(CACHED, framework_id)


def indicator_names() -> dict[str, str]:
    return labels.indicator_names(CACHED, lang())


# --- output helpers ---------------------------------------------------------------------------

# A table's key columns stay in view at 1440 px and on a phone: the unit's name first (pinned while the
# figures scroll), an indicator's code and wording next, the figures, the unit's code last; names get a
# bounded width so they never push the figures out of sight.
NAME_WIDTHS = {"unit_name": 180, "indicator": 320}
HALF_WIDTHS = {"unit_name": 170, "indicator": 170}
MISSING = "—"   # a missing value in a table (Streamlit would write "None")


def key_columns_first(columns: dict[str, str]) -> dict[str, str]:
    rank = {"unit_name": 0, "indicator_code": 1, "indicator": 2, "unit_code": 4}
    return dict(sorted(columns.items(), key=lambda kv: rank.get(kv[0], 3)))


def shown(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """`frame`'s `columns` (source column → string key) with their headers in the page's language."""
    T = translator()
    return frame[list(columns)].rename(columns={c: T(k) for c, k in columns.items()})


def table(frame: pd.DataFrame, columns: dict[str, str], key: str, height: int | str = "auto",
          file_name: str | None = None, half: bool = False, draft: bool | None = None,
          download: pd.DataFrame | None = None) -> None:
    """Show `frame` with translated headers (`columns`: source column → string key), every number as
    saisaat.formats says for its measure, and CSV / Excel download buttons for exactly what is shown (or for
    `download`, the whole of which `frame` is a page); rows of drafts are marked (mark_drafts).
    `half`: the table has half the page's width (st.columns(2)): names narrower, and the unit's code left
    out where its name is shown, so every column fits at 1440 px."""
    T = translator()
    if frame.empty:   # a word in the page's language, not an empty grid saying "empty"
        st.caption(T("table_empty"))
        return
    if half and "unit_name" in columns:
        columns = {c: k for c, k in columns.items() if c != "unit_code"}
    widths = HALF_WIDTHS if half else NAME_WIDTHS
    columns = key_columns_first(columns)

    def headed(rows):
        marked, is_draft = mark_drafts(rows, draft)
        status = [T("col_publication")] if is_draft else []
        return marked[status + list(columns)].rename(columns={c: T(k) for c, k in columns.items()}), is_draft

    shown_frame, is_draft = headed(frame)
    config = {}
    for c in columns:
        fmt = formats.column_format(c) if pd.api.types.is_numeric_dtype(frame[c]) else None
        if fmt:
            config[T(columns[c])] = st.column_config.NumberColumn(format=fmt[0], step=fmt[1])
        elif c in widths:
            config[T(columns[c])] = st.column_config.TextColumn(width=widths[c], pinned=c == "unit_name")
    st.dataframe(shown_frame, hide_index=True, column_config=config, height=height, key=f"df_{key}",
                 placeholder=MISSING)
    whole, whole_draft = (shown_frame, is_draft) if download is None else headed(download)
    downloads({key: whole}, draft_name(file_name or key, whole_draft), key)


def page_picker(container, key: str, pages: int) -> None:
    """The page number picker of a long view (1 … pages), kept in range when the view shrinks."""
    if st.session_state.get(key, 1) > pages:
        st.session_state[key] = pages
    if pages > 1:
        container.number_input(translator()("page_of", pages=f"{pages:,}"), min_value=1, max_value=pages, step=1,
                               key=key)


def paged_table(frame: pd.DataFrame, columns: dict[str, str], key: str, file_name: str | None = None,
                half: bool = False, draft: bool | None = None) -> None:
    """A table that may be long (national size): analytics.TABLE_PAGE rows at a time with a page picker
    and how many rows there are; the downloads hold every row (`draft`: as table() takes it)."""
    T = translator()
    rows, first, last, pages = analytics.page_of(frame, st.session_state.get(f"page_{key}", 1),
                                                 analytics.TABLE_PAGE)
    if pages > 1:
        a, b = st.columns([1, 3], vertical_alignment="bottom")
        page_picker(a, f"page_{key}", pages)
        b.caption(T("table_rows_shown", first=f"{first:,}", last=f"{last:,}", n=f"{len(frame):,}"))
        table(rows, columns, key, file_name=file_name, half=half, draft=draft, download=frame)
    else:
        table(frame, columns, key, file_name=file_name, half=half, draft=draft)


def downloads(sheets, file_name: str, key: str) -> None:
    """CSV (the first sheet) and Excel buttons, each file built when its button is clicked. `sheets`: name →
    frame, or a function giving them (then even the frames are built only on a click)."""
    T = translator()
    built = sheets if callable(sheets) else lambda: sheets
    row = st.container(horizontal=True)
    row.download_button(T("download_csv"), data=lambda: exports.csv_bytes(next(iter(built().values()))),
                       file_name=f"{file_name}.csv", mime="text/csv", key=f"csv_{key}",
                       on_click="ignore", icon=":material/download:")
    row.download_button(T("download_xlsx"), data=lambda: exports.xlsx_bytes(built()),
                       file_name=f"{file_name}.xlsx", key=f"xlsx_{key}", on_click="ignore",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/table_view:")


def chart(fig, key: str, data=None, file_name: str | None = None) -> None:
    """A Plotly chart, with its data downloadable beside it (CSV and Excel). No data: a line saying so,
    never an empty chart with download buttons. `data`: a frame, or a function giving it, called only when a
    download is clicked (a large frame built for a file nobody asks for; its rows are marked as drafts or not
    by the sidebar's period, as a frame without fiscal years is: mark_drafts; the caller checks it has rows)."""
    if data is not None and not callable(data) and data.empty:
        st.caption(translator()("chart_empty"))
        return
    # No Plotly toolbar: on a phone it sat on the legends; each chart's data downloads below it instead.
    st.plotly_chart(fig, key=f"chart_{key}", config={"displaylogo": False, "displayModeBar": False})
    if callable(data):   # decided now: the click's build runs outside this session's run (no language, no user)
        is_draft, T = bool(draft_periods()) and view_is_draft(), translator()   # as mark_drafts decides

        def sheets():
            frame = data()
            return {key: _with_status(frame, [True] * len(frame), T) if is_draft else frame}
        downloads(sheets, draft_name(file_name or key, is_draft), f"chart_{key}")
    elif data is not None:
        marked, is_draft = mark_drafts(data)
        downloads({key: marked}, draft_name(file_name or key, is_draft), f"chart_{key}")


def chart_choice(key: str, labels: dict[str, str], draw, sub: bool = False) -> None:
    """Several charts of one section, one drawn at a time: a segmented control (kept in the URL) picks which,
    `draw(choice)` draws it under the choice's name as the section's heading. Only the chosen chart is sent:
    a browser draws every Plotly chart it is sent, even in a hidden tab or a closed expander, and each costs
    a page about 0.2 s. Changing the choice reruns this part only (a fragment), not the page. `sub`: the heading
    is a subheader (the section has its own header above)."""
    _chart_choice(key, labels, draw, sub)


@st.fragment
def _chart_choice(key: str, labels: dict[str, str], draw, sub: bool = False) -> None:
    url_value(key, list(labels), next(iter(labels)))
    (st.subheader if sub else st.header)(labels[st.session_state[key]])
    draw(choose(key, labels, "chart_shown"))


def choose(key: str, labels: dict[str, str], label_key: str = "section_shown") -> str:
    """A segmented control of `labels` (value → shown name) kept in the URL under `key` (the first value
    leaves the URL clean); the chosen value. Where a page had tabs: a tab's content is drawn whether it is
    shown or not, a choice draws only what is chosen."""
    url_value(key, list(labels), next(iter(labels)))
    return st.segmented_control(translator()(label_key), list(labels), key=key, required=True,
                                format_func=labels.get, label_visibility="collapsed")


def section_choice(key: str, sections: dict[str, tuple[str, object]]) -> None:
    """A page's sections (value → (shown name, draw())) one at a time, as tabs look but drawing only the
    chosen one (chosen with `choose`, kept in the URL). Changing the choice reruns this part only (a fragment);
    a write inside a section still reruns the whole page (st.rerun())."""
    _section_choice(key, sections)


@st.fragment
def _section_choice(key: str, sections: dict[str, tuple[str, object]]) -> None:
    chosen = choose(key, {k: name for k, (name, _) in sections.items()})
    sections[chosen][1]()


def calendar() -> pd.DataFrame:
    """The configured inspection calendar (its dates relative to the fiscal year)."""
    return query("inspection_calendar_by_step")


def cycle_chart(fiscal_year: int, today: date, key: str) -> None:
    """The fiscal year's inspection cycle drawn as a calendar, with today marked."""
    T, code = translator(), lang()
    steps = [(T(f"cycle_{s.key}"), s.starts_on, s.ends_on) for s in inspection_cycle(calendar(), fiscal_year)]
    chart(charts.cycle_timeline(steps, today, T("cycle_today", date=format_date(today, code)),
                                lambda day: format_month_tick(day, code)), key)


def how_computed(extra: str | None = None) -> None:
    T = translator()
    with st.expander(T("how_computed"), icon=":material/info:"):
        st.write(T("how_score"))
        if extra:
            st.write(extra)


# --- a period's figures, kept until the data changes and shared by every session that may see the same results
# (st.cache_resource: no copy a run, so callers only read them). At national size each costs 0.1-0.2 s a run.

class Coverage(NamedTuple):
    status: pd.DataFrame          # analytics.coverage_status: one row per unit × assigned indicator
    summary: analytics.CoverageSummary
    missing: pd.DataFrame         # the rows of status whose result is missing


def coverage(fiscal_year: int, inspection_round: int | None, num_pending: int) -> Coverage:
    """The period's coverage (`num_pending` of its rounds not inspected yet)."""
    s = scope()
    return _coverage(source(), data_version(), fiscal_year, inspection_round, num_pending, s.drafts_all,
                     s.draft_units)


@st.cache_resource(show_spinner=False, max_entries=8)
def _coverage(path: str, version: int, fiscal_year: int, inspection_round: int | None, num_pending: int,
              drafts_all: bool, draft_units: tuple) -> Coverage:
    points = _query(path, version, "unit_indicator_points",
                    _params(fiscal_year=fiscal_year, inspection_round=inspection_round), drafts_all, draft_units)
    status = analytics.coverage_status(points, 1 if inspection_round else 2, num_pending)
    return Coverage(status, analytics.coverage_summary(status), status[status["status"] == "missing"])


def coverage_matrix(fiscal_year: int, inspection_round: int | None, num_pending: int, group: str,
                    all_codes: list[str], only_incomplete: bool) -> pd.DataFrame:
    """analytics.coverage_matrix of the sidebar unit's peer group (`group`), every unit of it: kept per peer
    group, not per unit (the page shows a page of it, the download all of it)."""
    s = scope()
    return _coverage_matrix(source(), data_version(), fiscal_year, inspection_round, num_pending,
                            analytics.peer_key(units(), unit_code(), group), tuple(all_codes), only_incomplete,
                            s.drafts_all, s.draft_units)


@st.cache_resource(show_spinner=False, max_entries=32)
def _coverage_matrix(path: str, version: int, fiscal_year: int, inspection_round: int | None, num_pending: int,
                     peers: tuple, all_codes: tuple, only_incomplete: bool, drafts_all: bool,
                     draft_units: tuple) -> pd.DataFrame:
    status = _coverage(path, version, fiscal_year, inspection_round, num_pending, drafts_all, draft_units).status
    in_group = analytics.in_peers(status, _query(path, version, "units_by_code", (), drafts_all, draft_units), peers)
    return analytics.coverage_matrix(in_group, all_codes, only_incomplete=only_incomplete)


def trend_bands(start: int, end: int, group: str, unit: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """analytics.trend_bands of the units' yearly scores from `start` to `end`: the peer band of `unit`'s group
    and the overall mean, kept per peer group."""
    s = scope()
    return _trend_bands(source(), data_version(), start, end, analytics.peer_key(units(), unit, group),
                        s.drafts_all, s.draft_units)


@st.cache_resource(show_spinner=False, max_entries=32)
def _trend_bands(path: str, version: int, start: int, end: int, peers: tuple, drafts_all: bool,
                 draft_units: tuple) -> tuple[pd.DataFrame, pd.DataFrame]:
    by_year = analytics.in_span(_shared_query(path, version, "unit_scores_by_year", (), drafts_all, draft_units),
                                start, end)
    peer_units = analytics.peers_of(_query(path, version, "units_by_code", (), drafts_all, draft_units), peers)
    return analytics.trend_bands(by_year, peer_units["unit_code"])


def objective_profile(fiscal_year: int, inspection_round: int | None, group: str, unit: str) -> pd.DataFrame:
    """analytics.objective_profile of `unit` among its peer group (`group`): the group's sorted objective
    scores kept per peer group, so another run or unit of the group costs a slice and a median."""
    s = scope()
    profiles = _objective_profiles(source(), data_version(), fiscal_year, inspection_round,
                                   analytics.peer_key(units(), unit, group), s.drafts_all, s.draft_units)
    return profiles.of(unit)


@st.cache_resource(show_spinner=False, max_entries=32)
def _objective_profiles(path: str, version: int, fiscal_year: int, inspection_round: int | None, peers: tuple,
                        drafts_all: bool, draft_units: tuple) -> analytics.ObjectiveProfiles:
    scores = _query(path, version, "unit_objective_scores",
                    _params(fiscal_year=fiscal_year, inspection_round=inspection_round), drafts_all, draft_units)
    peer_units = analytics.peers_of(_query(path, version, "units_by_code", (), drafts_all, draft_units), peers)
    return analytics.ObjectiveProfiles(scores, peer_units["unit_code"])


# --- scoring (what-if) ------------------------------------------------------------------------

@st.cache_resource(show_spinner=False, max_entries=8)
def _year_values(path: str, version: int, framework_id: int, fiscal_year: int, round_aggregation: str):
    """The year's values as the scoring engine reads them, read once per data version and shared by every
    session (their tables in a private in-memory database, never changed): a what-if change scores them, it
    does not read them."""
    from saisaat import scoring
    return scoring.year_values(_open(path), framework_id, fiscal_year, round_aggregation)


# the figures above, let go when the data changes (a new version is a new key: the old ones would stay until
# their cache is full, each up to tens of MB at national size)
KEPT_UNTIL_THE_DATA_CHANGES = (_shared_query, _coverage, _coverage_matrix, _trend_bands, _objective_profiles,
                               _year_values)


@st.cache_data(show_spinner=False, max_entries=64)
def _scores(path: str, version: int, spec_json: str, fiscal_year: int) -> pd.DataFrame:
    import json

    from saisaat import scoring
    from saisaat.rulesets import parse_ruleset
    db_ = _open(path)
    ruleset = parse_ruleset(json.loads(spec_json), db_.query("indicators_by_code"))
    values = _year_values(path, version, ruleset.framework_id, fiscal_year, ruleset.round_aggregation)
    return scoring.unit_scores(db_, ruleset, fiscal_year, values)


def scores(spec_json: str, fiscal_year: int) -> pd.DataFrame:
    """Unit scores under a ruleset spec (already validated), cached per spec and data version."""
    return _scores(source(), data_version(), spec_json, fiscal_year)


# --- the November documents' content (cached: the Reports page draws every tab on every rerun) --

@st.cache_data(show_spinner=False, max_entries=16)
def _cabinet_summary(path: str, version: int, fiscal_year: int, lang: str, drafts_all: bool, draft_units: tuple):
    from saisaat import reports
    return reports.cabinet_summary(_viewing(path, drafts_all, draft_units), fiscal_year, lang)


def cabinet_summary(fiscal_year: int, lang: str):
    """The cabinet summary's content as this user may see it (drafts included only for those who see them)."""
    s = scope()
    return _cabinet_summary(source(), data_version(), fiscal_year, lang, s.drafts_all, s.draft_units)


@st.cache_data(show_spinner=False, max_entries=64)
def _report_card(path: str, version: int, fiscal_year: int, lang: str, unit_code: str, drafts_all: bool,
                 draft_units: tuple):
    from saisaat import reports
    return reports.report_cards(_viewing(path, drafts_all, draft_units), fiscal_year, lang, [unit_code])[0]


def report_card(fiscal_year: int, lang: str, unit_code: str):
    s = scope()
    return _report_card(source(), data_version(), fiscal_year, lang, unit_code, s.drafts_all,
                        s.draft_units)
