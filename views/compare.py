"""เปรียบเทียบหน่วยงาน / Unit comparison: where a unit stands among its peers, and why."""
import streamlit as st

import ui
from saisaat import analytics, charts, formats

T = ui.translator()
fy, rnd, me = ui.fiscal_year(), ui.inspection_round(), ui.unit_code()
names = ui.unit_names()

st.title(T("compare_title", period=ui.period()))
ui.demo_banner()
ui.incomplete_notice(fy)
if ui.getting_started():
    st.stop()
ui.period_banner()
me_kind = ui.units().set_index("unit_code").loc[me, "unit_kind"]
st.markdown(T("compare_unit_line", unit=ui.as_text(names.get(me, me)), code=ui.as_text(me),
              kind=ui.as_text(ui.kind_labels()[me_kind])))

ui.url_value("peers", analytics.PEER_GROUPS, "kind")
group = st.segmented_control(T("peer_group"), analytics.PEER_GROUPS, key="peers", required=True,
                             format_func=ui.peer_group_labeller())
units = ui.units()
peer_units = analytics.peers(units, me, group)
scores = ui.with_names(ui.query("unit_scores", fiscal_year=fy, inspection_round=rnd))
group_scores = scores[scores["unit_code"].isin(peer_units["unit_code"])]
stand = analytics.standing(group_scores, me)
mine = scores[scores["unit_code"] == me]

if not scores["score_pct"].notna().any():   # nothing in this period yet: no empty charts
    st.warning(T("no_results_year", fy=fy))
    st.stop()
if stand.rank is None:
    st.warning(T("unit_not_assessed", unit=ui.as_text(names.get(me, me)), period=ui.period()))
else:
    c = st.columns(4)
    c[0].metric(T("metric_score"), formats.pct(mine['score_pct'].iloc[0]), border=True)
    # the group's size under the rank, not beside it: "2,670 of 5,596" does not fit a quarter of the page
    c[1].metric(T("metric_rank"), formats.count(stand.rank), delta=T("metric_units_assessed_of", n=formats.count(stand.of)),
                delta_color="off", delta_arrow="off", border=True)
    c[2].metric(T("metric_percentile"), formats.number(stand.percentile, "share_pct"),
                help=T("metric_percentile_help"), border=True)
    c[3].metric(T("metric_peer_median"), formats.pct(stand.peer_median_pct), border=True)
ui.how_computed()

group_label = ui.peer_group_labeller()(group)
window = analytics.ranked_window(group_scores, me)
ranking = group_scores[["unit_code", "unit_name", "points", "max_points", "score_pct",
                        "rank_in_kind"]].sort_values("score_pct", ascending=False)


def ranked(choice: str = "ranked") -> None:
    if choice == "distribution":
        ui.chart(charts.score_histogram(group_scores, me, T("col_score_pct"), T("col_num_units"),
                                        names.get(me, me)),
                 "distribution", ranking, f"ranking_{group}_{fy}_all")
    elif window["hidden"].any():   # too many to draw whole: the unit's neighbourhood, the top and bottom
        st.caption(T("ranked_window_help", shown=f"{analytics.units_shown(window):,}", of=f"{stand.of:,}",
                     around=analytics.RANKED_AROUND, ends=analytics.RANKED_ENDS))
        ui.chart(charts.ranked_window_bars(window, "unit_name", me, stand.peer_median_pct, T("peer_median"),
                                           T("col_score_pct"), lambda n: T("ranked_gap", n=f"{n:,}")),
                 "ranked", ranking, f"ranking_{group}_{fy}")
    else:
        ui.chart(charts.ranked_bars(group_scores, "unit_name", me, stand.peer_median_pct, T("peer_median"),
                                    T("col_score_pct")),
                 "ranked", ranking, f"ranking_{group}_{fy}")


if window["hidden"].any():   # a window of the ranking, or the whole group's spread: one chart at a time
    ui.chart_choice("rank_view", {"ranked": T("ranked_chart", group=group_label),
                                  "distribution": T("score_distribution", group=group_label)}, ranked)
else:
    st.header(T("ranked_chart", group=group_label))
    ranked()

objective_labels = ui.objective_names(ui.framework_of(fy))


def profile() -> None:
    shown = ui.objective_profile(fy, rnd, group, me)   # the peer group's scores sorted once per data version
    shown["objective"] = shown["objective_no"].map(objective_labels)
    if shown["score_pct"].notna().any():
        ui.chart(charts.profile_bars(shown, "objective", names.get(me, me), T("peer_median"),
                                     T("col_score_pct")),
                 "profile", shown[["objective_no", "objective", "score_pct", "peer_median_pct"]],
                 f"objective_profile_{me}_{fy}")


def losses() -> None:
    points = ui.query("unit_indicator_points", fiscal_year=fy, inspection_round=rnd)
    lost = analytics.indicator_losses(points, peer_units["unit_code"], me)
    lost["indicator"] = lost["indicator_code"].map(ui.indicator_names())
    st.caption(T("indicator_table_help"))
    ui.table(lost, {"indicator_code": "col_indicator_code", "lost_points": "col_lost_points",
                    "points": "col_points", "max_points": "col_max_points",
                    "peer_median_points": "col_peer_median_points", "peers_full_pct": "col_peers_full_pct",
                    "indicator": "col_indicator"},
             "losses",
             file_name=f"indicator_losses_{me}_{fy}")


def side_by_side() -> None:
    chosen = ui.units_multiselect("choose_units", "compare_units", units["unit_code"].tolist(), [me])
    if len(chosen) == 1 and chosen[0] == me:   # the unit alone: its objective scores are its profile
        st.caption(T("side_by_side_pick", unit=ui.as_text(names.get(me, me))))
    elif chosen:
        side, wide = analytics.side_by_side(ui.query("unit_objective_scores", fiscal_year=fy, inspection_round=rnd),
                                            chosen, objective_labels, names)
        overall = scores[scores["unit_code"].isin(chosen)][["unit_code", "unit_name", "score_pct"]]
        ui.chart(charts.grouped_units(side, "objective", "unit_name", "score_pct", T("col_score_pct"),
                                      [names[c] for c in chosen if c in set(side["unit_code"])]),
                 "side_by_side",
                 wide, f"side_by_side_{fy}")
        ui.table(overall, {"unit_code": "col_unit_code", "unit_name": "col_unit", "score_pct": "col_score_pct"},
                 "side_overall", file_name=f"side_by_side_scores_{fy}")


# why the unit stands there: one view at a time (each chart or table sent costs the browser 0.1-0.3 s)
ui.chart_choice("why", {"profile": T("objective_profile"), "losses": T("indicator_table"),
                        "side_by_side": T("side_by_side")},
                lambda choice: {"profile": profile, "losses": losses, "side_by_side": side_by_side}[choice]())
