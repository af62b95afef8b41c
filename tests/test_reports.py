"""The November documents (saisaat.reports, saisaat.documents, `python -m saisaat report`).

The tiny database (tests/fixture.py) gives hand-computed figures; the BMA demo (built once for the
module) checks that the documents say what the pages say, that the Word, PDF, XLSX and report-card
files open and read back their source text, and the acceptance criterion on time.

Points used below, FY2562 (framework 2: binary 3 pts; count steps 2→1, 3→2, 4→3; percent 3 × v / 80,
capped at 3, rounded half up to 0.01), round 1 + round 2 = year:
    D01   T2-1.01 3+3  T2-1.02 2+3  T2-2.01 3+2.25  T2-2.02 3+3   22.25 / 24 = 92.708 → 92.71
    D02   T2-1.01 0+3  T2-1.02 0+1  T2-2.01 1.69+—  T2-2.02 3+0    8.69 / 21 = 41.381 → 41.38
    DEPA  T2-1.01 3+—  T2-1.02 3+—  (core only; missed round 2)    6.00 /  6 = 100.00
    DEPN  T2-1.01 3+0  T2-1.02 1+2  T2-2.01 3+0.75  T2-2.02 0+3   12.75 / 24 = 53.125 → 53.13
FY2561 (framework 1: binary 1; count steps 1→1; percent v / 100): only D01,
    T1-1.01 1+1, T1-1.02 0+1, T1-2.01 0.80+0.92 = 4.72 / 6 = 78.667 → 78.67
FY2560: D01 1+1, 1+1, 0.67+0.75 = 5.42 / 6 → 90.33; D02 0+1, 0+0, 1+0.40 = 2.4 / 6 → 40.00;
    DEPA 1+0, 1+1, 0.50+0.90 = 4.4 / 6 → 73.33
"""
from __future__ import annotations

import contextlib
import io
import os
import re
import struct
import subprocess
import sys
import time
import unicodedata
import zipfile
from dataclasses import replace
from datetime import date
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn
from PIL import Image
from pypdf import PdfReader

from fixture import build_tiny, rename
from saisaat import analytics, documents, fonts, pdf, reports
from saisaat.db import Database
from saisaat.demo import build_demo
from saisaat.fiscal import format_date_long
from saisaat.i18n import t

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "reports"
FY = 2569
FONT = "TH Sarabun New"


def th(key: str, **values) -> str:
    return t(key, "th", **values)


def missed(*codes: str) -> list[str]:
    """The needs-improvement column: each missed indicator's number in its framework (T2-1.02 → 1.02)
    and its (tiny) Thai name, one per line of the cell."""
    return [f"{c.split('-')[1]} ตัวชี้วัดทดสอบ {c}" for c in codes]


def plain(text: str) -> str:
    """Text without the marks that keep names whole in the Word file (word joiner, zero-width space,
    no-break space for a space)."""
    return text.replace("\u2060", "").replace("\u200b", "").replace("\u00a0", " ")


# The comparison normalisation of PDF text and source text (both sides get the same treatment).
THAI_MARK_RUN = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]+")


def comparable(text: str) -> str:
    # NFKC: saisaat/pdf.py names every glyph by its own character, so ำ (U+0E33) is drawn and read
    # back as its two glyphs ํ + า (U+0E4D U+0E32), which is exactly its compatibility decomposition.
    text = unicodedata.normalize("NFKC", text)
    # All whitespace removed: Thai writes words without spaces, so a line break adds a newline where
    # the source has nothing (and replaces a space where it has one); pypdf also inserts a space where
    # a glyph is positioned apart from the previous one (ฝ่ ายเลขานุการ). Layout, not content.
    text = re.sub(r"\s+", "", text)
    # Marks stacked on one consonant sorted within each run: the PDF gives them in glyph order, which
    # the shaper may choose, and NFKC reorders only marks with a non-zero combining class (ั ิ ี ึ ื ็ ํ
    # have class 0). Which marks sit on which consonant is still compared; only their order is not.
    return THAI_MARK_RUN.sub(lambda m: "".join(sorted(m.group())), text)


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


# --- the tiny database: hand-computed figures ----------------------------------------------------

@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    path = tmp_path_factory.mktemp("tiny") / "tiny.duckdb"
    build_tiny(path)
    db = Database(path, read_only=True)
    yield db
    db.close()


@pytest.fixture(scope="module")
def summary_2562(tiny):
    return reports.cabinet_summary(tiny, 2562)


# Headline FY2562: 4 of 4 units assessed; mean (92.71 + 41.38 + 100 + 53.13) / 4 = 287.22 / 4 = 71.805
# → 71.81; median (53.13 + 92.71) / 2 = 72.92; at or above 80: D01, DEPA; previous FY2561 mean is D01's
# 78.67 (framework 1); change 71.81 - 78.67 = -6.86. Only import batches: not demo data.
def test_cabinet_headline(summary_2562):
    assert summary_2562.headline == analytics.Headline(
        units_assessed=4, units_expected=4, mean_pct=71.81, median_pct=72.92, at_or_above_target=2,
        target_pct=80.0, previous_mean_pct=78.67, mean_change_pct=-6.86)
    assert summary_2562.fiscal_year == 2562 and summary_2562.lang == "th"
    assert summary_2562.demo is False


# Completeness FY2562: due per round 4 + 4 + 2 + 4 = 14 results from 4 units; round 1 all 14 from 4
# units; round 2 D01 4 + D02 3 + DEPN 4 = 11 → 11 / 14 = 78.57 %, from 3 units (DEPA missed it).
def test_cabinet_completeness_per_round(summary_2562):
    c = summary_2562.completeness
    assert c["inspection_round"].tolist() == [1, 2]
    assert c["num_expected"].tolist() == [14, 14]
    assert c["num_received"].tolist() == [14, 11]
    assert c["coverage_pct"].astype(float).tolist() == [100.0, 78.57]
    assert c["num_units_expected"].tolist() == [4, 4]
    assert c["num_units_reporting"].tolist() == [4, 3]


# Bands: 41.38 and 53.13 below 60; nothing in 60–90; 92.71 and 100 in the top band. No two bands share
# an end (scores have two decimals): below 60, 60–69.99, …, 90 and above, in the summary's language.
def test_cabinet_bands(summary_2562, tiny):
    assert summary_2562.bands.to_dict("list") == {
        "band": ["ต่ำกว่า 60", "60–69.99", "70–79.99", "80–89.99", "90 ขึ้นไป"], "num_units": [2, 0, 0, 0, 2]}
    assert reports.cabinet_summary(tiny, 2562, "en").bands["band"].tolist() == [
        "below 60", "60–69.99", "70–79.99", "80–89.99", "90 and above"]


# By kind: two departments (DEPA 100, DEPN 53.13) and two districts (D01 92.71, D02 41.38), with the
# configuration's names of the kinds. (The means and medians themselves are checked under rounding below.)
def test_cabinet_by_kind(summary_2562):
    k = summary_2562.by_kind
    assert k["unit_kind"].tolist() == ["department", "district"]
    assert k["kind"].tolist() == ["สำนัก/สำนักงาน", "สำนักงานเขต"]   # fixture.UNIT_KINDS
    assert k["num_units"].tolist() == [2, 2]


# By objective (framework 2), points of both rounds:
#   1 conscience (T2-1.0x): D01 11/12 = 91.67, D02 4/12 = 33.33, DEPA 6/6 = 100, DEPN 6/12 = 50
#     mean 275 / 4 = 68.75; median (50 + 91.67) / 2 = 70.835 → 70.84
#   2 audit (T2-2.0x): D01 11.25/12 = 93.75, D02 4.69/9 = 52.11, DEPN 6.75/12 = 56.25 (DEPA has none)
#     mean 202.11 / 3 = 67.37; median 56.25
def test_cabinet_by_objective(summary_2562):
    o = summary_2562.by_objective
    assert o["objective_no"].tolist() == [1, 2]
    assert o["objective"].tolist() == ["1. " + th("theme_conscience"), "2. " + th("theme_audit")]
    assert o["mean_pct"].tolist() == [68.75, 67.37]
    assert o["median_pct"].tolist() == [70.84, 56.25]
    assert o["num_units"].tolist() == [4, 3]


