"""ใสสะอาด: the frame. Page config, language switch, who is here, shared filters kept in the URL,
navigation (only the pages the user's role may open)."""
import streamlit as st

import ui
from saisaat import auth
from saisaat.i18n import DEFAULT_LANG, LANGS, t

st.set_page_config(page_title="ใสสะอาด · Sai Sa-at", page_icon="🔎", layout="wide")
ui.keep_built_downloads()   # a file built on click stays until its session's next run

# Seed the shared filters from the URL first: the navigation's titles depend on the language.
ui.url_value("lang", LANGS, DEFAULT_LANG, write=False)
ui.ensure_database()
T = ui.translator()
ui.chrome()   # the page's language (<html lang>), the frame's styles, Streamlit's own words in ours

# Who is here: nobody goes past this without a role (signed in and registered, or local mode).
PAGES = {   # section → (page, icon); the first page is the default, open to every role
    "section_analytics": [("overview", "📊"), ("compare", "⚖️"), ("trends", "📈"), ("coverage", "🧩")],
    "section_secretariat": [("whatif", "🧮"), ("reports", "📄"), ("data", "🗄️"), ("settings", "⚙️"),
                            ("users", "👥"), ("audit", "📜")],
}
PATHS = [page for entries in PAGES.values() for page, _ in entries]
user = ui.identify()
if user is None:
    ui.only_page(ui.not_registered_page if st.user.is_logged_in else ui.sign_in_page, PATHS)
st.session_state["_user"] = user

pages = {}
for section, entries in PAGES.items():
    for page, icon in entries:
        if auth.may_open(user, page):
            pages.setdefault(T(section), []).append(st.Page(
                f"views/{page}.py", title=T(f"page_{page}"), icon=icon, url_path=page, default=page == PATHS[0]))
        else:   # a deep link to it says so and shows nothing of it
            pages.setdefault(T(section), []).append(st.Page(
                ui.forbidden_page(page), title=T(f"page_{page}"), url_path=page, visibility="hidden"))
nav = st.navigation(pages)
st.session_state["_page"] = nav.url_path or PATHS[0]

years = ui.query("fiscal_years")
year_options = sorted(years["fiscal_year"].tolist(), reverse=True)
latest = ui.default_fiscal_year()   # the latest published complete year, not one with a first small import
unit_codes = [c for c in ui.units()["unit_code"].tolist() if auth.may_see_unit(user, c)]
asked_unit = st.query_params.get("unit")
refused_unit = asked_unit if "unit" not in st.session_state and asked_unit and not auth.may_see_unit(
    user, asked_unit) else None

with st.sidebar:
    ui.url_value("lang", LANGS, DEFAULT_LANG)
    st.segmented_control(t("language"), LANGS, key="lang", required=True,
                         format_func=lambda code: t(f"lang_{code}"))
    st.markdown(f"**{T('app_short')}** · {ui.as_text(ui.organisation()['centre_name'])}")
    ui.who_is_here(T)
    ui.url_value("fy", year_options, latest)
    incomplete = ui.incomplete_years()
    st.selectbox(T("fiscal_year"), year_options, key="fy",
                 format_func=lambda fy: T("fy_label_incomplete" if fy in incomplete else "fy_label", fy=fy))
    ui.url_value("round", ui.ROUND_KEYS, 0)
    st.selectbox(T("inspection_round"), ui.ROUND_KEYS, key="round", format_func=ui.round_labeller())
    ui.unit_picker(unit_codes)
    if ui.is_demo():
        st.caption("🧪 " + T("demo_banner"))
    if ui.snapshot_time():
        st.caption(T("replica_snapshot", when=ui.snapshot_time()))

if refused_unit:   # a link to another unit's details: say so, show nothing of it
    st.warning(T("unit_forbidden", own=", ".join(user.units), unit=refused_unit), icon=":material/lock:")
    st.stop()
nav.run()
