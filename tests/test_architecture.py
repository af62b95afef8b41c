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
LAYOUT = sorted((ROOT / "views").glob("*.py")) + [ROOT / "app.py", ROOT / "ui.py"]
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


def called_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.func.id if isinstance(n.func, ast.Name) else n.func.attr for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, (ast.Name, ast.Attribute))}


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


# Documents are laid out by the templates in saisaat/document_templates/: no Python string holds an
# HTML or SVG element of a document (Plotly's own label markup, <br> and <extra>, is not one).
HTML_ELEMENT = re.compile(r"<(html|head|body|table|thead|tbody|tr|td|th|p|h[1-6]|div|span|section|svg|rect"
                          r"|line|polyline|circle|text|img|style)[\s>/]")


@pytest.mark.parametrize("path", LOGIC + LAYOUT, ids=lambda p: p.name)
def test_no_document_markup_in_python(path):
    assert [s for s in string_constants(path) if HTML_ELEMENT.search(s)] == []


# Only saisaat/db.py opens the database: nothing else calls duckdb directly (store.py writes through
# the connection db.py opened, and new_database() opens a new file through db.connect).
@pytest.mark.parametrize("path", LOGIC + LAYOUT, ids=lambda p: p.name)
def test_only_the_data_layer_uses_duckdb(path):
    if path.name in ("db.py", "store.py"):
        return
    assert "duckdb" not in imports(path)
    assert "duckdb.connect" not in path.read_text(encoding="utf-8")
    assert "connect" not in called_names(path)


# Only saisaat/store.py writes: no other module runs a statement, opens a transaction or appends rows
# on a connection or cursor; the rest of the code calls store's functions.
WRITE_METHODS = {"execute", "executemany", "begin", "commit", "rollback", "append", "register", "unregister"}


@pytest.mark.parametrize("path", LOGIC + LAYOUT, ids=lambda p: p.name)
def test_only_the_store_writes(path):
    if path.name in ("db.py", "store.py"):
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)]
    # list.append is fine; a cursor's or a connection's is not (cur, con, cursor(), .con)
    on_db = [ast.unparse(c.func) for c in calls if c.func.attr in WRITE_METHODS
             and re.search(r"(^|\.)(cur|con|cursor\(\)|connection)$", ast.unparse(c.func.value))]
    assert on_db == []


# Pages change data only through ui.write(), which names the acting user: no page reaches for the
# connection (`.con`) or calls a store function itself.
@pytest.mark.parametrize("path", sorted((ROOT / "views").glob("*.py")) + [ROOT / "app.py"], ids=lambda p: p.name)
def test_pages_write_through_ui_write(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr == "con"] == []
    from saisaat import store
    writers = {name for name in dir(store) if callable(getattr(store, name)) and not name[0].isupper()}
    direct = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
              and n.func.id in writers]
    assert direct == []


# Pages lay out widgets and results: besides holding no SQL (above), they compute nothing of their own:
# no grouping, joining, reshaping or aggregating frames (selecting rows and mapping labels is layout).
COMPUTING = {"groupby", "merge", "pivot", "pivot_table", "agg", "aggregate", "apply", "round", "sum", "mean",
             "median", "quantile", "cumsum", "diff", "pct_change", "concat", "value_counts", "drop_duplicates",
             "crosstab", "melt", "resample", "rolling"}


@pytest.mark.parametrize("path", sorted((ROOT / "views").glob("*.py")) + [ROOT / "app.py"], ids=lambda p: p.name)
def test_pages_compute_nothing(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = [f"{n.lineno}: {n.func.attr}" for n in ast.walk(tree)
             if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in COMPUTING]
    assert found == []


# The first paint is the real navigation: no folder named pages/ beside app.py (Streamlit would show its
# legacy sidebar of page file names until the first st.navigation call), and app.py navigates to every view.
def test_no_legacy_pages_folder_and_every_view_navigated():
    assert not (ROOT / "pages").exists()
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    pages = next(n.value for n in tree.body if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "PAGES")
    navigated = [entry.elts[0].value for section in pages.values for entry in section.elts]
    assert 'f"views/{page}.py"' in (ROOT / "app.py").read_text(encoding="utf-8")   # each is views/<name>.py
    assert sorted(navigated) == sorted(p.stem for p in (ROOT / "views").glob("*.py"))


# Thai and English have the same keys and the same {placeholders} in every string.
def test_catalogue_languages_match():
    assert set(TH) == set(EN)
    fields = lambda s: sorted(f for _, f, _, _ in string.Formatter().parse(s) if f)
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
