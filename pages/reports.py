"""รายงาน / Reports (built with the secretariat issue)."""
import streamlit as st

import ui

ui.require_frame()
T = ui.translator()
st.title(T("page_reports"))
ui.demo_banner()
st.info(T("coming_soon", what=T("reports_soon")), icon=":material/construction:")
