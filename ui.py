"""Streamlit glue shared by app.py and the pages: language, the cached database, cached queries,
shared filters, download buttons. Layout helpers only; the figures come from saisaat/."""
from __future__ import annotations

import re
from datetime import UTC, date
from pathlib import Path

import pandas as pd
import streamlit as st

from saisaat import charts, exports, labels
from saisaat.db import DEFAULT_DB, SNAPSHOT_PREFIX, Database, DatabaseBusy, NoSnapshot, Replica, default_db_path, replica_dir
from saisaat.fiscal import be_year, current_fiscal_year, format_date, inspection_cycle, months_short
from saisaat.i18n import DEFAULT_LANG, LANGS, period_label, t

ROUND_KEYS = (0, 1, 2)   # 0 = whole year (both rounds)


def require_frame() -> None:
    """Make sure app.py (the frame with its filters) runs around the page.

    Streamlit treats a folder named pages/ as an old-style multipage app until the first
    st.navigation call in the process, so a deep link opened first on a fresh server would run the
    page alone. Leave that mode and rerun: the rerun goes through app.py."""
    from streamlit.runtime.pages_manager import PagesManager
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


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
        st.cache_data.clear()


@st.cache_resource(show_spinner=False)
def _versions() -> dict:
    return {}


def data_version() -> int:
    return _versions().get(source(), 0)


def data_changed() -> None:
    """Call after every write, so every page reads the new data."""
    key = source()
    _versions()[key] = _versions().get(key, 0) + 1
    st.cache_data.clear()


@st.cache_data(show_spinner=False, max_entries=512)
def _query(path: str, version: int, name: str, params: tuple) -> pd.DataFrame:
    return _open(path).query(name, **dict(params))


def query(name: str, **params) -> pd.DataFrame:
    """Run queries/<name>.sql (cached until the data changes)."""
    return _query(source(), data_version(), name, tuple(sorted(params.items())))


def write(action, /, *args, by: str, **kwargs):
    """The one way a page changes data: run a write of saisaat/ (a store function, or one built on it)
    on this process's database as the acting user `by`, then let every page read the new data. A refused
    write raises and has changed nothing."""
    result = action(db(), *args, by=by, **kwargs)
    data_changed()
    return result


@st.cache_resource(show_spinner=False)
def _calendar_seen() -> set:
    return set()


def follow_the_calendar() -> None:
    """From 1 October the new fiscal year exists: add it once per process, database and fiscal year."""
    from saisaat.store import extend_fiscal_years
    key = (str(default_db_path()), current_fiscal_year())
    if key not in _calendar_seen():
        if not db().read_only and extend_fiscal_years(db(), key[1], by="calendar"):
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
    st.cache_data.clear()


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
        st.subheader(T("getting_started_title"))
        st.write(T("getting_started_configured", org=organisation()["org_name"],
                   units=f"{int(kinds['num_units'].sum()):,}",
                   kinds=", ".join(f"{name} {int(n):,}" for name, n in zip(kinds[col], kinds["num_units"])),
                   frameworks=f"{len(query('frameworks_by_id')):,}",
                   indicators=f"{len(query('indicators_by_code')):,}"))
        st.write(T("getting_started_intro"))
        st.page_link("pages/settings.py", label=T("getting_started_step_config"), icon=":material/settings:")
        st.page_link("pages/data.py", label=T("getting_started_step_template"), icon=":material/download:")
        st.page_link("pages/data.py", label=T("getting_started_step_import"), icon=":material/upload:")
    return True


def demo_banner() -> None:
    if is_demo():
        st.info(translator()("demo_banner"), icon="🧪")


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
    return labels.unit_names(CACHED, lang())


def unit_option():
    """format_func of a unit picker: 'เขตพระนคร (1001)'."""
    return labels.unit_option(unit_names())


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


MARKDOWN_READS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=])")


def as_text(value) -> str:
    """A name or wording (user input) put into an element Streamlit renders as markdown (a title, caption,
    message, metric label, st.write) shown exactly as typed: every character markdown would read as
    emphasis, a link, a heading, LaTeX ($), a :shortcode: or HTML is escaped with a backslash."""
    return MARKDOWN_READS.sub(r"\\\1", str(value))


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


