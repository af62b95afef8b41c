"""ความครอบคลุมตัวชี้วัด / Indicator coverage: what is in, what is missing, what to chase."""
import streamlit as st

import ui
from saisaat import analytics, charts, formats
from saisaat.fiscal import format_date, pending_rounds, round_visit_dates, today

T = ui.translator()
fy, rnd = ui.fiscal_year(), ui.inspection_round()
names = ui.unit_names()
ind_names = ui.indicator_names()

st.title(T("coverage_title", period=ui.period()))
ui.demo_banner()
ui.incomplete_notice(fy)
if ui.getting_started():
    st.stop()
ui.period_banner()

# Rounds whose inspection visits have not ended yet are pending, not missing.
pending = pending_rounds(ui.calendar(), fy, rnd, today())
for r in pending:
    a, b = round_visit_dates(ui.calendar(), fy, r)
    st.info(f"{T('round_n', n=r)}: " + T("pending_note", start=format_date(a, ui.lang()),
                                          end=format_date(b, ui.lang())), icon=":material/schedule:")
status, summary, missing = ui.coverage(fy, rnd, len(pending))   # kept until the data changes

due = summary.expected > 0   # nothing due yet (rounds not inspected): no rates, no "nothing missing"
c = st.columns(3)
c[0].metric(T("metric_coverage"), formats.pct(summary.coverage_pct),
            delta=f"{formats.count(summary.received)} / {formats.count(summary.expected)}" if due else None,
            delta_color="off", delta_arrow="off", border=True)
c[1].metric(T("metric_missing"), formats.count(summary.missing), border=True)
c[2].metric(T("metric_units_complete"),
            f"{formats.count(summary.units_complete)} / {formats.count(summary.units_total)}" if due else "—",
            border=True)

ui.how_computed(T("coverage_help"))
if not due:
    st.info(T("coverage_nothing_due"), icon=":material/schedule:")


def completeness_chart() -> None:
    completeness = ui.query("coverage_by_round")
    completeness = completeness[completeness["num_received"] > 0]
    ui.chart(charts.completeness(completeness, {1: T("round_1"), 2: T("round_2")}, T("col_coverage_pct"),
                                 T("fiscal_year")), "completeness", completeness, "completeness_by_round")


if due:
    st.header(T("coverage_matrix"))
    f1, f2, f3 = st.columns([2, 2, 1], vertical_alignment="bottom")
    ui.url_value("cov_filter", ("all", "incomplete"), "all")
    show = f1.segmented_control(T("coverage_filter"), ("all", "incomplete"), key="cov_filter", required=True,
                                format_func=lambda v: T(f"filter_{v}"))
    ui.url_value("cov_peers", analytics.PEER_GROUPS, "all")
    among = f2.segmented_control(T("peer_group"), analytics.PEER_GROUPS, key="cov_peers", required=True,
                                 format_func=ui.peer_group_labeller())
    matrix = ui.coverage_matrix(fy, rnd, len(pending), among, ui.framework_indicators(ui.framework_of(fy)),
                                only_incomplete=show == "incomplete")
    status_labels = {s: T(f"status_{s}") for s in charts.STATUS}
    rows, first, last, pages = analytics.page_of(matrix, st.session_state.get("cov_page", 1))
    ui.page_picker(f3, "cov_page", pages)
    if len(matrix):
        st.caption(T("coverage_matrix_help") + " " + T("rows_shown", first=f"{first:,}", last=f"{last:,}",
                                                      n=f"{len(matrix):,}"))
        ui.chart(charts.coverage_heatmap(rows, status_labels, [f"{names[c]}" for c in rows.index], ind_names),
                 "matrix", lambda: matrix.replace(status_labels).rename(  # every unit: built when downloaded
                     index=names, columns=lambda c: f"{c} {ind_names[c]}").reset_index(names=T("col_unit")),
                 f"coverage_matrix_{fy}")
    else:
        st.success(T("missing_none"))

    def detail(choice: str) -> None:   # one table or chart at a time: each one sent costs the browser 0.1-0.3 s
        if choice == "missing":
            if len(missing):
                shown = ui.with_names(missing)
                shown["indicator"] = shown["indicator_code"].map(ind_names)
                ui.paged_table(shown, {"unit_code": "col_unit_code", "unit_name": "col_unit",
                                       "indicator_code": "col_indicator_code", "num_rounds_scored": "col_num_scored",
                                       "num_rounds_expected": "col_num_expected", "indicator": "col_indicator"},
                               "missing", file_name=f"missing_{fy}")
            else:
                st.success(T("missing_none"))
        elif choice == "by_unit":
            per_unit = ui.with_names(analytics.coverage_rates(status, "unit_code"))
            ui.paged_table(per_unit, {"unit_code": "col_unit_code", "unit_name": "col_unit",
                                      "num_expected": "col_num_expected", "num_received": "col_num_received",
                                      "coverage_pct": "col_coverage_pct"},
                           "by_unit", file_name=f"coverage_by_unit_{fy}")
        elif choice == "by_indicator":
            per_ind = analytics.coverage_rates(status, "indicator_code")
            per_ind["indicator"] = per_ind["indicator_code"].map(ind_names)
            ui.table(per_ind, {"indicator_code": "col_indicator_code", "num_expected": "col_num_expected",
                               "num_received": "col_num_received", "coverage_pct": "col_coverage_pct",
                               "indicator": "col_indicator"},
                     "by_indicator", height=360, file_name=f"coverage_by_indicator_{fy}")
        elif choice == "failing":
            failing = analytics.failing_indicators(ui.query("unit_indicator_points", fiscal_year=fy,
                                                            inspection_round=rnd))
            failing["indicator"] = failing["indicator_code"].map(ind_names)
            ui.table(failing.head(10), {"indicator_code": "col_indicator_code",
                                        "mean_points_pct": "col_mean_points_pct", "zero_pct": "col_zero_pct",
                                        "below_full_pct": "col_below_full_pct", "num_units": "col_num_units",
                                        "indicator": "col_indicator"},
                     "failing", file_name=f"failing_indicators_{fy}")
        else:
            completeness_chart()

    ui.chart_choice("cov_view", {"missing": T("missing_list", n=f"{len(missing):,}"),
                                 "by_unit": T("coverage_by_unit"), "by_indicator": T("coverage_by_indicator"),
                                 "failing": T("failing_indicators"), "completeness": T("completeness_over_years")},
                    detail)
else:
    st.header(T("completeness_over_years"))
    completeness_chart()
