"""จำลองการคิดคะแนน / What-if: change the scoring rules and see, unit by unit, who gains and loses.

The draft ruleset lives in this browser session only; official results are never changed.
"""
import json

import streamlit as st

import ui
from saisaat import analytics, charts, configuration, formats, labels, scoring, whatif
from saisaat.i18n import MessageError
from saisaat.rulesets import (
    AGGREGATIONS,
    PRESETS,
    RULE_TYPES,
    TIER_BASES,
    RulesetError,
    parse_ruleset,
    preset,
    read_ruleset_bytes,
    spec_json,
)
from saisaat.store import apply_configuration, save_scenario

T = ui.translator()
fy, me = ui.fiscal_year(), ui.unit_code()
names = ui.unit_names()
framework_id = ui.framework_of(fy)

st.title(T("whatif_title", fy=fy))
ui.demo_banner()
ui.incomplete_notice(fy)
if ui.getting_started():
    st.stop()
ui.period_banner(fy, None)
st.caption(T("whatif_intro"))

indicators = ui.query("indicators_by_code")
stored = ui.query("rulesets_by_code")
official = json.loads(stored.loc[(stored["framework_id"] == framework_id) & stored["is_official"],
                                 "spec_json"].iloc[0])
saved = ui.query("scenarios_by_name")
saved = saved[saved["framework_id"] == framework_id]
saved_specs = {f"saved:{r.name}": json.loads(r.spec_json) for r in saved.itertuples()}

starts = {f"preset:{p}": preset(p, official) for p in PRESETS} | saved_specs
if "wi_custom" in st.session_state and st.session_state["wi_custom"][1].get("framework_id") == framework_id:
    starts["custom"] = st.session_state["wi_custom"][1]


def start_label(key: str) -> str:
    if key.startswith("preset:"):
        return T(f"preset_{key[7:]}")
    if key == "custom":
        return T("start_imported", name=st.session_state["wi_custom"][0])
    return T("start_saved", name=key[6:])


def new_generation() -> None:
    """A new starting point: the editing widgets start again from it."""
    st.session_state["wi_gen"] = st.session_state.get("wi_gen", 0) + 1


c1, c2 = st.columns(2)
ui.url_value("wi_start", list(starts), "preset:official", write=False)
start = c1.selectbox(T("whatif_start"), list(starts), key="wi_start", format_func=start_label,
                     on_change=new_generation)
bases = ["preset:official"] + list(saved_specs)
ui.url_value("wi_base", bases, "preset:official", write=False)
base_key = c2.selectbox(T("whatif_base"), bases, key="wi_base",
                        format_func=lambda k: T("base_official") if k == "preset:official" else start_label(k))
gen = f"{st.session_state.get('wi_gen', 0)}_{start.replace(':', '-')}_{fy}"   # widget keys: no ':'


def rules_editor(state: dict) -> None:
    """The point rules as a table; what is typed is kept in `state` (coded, so a language switch keeps it)."""
    st.caption(T("rules_help"))
    key = f"wi_rules_{gen}"
    if key not in st.session_state or state.get("rules_lang") != ui.lang():   # (re)opened: from the draft
        state["rules_input"], state["rules_lang"] = whatif.labelled_rules(state["rules"], ui.lang()), ui.lang()
    edited = st.data_editor(
        state["rules_input"], key=key, num_rows="dynamic", hide_index=True, placeholder=ui.MISSING,
        column_config={
            "scope": st.column_config.SelectboxColumn(
                T("col_scope"), options=[T(f"measure_{m}") for m in whatif.MEASURES] + indicators.loc[
                    indicators["framework_id"] == framework_id, "indicator_code"].tolist(), required=True),
            "rule_type": st.column_config.SelectboxColumn(
                T("col_rule_type"), options=[T(f"rule_type_{r}") for r in RULE_TYPES], required=True),
            "max_points": st.column_config.NumberColumn(T("col_max_points"), min_value=0, step=0.5),
            "target_value": st.column_config.NumberColumn(T("col_target_value"), min_value=0),
            "steps": st.column_config.TextColumn(T("col_steps"), help=T("steps_help")),
        })
    state["rules"] = whatif.coded_rules(edited, ui.lang())
    spec = state["spec"]
    spec["round_aggregation"] = st.radio(
        T("round_aggregation"), AGGREGATIONS, key=f"wi_agg_{gen}",
        index=AGGREGATIONS.index(spec.get("round_aggregation", "score_each_round")),
        format_func=lambda a: T(f"agg_{a}"), horizontal=True)


