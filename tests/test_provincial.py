"""Any agency: the provincial example configuration (data/examples/provincial_centre.xlsx, made by
scripts/make_provincial_example.py) started with `init --config`, then one results import, then the pages and
both documents, with nothing of the BMA left in what they show.

The example (illustrative names, labelled so): twelve amphoe offices A01–A12 in peer groups L, M, S (four
each; missions 'service'), eight provincial offices (PVO personnel + budget, PHO service + budget, PAO, CDO,
LDO service, TRO budget, EDO personnel, LBO none); framework 1 FY2566–2567 (6 indicators), framework 2 from
FY2568 (9). The results (tests/fixture.py, build_provincial) are worked out by hand there: every unit reports
binary 1, count 2, percent 45, except A01 (full marks) and A02 (nothing).
"""
from __future__ import annotations

import io
import json
import sys
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from streamlit.testing.v1 import AppTest
from test_pages import open_page

from fixture import PROVINCIAL_WORKBOOK, build_provincial
from saisaat import analytics, cli, configuration, documents, labels, reports
from saisaat.db import Database
from saisaat.fiscal import inspection_cycle

ROOT = Path(__file__).resolve().parent.parent
BMA_WORDS = ("กรุงเทพ", "กทม", "BMA", "Bangkok", "สำนักงานเขต", "District office")
sys.path.insert(0, str(ROOT / "scripts"))
import make_provincial_example  # noqa: E402


@pytest.fixture(scope="module")
def province_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("province") / "province.duckdb"
    assert build_provincial(path) == 310
    return path


@pytest.fixture
def province(province_path):
    """Opened as the app opens it (one process cannot mix read-only and read-write connections to a file)."""
    db = Database(province_path)
    yield db
    db.close()


# The committed workbook is what the script makes (they cannot drift apart), and its organisation says
# the names are illustrative.
def test_workbook_is_the_scripts():
    config, problems, _ = configuration.read_workbook(PROVINCIAL_WORKBOOK.read_bytes(), PROVINCIAL_WORKBOOK.name)
    assert problems == []
    made = make_provincial_example.example_configuration()
    assert {k: v.to_dict(orient="records") for k, v in config.items()} == \
        {k: v.to_dict(orient="records") for k, v in made.items()}
    names = config["organisation"].set_index("item")
    assert names.loc["org_name", "value_th"] == "จังหวัดตัวอย่าง (สมมุติ)"
    assert names.loc["org_name", "value_en"] == "Example Province (illustrative)"


# init --config makes the province's database: its kinds, peer groups, units and frameworks, no results.
def test_cli_init_with_the_example(tmp_path, capsys):
    code = cli.main(["init", "--db", str(tmp_path / "p.duckdb"), "--config", str(PROVINCIAL_WORKBOOK)])
    out = capsys.readouterr().out
    assert code == 0 and out.endswith("20 units, 15 indicators, 2 frameworks, no results yet\n")
    with Database(tmp_path / "p.duckdb", read_only=True) as db:
        assert db.query("unit_kinds_by_order")[["unit_kind", "name_en", "grouped", "num_units"]].values.tolist() == [
            ["amphoe", "District (amphoe) office", True, 12], ["provincial_office",
                                                                "Provincial office of a central agency", False, 8]]
        units = db.query("units_by_code")
        assert units.groupby("peer_group_code")["unit_code"].apply(list).to_dict() == {
            "L": ["A01", "A02", "A03", "A04"], "M": ["A05", "A06", "A07", "A08"], "S": ["A09", "A10", "A11", "A12"]}
        assert db.query("frameworks_by_id")["first_fy"].tolist() == [2566, 2568]
        assert db.query("import_batches_by_id").empty
        # its own inspection calendar: FY2568's round 2 visited 1–15 September 2025 (not August)
        steps = {c.key: (c.starts_on, c.ends_on) for c in inspection_cycle(db.query("inspection_calendar_by_step"), 2568)}
        assert steps["round2_visits"] == (date(2025, 9, 1), date(2025, 9, 15))
        assert steps["round1_visits"] == (date(2025, 4, 1), date(2025, 4, 30))


