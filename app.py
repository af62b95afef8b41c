"""ใสสะอาด: the frame. Page config, language switch, shared filters kept in the URL, navigation."""
import streamlit as st

import ui
from saisaat.i18n import DEFAULT_LANG, LANGS, t

st.set_page_config(page_title="ใสสะอาด · Sai Sa-at", page_icon="🔎", layout="wide")

# Seed the shared filters from the URL first: the navigation's titles depend on the language.
ui.url_value("lang", LANGS, DEFAULT_LANG, write=False)
ui.ensure_database()
T = ui.translator()

pages = {
    T("section_analytics"): [
        st.Page("pages/overview.py", title=T("page_overview"), icon="📊", url_path="overview", default=True),
        st.Page("pages/compare.py", title=T("page_compare"), icon="⚖️", url_path="compare"),
        st.Page("pages/trends.py", title=T("page_trends"), icon="📈", url_path="trends"),
        st.Page("pages/coverage.py", title=T("page_coverage"), icon="🧩", url_path="coverage"),
    ],
    T("section_secretariat"): [
        st.Page("pages/whatif.py", title=T("page_whatif"), icon="🧮", url_path="whatif"),
        st.Page("pages/reports.py", title=T("page_reports"), icon="📄", url_path="reports"),
        st.Page("pages/data.py", title=T("page_data"), icon="🗄️", url_path="data"),
        st.Page("pages/settings.py", title=T("page_settings"), icon="⚙️", url_path="settings"),
    ],
}
nav = st.navigation(pages)

years = ui.query("fiscal_years")
year_options = sorted(years["fiscal_year"].tolist(), reverse=True)
with_results = years.loc[years["num_results"] > 0, "fiscal_year"]
latest = int(with_results.max()) if len(with_results) else year_options[0]
unit_codes = ui.units()["unit_code"].tolist()

with st.sidebar:
    ui.url_value("lang", LANGS, DEFAULT_LANG)
    st.segmented_control(t("language"), LANGS, key="lang", required=True,
                         format_func=lambda code: t(f"lang_{code}"))
    st.markdown(f"**{T('app_short')}** · {ui.as_text(ui.organisation()['centre_name'])}")
    ui.url_value("fy", year_options, latest)
    st.selectbox(T("fiscal_year"), year_options, key="fy", format_func=lambda fy: T("fy_label", fy=fy))
    ui.url_value("round", ui.ROUND_KEYS, 0)
    st.selectbox(T("inspection_round"), ui.ROUND_KEYS, key="round", format_func=ui.round_labeller())
    ui.url_value("unit", unit_codes, unit_codes[0])
    st.selectbox(T("your_unit"), unit_codes, key="unit", format_func=ui.unit_option())
    if ui.is_demo():
        st.caption("🧪 " + T("demo_banner"))
    if ui.snapshot_time():
        st.caption(T("replica_snapshot", when=ui.snapshot_time()))

nav.run()