# Top: highest first (DEPA 100, D01 92.71, DEPN 53.13, D02 41.38); n cuts the list.
@pytest.mark.parametrize("n, codes", [(10, ["DEPA", "D01", "DEPN", "D02"]), (2, ["DEPA", "D01"])])
def test_cabinet_top(tiny, n, codes):
    top = reports.cabinet_summary(tiny, 2562, n=n).top
    scores = {"DEPA": 100.0, "D01": 92.71, "DEPN": 53.13, "D02": 41.38}
    names = {"DEPA": "สำนักทดสอบ ก", "D01": "สำนักงานเขตทดสอบหนึ่ง", "DEPN": "สำนักทดสอบใหม่",
             "D02": "สำนักงานเขตทดสอบสอง"}
    assert top["unit_code"].tolist() == codes
    assert top["score_pct"].astype(float).tolist() == [scores[c] for c in codes]
    assert top["unit_name"].tolist() == [names[c] for c in codes]


# Improved: only D01 has a score in both FY2561 and FY2562, 78.67 → 92.71 = +14.04. FY2561 is framework 1
# and FY2562 framework 2: the summary compares across the change anyway (the report card does not).
def test_cabinet_improved_compares_across_the_framework_change(summary_2562, tiny):
    years = tiny.query("fiscal_years").set_index("fiscal_year")["framework_id"]
    assert (years[2561], years[2562]) == (1, 2)
    assert summary_2562.improved[["unit_code", "unit_name", "from_pct", "to_pct", "change_pct"]].to_dict("records") == [
        {"unit_code": "D01", "unit_name": "สำนักงานเขตทดสอบหนึ่ง", "from_pct": 78.67, "to_pct": 92.71,
         "change_pct": 14.04}]


# Needs improvement: lowest first, each with its (at most 3) indicators by points lost, then code:
#   D02: T2-1.02 6-1 = 5, T2-1.01 6-3 = 3, T2-2.02 6-3 = 3 (T2-2.01 3-1.69 = 1.31 is fourth)
#   DEPN: T2-1.01, T2-1.02, T2-2.02 each 6-3 = 3 (T2-2.01 6-3.75 = 2.25 is fourth)
#   D01: T2-1.02 6-5 = 1, T2-2.01 6-5.25 = 0.75; DEPA lost nothing.
@pytest.mark.parametrize("n, rows", [
    (10, [("D02", 41.38, missed("T2-1.02", "T2-1.01", "T2-2.02")),
          ("DEPN", 53.13, missed("T2-1.01", "T2-1.02", "T2-2.02")),
          ("D01", 92.71, missed("T2-1.02", "T2-2.01")),
          ("DEPA", 100.0, [])]),
    (2, [("D02", 41.38, missed("T2-1.02", "T2-1.01", "T2-2.02")),
         ("DEPN", 53.13, missed("T2-1.01", "T2-1.02", "T2-2.02"))]),
])
def test_cabinet_needs_improvement(tiny, n, rows):
    needs = reports.cabinet_summary(tiny, 2562, n=n).needs_improvement
    got = [(r.unit_code, float(r.score_pct), r.missed_indicators) for r in needs.itertuples()]
    assert got == rows


# Five-year table ending FY2562: FY2560 (90.33 + 40 + 73.33) / 3 = 67.886 → 67.89 over 3 units;
# FY2561 D01 alone 78.67; FY2562 4 units (its mean is checked under rounding below).
def test_cabinet_by_year(summary_2562):
    y = summary_2562.by_year
    assert y["fiscal_year"].tolist() == [2560, 2561, 2562]
    assert y["num_units"].tolist() == [3, 1, 4]
    assert y["mean_pct"].tolist()[:2] == [67.89, 78.67]


# Rounding. The document says percentages have two decimals rounded half up (doc_method_points), and
# score_pct is; means and medians are rounded from binary floats instead. BUG (failing cases): FY2562's
# mean reads 71.81 in section 3 (headline) but 71.80 in section 9 (five-year table) of the same document.
#   by_year FY2562 mean    (92.71 + 41.38 + 100 + 53.13) / 4 = 71.805 → 71.81
#   district mean          (92.71 + 41.38) / 2 = 67.045 → 67.05 (the median of two is the same)
#   department mean        (100 + 53.13) / 2 = 76.565 → 76.57 (also DEPN's peer median on its card)
ROUNDED = {
    "five_year_mean_fy2562": (lambda s, db: s.by_year.set_index("fiscal_year").loc[2562, "mean_pct"], 71.81),
    "district_mean": (lambda s, db: s.by_kind.set_index("unit_kind").loc["district", "mean_pct"], 67.05),
    "department_mean": (lambda s, db: s.by_kind.set_index("unit_kind").loc["department", "mean_pct"], 76.57),
    "card_peer_median_DEPN": (
        lambda s, db: reports.report_cards(db, 2562, units=["DEPN"])[0].standing.peer_median_pct, 76.57),
}


@pytest.mark.parametrize("figure", list(ROUNDED))
def test_means_and_medians_are_rounded_half_up(summary_2562, tiny, figure):
    get, expected = ROUNDED[figure]
    assert float(get(summary_2562, tiny)) == expected


# Report cards FY2562: one per assessed unit; D02 among districts (D01 92.71, D02 41.38): rank 2 of 2,
# no other district below it (0 %), group median (92.71 + 41.38) / 2 = 67.045 → 67.05. Objective profile
# against D01 alone (peer median excludes the unit): 4/12 = 33.33 vs 11/12 = 91.67, 4.69/9 = 52.11 vs
# 11.25/12 = 93.75. Losses as in the needs-improvement list, with D01's points as the peer median.
# D02 has no FY2561 score: no previous, no change; trend FY2560 40.00 (framework 1), FY2562 41.38.
def test_report_card_d02(tiny):
    assert [c.unit_code for c in reports.report_cards(tiny, 2562)] == ["D01", "D02", "DEPA", "DEPN"]
    card = reports.report_cards(tiny, 2562, units=["D02"])[0]
    assert (card.unit_name, card.unit_kind, card.peer_label) == ("สำนักงานเขตทดสอบสอง", "district",
                                                                 "สำนักงานเขต")
    assert card.score_pct == 41.38
    assert card.standing == analytics.Standing(rank=2, of=2, percentile=0.0, peer_median_pct=67.05)
    assert card.profile[["objective_no", "score_pct", "peer_median_pct"]].astype(float).values.tolist() == [
        [1, 33.33, 91.67], [2, 52.11, 93.75]]
    assert card.losses[["indicator_code", "points", "max_points", "lost_points", "peer_median_points"]] \
        .astype({"points": float, "max_points": float, "lost_points": float}).values.tolist() == [
        ["T2-1.02", 1.0, 6.0, 5.0, 5.0], ["T2-1.01", 3.0, 6.0, 3.0, 6.0],
        ["T2-2.02", 3.0, 6.0, 3.0, 6.0], ["T2-2.01", 1.69, 3.0, 1.31, 5.25]]
    assert card.losses["indicator"].tolist()[0] == "ตัวชี้วัดทดสอบ T2-1.02"
    assert card.trend[["fiscal_year", "score_pct", "framework_id"]].astype(float).values.tolist() == [
        [2560, 40.0, 1], [2562, 41.38, 2]]
    assert card.previous_pct is None and card.change_pct is None
    assert card.objective_changes.empty


