"""บันทึกการเปลี่ยนแปลง / Audit trail: every change, who made it and when, from which page or the command
line, what it touched and why; to browse and export (secretariat)."""
import streamlit as st

import ui

T = ui.translator()

st.title(T("audit_title"))
ui.demo_banner()
st.caption(T("audit_help"))
entries = ui.query("audit_log_by_id")
a, b = st.columns(2)
actors = sorted(set(entries["actor"]))
actions = sorted(set(entries["action"]))
who = a.multiselect(T("audit_actor"), actors, key="audit_actor", placeholder=T("audit_all"))
what = b.multiselect(T("audit_action"), actions, key="audit_action", placeholder=T("audit_all"),
                     format_func=lambda n: T(f"action_{n}"))
shown = entries[entries["actor"].isin(who or actors) & entries["action"].isin(what or actions)]
shown = shown.assign(action_name=[T(f"action_{n}") for n in shown["action"]],
                     role_name=[T(f"role_{r}") for r in shown["role"]],
                     source_name=[s[5:] if s.startswith("page:") else T(f"source_{s}") for s in shown["source"]])
ui.table(shown, {"audit_id": "col_audit_id", "acted_at": "col_when", "actor": "col_actor", "role_name": "col_role",
                 "source_name": "col_source", "action_name": "col_action", "fiscal_year": "col_fiscal_year",
                 "inspection_round": "col_round", "batch_id": "col_batch", "scenario_id": "col_scenario",
                 "configuration_version": "col_config_version", "subject": "col_subject", "reason": "col_reason",
                 "detail": "col_detail"}, "audit", file_name="audit_trail", draft=False)