def weights_editor(state: dict) -> None:
    spec = state["spec"]
    reward = spec["reward"]
    objectives = ui.objective_names(framework_id)
    weights = spec.get("objective_weights") or {}
    if st.toggle(T("weight_by_objective"), value=bool(weights), key=f"wi_objw_on_{gen}"):
        cols = st.columns(len(objectives))
        start_pct = {str(o): 100 * float(weights[str(o)]) if weights else round(100 / len(objectives), 2)
                     for o in objectives}
        spec["objective_weights"] = {
            str(o): cols[i].number_input(label, 0.0, 100.0, start_pct[str(o)], step=5.0,
                                         key=f"wi_objw_{o}_{gen}") / 100
            for i, (o, label) in enumerate(objectives.items())}
    else:
        spec["objective_weights"] = {}
    st.markdown(f"**{T('levels_title')}**")
    st.caption(T("levels_help"))
    cols = st.columns(5)
    reward["levels"] = [cols[k].number_input(T("level_n", n=k + 1), 0.0, 100.0, float(reward["levels"][k]),
                                             step=1.0, key=f"wi_level_{k}_{gen}") for k in range(5)]
    st.markdown(f"**{T('weights_title')}**")
    cols = st.columns(1 + len(reward["component_weights"]))
    reward["transparency_weight"] = cols[0].number_input(
        T("transparency_weight"), 0.0, 100.0, reward["transparency_weight"] * 100, step=1.0,
        key=f"wi_tw_{gen}") / 100
    reward["component_weights"] = {
        c: cols[i + 1].number_input(labels.component_label(c, ui.lang()),
                                    0.0, 100.0, w * 100, step=1.0, key=f"wi_cw_{c}_{gen}") / 100
        for i, (c, w) in enumerate(reward["component_weights"].items())}


def tiers_editor(state: dict) -> None:
    reward = state["spec"]["reward"]
    reward["tier_basis"] = st.radio(T("tier_basis"), TIER_BASES, key=f"wi_basis_{gen}",
                                    index=TIER_BASES.index(reward.get("tier_basis", "overall_score")),
                                    format_func=lambda b: T(f"basis_{b}"), horizontal=True)
    st.caption(T("tiers_help"))
    tiers = []
    for i, tier in enumerate(reward["tiers"]):
        a, b, c = st.columns([1, 2, 2])
        tiers.append({
            "tier": a.text_input(T("col_tier"), tier["tier"], key=f"wi_tier_{i}_name_{gen}"),
            "min_value": b.number_input(T("col_min_value"), value=float(tier["min_value"]), step=0.1,
                                        key=f"wi_tier_{i}_min_{gen}"),
            "multiplier": c.number_input(T("col_multiplier"), 0.0, 10.0, float(tier["multiplier"]), step=0.1,
                                         key=f"wi_tier_{i}_mult_{gen}"),
        })
    reward["tiers"] = tiers
    reward["pool_baht"] = st.number_input(T("pool_baht"), 0.0, value=float(reward.get("pool_baht", 0)),
                                          step=1_000_000.0, key=f"wi_pool_{gen}", format="%.0f")


EDITORS = {"rules": rules_editor, "weights": weights_editor, "tiers": tiers_editor, "share": None}


