"""Names are user input: a link, a script, a spreadsheet formula and a 1,000-character name, given to units and
indicators through a configuration import, come out as text on every path: the pages (what AppTest sees
shown), the Plotly figures (which read a subset of HTML in labels and hover text), the spreadsheet exports and
the configuration workbook itself. The Word and PDF documents are tested on the same kind of names, given the
same way, in tests/test_reports.py (HOSTILE).
"""
from __future__ import annotations

import io
import json
import re

import openpyxl
import pytest
from test_pages import PAGES, open_page

from fixture import rename
from saisaat import backup, charts, configuration, exports
from saisaat.db import Database

LINK = '<a href="http://x">x</a>'
SCRIPT = "<script>alert(1)</script>"
FORMULA = "=cmd|' /C calc'!A0"
LONG_UNIT = ("หน่วยงานชื่อยาวมาก " * 60)[:1000]
LONG_INDICATOR = ("ตัวชี้วัดถ้อยคำยาวมาก " * 60)[:1000]
NAMES = {"D01": LINK, "D02": SCRIPT, "DEPN": FORMULA, "DEPA": LONG_UNIT,
         "T2-1.01": LINK, "T2-1.02": SCRIPT, "T2-2.01": FORMULA, "T2-2.02": LONG_INDICATOR}
MARKUP = re.compile(r"<\s*(a|script|img)\b", re.IGNORECASE)   # what a browser would read as an element
MARKDOWN_ELEMENTS = ("title", "subheader", "header", "caption", "markdown", "info", "warning", "error", "success")


@pytest.fixture(scope="module")
def named(tmp_path_factory):
    """The tiny database with the names above in Thai and English, given through the configuration workbook."""
    from fixture import build_tiny
    path = tmp_path_factory.mktemp("names") / "tiny.duckdb"
    build_tiny(path)
    with pytest.MonkeyPatch.context() as mp, Database(path) as db:
        mp.setenv("SAISAAT_TODAY", "2020-06-01")
        rename(db, NAMES)
    return path


# The configuration import stores each name exactly; the workbook exported afterwards holds them as text
# cells (the formula-like name is never a formula) and reads back as the same configuration.
def test_names_stored_exactly_and_kept_as_text_in_the_workbook(named, monkeypatch):
    monkeypatch.setenv("SAISAAT_TODAY", "2020-06-01")
    assert len(LONG_UNIT) == len(LONG_INDICATOR) == 1000
    with Database(named) as db:
        units = db.query("units_by_code").set_index("unit_code")
        indicators = db.query("indicators_by_code").set_index("indicator_code")
        got = {**{c: tuple(units.loc[c, ["name_th", "name_en"]]) for c in ("D01", "D02", "DEPN", "DEPA")},
               **{c: tuple(indicators.loc[c, ["name_th", "name_en"]]) for c in ("T2-1.01", "T2-1.02", "T2-2.01",
                                                                                  "T2-2.02")}}
        assert got == {c: (n, n) for c, n in NAMES.items()}
        data = configuration.export_workbook(configuration.current(db))
        wb = openpyxl.load_workbook(io.BytesIO(data))
        cells = {row[0].value: row[1] for row in wb[configuration.sheet_title("units")].iter_rows(min_row=3)}
        assert {c: (cells[c].value, cells[c].data_type) for c in ("D01", "D02", "DEPN", "DEPA")} == {
            c: (NAMES[c], "s") for c in ("D01", "D02", "DEPN", "DEPA")}
        assert cells["DEPN"].quotePrefix
        again = configuration.plan_configuration(db, data, "again.xlsx")
        assert again.problems == [] and not again.has_changes


# The one escaping helper: markup characters become entities (Plotly shows them as the characters), the rest
# of a name is untouched, numbers stay numbers.
def test_plain():
    assert charts.plain(LINK) == '&lt;a href="http://x"&gt;x&lt;/a&gt;'
    assert charts.plain(SCRIPT) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert charts.plain("ฝ่าย A & B") == "ฝ่าย A &amp; B"
    assert charts.plain(FORMULA) == FORMULA and charts.plain(LONG_UNIT) == LONG_UNIT
    assert charts.plain(2.5) == 2.5 and charts.plain(None) is None


