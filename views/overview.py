"""ภาพรวม / Overview: the year at a glance for executives."""
import streamlit as st

import ui
from saisaat import analytics, charts, formats
from saisaat.fiscal import fiscal_year_of, format_date, inspection_cycle, today

T = ui.translator()
fy, rnd, me = ui.fiscal_year(), ui.inspection_round(), ui.unit_code()

st.title(T("overview_title", period=ui.period()))
ui.demo_banner()
ui.incomplete_notice(fy)
if ui.getting_started():
    st.stop()
ui.period_banner()

scores = ui.with_names(ui.query("unit_scores", fiscal_year=fy, inspection_round=rnd))
previous = ui.query("unit_scores", fiscal_year=fy - 1, inspection_round=rnd)
ui.url_number("target", 80.0, 0.0, 100.0)
target = st.number_input(T("target_level"), 0.0, 100.0, step=5.0, key="target", width=200)
current_fy = fiscal_year_of(today())   # the inspection cycle shown is the fiscal year's under way
cycle_name = T("cycle_title", fy=current_fy)


def cycle() -> None:
    """Where today falls in the inspection cycle of the fiscal year under way."""
    now = today()
    steps = [(T(f"cycle_{s.key}"), s.starts_on, s.ends_on) for s in inspection_cycle(ui.calendar(), current_fy)]
    active = [name for name, a, b in steps if a <= now <= b]
    st.caption(T("cycle_today", date=format_date(now, ui.lang())) + " · " +
               (T("cycle_now", step=", ".join(active)) if active else T("cycle_between")))
    ui.cycle_chart(current_fy, now, "cycle")


head = analytics.headline(scores, previous if len(previous) else None, target)

if head.units_assessed == 0:   # no results: the inspection cycle is what there is to show
    st.warning(T("no_results_year", fy=fy))
    st.header(cycle_name)
    cycle()
else:
    c = st.columns(5)
    c[0].metric(T("metric_units_assessed"), formats.count(head.units_assessed),
                delta=T("metric_units_assessed_of", n=formats.count(head.units_expected)), delta_color="off",
                delta_arrow="off", border=True)
    mean_label = T("metric_mean", org=ui.organisation()["org_short"])
    c[1].metric(T("metric_mean", org=ui.as_text(ui.organisation()["org_short"])), formats.pct(head.mean_pct), border=True)
    c[2].metric(T("metric_median"), formats.pct(head.median_pct), border=True)
    c[3].metric(T("metric_at_target", target=f"{target:g}"), formats.count(head.at_or_above_target), border=True)
    c[4].metric(T("metric_change", fy=fy - 1),
                formats.pct(head.previous_mean_pct),
                delta=None if head.mean_change_pct is None else formats.number(head.mean_change_pct, "pct", signed=True),
                help=T("metric_change_help"), border=True)
    ui.how_computed()

    kinds = ui.kind_labels()

    def by_objective() -> None:
        objective_scores = ui.query("unit_objective_scores", fiscal_year=fy, inspection_round=rnd)
        means = analytics.mean_by(objective_scores, "objective_no")
        means["objective"] = means["objective_no"].map(ui.objective_names(ui.framework_of(fy)))
        themes = ui.objective_themes(ui.framework_of(fy))
        ui.chart(charts.bars(means, "objective", "mean_pct", T("objective"), T("col_mean_pct"),
                             colours=[ui.theme_colours()[themes[o]] for o in means["objective_no"]],
                             horizontal=True),
                 "by_objective", means[["objective_no", "objective", "mean_pct", "median_pct", "num_units"]],
                 f"mean_by_objective_{fy}")

    def top_and_bottom() -> None:
        top, bottom = analytics.top_bottom(scores, 10)
        cols = {"unit_code": "col_unit_code", "unit_name": "col_unit", "score_pct": "col_score_pct",
                "points": "col_points", "max_points": "col_max_points"}
        left, right = st.columns(2)
        with left:
            st.subheader(T("top10"))
            ui.table(top, cols, "top10", file_name=f"top10_{fy}", half=True)
        with right:
            st.subheader(T("bottom10"))
            ui.table(bottom, cols, "bottom10", file_name=f"bottom10_{fy}", half=True)

    def year_chart(choice: str) -> None:   # one view at a time: each chart or table sent costs the browser 0.1-0.3 s
        if choice == "top_bottom":
            top_and_bottom()
        elif choice == "distribution":
            name = ui.unit_names().get(me, me)
            ui.chart(charts.distribution(scores, me, name, mean_label, T("col_score_pct"), T("col_num_units")),
                     "distribution", scores[["unit_code", "unit_name", "unit_kind", "score_pct"]],
                     f"distribution_{fy}")
        elif choice == "by_kind":
            by_kind = analytics.mean_by(scores, "unit_kind")
            by_kind["kind"] = by_kind["unit_kind"].map(kinds)
            ui.chart(charts.box_by_kind(scores, kinds, T("col_score_pct"), me), "by_kind",
                     by_kind[["kind", "mean_pct", "median_pct", "num_units"]], f"by_kind_{fy}")
        elif choice == "by_objective":
            by_objective()
        else:
            cycle()

    # the key stays "spread" (it was the distribution or the kinds alone): older links keep working
    ui.chart_choice("spread", {"distribution": T("distribution"), "top_bottom": T("top_bottom"), "by_kind": T("by_kind"),
                               "by_objective": T("mean_by_objective"), "cycle": cycle_name}, year_chart)

