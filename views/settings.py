"""ค่ากำหนด / Settings: the organisation's configuration as one workbook (download, edit, upload,
check, preview, apply), and its history with undo."""
import streamlit as st

import ui
from saisaat import configuration, importer, labels
from saisaat.i18n import MessageError
from saisaat.store import apply_configuration, undo_configuration

T = ui.translator()
lang = ui.lang()

st.title(T("settings_title"))
ui.demo_banner()
if "settings_flash" in st.session_state:
    st.success(st.session_state.pop("settings_flash"))


def workbook_section() -> None:
    st.caption(T("config_help"))
    st.download_button(T("config_download"), icon=":material/download:", on_click="ignore",
                       data=lambda: configuration.export_workbook(configuration.current(ui.db())),
                       file_name="saisaat_configuration.xlsx", key="config_download",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    upload_key = f"config_file_{st.session_state.get('config_n', 0)}"   # a new key empties the uploader
    upload = st.file_uploader(T("config_upload"), type=["xlsx"], key=upload_key)
    if upload is not None:
        with st.spinner(T("working_checking", file=upload.name)):
            plan = configuration.plan_configuration(ui.db(), upload.getvalue(), upload.name)
        if plan.problems:
            st.error(T("config_refused", n=len(plan.problems)), icon=":material/block:")
            ui.table(importer.problems_frame(plan.problems, lang),
                     {"sheet": "col_sheet", "row": "col_row", "column": "col_column", "value": "col_value_raw",
                      "problem": "col_problem"}, "config_problems", file_name=f"problems_{upload.name}")
        elif not plan.has_changes:
            st.info(T("config_no_changes"), icon=":material/check:")
        else:
            s = plan.summary
            c = st.columns(4)
            c[0].metric(T("metric_units_changed"),
                        f"+{s['units_added']:,} · {s['units_renamed']:,} · −{s['units_retired']:,}",
                        help=T("metric_units_changed_help"), border=True)
            c[1].metric(T("metric_indicators_changed"), f"+{s['indicators_added']:,} · {s['indicators_reworded']:,}",
                        help=T("metric_indicators_changed_help"), border=True)
            c[2].metric(T("metric_frameworks_added"), f"{s['frameworks_added']:,}", border=True)
            c[3].metric(T("metric_results_rescored"), f"{s['results_rescored']:,}", border=True)
            st.markdown(f"**{T('config_preview')}**")
            ui.table(configuration.changes_frame(plan, lang),
                     {"part": "col_part", "change": "col_change", "key": "col_key", "detail": "col_detail"},
                     "config_changes", height=320, file_name="configuration_changes")
            rescore, reason = False, st.text_input(T("config_reason"), key="config_reason")
            if s["results_rescored"]:
                st.warning(T("config_rescore_warning", n=f"{s['results_rescored']:,}"), icon=":material/warning:")
                rescore = st.checkbox(T("config_rescore_confirm"), key="config_rescore")
            st.caption(T("acting_as", email=ui.user().email))
            ready = not s["results_rescored"] or (rescore and reason.strip())
            if st.button(T("config_apply"), type="primary", disabled=not ready, key="config_apply"):
                try:
                    with st.spinner(T("working_configuring")):
                        version = ui.write(apply_configuration, plan, reason=reason, rescore=rescore)
                    st.session_state["settings_flash"] = T("config_applied", version=version)
                    st.session_state["config_n"] = st.session_state.get("config_n", 0) + 1
                    st.rerun()
                except MessageError as exc:
                    st.error(exc.text(lang))


def history_section() -> None:
    versions = ui.query("configuration_versions_by_id").sort_values("version_id", ascending=False)
    versions["applied_by"] = versions["applied_by"].map(lambda by: labels.actor(by, lang))
    ui.table(versions, {"version_id": "col_version", "applied_at": "col_when", "applied_by": "col_who",
                        "reason": "col_reason", "file_name": "col_file", "undoes": "col_undoes",
                        "rescore_batch": "col_rescore_batch"}, "config_versions", file_name="configuration_history")
    if len(versions) > 1:
        latest = int(versions["version_id"].max())
        st.markdown(f"**{T('config_undo_title', version=latest)}**")
        a, b, c = st.columns([2, 2, 1], vertical_alignment="bottom")
        a.caption(T("acting_as", email=ui.user().email))
        why = b.text_input(T("config_reason"), key="config_undo_reason")
        if c.button(T("config_undo"), key="config_undo_go"):
            try:
                plan = configuration.plan_undo(ui.db(), latest)
                if plan.problems:
                    st.error("\n".join(f"- {p.text(lang)}" for p in plan.problems))
                else:
                    new = ui.write(undo_configuration, plan, latest, reason=why)
                    st.session_state["settings_flash"] = T("config_undone", version=latest, new=new)
                    st.rerun()
            except MessageError as exc:
                st.error(exc.text(lang))


ui.section_choice("settings_section", {"workbook": (T("tab_config_workbook"), workbook_section),
                                       "history": (T("tab_config_history"), history_section)})
