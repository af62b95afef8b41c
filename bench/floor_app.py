"""The floor for page speed: a Streamlit page with one Plotly chart and nothing else
(scripts/benchmark_browser.py times it beside the app's pages, in the same run)."""
import plotly.graph_objects as go
import streamlit as st

st.title("Floor")
st.plotly_chart(go.Figure(go.Bar(x=list("abcdefghij"), y=list(range(10)))), key="floor_chart")
