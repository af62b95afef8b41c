#!/usr/bin/env bash
# Run every test. On a fresh (Debian) machine this first installs what the tests need:
# Chromium and Thai fonts from Debian (the real-browser test, chart images), Pango (PDF),
# poppler (PDF pages to PNG in the tests), LibreOffice Writer (the .docx as an office suite renders it),
# axe-core from npm (the accessibility walk), and the pip packages; then Sarabun THSN (Sarabun at TH Sarabun New's size, from the fontpkg-sarabun
# package) for fontconfig, so Chromium and LibreOffice draw with it.
#   ./test.sh            → the whole suite
#   ./test.sh -k pages   → extra arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
fc-list 2>/dev/null | grep -qi "loma" || need_apt+=(fonts-thai-tlwg)
fc-list 2>/dev/null | grep -qi "noto color emoji" || need_apt+=(fonts-noto-color-emoji)
ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0" || need_apt+=(libpango-1.0-0 libpangoft2-1.0-0)
command -v pdftoppm >/dev/null || need_apt+=(poppler-utils)
command -v npm >/dev/null || need_apt+=(npm)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || need_apt+=(nginx)   # deploy/ and tests/test_deploy.py
[ -e /usr/lib/libreoffice/share/registry/writer.xcd ] || need_apt+=(libreoffice-writer-nogui)
if [ ${#need_apt[@]} -gt 0 ]; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" fontconfig >/dev/null
fi
"$PY" -m pip install -q --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
"$PY" -m saisaat fonts >/dev/null
# axe-core for the accessibility walk (tests/test_browser_walk.py fails, never skips, without it)
[ -f .tools/node_modules/axe-core/axe.min.js ] || npm install --prefix .tools --no-save --no-audit --no-fund --silent axe-core@4
# The linter first (pyproject.toml says which rules): a finding fails the run before any test.
"$PY" -m ruff check .
exec "$PY" -m pytest -q "$@"