# D01 in FY2562: rank 1 of 2, the other district below it (100 %); previous year 78.67 is framework 1,
# so no change is stated and no objective comparison is made.
def test_report_card_no_change_across_frameworks(tiny):
    card = reports.report_cards(tiny, 2562, units=["D01"])[0]
    assert card.score_pct == 92.71
    assert card.standing == analytics.Standing(rank=1, of=2, percentile=100.0, peer_median_pct=67.05)
    assert card.losses["indicator_code"].tolist() == ["T2-1.02", "T2-2.01"]
    assert card.losses["lost_points"].astype(float).tolist() == [1.0, 0.75]
    assert card.previous_pct == 78.67
    assert card.change_pct is None
    assert card.objective_changes.empty


# D01 in FY2561 (same framework as FY2560): alone among districts (rank 1 of 1, no percentile, median
# its own 78.67); change 78.67 - 90.33 = -11.66; objectives: 1 environment 4/4 = 100 → 3/4 = 75 (-25),
# 2 conscience 1.42/2 = 71 → 1.72/2 = 86 (+15). Losses: T1-1.02 2 - 1 = 1, T1-2.01 2 - 1.72 = 0.28,
# no peer results (D02 reported nothing in FY2561).
def test_report_card_change_within_a_framework(tiny):
    assert [c.unit_code for c in reports.report_cards(tiny, 2561)] == ["D01"]
    card = reports.report_cards(tiny, 2561, units=["D01"])[0]
    assert card.standing == analytics.Standing(rank=1, of=1, percentile=None, peer_median_pct=78.67)
    assert (card.score_pct, card.previous_pct, card.change_pct) == (78.67, 90.33, -11.66)
    assert card.objective_changes.to_dict("records") == [
        {"objective": "1. " + th("theme_environment"), "previous_pct": 100.0, "score_pct": 75.0, "change_pct": -25.0},
        {"objective": "2. " + th("theme_conscience"), "previous_pct": 71.0, "score_pct": 86.0, "change_pct": 15.0}]
    assert card.losses["indicator_code"].tolist() == ["T1-1.02", "T1-2.01"]
    assert card.losses["lost_points"].astype(float).tolist() == [1.0, 0.28]
    assert card.losses["peer_median_points"].isna().all()


# Rendered by worker processes (here one card a rendering: 4 renderings, 2 workers) or in this process, the ZIP
# holds the same entries in card order, each a one-page PDF with the same text, and the progress is told the same.
def test_cards_zip_in_worker_processes_equals_one_process(tiny, monkeypatch):
    cards = reports.report_cards(tiny, 2562)
    pools = []

    class CountedWorkers(pdf.RenderWorkers):
        def __init__(self, n):
            pools.append(n)
            super().__init__(n)

    monkeypatch.setattr(documents, "CARDS_PER_RENDERING", 1)
    monkeypatch.setattr(pdf, "RenderWorkers", CountedWorkers)
    entries, told = {}, {1: [], 2: []}
    for workers in (1, 2):
        data = documents.cards_zip(cards, 2562, "th", False, workers=workers,
                                   progress=lambda done, total, w=workers: told[w].append((done, total)))
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            entries[workers] = [(n, pdf_text(z.read(n))) for n in z.namelist()]
    assert pools == [2]
    assert [name for name, _ in entries[2]] == [f"2562_{code}.pdf" for code in ("D01", "D02", "DEPA", "DEPN")]
    assert entries[2] == entries[1]
    assert {pages for _, (pages, _) in entries[2]} == {1}
    assert told[1] == told[2] == [(1, 4), (2, 4), (3, 4), (4, 4)]


def _tree_shape(root) -> list[tuple]:
    """Each element's tag, attributes (namespace declarations aside) and text around it, whitespace aside."""
    return [(el.tag, {k: v for k, v in el.attrib.items() if not k.startswith("{http://www.w3.org/2000/xmlns/}")},
             (el.text or "").strip(), (el.tail or "").strip()) for el in root.iter()]


def _parts_as_weasyprint_would(html: str) -> list[bytes]:
    from weasyprint import HTML
    document = HTML(string=html).render()
    starts = sorted(destination[0] for _, destination, _, _ in document.make_bookmark_tree())
    return [document.copy(document.pages[a:b]).write_pdf() for a, b in zip(starts, starts[1:] + [len(document.pages)])]


# The cards' HTML (pdf.CardHTML) is well-formed XML that expat parses into the tree WeasyPrint's HTML parser builds;
# it uses only the elements whose user-agent rules card_ua.css keeps; and each card rendered so, also with a font
# configuration kept from one rendering to the next (as a rendering worker keeps it), is the same PDF, byte for byte,
# as WeasyPrint's own parser, sheet and a new configuration make: the tiny year's four cards (a missing round, losses
# with and without a peer median, the demo banner) and one of them as a draft.
def test_card_parser_stylesheet_and_kept_fonts_give_the_same_pdfs(tiny):
    import tinyhtml5
    cards = reports.report_cards(tiny, 2562)
    cards.append(replace(cards[0], draft=True))
    html = documents.cards_html(cards, 2562, "th", demo=True)
    tree = pdf.card_tree(html)
    assert tree is not None
    assert _tree_shape(tree) == _tree_shape(tinyhtml5.parse(html, namespace_html_elements=False))
    tags = {el.tag for el in tree.iter()}
    assert {tag for tag in tags if not tag.startswith("{")} <= pdf.CARD_ELEMENTS
    assert "{http://www.w3.org/2000/svg}svg" in tags and "tbody" in tags
    expected = _parts_as_weasyprint_would(html)
    assert len(expected) == 5
    assert pdf.html_to_pdf_parts(html) == expected
    kept = pdf.new_font_config()
    assert [pdf.html_to_pdf_parts(html, font_config=kept) for _ in range(2)] == [expected, expected]


# A card whose name holds a character XML does not allow (a control character) is parsed by WeasyPrint's own HTML
# parser instead: the same PDF.
def test_card_that_is_not_xml_renders_as_before(tiny):
    card = replace(reports.report_cards(tiny, 2562)[0], unit_name="สำนักงานเขต\x01ทดสอบ")
    html = documents.cards_html([card], 2562, "th", demo=False)
    assert pdf.card_tree(html) is None
    assert pdf.html_to_pdf_parts(html) == _parts_as_weasyprint_would(html)