def strings(value):
    """Every string inside a figure's JSON (labels, names, hover texts, annotations, ticks)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def unescaped_markdown(body: str) -> str:
    return re.sub(r"\\(.)", r"\1", body)


# Every page in both languages: it runs; no figure holds markup (names are escaped entities); every element
# Streamlit renders as markdown that shows a name shows it escaped, so it reads as typed; tables and pickers
# show the names verbatim, as text.
def no_markup_shown(at) -> None:
    for chart in at.get("plotly_chart"):
        assert [s for s in strings(json.loads(chart.proto.spec)) if MARKUP.search(s)] == []
    for kind in MARKDOWN_ELEMENTS:
        for element in getattr(at, kind):
            assert not MARKUP.search(element.value), (kind, element.value[:80])
    for element in at.metric:
        assert not MARKUP.search(element.label)


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_pages_show_names_as_text(named, monkeypatch, page, lang):
    at = open_page(named, monkeypatch, page, lang=lang, fy="2562")
    if page == "reports":   # the summary's tables, which name units, are behind the preview's toggle
        at.toggle(key="summary_preview").set_value(True).run()
    no_markup_shown(at)
    if page == "overview":   # the top and bottom 10, which name units, are one choice away from the distribution
        at.segmented_control(key="spread").set_value("top_bottom").run()
        no_markup_shown(at)
    if page == "compare":   # the points-lost table, which names indicators, is one choice away from the profile
        at.segmented_control(key="why").set_value("losses").run()
        no_markup_shown(at)
    if page == "whatif":   # the table of every unit is one choice away from the chart of the largest moves
        at.segmented_control(key="wi_view").set_value("all_units").run()
        no_markup_shown(at)
    options = at.selectbox(key="unit").options
    assert [o for o in options if o.startswith(NAMES["D01"])] == [f"{LINK} (D01)"]
    assert f"{FORMULA} (DEPN)" in options and f"{LONG_UNIT} (DEPA)" in options
    cells = {str(v) for frame in at.dataframe for v in frame.value.astype(str).to_numpy().ravel()}
    if page in ("overview", "compare", "coverage", "reports", "whatif"):
        assert {LINK, SCRIPT} <= cells, page
    if page == "trends":   # FY2562 is framework 2's only year: no movers table, the chart names the unit
        assert charts.plain(LINK) in {tr.get("name") for tr in json.loads(at.get("plotly_chart")[0].proto.spec)["data"]}


# The unit comparison's figures label the units and indicators with their names, escaped: the ranked chart
# names both district offices; the side-by-side chart and the points-lost table show the indicators.
def test_compare_figures_label_names_escaped(named, monkeypatch):
    at = open_page(named, monkeypatch, "compare", lang="en", fy="2562", unit="D02", peers="group")
    ranked = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert sorted(ranked["data"][0]["y"]) == sorted([charts.plain(LINK), charts.plain(SCRIPT)])
    texts = set(strings([json.loads(c.proto.spec) for c in at.get("plotly_chart")]))
    assert charts.plain(SCRIPT) in texts


# A unit shown in a message (not assessed in a year it was not active) reads as typed: the message escapes
# the name's markdown and markup characters, and nothing else of it changes.
def test_message_with_a_name_reads_as_typed(named, monkeypatch):
    import ui
    at = open_page(named, monkeypatch, "compare", lang="en", fy="2561", unit="DEPN")
    bodies = [w.value for w in at.warning if ui.as_text(FORMULA) in w.value]
    assert len(bodies) == 1 and FORMULA in unescaped_markdown(bodies[0])
    assert ui.as_text(FORMULA) == r"\=cmd\|' /C calc'\!A0"


# The spreadsheets the pages and the backup write keep every name as text: XLSX text cells (the formula-like
# one with Excel's quote prefix), CSV with a leading apostrophe for it and the others verbatim.
def test_spreadsheet_exports_keep_names_as_text(named):
    with Database(named) as db:
        units = db.query("units_by_code")[["unit_code", "name_th"]]
        page_xlsx = exports.xlsx_bytes({"units": units})
        backup_xlsx = backup.export_xlsx(db)
        csv = exports.csv_bytes(units).decode("utf-8-sig")
    for data, sheet in ((page_xlsx, "units"), (backup_xlsx, "units")):
        ws = openpyxl.load_workbook(io.BytesIO(data))[sheet]
        header = [c.value for c in ws[1]]
        code, name = header.index("unit_code"), header.index("name_th")
        cells = {row[code].value: row[name] for row in ws.iter_rows(min_row=2)}
        assert {c: (cells[c].value, cells[c].data_type) for c in ("D01", "D02", "DEPN", "DEPA")} == {
            c: (NAMES[c], "s") for c in ("D01", "D02", "DEPN", "DEPA")}
        assert cells["DEPN"].quotePrefix
    lines = dict(line.split(",", 1) for line in csv.splitlines()[1:])
    assert lines["DEPN"] == "'" + FORMULA and lines["DEPA"] == LONG_UNIT
    assert lines["D01"] == '"<a href=""http://x"">x</a>"' and lines["D02"] == SCRIPT
