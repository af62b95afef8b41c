#!/usr/bin/env bash
# Run the dashboard. On a fresh machine this installs the Python packages first; with no database
# yet, the app builds the synthetic demo database (data/saisaat.duckdb) on first start.
#   ./run.sh                 → http://127.0.0.1:8501 (local mode: no sign-in, this computer only)
#   SAISAAT_DB=path ./run.sh → another database file
#   with [auth] in .streamlit/secrets.toml: sign-in through the organisation's identity provider (README)
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
"$PY" -m pip install -q --disable-pip-version-check -r requirements.txt
# Reports need Pango (PDF), Thai fonts and Chromium (chart images); install them from Debian if missing.
need_apt=()
ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0" || need_apt+=(libpango-1.0-0 libpangoft2-1.0-0)
fc-list 2>/dev/null | grep -qi "loma" || need_apt+=(fonts-thai-tlwg)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ] && command -v apt-get >/dev/null; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
# The documents' typeface: Sarabun THSN derived from the fontpkg-sarabun package, for fontconfig (charts).
"$PY" -m saisaat fonts >/dev/null
# Without sign-in ([auth] in .streamlit/secrets.toml) the app runs in local mode: bound to this computer
# only, one local secretariat user. With [auth], give the address to serve on: ./run.sh --server.address 0.0.0.0
address=()
grep -qs '^\[auth\]' .streamlit/secrets.toml || address=(--server.address 127.0.0.1)
exec "$PY" -m streamlit run app.py --browser.gatherUsageStats false "${address[@]}" "$@"