def _words(data: bytes) -> list[tuple[str, float, float]]:
    """Each word pdftotext finds on the first page: (text, left, right), in points."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", "-", "-"], input=data, capture_output=True,
                         check=True, timeout=60).stdout.decode()
    return [(unescape(w), float(a), float(b)) for a, b, w in
            re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', out)]


# The trend chart's labels, placed without text-anchor (documents.svg_text_x) and each drawn as one run (pdf.py's SVG
# text): D01's card of FY2562 (scores 90.33, 78.67 and 92.71 in 2560–2562) reads its axis labels 0…100 ending where
# the axis starts, each year under its score, centred on the same point, the years evenly spaced, each label one word.
def test_card_trend_labels_end_at_the_axis_and_centre_on_their_year(tiny):
    card = next(c for c in reports.report_cards(tiny, 2562) if c.unit_code == "D01")
    [data] = pdf.html_to_pdf_parts(documents.cards_html([card], 2562, "th", demo=False))
    words = _words(data)
    at = [w[0] for w in words].index("75") - 1   # the chart's axis, top down (the method's text has a 100 too)
    axis = words[at:at + 5]
    assert [w[0] for w in axis] == ["100", "75", "50", "25", "0"]
    assert max(w[2] for w in axis) - min(w[2] for w in axis) < 0.3
    chart = [w for w in words[at + 5:] if re.fullmatch(r"[\d.]+", w[0])][:6]
    assert [w[0] for w in chart] == ["90.33", "2560", "78.67", "2561", "92.71", "2562"]
    centre = [(left + right) / 2 for _, left, right in chart]
    assert [round(b - a, 1) for a, b in zip(centre[::2], centre[1::2])] == [0.0, 0.0, 0.0]
    assert 150 < centre[2] - centre[0] == pytest.approx(centre[4] - centre[2], abs=0.1)


# --- the BMA demo: documents written once by the CLI for the whole module ------------------------

@pytest.fixture(scope="module")
def demo_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo(path)
    return path


def _reported_seconds(stdout: str) -> float:
    m = re.search(r"^(\d+(?:\.\d+)?) s$", stdout.strip().splitlines()[-1])
    assert m, stdout
    return float(m.group(1))


ISSUED = date(2026, 12, 1)     # the day the documents are dated (SAISAAT_TODAY): the cards are issued in December


@pytest.fixture(scope="module")
def cli(demo_path, tmp_path_factory):
    """`python -m saisaat report cabinet` and `report cards` for FY2569 in Thai and English, dated
    ISSUED: the documents every later test reads (so they are generated once), the seconds each
    reports, and the day they are dated."""
    out = tmp_path_factory.mktemp("reports")
    runs, files = {}, {}
    for lang in ("th", "en"):
        for kind in ("cabinet", "cards"):
            started = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-m", "saisaat", "report", kind, "--fiscal-year", str(FY), "--out", str(out),
                 "--db", str(demo_path), "--lang", lang], cwd=ROOT, capture_output=True, text=True, timeout=600,
                env={**os.environ, "SAISAAT_TODAY": ISSUED.isoformat()})
            assert proc.returncode == 0, proc.stderr
            runs[kind if lang == "th" else f"{kind}_{lang}"] = {
                "reported": _reported_seconds(proc.stdout), "wall": time.perf_counter() - started, "stdout": proc.stdout}
        stem = out / f"cabinet_summary_{FY}_{lang}"
        files[lang] = {"docx": stem.with_suffix(".docx"), "pdf": stem.with_suffix(".pdf"),
                       "xlsx": stem.with_suffix(".xlsx"), "zip": out / f"report_cards_{FY}_{lang}.zip"}
    return {"out": out, "runs": runs, "days": {ISSUED}, **files["th"], "en": files["en"], "th": files["th"]}


@pytest.fixture(scope="module")
def demo(cli, demo_path):
    # opened after the CLI has run (one process at a time on the file)
    db = Database(demo_path, read_only=True)
    yield db
    db.close()


@pytest.fixture(scope="module")
def summary(demo):
    return reports.cabinet_summary(demo, FY)


@pytest.fixture(scope="module")
def summary_pdf(cli):
    return pdf_text(cli["pdf"].read_bytes())


# The CLI writes the three summary files and the ZIP, and says where.
def test_cli_writes_every_file(cli):
    for key in ("docx", "pdf", "xlsx", "zip"):
        assert cli[key].is_file() and cli[key].stat().st_size > 5000, key
    assert str(cli["docx"]) in cli["runs"]["cabinet"]["stdout"]
    assert f"{cli['zip']} (70 units)" in cli["runs"]["cards"]["stdout"]


# Every number of the summary comes from the queries the pages use: recomputed here exactly as
# views/overview.py does (unit_scores with names, the previous year, the 80 % target, mean_by, top_bottom,
# unit_objective_scores by objective), they are equal.
def test_summary_numbers_equal_the_pages(demo, summary):
    units = demo.query("units_by_code")
    names = dict(zip(units["unit_code"], units["name_th"]))
    scores = demo.query("unit_scores", fiscal_year=FY, inspection_round=None)
    scores["unit_name"] = scores["unit_code"].map(names)
    previous = demo.query("unit_scores", fiscal_year=FY - 1, inspection_round=None)
    head = analytics.headline(scores, previous if len(previous) else None, 80.0)
    assert summary.headline == head
    assert head.units_assessed == 70

    by_kind = analytics.mean_by(scores, "unit_kind")
    by_kind["kind"] = by_kind["unit_kind"].map({"district": "สำนักงานเขต", "department": "สำนัก/สำนักงาน"})
    cols = ["kind", "mean_pct", "median_pct", "num_units"]
    pd.testing.assert_frame_equal(summary.by_kind[cols], by_kind[cols])

    top, _ = analytics.top_bottom(scores, 10)
    cols = ["unit_code", "unit_name", "score_pct", "points", "max_points"]
    pd.testing.assert_frame_equal(summary.top[cols], top[cols])

    years = demo.query("fiscal_years")
    framework = int(years.loc[years["fiscal_year"] == FY, "framework_id"].iloc[0])
    objectives = demo.query("objectives_by_framework")
    objectives = objectives[objectives["framework_id"] == framework]
    labels = {int(r.objective_no): f"{r.objective_no}. " + th(f"theme_{r.theme_code}") for r in objectives.itertuples()}
    objective_scores = demo.query("unit_objective_scores", fiscal_year=FY, inspection_round=None)
    by_objective = analytics.mean_by(objective_scores, "objective_no")
    by_objective["objective"] = by_objective["objective_no"].map(labels)
    cols = ["objective_no", "objective", "mean_pct", "median_pct", "num_units"]
    pd.testing.assert_frame_equal(summary.by_objective[cols], by_objective[cols])


# The Word file: python-docx opens it; the Normal style and every run with text name TH Sarabun New,
# for Thai too (w:rFonts w:cs); body paragraphs at 16 pt (szCs too); title with the year, the mean and
# median as formatted, the units assessed, the demo banner and the demo source line.
def test_docx_font_and_content(cli, summary):
    doc = Document(str(cli["docx"]))
    normal = doc.styles["Normal"]
    assert normal.font.name == FONT and normal.font.size.pt == 16
    assert normal.element.rPr.find(qn("w:rFonts")).get(qn("w:cs")) == FONT

    runs = [r for p in doc.paragraphs for r in p.runs]
    runs += [r for table in doc.tables for row in table.rows for cell in row.cells
             for p in cell.paragraphs for r in p.runs]
    with_text = [r for r in runs if r.text.strip()]
    assert len(with_text) > 200
    for run in with_text:
        fonts = run._element.rPr.find(qn("w:rFonts"))
        assert (run.font.name, fonts.get(qn("w:cs"))) == (FONT, FONT), run.text

    # names kept whole carry word joiners (and zero-width spaces at their edges): not part of the text
    texts = [plain(p.text) for p in doc.paragraphs]
    body = [b for _, blocks in documents.summary_sections(summary) for b in blocks
            if isinstance(b, str) and b not in ("bands", "objective", "trend")]
    body_paragraphs = [p for p in doc.paragraphs if plain(p.text) in body[:-1]]   # the last one holds today's date
    assert len(body_paragraphs) == len(body) - 1
    for p in body_paragraphs:
        for run in p.runs:
            assert run.font.size.pt == 16 and not run.bold, p.text
            assert run._element.rPr.find(qn("w:szCs")).get(qn("w:val")) == "32"

    h = summary.headline
    assert texts[0] == th("memo_heading")      # the covering memo comes first
    assert th("doc_title", fy=FY, org="กรุงเทพมหานคร") in texts and "2569" in th("doc_title", fy=FY, org="")
    overall = next(x for x in texts if x.startswith("คะแนนเฉลี่ยร้อยละ"))
    assert f"ร้อยละ {h.mean_pct:.2f} มัธยฐานร้อยละ {h.median_pct:.2f}" in overall
    # the demo's 35th and 36th of 70 scores are 86.22 and 86.23: median 86.225, half up 86.23
    assert f"{h.mean_pct:.2f}" == "82.13" and f"{h.median_pct:.2f}" == "86.23"
    assert th("doc_assessed", assessed=70, expected=70) in texts
    assert th("demo_banner") in texts and th("doc_source_demo") in texts


# The XLSX annex: openpyxl opens it; its scores sheet has, under its title lines and the Thai header row,
# one row per unit due (70) with the same score_pct as unit_scores.
def test_xlsx_annex_scores(cli, demo):
    wb = openpyxl.load_workbook(cli["xlsx"], read_only=True)
    assert wb.sheetnames[0] == th("doc_sheet_scores")
    rows = list(wb[th("doc_sheet_scores")].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == th("col_unit_code"))
    header, data = rows[start], rows[start + 1:]
    scores = demo.query("unit_scores", fiscal_year=FY, inspection_round=None)
    assert len(data) == len(scores) == 70
    got = {r[header.index(th("col_unit_code"))]: r[header.index(th("col_score_pct"))] for r in data}
    assert got == dict(zip(scores["unit_code"], scores["score_pct"].astype(float)))


# The PDF: pypdf opens it; its text has the headline and completeness numbers and each top-10 row
# (code, name, score) in order within the row.
def test_pdf_has_the_numbers(summary_pdf, summary):
    pages, text = summary_pdf
    assert pages >= 4
    flat = comparable(text)
    h = summary.headline
    for number in (f"{h.mean_pct:.2f}", f"{h.median_pct:.2f}", f"{h.previous_mean_pct:.2f}",
                   f"{h.mean_change_pct:+.2f}", f"{h.units_assessed}"):
        assert number in text, number
    for r in summary.completeness.itertuples():
        assert f"{int(r.num_received):,}" in text and f"{float(r.coverage_pct):.2f}" in text
    for r in summary.top.itertuples():
        assert comparable(f"{r.rank}{r.unit_name}{float(r.score_pct):.2f}") in flat, r.unit_name
    assert comparable(th("doc_title", fy=FY, org="กรุงเทพมหานคร")) in flat and comparable(th("demo_banner")) in flat


# Every heading and paragraph of summary_sections reads back from the PDF (after `comparable`); the
# "prepared on" line may carry either day the CLI ran on (a run across midnight).
def test_pdf_text_equals_the_source_text(summary_pdf, summary, cli):
    flat = comparable(summary_pdf[1])
    generated = {th("doc_generated", date=format_date_long(d, "th")) for d in cli["days"]}
    missing = []
    for heading, blocks in documents.summary_sections(summary):
        for block in [heading] + [b for b in blocks if isinstance(b, str) and b not in ("bands", "objective", "trend")]:
            options = generated if block.startswith(th("doc_generated", date="")) else {block}
            if not any(comparable(x) in flat for x in options):
                missing.append(block)
    assert missing == []


# The PDF's pages rendered to PNG with pdftoppm (kept in test-artifacts/reports/): one image per page,
# A4 proportions, and not blank (some share of the page is ink).
def test_pdf_pages_render(cli, summary_pdf):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    prefix = f"cabinet_summary_{FY}_th"
    for old in ARTIFACTS.glob(f"{prefix}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(cli["pdf"]), str(ARTIFACTS / prefix)],
                   check=True, timeout=120)
    pngs = sorted(ARTIFACTS.glob(f"{prefix}-*.png"))
    assert len(pngs) == summary_pdf[0]
    for png in pngs:
        assert png.stat().st_size > 10_000, png
        width, height = struct.unpack(">II", png.read_bytes()[16:24])
        assert abs(height / width - 297 / 210) < 0.01, png
        ink = sum(Image.open(png).convert("L").histogram()[:200]) / (width * height)
        assert ink > 0.01, (png, ink)


@pytest.fixture(scope="module")
def cards(cli):
    """unit code → (pages, text) of each PDF in the ZIP, and the ZIP's names."""
    with zipfile.ZipFile(cli["zip"]) as z:
        names = z.namelist()
        return names, {n.removeprefix(f"{FY}_").removesuffix(".pdf"): pdf_text(z.read(n)) for n in names}


