"""ผู้ใช้และสิทธิ์ / Users and roles: who may sign in and as what, managed by the secretariat; and what
each role may do (from saisaat/auth.py, the one table the writes check)."""
import pandas as pd
import streamlit as st

import ui
from saisaat import auth, store
from saisaat.db import DatabaseBusy
from saisaat.i18n import MessageError

T = ui.translator()

st.title(T("users_title"))
ui.demo_banner()
st.caption(T("users_help"))
if "users_flash" in st.session_state:
    st.success(st.session_state.pop("users_flash"))

users = ui.query("users_by_email")
shown = users.assign(role_name=[T(f"role_{r}") for r in users["role"]])
ui.table(shown, {"email": "user_email", "role_name": "user_role", "unit_codes": "user_units",
                 "own_drafts": "user_own_drafts", "added_at": "col_added_at", "added_by": "col_added_by"},
         "users", file_name="users", draft=False)

unit_codes = ui.units()["unit_code"].tolist()
left, right = st.columns(2)
with left:
    st.subheader(T("user_add"))
    with st.form("user_form", border=True):
        email = st.text_input(T("user_email"), key="user_email")
        role = st.selectbox(T("user_role"), auth.ROLES, format_func=lambda r: T(f"role_{r}"), key="user_role")
        units = st.multiselect(T("user_units"), unit_codes, format_func=ui.unit_option(), key="user_units")
        own = st.checkbox(T("user_own_drafts"), key="user_own_drafts")
        st.caption(T("acting_as", email=ui.user().email))
        if st.form_submit_button(T("user_save"), type="primary"):
            change = auth.normal_email(email) in set(users["email"])
            try:
                ui.write(store.save_user, email, role, units, own, change=change)
                st.session_state["users_flash"] = T("user_saved", email=auth.normal_email(email))
                st.rerun()
            except (MessageError, DatabaseBusy) as exc:
                st.error(exc.text(ui.lang()))
with right:
    st.subheader(T("user_remove"))
    if len(users):
        gone = st.selectbox(T("user_email"), users["email"].tolist(), key="user_remove")
        if st.button(T("user_remove_go"), key="user_remove_go", icon=":material/person_remove:"):
            try:
                ui.write(store.remove_user, gone)
                st.session_state["users_flash"] = T("user_removed", email=gone)
                st.rerun()
            except (MessageError, DatabaseBusy) as exc:
                st.error(exc.text(ui.lang()))

st.subheader(T("roles_table"))
marks = {"all": "✓", "own": T("user_units"), "": ""}
label = {"page": "page_{}", "read": "read_{}", "action": "action_{}"}
ui.table(pd.DataFrame([{"what": T(label[kind].format(name)), **{r: marks[v] for r, v in roles.items()}}
                       for kind, name, roles in auth.permission_rows()]),
         {"what": "col_page", **{r: f"role_{r}" for r in auth.ROLES}}, "roles", file_name="roles", draft=False)
