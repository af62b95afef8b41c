#!/usr/bin/env bash
# Run the dashboard. On a fresh machine this installs the Python packages first; with no database
# yet, the app builds the synthetic demo database (data/saisaat.duckdb) on first start.
#   ./run.sh                 → http://localhost:8501
#   SAISAAT_DB=path ./run.sh → another database file
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
"$PY" -m pip install -q --disable-pip-version-check -r requirements.txt
# Thai glyphs in the browser come from the viewer's own fonts; this only matters on a headless box.
exec "$PY" -m streamlit run app.py --browser.gatherUsageStats false "$@"