# Report cards: one PDF per assessed unit, named FY_UNIT.pdf, whose text has the unit's name and its
# score with two decimals and a % sign (from unit_scores, not from the card).
def test_cards_zip_one_pdf_per_unit_with_name_and_score(cards, demo):
    names, texts = cards
    scores = analytics.assessed(demo.query("unit_scores", fiscal_year=FY, inspection_round=None))
    unit_names = demo.query("units_by_code").set_index("unit_code")["name_th"]
    assert sorted(names) == sorted(f"{FY}_{code}.pdf" for code in scores["unit_code"])
    assert len(names) == 70
    wrong = [r.unit_code for r in scores.itertuples()
             if comparable(unit_names[r.unit_code]) not in comparable(texts[r.unit_code][1])
             or f"{float(r.score_pct):.2f}%" not in texts[r.unit_code][1]]
    assert wrong == []


# Every unit's cards as the page prepares them: rendered a few at a time, the progress told after each rendering
# (done, total), one PDF per card, each named by its unit.
def test_cards_zip_tells_its_progress(demo):
    cards = reports.report_cards(demo, FY, "th")[:12]
    told = []
    data = documents.cards_zip(cards, FY, "th", True, progress=lambda done, total: told.append((done, total)))
    assert told == [(10, 12), (12, 12)]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.namelist() == [f"{FY}_{card.unit_code}.pdf" for card in cards]
        assert all(z.read(n).startswith(b"%PDF") for n in z.namelist())


# Each card is one A4 page (documents.py: "the unit report cards as one A4 page per unit").
def test_cards_are_one_page_each(cards):
    _, texts = cards
    assert {code: pages for code, (pages, _) in texts.items() if pages != 1} == {}


