"""ข้อมูล / Data: what the database holds (import, history and backups come with the import issue)."""
import streamlit as st

import ui

ui.require_frame()
T = ui.translator()
st.title(T("page_data"))
ui.demo_banner()
st.info(T("coming_soon", what=T("data_soon")), icon=":material/construction:")

st.subheader(T("data_summary"))
years = ui.query("fiscal_years_by_status")
ui.table(years, {"fiscal_year": "col_fiscal_year", "num_results": "col_num_received",
                 "num_units_reported": "col_num_units"}, "years", file_name="fiscal_years")
st.subheader(T("data_batches"))
st.dataframe(ui.query("import_batches_by_id"), hide_index=True)
