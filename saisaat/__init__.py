"""ใสสะอาด (Sai Sa-at): the logic of the transparency-indicator dashboard.

Nothing in this package imports streamlit; the pages in ../pages lay out what it computes.
"""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
QUERIES_DIR = ROOT / "queries"