# The import is scored by each framework's own rules: FY2567 (framework 1, both rounds) and FY2568 round 1.
@pytest.mark.parametrize("fiscal_year, expected", [
    (2567, {"A01": (20, 20, 100), "A02": (0, 20, 0), "A05": (11.6, 20, 58), "PVO": (11.8, 16, 73.75),
            "LBO": (7.8, 12, 65)}),
    (2568, {"A01": (18, 18, 100), "A02": (0, 18, 0), "A05": (9.5, 18, 52.78), "PVO": (15.5, 21, 73.81),
            "LBO": (8.5, 12, 70.83)}),
])
def test_results_scored_by_the_provinces_rules(province, fiscal_year, expected):
    scores = province.query("unit_scores", fiscal_year=fiscal_year, inspection_round=None).set_index("unit_code")
    assert len(scores) == 20
    got = {u: tuple(float(scores.loc[u, c]) for c in ("points", "max_points", "score_pct")) for u in expected}
    assert got == {u: tuple(float(x) for x in v) for u, v in expected.items()}


# Peers are the province's own: an amphoe's peer group is its size group; a provincial office (no group)
# is compared with all provincial offices.
def test_peer_groups_of_the_province(province):
    scores = province.query("unit_scores", fiscal_year=2568, inspection_round=None)
    assert sorted(analytics.peers(scores, "A05", "group")["unit_code"]) == ["A05", "A06", "A07", "A08"]
    assert sorted(analytics.peers(scores, "PVO", "group")["unit_code"]) == sorted(
        ["PVO", "PHO", "PAO", "CDO", "LDO", "TRO", "EDO", "LBO"])
    assert labels.theme_names(province, "en") == {
        "integrity": "Integrity of executives and staff", "openness": "Open information on the work and budget",
        "service": "Fair and transparent public service", "personnel": "Transparent personnel management"}


def shown_text(at: AppTest) -> str:
    parts = [e.value for kind in ("title", "subheader", "caption", "markdown", "info", "warning") for e in
             getattr(at, kind)]
    parts += [m.label for m in at.metric]
    parts += [json.dumps(json.loads(c.proto.spec), ensure_ascii=False) for c in at.get("plotly_chart")]
    return "\n".join(parts)


# The pages name the province, its kinds and its peer groups, and nothing of the BMA (FY2568, English).
def test_pages_speak_of_the_province(province_path, monkeypatch):
    at = open_page(province_path, monkeypatch, "overview", lang="en", fy="2568", spread="by_kind")   # kinds' chart
    assert [m.label for m in at.metric][1] == r"Example Province \(illustrative\) mean score"   # markdown, escaped
    text = shown_text(at)
    assert "District (amphoe) office" in text and "Provincial office of a central agency" in text
    at = open_page(province_path, monkeypatch, "compare", lang="en", fy="2568", unit="A05", peers="group")
    assert at.segmented_control(key="peers").options == ["Same kind", "Same district group", "All units"]
    ranked = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert sorted(ranked["data"][0]["y"]) == ["Bo Tua Yang District Office", "Khao Tua Yang District Office",
                                             "Nong Tua Yang District Office", "Wang Tua Yang District Office"]
    at = open_page(province_path, monkeypatch, "trends", lang="th", level="objective", theme="personnel")
    assert at.segmented_control(key="theme").value == "personnel"
    for page in ("overview", "compare", "trends", "coverage", "whatif", "reports", "data"):
        for lang in ("th", "en"):
            text = shown_text(open_page(province_path, monkeypatch, page, lang=lang, fy="2568"))
            assert [w for w in BMA_WORDS if w in text] == [], (page, lang)


# Both documents render for the province: the summary as Word, PDF and XLSX in both languages, naming the
# province and never the BMA; a report card per unit.
@pytest.mark.parametrize("lang", ["th", "en"])
def test_documents_render_for_the_province(province, lang):
    from test_reports import pdf_text
    summary = reports.cabinet_summary(province, 2568, lang)
    org = "จังหวัดตัวอย่าง (สมมุติ)" if lang == "th" else "Example Province (illustrative)"
    pages, text = pdf_text(documents.summary_pdf(summary))
    assert pages >= 2 and org in text.replace("\n", " ")
    word = "\n".join(p.text for p in Document(io.BytesIO(documents.summary_docx(summary))).paragraphs)
    assert org in word
    annex = openpyxl.load_workbook(io.BytesIO(documents.summary_xlsx(summary)))
    cells = {str(c.value) for ws in annex.worksheets for row in ws.iter_rows() for c in row if c.value is not None}
    assert {"ที่ว่าการอำเภอ", "ส่วนราชการประจำจังหวัด"} <= cells if lang == "th" else \
        {"District (amphoe) office", "Provincial office of a central agency"} <= cells
    for shown in (text, word, "\n".join(cells)):
        assert [w for w in BMA_WORDS if w in shown] == []
    if lang == "en":
        cards = reports.report_cards(province, 2568, lang)
        with zipfile.ZipFile(io.BytesIO(documents.cards_zip(cards, 2568, lang, labels.is_demo(province)))) as z:
            assert len(z.namelist()) == 20