def framework_indicators(framework_id: int) -> list[str]:
    return labels.framework_indicators(CACHED, framework_id)


def indicator_names() -> dict[str, str]:
    return labels.indicator_names(CACHED, lang())


# --- output helpers ---------------------------------------------------------------------------

def table(frame: pd.DataFrame, columns: dict[str, str], key: str, formats: dict | None = None,
          height: int | str = "auto", file_name: str | None = None) -> None:
    """Show `frame` with translated headers (`columns`: source column → string key), and
    CSV / Excel download buttons for exactly what is shown."""
    T = translator()
    shown = frame[list(columns)].rename(columns={c: T(k) for c, k in columns.items()})
    config = {T(columns[c]): st.column_config.NumberColumn(format=f)
              for c, f in (formats or {}).items() if c in columns}
    st.dataframe(shown, hide_index=True, column_config=config, height=height, key=f"df_{key}")
    downloads({key: shown}, file_name or key, key)


def downloads(sheets: dict[str, pd.DataFrame], file_name: str, key: str) -> None:
    T = translator()
    first = next(iter(sheets.values()))
    row = st.container(horizontal=True)
    row.download_button(T("download_csv"), data=lambda: exports.csv_bytes(first),
                       file_name=f"{file_name}.csv", mime="text/csv", key=f"csv_{key}",
                       on_click="ignore", icon=":material/download:")
    row.download_button(T("download_xlsx"), data=lambda: exports.xlsx_bytes(sheets),
                       file_name=f"{file_name}.xlsx", key=f"xlsx_{key}", on_click="ignore",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/table_view:")


def chart(fig, key: str, data: pd.DataFrame | None = None, file_name: str | None = None) -> None:
    """A Plotly chart, with its data downloadable beside it (CSV and Excel)."""
    st.plotly_chart(fig, key=f"chart_{key}", config={"displaylogo": False})
    if data is not None:
        downloads({key: data}, file_name or key, f"chart_{key}")


def cycle_chart(fiscal_year: int, today: date, key: str) -> None:
    """The fiscal year's inspection cycle drawn as a calendar, with today marked."""
    T, code = translator(), lang()
    steps = [(T(f"cycle_{s.key}"), s.starts_on, s.ends_on) for s in inspection_cycle(fiscal_year)]
    chart(charts.cycle_timeline(steps, today, T("cycle_today", date=format_date(today, code)),
                                months_short(code), be_year), key)


def how_computed(extra: str | None = None) -> None:
    T = translator()
    with st.expander(T("how_computed"), icon=":material/info:"):
        st.write(T("how_score"))
        if extra:
            st.write(extra)


# --- scoring (what-if) ------------------------------------------------------------------------

@st.cache_data(show_spinner=False, max_entries=64)
def _scores(path: str, version: int, spec_json: str, fiscal_year: int) -> pd.DataFrame:
    import json

    from saisaat import scoring
    from saisaat.rulesets import parse_ruleset
    db_ = _open(path)
    ruleset = parse_ruleset(json.loads(spec_json), db_.query("indicators_by_code"))
    return scoring.unit_scores(db_, ruleset, fiscal_year)


def scores(spec_json: str, fiscal_year: int) -> pd.DataFrame:
    """Unit scores under a ruleset spec (already validated), cached per spec and data version."""
    return _scores(source(), data_version(), spec_json, fiscal_year)


# --- the November documents' content (cached: the Reports page draws every tab on every rerun) --

@st.cache_data(show_spinner=False, max_entries=16)
def _cabinet_summary(path: str, version: int, fiscal_year: int, lang: str):
    from saisaat import reports
    return reports.cabinet_summary(_open(path), fiscal_year, lang)


def cabinet_summary(fiscal_year: int, lang: str):
    return _cabinet_summary(source(), data_version(), fiscal_year, lang)


@st.cache_data(show_spinner=False, max_entries=64)
def _report_card(path: str, version: int, fiscal_year: int, lang: str, unit_code: str):
    from saisaat import reports
    return reports.report_cards(_open(path), fiscal_year, lang, [unit_code])[0]


def report_card(fiscal_year: int, lang: str, unit_code: str):
    return _report_card(source(), data_version(), fiscal_year, lang, unit_code)
