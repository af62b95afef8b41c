"""ข้อมูล / Data: import inspection results (checked, previewed, all or nothing), the import history
with undo, publication of each period, templates, and full export / restore of the database. Each part
is offered to the roles that may use it (saisaat/auth.py); every write checks the role again."""
from datetime import datetime

import streamlit as st

import ui
from saisaat import auth, backup, import_templates, importer, labels, store
from saisaat.db import DatabaseBusy
from saisaat.i18n import Message, MessageError, period_label

T = ui.translator()
fy, rnd = ui.fiscal_year(), ui.inspection_round() or 1
user = ui.user()
periods = ui.periods()
published = {(int(a), int(b)) for a, b, ok in zip(periods["fiscal_year"], periods["inspection_round"],
                                                  periods["is_published"]) if ok}

st.title(T("data_title"))
ui.demo_banner()
if "data_flash" in st.session_state:
    st.success(st.session_state.pop("data_flash"))


def import_tab() -> None:
    st.caption(T("import_help"))
    upload_key = f"import_file_{st.session_state.get('import_n', 0)}"   # a new key empties the uploader
    upload = st.file_uploader(T("import_file"), type=["xlsx", "csv"], key=upload_key)
    if upload is None:
        return
    with st.spinner(T("working_checking", file=upload.name)):
        plan = importer.plan_import(ui.db(), upload.getvalue(), upload.name)
    units = sorted(set(plan.rows["unit_code"])) if "unit_code" in plan.rows else []
    foreign = [u for u in units if not auth.may(user, "import", u)]
    if foreign:   # an inspector's file with other units' rows: refused before any stored value is shown
        st.error(Message("auth_not_your_unit", unit=", ".join(foreign), action=Message("action_import")).text(ui.lang()),
                 icon=":material/lock:")
        return
    c = st.columns(6)
    c[0].metric(T("metric_rows_read"), f"{len(plan.rows):,}", border=True)
    c[1].metric(T("metric_added"), f"{len(plan.added):,}", border=True)
    c[2].metric(T("metric_replaced"), f"{len(plan.replaced):,}", border=True)
    c[3].metric(T("metric_unchanged"), f"{len(plan.unchanged):,}", border=True)
    c[4].metric(T("metric_skipped"), f"{plan.empty:,}", help=T("metric_skipped_help"), border=True)
    c[5].metric(T("metric_not_applicable"), f"{len(plan.not_applicable):,}", help=T("metric_not_applicable_help"),
                border=True)
    st.caption(T("import_read_as", sheet=plan.sheet or "—", layout=T(f"layout_{plan.layout}") if plan.layout else "—",
                 encoding=plan.encoding or "—", sha=plan.sha256[:12]))
    ignore = False
    if plan.unknown_columns:   # dropped only by an explicit choice, for this file only
        ignore = st.checkbox(T("import_ignore_columns", n=len(plan.unknown_columns)), help=T("import_ignore_help"),
                             key=f"import_ignore_{plan.sha256[:16]}")
    replace, reason = False, ""
    if len(plan.replaced) and not plan.problems:
        st.warning(T("replace_warning", n=len(plan.replaced)), icon=":material/warning:")
        replace = st.checkbox(T("replace_confirm"), key="import_replace")
        reason = st.text_input(T("replace_reason"), key="import_reason") if replace else ""
    problems = importer.all_problems(plan, replace=replace, reason=reason, ignore_columns=ignore)
    if problems:
        st.error(T("import_refused", n=len(problems)), icon=":material/block:")
        ui.table(importer.problems_frame(problems, ui.lang()),
                 {"sheet": "col_sheet", "row": "col_row", "column": "col_column", "value": "col_value_raw",
                  "problem": "col_problem"}, "problems", file_name=f"problems_{upload.name}")
    incoming = [(int(a), int(b)) for frame in (plan.added, plan.replaced)
                for a, b in zip(frame["fiscal_year"], frame["inspection_round"])] if not problems else []
    into_published = sorted(set(incoming) & published)
    if into_published:   # the secretariat may; store refuses anyone else
        st.warning(T("import_into_published", periods=", ".join(period_label(a, b, ui.lang())
                                                                 for a, b in into_published)), icon=":material/public:")
    preview = {"added": plan.added, "replaced": plan.replaced, "unchanged": plan.unchanged,
               "not_applicable": plan.not_applicable}
    shown = [k for k, frame in preview.items() if len(frame)] + (["ignored"] if ignore else [])
    if shown:
        st.markdown(f"**{T('import_preview')}**")
        for tab, key in zip(st.tabs([T(f"preview_{k}") for k in shown]), shown):
            with tab:
                if key == "ignored":
                    st.markdown("\n".join(f"- {u.ignored().text(ui.lang())}" for u in plan.unknown_columns))
                    continue
                cols = {"excel_row": "col_row", "fiscal_year": "col_fiscal_year", "inspection_round": "col_round",
                        "unit_code": "col_unit_code", "indicator_code": "col_indicator_code"}
                if key == "not_applicable":
                    cols["excel_col"] = "col_column"
                else:
                    if key == "replaced":
                        cols["old_value"] = "col_old_value"
                    cols["value"] = "col_value"
                ui.table(preview[key], cols, f"preview_{key}",
                         height=300, file_name=f"preview_{key}", draft=False)
    if not problems:
        st.caption(T("acting_as", email=user.email))
        if st.button(T("import_commit", n=len(plan.added) + len(plan.replaced)), type="primary",
                     disabled=len(plan.added) + len(plan.replaced) == 0, key="import_go"):
            try:
                with st.spinner(T("working_saving", n=f"{len(plan.added) + len(plan.replaced):,}")):
                    batch = ui.write(importer.commit, plan, replace=replace, reason=reason, ignore_columns=ignore)
                st.session_state["data_flash"] = T("imported", batch=batch, n=len(plan.added) + len(plan.replaced))
                st.session_state["import_n"] = st.session_state.get("import_n", 0) + 1
                st.rerun()
            except (importer.ImportRefused, MessageError, DatabaseBusy) as exc:
                st.error(exc.text(ui.lang()))