@st.fragment
def scenario() -> None:
    """The draft's editors and its results. A change in them (a cut-off, a weight, a rule) reruns this part only,
    not the frame and the starting points above it; saving or importing a scenario reruns the whole page.

    One editor is drawn at a time (each widget sent costs the browser; a tab's are drawn all the same): the
    draft's values live in the session (`wi_draft_<generation>`), outside the widgets, so an editor not shown
    keeps what was typed in it, and reopening one starts its widgets from the draft."""
    state = st.session_state.setdefault(f"wi_draft_{gen}", {
        "spec": json.loads(json.dumps(starts[start])), "rules": whatif.rules_table(starts[start])})
    editor = ui.choose("wi_editor", {k: T(f"tab_{k}") for k in EDITORS})
    if EDITORS[editor]:
        EDITORS[editor](state)
    draft = json.loads(json.dumps(state["spec"]))
    reward = draft["reward"]
    problems: list[str] = []
    try:
        draft = whatif.apply_rules_table(draft, state["rules"])
        reward = draft["reward"]
    except RulesetError as exc:
        problems += exc.text(ui.lang()).splitlines()

    # Validate the whole draft: a ruleset with problems is never applied.
    scenario = None
    if not problems:
        try:
            scenario = parse_ruleset(draft, indicators, source=T("draft"))
        except RulesetError as exc:
            problems += exc.text(ui.lang()).splitlines()
    if problems:
        st.error(T("invalid_rules") + "\n\n" + "\n".join(f"- {p}" for p in problems), icon=":material/block:")

    base_spec = official if base_key == "preset:official" else saved_specs[base_key]
    base = ui.scores(json.dumps(base_spec, ensure_ascii=False), fy)
    if base.empty:
        st.warning(T("no_results_year", fy=fy))
        st.stop()

    if editor == "share":
        left, right = st.columns(2)
        with left:
            st.markdown(f"**{T('import_ruleset')}**")
            upload = st.file_uploader(T("import_ruleset_help"), type=["json"], key=f"wi_import_{gen}")
            if upload is not None:
                try:
                    loaded = read_ruleset_bytes(upload.getvalue(), indicators, upload.name)
                    if loaded.framework_id != framework_id:
                        st.error(T("import_wrong_framework", got=loaded.framework_id, want=framework_id))
                    elif st.button(T("use_imported"), key=f"wi_use_{gen}"):
                        st.session_state["wi_custom"] = (upload.name, loaded.spec)
                        st.session_state["wi_start"] = "custom"
                        new_generation()
                        st.rerun()
                except RulesetError as exc:
                    st.error(exc.text(ui.lang()))
        with right:
            st.markdown(f"**{T('save_scenario')}**")
            if "wi_flash" in st.session_state:
                st.success(st.session_state.pop("wi_flash"))
            name = st.text_input(T("scenario_name"), key=f"wi_name_{gen}")
            why = st.text_area(T("scenario_description"), height=80, key=f"wi_why_{gen}")
            st.caption(T("acting_as", email=ui.user().email))
            if st.button(T("save"), disabled=scenario is None, key=f"wi_save_{gen}", icon=":material/save:"):
                try:
                    ui.write(save_scenario, name=name, description=why, framework_id=framework_id,
                             spec_json=json.dumps(draft, ensure_ascii=False), existing=ui.query("scenarios_by_name"))
                    st.session_state["wi_flash"] = T("saved", name=name.strip())
                    st.rerun()   # so the lists of starting points and baselines offer it at once
                except MessageError as exc:   # a name taken or missing, the database busy
                    st.error(exc.text(ui.lang()))

        st.markdown(f"**{T('adopt_title')}**")
        st.caption(T("adopt_help"))
        if not saved_specs:
            st.caption(T("adopt_none_saved"))
        elif st.toggle(T("adopt_open"), key="wi_adopt_open"):
            a, b = st.columns(2)
            chosen = a.selectbox(T("adopt_scenario"), list(saved_specs), key="wi_adopt_name", format_func=start_label)
            adopt_years = configuration.adoption_years(ui.CACHED, framework_id)
            from_fy = b.selectbox(T("adopt_from"), adopt_years, key="wi_adopt_fy", format_func=lambda y: T("fy_label", fy=y))
            plan = configuration.adopt_scenario(ui.db(), saved_specs[chosen], int(from_fy), start_label(chosen))
            if plan.problems:
                st.error("\n".join(f"- {p.text(ui.lang())}" for p in plan.problems))
            else:
                st.write(T("adopt_summary", frameworks=plan.summary["frameworks_added"],
                           indicators=plan.summary["indicators_added"], rescored=f"{plan.summary['results_rescored']:,}"))
                c1, c2, c3 = st.columns([2, 2, 1], vertical_alignment="bottom")
                c1.caption(T("acting_as", email=ui.user().email))
                why = c2.text_input(T("config_reason"), key="wi_adopt_why")
                rescore = True
                if plan.summary["results_rescored"]:
                    rescore = st.checkbox(T("config_rescore_confirm"), key="wi_adopt_rescore")
                if c3.button(T("adopt_go"), disabled=not (why.strip() and rescore), key="wi_adopt_go"):
                    try:
                        version = ui.write(apply_configuration, plan, reason=why, rescore=rescore)
                        st.session_state["wi_flash"] = T("config_applied", version=version)
                        st.rerun()
                    except MessageError as exc:
                        st.error(exc.text(ui.lang()))

    if scenario is None:
        st.stop()

    result = ui.scores(json.dumps(draft, ensure_ascii=False), fy)
    comparison = ui.with_names(scoring.compare(
        base, result, (base_spec["reward"]["transparency_weight"], draft["reward"]["transparency_weight"])))
    moves = scoring.who_moves(comparison)
    summary = scoring.summary(comparison)

    st.header(T("whatif_results", period=T("fy_label", fy=fy)))
    base_basis = base_spec["reward"].get("tier_basis", "overall_score")
    if reward["tier_basis"] != base_basis:
        st.info(T("whatif_basis_changed", base=T(f"basis_{base_basis}"), scenario=T(f"basis_{reward['tier_basis']}")),
                icon=":material/swap_vert:")
    m = st.columns(5)
    m[0].metric(T("metric_units_scored"), formats.count(summary["units"]), border=True)
    m[1].metric(T("metric_tier_changes"), formats.count(summary["tier_changes"]), border=True)
    m[2].metric(T("metric_gainers"), formats.count(summary["gainers"]), border=True)
    m[3].metric(T("metric_losers"), formats.count(summary["losers"]), border=True)
    m[4].metric(T("metric_money_moved"), f"{summary['money_moved_baht'] / 1e6:,.2f}",
                help=f"{summary['money_moved_baht']:,.2f}", border=True)
    ui.how_computed(T("whatif_how"))

    cols = {"unit_code": "col_unit_code", "unit_name": "col_unit", "tier_base": "col_tier_base",
            "tier_scenario": "col_tier_scenario", "rank_overall_base": "col_rank_base",
            "rank_overall_scenario": "col_rank_scenario", "rank_change": "col_rank_change",
            "score_pct_base": "col_score_base", "score_pct_scenario": "col_score_scenario",
            "reward_score_scenario": "col_reward_score", "overall_score_base": "col_overall_base",
            "overall_score_scenario": "col_overall_scenario", "other_components_scenario": "col_other_components",
            "overall_score_change": "col_overall_change", "reward_baht_change": "col_money_change"}

    def shift() -> None:
        drawn = analytics.largest_changes(comparison, "reward_baht", me)
        if len(drawn) < len(comparison):
            st.caption(T("shift_largest", n=15, shown=f"{len(drawn):,}", of=f"{len(comparison):,}"))
        ui.chart(charts.slope(drawn, "reward_baht", names, me, T("baseline"), T("scenario"), T("col_reward_baht")),
                 "slope", comparison[["unit_code", "unit_name", "tier_base", "tier_scenario", "reward_baht_base",
                                      "reward_baht_scenario"]], f"whatif_shift_{fy}")

    def tiers() -> None:
        ui.chart(charts.tiers_before_after(comparison, T("baseline"), T("scenario"), T("col_tier"),
                                           T("col_num_units")), "tiers")

    def who_moves() -> None:
        a, b = st.columns(2)
        with a:
            st.markdown(f"**{T('tier_changes')}** ({len(moves['tier_changes']):,})")
            ui.paged_table(moves["tier_changes"], {k: cols[k] for k in (
                "unit_code", "unit_name", "tier_base", "tier_scenario", "overall_score_change", "reward_baht_change")},
                "tier_changes", file_name=f"whatif_tier_changes_{fy}", half=True)
        with b:
            st.markdown(f"**{T('rank_moves')}**")
            ui.paged_table(moves["rank_moves"], {k: cols[k] for k in (
                "unit_code", "unit_name", "rank_overall_base", "rank_overall_scenario", "rank_change")},
                "rank_moves", file_name=f"whatif_rank_moves_{fy}", half=True)

    def all_units() -> None:
        st.caption(T("whatif_rank_help"))
        ui.paged_table(comparison, cols, "comparison", file_name=f"whatif_comparison_{fy}")
        e1, e2 = st.columns(2)
        e1.download_button(T("export_scenario_xlsx"), on_click="ignore", icon=":material/table_view:",
                           data=lambda: whatif.workbook(draft, ui.shown(comparison, cols), ui.lang()),
                           file_name=f"whatif_{fy}.xlsx", key=f"wi_export_{gen}",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        e2.download_button(T("export_ruleset_json"), on_click="ignore", icon=":material/data_object:",
                           data=lambda: spec_json(draft).encode("utf-8"), file_name=f"{draft['ruleset_code']}.json",
                           mime="application/json", key=f"wi_json_{gen}")

    # the results one view at a time (each chart or table sent costs the browser 0.1-0.3 s), under its name
    views = {"shift": (T("shift_short"), T("shift_title"), shift),
             "tiers": (T("tiers_short"), T("distribution_before_after"), tiers),
             "who_moves": (T("who_moves"), T("who_moves"), who_moves),
             "all_units": (T("all_units"), T("all_units"), all_units)}
    view = ui.choose("wi_view", {k: short for k, (short, _, _) in views.items()}, "chart_shown")
    st.subheader(views[view][1])
    views[view][2]()


scenario()
