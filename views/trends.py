"""แนวโน้ม / Trends: units over fiscal years against the BMA mean and their peers' middle band."""
import streamlit as st

import ui
from saisaat import analytics, charts
from saisaat.fiscal import today

T = ui.translator()
me = ui.unit_code()
names = ui.unit_names()
units = ui.units()
years = ui.query("fiscal_years")
result_years = sorted(years.loc[years["num_results"] > 0, "fiscal_year"].tolist())
title = st.empty()
ui.demo_banner()
if not result_years:
    title.title(T("trends_title_none"))
    ui.getting_started()
    st.stop()
default_end = analytics.default_period(years, ui.calendar(), today())   # the latest complete year
span = st.select_slider(T("trend_span"), result_years, value=(result_years[0], default_end),
                        key="span", format_func=lambda fy: str(fy))
start, end = span
title.title(T("trends_title", start=start, end=end))
ui.incomplete_notice(end)
mean_label = T("org_mean", org=ui.organisation()["org_short"])
ui.period_banner(years=range(start, end + 1))

shown = ui.units_multiselect("trend_units", "trend_units", units["unit_code"].tolist(), [me])
c2, c3 = st.columns(2)
ui.url_value("level", ("unit", "objective", "indicator"), "unit")
level = c2.segmented_control(T("trend_level"), ("unit", "objective", "indicator"), key="level", required=True,
                             format_func=lambda v: T(f"level_{v}"))
ui.url_value("peers", analytics.PEER_GROUPS, "kind")
group = c3.segmented_control(T("peer_group"), analytics.PEER_GROUPS, key="peers", required=True,
                             format_func=ui.peer_group_labeller())
shown = shown or [me]
first = shown[0]
peer_codes = analytics.peers(units, first, group)["unit_code"]
changes = analytics.framework_changes(years, start, end)
round_names = {r: T("round_n", n=r) for r in (1, 2)}

if level == "unit":
    by_year = analytics.in_span(ui.shared_query("unit_scores_by_year"), start, end)
    rounds = st.toggle(T("rounds_shown"), key="rounds_shown")
    band, mean = ui.trend_bands(start, end, group, first)   # kept per peer group until the data changes
    lines = analytics.trend_lines(by_year, shown, names, round_names if rounds else None)
    ui.chart(charts.trend(lines, band, T("peer_band") + f" · {ui.peer_group_labeller()(group)}", mean, mean_label,
                          changes, T("framework_change"), T("col_score_pct"), T("fiscal_year")),
             "trend_units", ui.with_names(by_year[by_year["unit_code"].isin(shown)])[
                 ["fiscal_year", "inspection_round", "unit_code", "unit_name", "points", "max_points", "score_pct"]],
             f"trend_{'_'.join(shown)}")
elif level == "objective":
    themes = analytics.in_span(ui.query("unit_theme_scores_by_year"), start, end)
    theme_names = ui.theme_names()
    theme_codes = [t for t in theme_names if t in set(themes["theme_code"])] or list(theme_names)
    ui.url_value("theme", theme_codes, theme_codes[-1])
    theme = st.segmented_control(T("objective"), theme_codes, key="theme", required=True,
                                 format_func=theme_names.get)
    part = themes[themes["theme_code"] == theme]
    lines, band, mean = analytics.trend_series(part, shown, names, peer_codes)
    ui.chart(charts.trend(lines, band, T("peer_band"), mean, mean_label, changes, T("framework_change"),
                          T("col_score_pct"), T("fiscal_year")),
             "trend_theme", ui.with_names(part[part["unit_code"].isin(shown)])[
                 ["fiscal_year", "unit_code", "unit_name", "theme_code", "points", "max_points", "score_pct"]],
             f"trend_{theme}")
else:
    ind_names = ui.indicator_names()
    options = [c for fw in sorted(set(analytics.in_span(years, start, end)["framework_id"]))
               for c in ui.framework_indicators(fw)]
    code = st.selectbox(T("indicator_pick"), options, index=len(options) - 1, key="trend_indicator",
                        format_func=lambda c: f"{c} {ind_names[c]}")
    st.caption(T("indicator_trend_note"))
    rows = ui.query("unit_indicator_scores_by_year", indicator_code=code, from_fy=start, to_fy=end)
    if rows.empty:
        st.warning(T("no_results_year", fy=end))
    else:
        lines, band, mean = analytics.trend_series(rows, shown, names, peer_codes)
        ui.chart(charts.trend(lines, band, T("peer_band"), mean, mean_label, [], "", T("col_score_pct"),
                              T("fiscal_year")),
                 "trend_indicator", ui.with_names(rows[rows["unit_code"].isin(shown)])[
                     ["fiscal_year", "unit_code", "unit_name", "indicator_code", "value", "points", "max_points",
                      "score_pct"]], f"trend_{code}")
if changes:
    st.caption(T("framework_note"))
ui.how_computed(T("peer_band") + ": " + T("trend_band_help"))

from_fy, to_fy = analytics.comparable_span(years, start, end)
st.header(T("movers_title", start=from_fy, end=to_fy))
if from_fy != start or changes:
    st.caption(T("movers_within_framework", framework=ui.as_text(ui.framework_name(ui.framework_of(to_fy))),
                 start=from_fy, end=to_fy))
if from_fy == to_fy:
    st.info(T("movers_one_year", fy=to_fy), icon=":material/info:")
    st.stop()
by_year_all = ui.shared_query("unit_scores_by_year")
up, down = analytics.movers(by_year_all[by_year_all["unit_code"].isin(peer_codes)], from_fy, to_fy)
cols = {"unit_code": "col_unit_code", "unit_name": "col_unit", "from_pct": "col_from_pct",
        "to_pct": "col_to_pct", "change_pct": "col_change_pct"}
group_name = ui.peer_group_labeller()(group)
draft = ui.view_is_draft(years=[from_fy, to_fy])


def movers_table(choice: str) -> None:   # one table at a time: each one sent costs the browser about 0.1 s
    ui.table(ui.with_names(up if choice == "improvers" else down), cols, choice,
             file_name=f"{choice}_{from_fy}_{to_fy}", draft=draft)


ui.chart_choice("movers", {"improvers": f"{T('improvers')} · {group_name}",
                           "decliners": f"{T('decliners')} · {group_name}"}, movers_table, sub=True)