def history_tab() -> None:
    batches = ui.query("import_batches_by_id").sort_values("batch_id", ascending=False)
    ui.table(labels.batch_history(batches, ui.lang()),
             {"batch_id": "col_batch", "source_label": "col_source", "file_name": "col_file",
              "imported_at": "col_when", "imported_by": "col_who", "num_added": "col_num_added",
              "num_replaced": "col_num_replaced", "num_unchanged": "col_num_unchanged",
              "replace_reason": "col_reason", "num_results": "col_num_results",
              "undone_at": "col_undone_at"}, "batches", file_name="import_history", draft=False)
    undoable = batches[(batches["source"] == "import") & batches["undone_at"].isna()]["batch_id"].tolist()
    if undoable and auth.may(user, "undo"):
        st.markdown(f"**{T('undo_title')}**")
        a, c = st.columns([3, 1], vertical_alignment="bottom")
        batch = a.selectbox(T("col_batch"), undoable, key="undo_batch")
        if c.button(T("undo"), key="undo_go", icon=":material/undo:"):
            try:
                ui.write(importer.undo, int(batch))
                st.session_state["data_flash"] = T("undone", batch=batch)
                st.rerun()
            except (MessageError, DatabaseBusy) as exc:
                st.error(exc.text(ui.lang()))


