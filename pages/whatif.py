"""จำลองการคิดคะแนน / What-if scoring (built with the scoring-engine issue)."""
import streamlit as st

import ui

ui.require_frame()
T = ui.translator()
st.title(T("page_whatif"))
ui.demo_banner()
st.info(T("coming_soon", what=T("whatif_soon")), icon=":material/construction:")
