"""The design rules a reader relies on, checked: logic without streamlit, SQL only in queries/,
one string catalogue in two languages, pages that only lay out."""
from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from saisaat.i18n import EN, TH

ROOT = Path(__file__).resolve().parent.parent
LOGIC = sorted((ROOT / "saisaat").glob("*.py"))
LAYOUT = sorted((ROOT / "pages").glob("*.py")) + [ROOT / "app.py", ROOT / "ui.py"]
SQL_WORDS = re.compile(
    r"\b(select\s[\s\S]+\sfrom\s|insert\s+into\s|update\s+\w+\s+set\s|delete\s+from\s"
    r"|create\s+(or\s+replace\s+)?(temp\s+)?(table|view|macro|index)\s|drop\s+(table|view)\s"
    r"|alter\s+table\s|with\s+\w+\s+as\s*\(|attach\s+'|copy\s+\w+\s+(to|from)\s)", re.I)


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found


def string_constants(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


# The logic package never imports streamlit, so it runs and is tested without it.
@pytest.mark.parametrize("path", LOGIC, ids=lambda p: p.name)
def test_logic_does_not_import_streamlit(path):
    assert "streamlit" not in imports(path)


# No SQL statement is written in Python: every statement lives in a file under queries/
# (the DDL in saisaat/schema.sql), and values reach it as bound $parameters.
@pytest.mark.parametrize("path", LOGIC + LAYOUT, ids=lambda p: p.name)
def test_no_sql_text_in_python(path):
    assert [s for s in string_constants(path) if SQL_WORDS.match(s)] == []


# Only saisaat/db.py opens the database; only saisaat/store.py (and the demo and import code that
# call it) writes: nothing else calls duckdb directly.
@pytest.mark.parametrize("path", LOGIC + LAYOUT, ids=lambda p: p.name)
def test_only_the_data_layer_uses_duckdb(path):
    if path.name in ("db.py", "store.py"):
        return
    assert "duckdb" not in imports(path)
    assert "duckdb.connect" not in path.read_text(encoding="utf-8")


# Pages lay out widgets and results: they hold no SQL and no pandas arithmetic of their own
# beyond joining labels, so their figures come from saisaat/.
@pytest.mark.parametrize("path", sorted((ROOT / "pages").glob("*.py")), ids=lambda p: p.name)
def test_pages_call_the_frame_guard_first(path):
    body = path.read_text(encoding="utf-8")
    assert "ui.require_frame()" in body
    assert body.index("ui.require_frame()") < body.index("T = ui.translator()")


# Thai and English have the same keys and the same {placeholders} in every string.
def test_catalogue_languages_match():
    assert set(TH) == set(EN)
    fields = lambda s: sorted(f for _, f, _, _ in string.Formatter().parse(s) if f)  # noqa: E731
    assert {k: fields(TH[k]) for k in TH} == {k: fields(EN[k]) for k in EN}


# Every string key the code asks for exists (a missing key would be a KeyError on screen).
def test_every_literal_key_used_exists():
    used = set()
    for path in LAYOUT:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"\bT\(\s*\"([a-z0-9_]+)\"", text))
    assert used, "the pages use the catalogue"
    assert sorted(used - set(TH)) == []


# Thai is really Thai and English really English (no untranslated copies slipped in; {placeholders}
# are not words, so "{where}: {problem}" is the same in both).
def test_thai_strings_are_thai():
    thai = re.compile(r"[\u0E00-\u0E7F]")
    same_ok = {"language", "lang_th", "lang_en"}
    untranslated = [k for k in TH if k not in same_ok and TH[k] == EN[k]
                    and re.search(r"[A-Za-z]{3}", re.sub(r"\{\w+\}", "", TH[k]))]
    assert untranslated == []
    english_with_thai = [k for k in EN if k not in same_ok and thai.search(EN[k])]
    assert english_with_thai == []