def publication_tab() -> None:
    st.caption(T("publication_help"))
    shown = periods.sort_values(["fiscal_year", "inspection_round"], ascending=False).assign(
        state=[T("published_mark") if p else T("draft_mark") for p in
               periods.sort_values(["fiscal_year", "inspection_round"], ascending=False)["is_published"]])
    ui.table(shown, {"fiscal_year": "col_fiscal_year", "inspection_round": "col_round", "state": "col_publication",
                     "num_results": "col_results_stored", "num_units_reporting": "col_units_reporting",
                     "published_at": "col_published_at", "published_by": "col_published_by"},
             "publications", file_name="publications", draft=False)
    label = lambda p: period_label(p[0], p[1], ui.lang())   # noqa: E731
    drafts = [(int(a), int(b)) for a, b, ok, n in zip(shown["fiscal_year"], shown["inspection_round"],
                                                      shown["is_published"], shown["num_results"]) if not ok and n]
    left, right = st.columns(2)
    with left:
        if drafts:
            period = st.selectbox(T("publish_period"), drafts, format_func=label, key="publish_period")
            if st.button(T("publish"), type="primary", key="publish_go", icon=":material/public:"):
                try:
                    ui.write(store.publish, *period)
                    st.session_state["data_flash"] = T("published_flash", period=label(period))
                    st.rerun()
                except (MessageError, DatabaseBusy) as exc:
                    st.error(exc.text(ui.lang()))
    with right:
        if published:
            period = st.selectbox(T("unpublish_period"), sorted(published, reverse=True), format_func=label,
                                  key="unpublish_period")
            why = st.text_input(T("unpublish_reason"), key="unpublish_reason")
            if st.button(T("unpublish"), disabled=not why.strip(), key="unpublish_go", icon=":material/unpublished:"):
                try:
                    ui.write(store.unpublish, *period, reason=why)
                    st.session_state["data_flash"] = T("unpublished_flash", period=label(period))
                    st.rerun()
                except (MessageError, DatabaseBusy) as exc:
                    st.error(exc.text(ui.lang()))


def template_tab() -> None:
    st.caption(T("template_help"))
    years = sorted(ui.query("fiscal_years")["fiscal_year"].tolist(), reverse=True)
    a, b, c = st.columns(3)
    t_fy = a.selectbox(T("fiscal_year"), years, index=years.index(fy), key="tpl_fy")
    t_round = b.selectbox(T("inspection_round"), [1, 2], index=rnd - 1, key="tpl_round",
                          format_func=lambda r: T(f"round_{r}"))
    layout = c.segmented_control(T("template_layout"), ["wide", "long"], default="wide", required=True,
                                 key="tpl_layout", format_func=lambda v: T(f"layout_{v}"))
    st.download_button(T("template_download"), icon=":material/download:", on_click="ignore",
                       data=lambda: import_templates.template(ui.db(), int(t_fy), int(t_round), layout, ui.lang()),
                       file_name=f"saisaat_template_{t_fy}_round{t_round}_{layout}.xlsx", key="tpl_download",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def backup_tab() -> None:
    st.caption(T("backup_help"))
    stamp = datetime.now().strftime("%Y%m%d-%H%M")
    a, b = st.columns(2)
    a.download_button(T("export_parquet"), data=lambda: backup.export_zip(ui.db()), on_click="ignore",
                      file_name=f"saisaat-export-{stamp}.zip", mime="application/zip", key="export_zip",
                      icon=":material/archive:")
    b.download_button(T("export_xlsx"), data=lambda: backup.export_xlsx(ui.db()), on_click="ignore",
                      file_name=f"saisaat-export-{stamp}.xlsx", key="export_xlsx", icon=":material/table_view:",
                      mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    if not auth.may(user, "restore"):
        return
    st.markdown(f"**{T('restore_title')}**")
    restore_key = f"restore_file_{st.session_state.get('restore_n', 0)}"
    restore_file = st.file_uploader(T("restore_file"), type=["zip"], key=restore_key)
    if restore_file is not None:
        try:
            with st.spinner(T("working_checking", file=restore_file.name)):
                tables = backup.read_export(restore_file.getvalue())
            st.info(T("restore_contents", results=f"{tables['results'].num_rows:,}",
                      batches=f"{tables['import_batches'].num_rows:,}"))
            if st.checkbox(T("restore_confirm"), key="restore_ok") and st.button(T("restore"), type="primary",
                                                                                  key="restore_go"):
                with st.spinner(T("working_restoring")):
                    ui.write(backup.restore_over, tables)
                ui.release_db()
                st.session_state["data_flash"] = T("restored")
                st.session_state["restore_n"] = st.session_state.get("restore_n", 0) + 1
                st.rerun()
        except (MessageError, DatabaseBusy) as exc:
            st.error(exc.text(ui.lang()))


parts = {"import": (auth.may(user, "import"), import_tab),
         "history": (auth.may_read(user, "import_history"), history_tab),
         "publication": (auth.may(user, "publish"), publication_tab),
         "template": (True, template_tab),
         "backup": (auth.may_read(user, "export_database"), backup_tab)}
ui.section_choice("data_section", {k: (T(f"tab_{k}"), draw) for k, (allowed, draw) in parts.items() if allowed})
