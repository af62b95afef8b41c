"""รายงาน / Reports: the cabinet / OCSC summary, unit report cards, the inspection calendar and plan
tracking, for the secretariat's November work. A unit user gets its own report card and the calendar."""

import pandas as pd
import streamlit as st

import ui
from saisaat import auth, documents, formats, plans, reports
from saisaat.db import DatabaseBusy, DatabaseError
from saisaat.fiscal import fiscal_year_of, format_date, format_day_entry, parse_day_entry, today
from saisaat.i18n import MessageError
from saisaat.store import record_plan_steps

T = ui.translator()
fy, me = ui.fiscal_year(), ui.unit_code()
lang = ui.lang()
user = ui.user()

st.title(T("reports_title", fy=fy))
ui.demo_banner()
ui.period_banner(fy, None)
draft = ui.view_is_draft(years=[fy])   # documents of a year with drafts are named as drafts
ui.incomplete_notice(fy)


def summary_tab() -> None:
    st.caption(T("summary_help"))
    doc_lang = st.segmented_control(T("doc_language"), ["th", "en"], default=lang, required=True,
                                    key="doc_lang", format_func=lambda c: T(f"lang_{c}"))
    summary = ui.cabinet_summary(fy, doc_lang)
    h = summary.headline
    if h.units_assessed == 0:
        st.warning(T("no_results_year", fy=fy))
    else:
        c = st.columns(4)
        c[0].metric(T("metric_units_assessed"), formats.count(h.units_assessed), border=True)
        c[1].metric(T("metric_mean", org=ui.as_text(ui.organisation()["org_short"])), formats.pct(h.mean_pct), border=True)
        c[2].metric(T("metric_median"), formats.pct(h.median_pct), border=True)
        c[3].metric(T("metric_at_target", target=f"{h.target_pct:g}"), formats.count(h.at_or_above_target), border=True)
        row = st.container(horizontal=True)
        stem = ui.draft_name(f"cabinet_summary_{fy}_{doc_lang}", draft)
        row.download_button(T("download_docx"), data=lambda: documents.summary_docx(summary), on_click="ignore",
                            file_name=f"{stem}.docx", key="sum_docx", icon=":material/description:", type="primary",
                            mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        row.download_button(T("download_pdf"), data=lambda: documents.summary_pdf(summary), on_click="ignore",
                            file_name=f"{stem}.pdf", key="sum_pdf", icon=":material/picture_as_pdf:",
                            mime="application/pdf")
        row.download_button(T("download_annex"), data=lambda: documents.summary_xlsx(summary), on_click="ignore",
                            file_name=f"{stem}_annex.xlsx", key="sum_xlsx", icon=":material/table_view:",
                            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        # a toggle, not an expander: an expander's tables are drawn while it is closed (about 0.1 s each)
        if st.toggle(T("summary_preview"), key="summary_preview"):
            for heading, blocks in documents.summary_sections(summary):
                st.markdown(f"**{ui.as_text(heading)}**")
                for block in blocks:
                    if isinstance(block, str) and block not in ("bands", "objective", "trend"):
                        st.markdown(ui.as_text(block))
                    elif isinstance(block, pd.DataFrame):
                        st.dataframe(block, hide_index=True, placeholder=ui.MISSING)


def cards_tab() -> None:
    st.caption(T("cards_help"))
    codes = [c for c in ui.units()["unit_code"].tolist() if auth.may_see_unit(user, c)]
    options = ui.unit_options("card_unit", codes, [st.session_state.get("card_unit", me)])
    unit = st.selectbox(T("unit"), options, index=options.index(me) if me in options else 0, key="card_unit",
                        format_func=ui.unit_option())
    demo = ui.is_demo()
    card = ui.report_card(fy, lang, unit)
    row = st.container(horizontal=True)
    row.download_button(T("card_one"), on_click="ignore", icon=":material/picture_as_pdf:", type="primary",
                        data=lambda: documents.cards_pdf([card], fy, lang, demo),
                        file_name=ui.draft_name(f"report_card_{fy}_{unit}.pdf", draft), mime="application/pdf",
                        key="card_pdf")
    if auth.may_read(user, "all_report_cards"):
        ready = st.session_state.get("cards_zip")
        if ready and ready[0] == (fy, lang, ui.data_version()):
            row.download_button(T("card_all"), on_click="ignore", icon=":material/folder_zip:", data=ready[1],
                                file_name=ui.draft_name(f"report_cards_{fy}_{lang}.zip", draft), mime="application/zip",
                                key="card_zip")
        elif row.button(T("card_all_prepare", n=f"{len(codes):,}"), icon=":material/folder_zip:", key="card_zip_go"):
            bar = st.progress(0.0, text=T("card_all_scoring"))
            # each rendering's cards are prepared as it is handed to a worker: the bar moves from the first one
            total, cards = reports.report_cards_one_by_one(ui.viewer_db(), fy, lang)
            data = documents.cards_zip(cards, fy, lang, demo, total=total, progress=lambda done, n: bar.progress(
                done / n, text=T("card_all_progress", done=f"{done:,}", total=f"{n:,}")))
            st.session_state["cards_zip"] = ((fy, lang, ui.data_version()), data)
            st.rerun()
    c = st.columns(3)
    c[0].metric(T("metric_score"), formats.pct(card.score_pct), border=True)
    c[1].metric(T("metric_rank"), formats.count(card.standing.rank) if card.standing.rank else "—",
                delta=T("metric_units_assessed_of", n=formats.count(card.standing.of)) if card.standing.rank else None,
                delta_color="off", delta_arrow="off", border=True)
    c[2].metric(T("metric_own_previous", fy=fy - 1), formats.pct(card.previous_pct),
                delta=None if card.change_pct is None else formats.number(card.change_pct, "pct", signed=True),
                border=True)


def cycle_tab() -> None:
    now = today()
    st.header(T("cycle_title", fy=fy))
    st.caption(T("cycle_today", date=format_date(now, lang)) + " · " + T("cycle_derived"))
    ui.cycle_chart(fy, now, "cycle_calendar")
    table = reports.cycle_table(ui.CACHED, fy, now, lang)
    ui.table(table, {"step": "col_step", "when": "col_when_period", "state": "col_state", "detail": "col_detail"},
             "cycle_status", file_name=f"inspection_cycle_{fy}", draft=False)


def plans_tab() -> None:
    st.caption(T("plans_help"))
    a, b, c = st.columns(3)
    kind = a.segmented_control(T("plan_kind"), list(plans.PLAN_KINDS), default="action", required=True,
                               key="plan_kind", format_func=lambda k: T(f"plan_{k}"))
    years = plans.plan_years(ui.query("fiscal_years")["fiscal_year"], kind)
    now_fy = fiscal_year_of(today())   # plans are watched for the year under way
    current = plans.strategic_start(now_fy) if kind == "strategic" else now_fy
    plan_year = b.selectbox(T("plan_year"), years, index=years.index(current) if current in years else 0,
                            key=f"plan_year_{kind}",
                            format_func=lambda y: f"{y}–{y + 3}" if kind == "strategic" else str(y))
    late_only = c.toggle(T("late_only"), key="late_only")
    recorded = ui.query("plan_steps_by_unit")
    status = ui.plan_status(kind, plan_year)
    counts = plans.status_counts(status)
    m = st.columns(3)
    m[0].metric(T("metric_plans_done"), f"{counts['done']:,} / {counts['units']:,}", border=True)
    m[1].metric(T("metric_plans_late"), f"{counts['late']:,}", border=True)
    m[2].metric(T("metric_plans_done_late"), f"{counts['done_late']:,}", border=True)
    shown = status[status["is_late"]] if late_only else status
    cols = {"unit_code": "col_unit_code", "unit_name": "col_unit", "reached_text": "col_reached"}
    cols |= {s: f"plan_step_{s}" for s in plans.STEPS}
    cols |= {"overdue_text": "col_overdue", "late_text": "col_done_late"}
    ui.paged_table(shown, cols, "plan_status", file_name=f"plan_{kind}_{plan_year}", draft=False)
    if auth.may(user, "record_plan_steps"):
        record_steps(kind, plan_year, recorded)
    plan_structure()


def record_steps(kind: str, plan_year: int, recorded: pd.DataFrame) -> None:
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{T('record_step')}**")
        options = ui.unit_options("plan_unit", ui.units()["unit_code"].tolist(), [])   # its search outside the form
        with st.form("plan_record", border=True):
            unit = st.selectbox(T("unit"), options, format_func=ui.unit_option())
            step = st.selectbox(T("plan_step"), list(plans.STEPS), format_func=lambda s: T(f"plan_step_{s}"))
            done_text = st.text_input(T("plan_done_on"), value=format_day_entry(today(), lang),
                                      help=T("plan_done_on_help"), placeholder=T("plan_done_on_help"))
            st.caption(T("acting_as", email=user.email))
            if st.form_submit_button(T("save")):
                try:
                    done_on = parse_day_entry(done_text)
                except ValueError:
                    done_on = None
                row = pd.DataFrame([{"unit_code": unit, "plan_kind": kind, "plan_year": int(plan_year), "step": step,
                                     "done_on": done_on}])
                problems = plans.check_steps(row, set(ui.units()["unit_code"]), recorded)
                if done_on is None:
                    st.error(T("plan_date_typed_bad"))
                elif problems:
                    st.error("\n".join(f"- {p.text(lang)}" for p in problems))
                else:
                    try:
                        ui.write(record_plan_steps, row)
                        st.success(T("step_recorded"))
                    except (DatabaseError, DatabaseBusy, MessageError) as exc:
                        st.error(str(exc))
    with right:
        st.markdown(f"**{T('import_steps')}**")
        st.caption(T("import_steps_help"))
        upload = st.file_uploader(T("import_steps_file"), type=["csv"], key="plan_csv")
        if upload is not None:
            frame = plans.parse_csv(upload.getvalue())
            missing = {"unit_code", "plan_kind", "plan_year", "step", "done_on"} - set(frame.columns)
            problems = [] if missing else plans.check_steps(frame, set(ui.units()["unit_code"]), recorded, upload.name)
            if missing:
                st.error(T("steps_missing_columns", columns=", ".join(sorted(missing))))
            elif problems:
                st.error(T("import_refused", n=len(problems)) + "\n\n" + "\n".join(f"- {p.text(lang)}" for p in problems))
            elif st.button(T("import_commit", n=len(frame)), key="plan_csv_go"):
                ui.write(record_plan_steps, frame)
                st.success(T("step_recorded"))


def plan_structure() -> None:
    st.header(T("plan_structure"))
    framework_id = ui.framework_of(fy)
    structure = plans.plan_structure()
    structure = structure[structure["framework_id"] == framework_id]
    responsibility = reports.responsibility(ui.CACHED, framework_id, lang)
    text_col = "text_th" if lang == "th" else "text_en"
    for objective_no, label in ui.objective_names(framework_id).items():
        with st.expander(f"{T('objective')} {ui.as_text(label)}"):
            part = structure[structure["objective_no"] == objective_no]
            for kind_key in ("target", "strategy"):
                items = part[part["part"] == kind_key][text_col].tolist()
                if items:
                    st.markdown(f"**{T('structure_' + kind_key)}**\n" + "\n".join(f"- {x}" for x in items))
            inds = responsibility[responsibility["objective_no"] == objective_no]
            st.markdown(f"**{T('structure_indicators')}**")
            st.dataframe(inds.drop(columns="objective_no").rename(
                columns={"indicator_code": T("col_indicator_code"), "indicator": T("col_indicator"),
                         "measure": T("col_measure")}), hide_index=True, placeholder=ui.MISSING)


parts = {"summary": (auth.may_read(user, "cabinet_summary"), summary_tab), "cards": (True, cards_tab),
         "cycle": (True, cycle_tab), "plans": (auth.may_read(user, "plan_tracking"), plans_tab)}
ui.section_choice("reports_section", {k: (T(f"tab_{k}"), draw) for k, (allowed, draw) in parts.items() if allowed})