# The first card (district 1001) rendered to PNG next to the summary's pages, every page of it.
def test_card_pages_render(cli):
    with zipfile.ZipFile(cli["zip"]) as z:
        data = z.read(f"{FY}_1001.pdf")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / f"report_card_{FY}_1001.pdf"
    target.write_bytes(data)
    prefix = f"report_card_{FY}_1001"
    for old in ARTIFACTS.glob(f"{prefix}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(target), str(ARTIFACTS / prefix)], check=True, timeout=60)
    pngs = sorted(ARTIFACTS.glob(f"{prefix}-*.png"))
    assert len(pngs) == len(PdfReader(io.BytesIO(data)).pages) >= 1
    assert pngs[0].stat().st_size > 10_000


# --- names and wording are user input (a configuration workbook): they come out as text ----------

LONG_NAME = ("สำนักงานเขตทดสอบชื่อยาวมาก " * 40)[:999] + "ก"
HOSTILE = {
    "D01": '<a href="https://example.com/?a=1&b=2">สำนักงานเขตลิงก์</a>',
    "D02": '<script>alert("สำนักงานเขต")</script>',
    "DEPN": "=cmd|' /C calc'!A0",
    "DEPA": LONG_NAME,
    "T2-1.02": '<img src=x onerror="alert(1)"> & ตัวชี้วัด',   # an indicator's wording
}


class _Elements(HTMLParser):
    """The tags, attribute names and text nodes a browser (or WeasyPrint) would see."""

    def __init__(self, document: str):
        super().__init__(convert_charrefs=True)
        self.tags, self.attributes, self.texts = set(), set(), []
        self.feed(document)

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes |= {name for name, _ in attrs}
        self._inline = tag == "span"      # a name kept whole: a span within the text around it

    def handle_endtag(self, tag):
        self._inline = tag == "span"

    def handle_data(self, data):
        data = unicodedata.normalize("NFKC", data)
        if getattr(self, "_inline", False) and self.texts:
            self.texts[-1] += data
        else:
            self.texts.append(data)
        self._inline = False


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The tiny database with the HOSTILE Thai names, given through a configuration workbook import."""
    path = tmp_path_factory.mktemp("hostile") / "tiny.duckdb"
    build_tiny(path)
    with pytest.MonkeyPatch.context() as mp, Database(path) as db:
        mp.setenv("SAISAAT_TODAY", "2020-06-01")   # the tiny calendar's last year: no fiscal year is added
        rename(db, HOSTILE, langs=("th",))
        return reports.cabinet_summary(db, 2562), reports.report_cards(db, 2562)


# The names reach the documents' content unchanged (what the tests below look for).
def test_hostile_names_are_in_the_content(hostile):
    summary, cards = hostile
    assert len(LONG_NAME) == 1000
    assert summary.top.set_index("unit_code")["unit_name"].to_dict() == {
        c: HOSTILE[c] for c in ("D01", "D02", "DEPN", "DEPA")}
    assert [c.unit_name for c in cards] == [HOSTILE[c] for c in ("D01", "D02", "DEPA", "DEPN")]


# The HTML behind both PDFs: no link, script or image element and no event or link attribute appears;
# each name (and the indicator's wording) is one text node, as written (NFKC: ำ is printed as ํ + า).
@pytest.mark.parametrize("document", ["summary", "cards"])
def test_hostile_names_are_text_in_the_html(hostile, document):
    summary, cards = hostile
    html = (documents.summary_html(summary, with_figures=False) if document == "summary"
            else documents.cards_html(cards, 2562, "th", demo=False))
    seen = _Elements(html)
    assert seen.tags & {"a", "script", "img"} == set()
    assert seen.attributes & {"href", "src", "onerror"} == set()
    missing = [code for code, name in HOSTILE.items()
               if not any(unicodedata.normalize("NFKC", name) in text for text in seen.texts)]
    assert missing == []


# The PDFs (the summary with its charts; all four cards): each name and the wording read back as
# written, and no page carries a link.
@pytest.mark.parametrize("document", ["summary", "cards"])
def test_hostile_names_read_back_from_the_pdf(hostile, document):
    summary, cards = hostile
    data = (documents.summary_pdf(summary) if document == "summary"
            else documents.cards_pdf(cards, 2562, "th", demo=False))
    _, text = pdf_text(data)
    flat = comparable(text)
    assert [code for code, name in HOSTILE.items() if comparable(name) not in flat] == []
    links = [a.get_object() for page in PdfReader(io.BytesIO(data)).pages for a in page.get("/Annots") or []]
    assert [a for a in links if a.get("/Subtype") == "/Link"] == []


# The XLSX annex keeps each name as text (a spreadsheet never runs "=cmd|…" as a formula), and the
# Word file holds each name as written in its tables.
def test_hostile_names_are_text_in_the_annex_and_the_word_file(hostile):
    summary, _ = hostile
    wb = openpyxl.load_workbook(io.BytesIO(documents.summary_xlsx(summary)))
    ws = wb[th("doc_sheet_scores")]
    start = next(r[0].row for r in ws.iter_rows() if r[0].value == th("col_unit_code"))
    header = [c.value for c in ws[start]]
    code, name = header.index(th("col_unit_code")), header.index(th("col_unit"))
    cells = {row[code].value: row[name] for row in ws.iter_rows(min_row=start + 1)}
    assert {c: (cell.value, cell.data_type) for c, cell in cells.items()} == {
        c: (HOSTILE[c], "s") for c in ("D01", "D02", "DEPA", "DEPN")}
    doc = Document(io.BytesIO(documents.summary_docx(summary)))
    texts = {plain(cell.text) for table in doc.tables for row in table.rows for cell in row.cells}
    assert {HOSTILE[c] for c in ("D01", "D02", "DEPA", "DEPN")} <= texts


# --- the documents as printed and as an office suite opens them (issue 10) ------------------------
# Rendered once for the module (the CLI above, both languages); the Word files through LibreOffice
# (Debian's libreoffice-writer-nogui, with Sarabun THSN installed as TH Sarabun New by saisaat.fonts)
# and every PDF's pages through pdftoppm, kept in test-artifacts/reports/.

LANGS = ("th", "en")
TOP_MARGIN_CM, RIGHT_MARGIN_CM, BOTTOM_MARGIN_CM, LEFT_MARGIN_CM = documents.PAGE_MARGINS_CM


@contextlib.contextmanager
def dated(day: date = ISSUED):
    """In-process documents dated like the CLI's (SAISAAT_TODAY)."""
    before = os.environ.get("SAISAAT_TODAY")
    os.environ["SAISAAT_TODAY"] = day.isoformat()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("SAISAAT_TODAY")
        else:
            os.environ["SAISAAT_TODAY"] = before


def raw_text(path: Path, page: int | None = None) -> str:
    """pdftotext in the content's order (-raw): a Thai mark drawn shifted left stays with its consonant."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", "-raw", *pages, str(path), "-"], capture_output=True, text=True,
                          check=True, timeout=120).stdout


def top_band(path: Path, page: int) -> str:
    """The text above the text block of one page (where the page number stands), at 72 dpi."""
    height = int(TOP_MARGIN_CM / 2.54 * 72) - 4
    return subprocess.run(["pdftotext", "-raw", "-f", str(page), "-l", str(page), "-x", "0", "-y", "0",
                           "-W", "595", "-H", str(height), str(path), "-"],
                          capture_output=True, text=True, check=True, timeout=60).stdout.strip()


def fonts_of(path: Path) -> list[tuple[str, str]]:
    """(font name, embedded yes/no) of every font pdffonts lists."""
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True,
                           timeout=60).stdout.splitlines()[2:]
    return [(line.split()[0], line.split()[-5]) for line in lines if line.strip()]


def render_pngs(pdf: Path, prefix: str, dpi: int = 60) -> list[Path]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{prefix}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(ARTIFACTS / prefix)], check=True, timeout=300)
    return sorted(ARTIFACTS.glob(f"{prefix}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


@pytest.fixture(scope="module")
def office(cli, tmp_path_factory) -> dict[str, Path]:
    """Each language's .docx as LibreOffice renders it to PDF (its own profile, headless)."""
    out = tmp_path_factory.mktemp("libreoffice")
    pdfs = {}
    for lang in LANGS:
        proc = subprocess.run(["soffice", f"-env:UserInstallation=file://{out}/profile", "--headless",
                               "--convert-to", "pdf", "--outdir", str(out), str(cli[lang]["docx"])],
                              capture_output=True, text=True, timeout=300)
        pdfs[lang] = out / f"cabinet_summary_{FY}_{lang}.pdf"
        assert pdfs[lang].is_file(), proc.stderr
    return pdfs


@pytest.fixture(scope="module")
def summaries(cli, office) -> dict[tuple[str, str], Path]:
    """(renderer, language) → the summary's PDF: the PDF path (WeasyPrint) and the Word file through
    LibreOffice; their pages are rendered to PNG in test-artifacts/reports/."""
    out = {}
    for lang in LANGS:
        out[("pdf", lang)], out[("word", lang)] = cli[lang]["pdf"], office[lang]
        render_pngs(cli[lang]["pdf"], f"cabinet_summary_{FY}_{lang}")
        render_pngs(office[lang], f"cabinet_summary_{FY}_{lang}_libreoffice")
    return out


@pytest.fixture(scope="module")
def card_files(cli, tmp_path_factory) -> dict[str, dict[str, Path]]:
    """language → unit code → its card's PDF, unpacked from the ZIP."""
    out = {}
    for lang in LANGS:
        folder = tmp_path_factory.mktemp(f"cards_{lang}")
        with zipfile.ZipFile(cli[lang]["zip"]) as z:
            z.extractall(folder)
        out[lang] = {p.stem.removeprefix(f"{FY}_"): p for p in folder.glob("*.pdf")}
    return out


def _texts(value) -> list[str]:
    """Every string a context holds (texts, tables' captions, headers and cells), in order."""
    if isinstance(value, documents.Text):
        return [str(value)]
    if isinstance(value, str):
        return [value]
    if isinstance(value, documents.Table):
        return ([value.caption] if value.caption else []) + value.header + [
            str(line) for row in value.rows for cell in row for line in cell.lines]
    if isinstance(value, (documents.Paragraph, documents.Pair, documents.Section, documents.Memo, documents.Figure)):
        fields = {"paragraph": ["text"], "pair": ["table"], "figure": ["caption"]}.get(
            getattr(value, "kind", ""), list(vars(value)))
        return [x for f in fields for x in _texts(getattr(value, f))]
    if isinstance(value, dict):
        return [x for v in value.values() for x in _texts(v)]
    if isinstance(value, (list, tuple)):
        return [x for v in value for x in _texts(v)]
    return []


@pytest.fixture(scope="module")
def summary_contexts(demo) -> dict[str, dict]:
    with dated():
        return {lang: documents.summary_document(reports.cabinet_summary(demo, FY, lang), {}) for lang in LANGS}


# Sarabun THSN: Sarabun's outlines drawn at TH Sarabun New's size (a digit 362/1000 of the em, Laksaman
# scaled back), named apart from Sarabun, and what fontconfig gives for "TH Sarabun New" (LibreOffice).
def test_sarabun_at_th_sarabun_new_size():
    from fontTools.ttLib import TTFont
    assert abs(fonts.text_width("0", 1000) - 362) < 1
    assert abs(fonts.text_width("0", 1000) * 544 / 362 - 544) < 2      # Laksaman's digit, 1.5 times as wide
    font = TTFont(fonts.font_path())
    assert font["name"].getDebugName(1) == "Sarabun THSN" and font["head"].unitsPerEm == 1520
    match = subprocess.run(["fc-match", "-f", "%{family}", "TH Sarabun New"], capture_output=True, text=True).stdout
    assert match == "Sarabun THSN"


# Every PDF (the summary by both paths and every card, both languages) embeds its fonts, and only
# Sarabun THSN (no serif fallback for page numbers, no Laksaman).
@pytest.mark.parametrize("lang", LANGS)
def test_every_pdf_embeds_sarabun(summaries, card_files, lang):
    paths = [summaries[("pdf", lang)], summaries[("word", lang)]] + sorted(card_files[lang].values())
    wrong = {p.name: f for p in paths for f in fonts_of(p) if f[1] != "yes" or "SarabunTHSN" not in f[0].replace("-", "")}
    assert wrong == {}
    assert len(card_files[lang]) == 70


# Every PDF's text (pdftotext) has no dotted circle (U+25CC, a mark shaped without its consonant) and
# holds every string of its context, after normalisation (`comparable`, names' joiners removed).
@pytest.mark.parametrize("renderer", ["pdf", "word"])
@pytest.mark.parametrize("lang", LANGS)
def test_summary_text_reads_back(summaries, summary_contexts, renderer, lang):
    text = raw_text(summaries[(renderer, lang)])
    assert "\u25cc" not in text
    flat = comparable(plain(text))
    context = summary_contexts[lang]
    strings = _texts([context["memo"], context["title"], context["subtitle"], context["period"],
                      context["demo_banner"], context["sections"]])
    assert len(strings) > 200
    assert [x for x in strings if comparable(x) not in flat] == []


@pytest.fixture(scope="module")
def card_contexts(demo) -> dict[str, dict[str, dict]]:
    with dated():
        return {lang: {c.unit_code: documents.card_context(c, FY, lang, True) for c in reports.report_cards(demo, FY, lang)}
                for lang in LANGS}


# Every card (both languages): one page, no dotted circle, every string of its context in its text.
@pytest.mark.parametrize("lang", LANGS)
def test_cards_read_back_one_page_each(card_files, card_contexts, lang):
    wrong = {}
    for code, path in card_files[lang].items():
        text = raw_text(path)
        flat = comparable(text)
        context = card_contexts[lang][code]
        shown = {k: v for k, v in context.items()          # what the page prints (no draft mark on a final card)
                 if k not in ("lang", "draft", "draft_mark") and not (k == "no_losses" and context["losses"])}
        missing = [x for x in _texts(shown) if x and comparable(x) not in flat]
        pages = len(PdfReader(path).pages)
        if "\u25cc" in text or missing or pages != 1:
            wrong[code] = (pages, "\u25cc" in text, missing)
    assert wrong == {}


# Cards for a long name, a unit missing round 1 and a district, both languages, kept as PNG to look at.
@pytest.mark.parametrize("lang", LANGS)
def test_card_pages_as_png(card_files, lang):
    for code in ("GOVS", "1019", "1001"):
        pngs = render_pngs(card_files[lang][code], f"report_card_{FY}_{code}_{lang}")
        assert len(pngs) == 1 and pngs[0].stat().st_size > 10_000


# Page numbers at the top centre from page 2, never on page 1: "- n -" above the text block of page n
# and nothing there on page 1, by both paths, in both languages.
@pytest.mark.parametrize("renderer", ["pdf", "word"])
@pytest.mark.parametrize("lang", LANGS)
def test_page_numbers_from_page_two(summaries, renderer, lang):
    path = summaries[(renderer, lang)]
    pages = len(PdfReader(path).pages)
    assert pages >= 6
    assert [top_band(path, n) for n in range(1, pages + 1)] == [""] + [f"- {n} -" for n in range(2, pages + 1)]


# No table (or anything else) is wider than the text block: no ink in the left and right margins of
# any page below the top margin, by both paths, in both languages (pages rendered at 60 dpi).
@pytest.mark.parametrize("renderer", ["pdf", "word"])
@pytest.mark.parametrize("lang", LANGS)
def test_nothing_wider_than_the_text_block(summaries, renderer, lang):
    prefix = f"cabinet_summary_{FY}_{lang}" + ("_libreoffice" if renderer == "word" else "")
    pngs = sorted(ARTIFACTS.glob(f"{prefix}-*.png"))
    assert len(pngs) == len(PdfReader(summaries[(renderer, lang)]).pages)
    over = {}
    for png in pngs:
        image = Image.open(png).convert("L")
        px_cm = image.width / 21.0
        top = int(TOP_MARGIN_CM * px_cm)
        left, right = int((LEFT_MARGIN_CM - 0.15) * px_cm), int((21.0 - RIGHT_MARGIN_CM + 0.15) * px_cm)
        for box in ((0, top, left, image.height), (right, top, image.width, image.height)):
            if image.crop(box).getextrema()[0] < 160:
                over[png.name] = box
    assert over == {}


# The Word file's structure: the report's headings in Heading 1, captions in Caption and numbered in
# order, page numbers in the header from page 2 (a PAGE field; the first page's header empty), every
# table at most the text block wide, its header row repeated, no row split, numbers right-aligned.
def test_word_file_structure(cli, summary_contexts):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    doc = Document(str(cli["docx"]))
    context = summary_contexts["th"]
    headings = [plain(p.text) for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == [s.heading for s in context["sections"]]
    captions = [plain(p.text) for p in doc.paragraphs if p.style.name == "Caption"]
    tables = [c for c in captions if c.startswith("ตารางที่")]
    assert tables == [th("doc_table_caption", n=n, title=th(k)) for n, k in enumerate(
        ["doc_t_bands", "doc_t_kind", "doc_t_objective", "doc_t_top", "doc_t_improved", "doc_t_needs", "doc_t_years"], 1)]
    assert [c for c in captions if c.startswith("ภาพที่")] == [
        th("doc_figure_caption", n=n, title=th(f"doc_f_{k}")) for n, k in enumerate(["bands", "objective", "trend"], 1)]
    section = doc.sections[0]
    assert section.different_first_page_header_footer
    assert section.first_page_header.paragraphs[0].text == ""
    assert 'w:instr="PAGE"' in section.header._element.xml
    text_width = int(round((21.0 - LEFT_MARGIN_CM - RIGHT_MARGIN_CM) / 2.54 * 1440))
    for table in doc.tables:
        grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert sum(grid) <= text_width
        rows = table._tbl.findall(qn("w:tr"))
        assert rows[0].trPr.find(qn("w:tblHeader")) is not None
        assert all(r.trPr.find(qn("w:cantSplit")) is not None for r in rows)
    top10 = doc.tables[3]
    assert [c.paragraphs[0].alignment for c in top10.rows[1].cells] == [
        WD_ALIGN_PARAGRAPH.RIGHT, None, WD_ALIGN_PARAGRAPH.RIGHT]


# Names are kept whole on a line: every short unit name the summary holds appears within one line
# of the PDF's text as often as in the whole text (none split across lines), by both paths.
@pytest.mark.parametrize("renderer", ["pdf", "word"])
@pytest.mark.parametrize("lang", ["th"])
def test_names_never_split_across_lines(summaries, demo, renderer, lang):
    text = plain(raw_text(summaries[(renderer, lang)]))
    lines = [comparable(line) for line in text.splitlines()]
    whole = comparable(text)
    names = [n for n in demo.query("units_by_code")["name_th"] if fonts.text_width(n, 16) <= 0.3 * documents.TEXT_WIDTH_PT]
    split = {n: (whole.count(comparable(n)), sum(line.count(comparable(n)) for line in lines))
             for n in names if whole.count(comparable(n)) != sum(line.count(comparable(n)) for line in lines)}
    assert split == {}
    assert sum(whole.count(comparable(n)) for n in names) >= 20


# The annex: a title row with the year, the data source and the synthetic notice; Thai headers in the
# Thai version (English in the English one); kinds and peer groups by name; number formats as the
# documents show them; print set-up (landscape, fit to width, the header row repeated).
@pytest.mark.parametrize("lang", LANGS)
def test_annex_layout(cli, lang):
    wb = openpyxl.load_workbook(cli[lang]["xlsx"])
    T = lambda key, **v: t(key, lang, **v)  # noqa: E731
    ws = wb[T("doc_sheet_scores")]
    assert str(FY) in ws["A1"].value and T("doc_sheet_scores") in ws["A1"].value
    assert T("doc_source_demo") in ws["A2"].value and ws["A3"].value == T("demo_banner")
    header = [c.value for c in ws[5]]
    assert header == [T("col_unit_code"), T("col_unit"), T("col_kind"),
                      "กลุ่มเขต" if lang == "th" else "Zone", T("col_num_expected"), T("col_num_scored"),
                      T("col_points"), T("col_max_points"), T("col_score_pct"), T("col_rank_in_kind")]
    rows = list(ws.iter_rows(min_row=6))
    assert len(rows) == 70
    kinds = {r[2].value for r in rows}
    assert kinds == ({"สำนักงานเขต", "สำนัก/สำนักงาน"} if lang == "th" else {"District office", "Department / office"})
    first = rows[0]
    assert first[3].value == ("กรุงเทพกลาง" if lang == "th" else "Central Bangkok")   # 1001 Phra Nakhon, zone CEN
    assert (first[8].number_format, first[4].number_format, first[6].number_format) == ("0.00", "#,##0", "#,##0.00")
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$5:$5" and ws.freeze_panes == "A6"


# The memo takes every name from the configuration (the tiny organisation: nothing of the BMA), the
# date in full, the fiscal year, and is ready to sign: the signer's name and position, the contact.
def test_memo_from_the_configuration(tiny):
    with dated():
        memo = documents.summary_document(reports.cabinet_summary(tiny, 2562), {})["memo"]
    text = " ".join(_texts(memo))
    assert [str(v) for line in memo.fields for _, v in line] == [
        "สำนักเลขานุการทดสอบ กองทดสอบ โทร. 0 1234 5678", "ทส" + "\u2003" * 4 + "/" + "\u2003" * 4,
        "1 ธันวาคม 2569", th("memo_subject_value", fy=2562)]
    assert [label for line in memo.fields for label, _ in line] == ["ส่วนราชการ", "ที่", "วันที่", "เรื่อง"]
    assert memo.salutation == ("เรียน", documents.Text((documents.Run("ประธานทดสอบ", whole=True),)))
    assert memo.signature == ("(นายทดสอบ ลงนาม)", "ผู้อำนวยการกองทดสอบ")
    assert "หน่วยรับรายงานทดสอบ" in text and "2562" in text and str(memo.closing) == th("memo_closing")
    assert all(bma not in text for bma in ("กรุงเทพมหานคร", "ก.พ.", "ก.ก.", "ปลัด"))


# Names are marked to be kept whole (the longest first, Thai ones only, short enough for a line), and
# the Word file writes them with word joiners that a reader does not see.
def test_names_kept_whole():
    from saisaat.docx_writer import unbreakable
    wording = documents.Wording(["สำนักงานเขตบางคอแหลม", "บางคอแหลม", "กรุงเทพมหานคร", "Bang Kho Laem",
                                 "สำนักงานคณะกรรมการข้าราชการกรุงเทพมหานครและชื่อยาวมากเกินหนึ่งในสามบรรทัด"])
    assert wording("ที่สำนักงานเขตบางคอแหลม กรุงเทพมหานคร Bang Kho Laem").runs == (
        documents.Run("ที่"), documents.Run("สำนักงานเขตบางคอแหลม", True), documents.Run(" "),
        documents.Run("กรุงเทพมหานคร", True), documents.Run(" Bang Kho Laem"))
    long = wording("สำนักงานคณะกรรมการข้าราชการกรุงเทพมหานครและชื่อยาวมากเกินหนึ่งในสามบรรทัด")
    assert [r.text for r in long.runs if r.whole] == ["กรุงเทพมหานคร"]
    joined = unbreakable("บางคอแหลม", True, False)
    assert joined.startswith("\u200b") and "\u2060" in joined and plain(joined) == "บางคอแหลม"
    assert plain(unbreakable("สำนัก วัฒนธรรม")) == "สำนัก วัฒนธรรม" and " " not in unbreakable("สำนัก วัฒนธรรม")


# Column widths from the content: numbers keep their natural width; text takes what is left, never
# below its longest unbreakable piece; a narrow table grows by a quarter at most.
def test_column_widths_from_content():
    cell = lambda x, num=False: documents.Cell((documents.Text((documents.Run(x),)),), num)  # noqa: E731
    rows = [[cell("สำนักงานเขตพระนคร " * 4), cell("100.00", True)], [cell("ก"), cell("9.50", True)]]
    widths = documents.column_widths(["หน่วยงาน", "คะแนน"], rows, [False, True], 14, 300)
    number = max(fonts.text_width(x, 14, bold=b) for x, b in (("100.00", False), ("คะแนน", True))) + 9
    assert widths[1] == pytest.approx(number) and sum(widths) == pytest.approx(300)
    narrow = documents.column_widths(["A", "B"], [[cell("x"), cell("1", True)]], [False, True], 14, 300)
    natural = [fonts.text_width("A", 14, True) + 9, fonts.text_width("B", 14, True) + 9]
    assert sum(narrow) == pytest.approx(1.25 * sum(natural)) and narrow[1] == pytest.approx(natural[1])


# A unit missing a round says so on its card: DEPA has no round-2 results in FY2562 (tiny), so its
# card states it, its full mark is one round's (3 points × 1 round = 3), and it is compared with its
# peers' round-1 points.
def test_card_states_a_missing_round(tiny):
    with dated():
        card = reports.report_cards(tiny, 2562, units=["DEPA"])[0]
        context = documents.card_context(card, 2562, "th", demo=False)
    assert card.missing_rounds == (2,) and card.num_indicators == 2 and card.max_points_per_round == 3
    assert [str(n) for n in context["notes"]] == [
        th("card_full_mark", n=2, per_round="3", rounds=1, per_year="3"), th("card_missing_round", n=2, other=1)]
    assert context["losses_note"] == th("card_losses_round", n=1)
    assert context["issued"] == th("card_issued", date="1 ธันวาคม 2569", office="สำนักเลขานุการทดสอบ")
