"""Rendering the November documents: the cabinet / OCSC summary as Word (TH Sarabun New 16 pt, Thai
official layout), PDF (Thai shaped and wrapped at word boundaries) and an XLSX annex; the unit report
cards as one A4 page per unit (a PDF each, or all in a ZIP).

Python builds each document's context: every string as it is shown (from the catalogue, numbers
formatted), tables as header and rows of cells, chart data as plain numbers. The autoescaped Jinja2
templates in document_templates/ lay it out as HTML for the PDF, so a layout change touches a
template only; the Word file is written from the same summary context by python-docx."""
from __future__ import annotations

import base64
import io
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import jinja2
import pandas as pd
import plotly.graph_objects as go

from saisaat import charts
from saisaat.exports import xlsx_bytes
from saisaat.fiscal import format_date, today
from saisaat.i18n import t
from saisaat.reports import CabinetSummary, ReportCard

DOCX_FONT = "TH Sarabun New"
PDF_FONT = "Laksaman"   # derived from TH Sarabun New; see TOOLING_NOTES (the alias overlaps glyphs)
_kaleido_lock = threading.Lock()
_kaleido_started = False


def figure_png(fig: go.Figure, width: int = 900, height: int = 420) -> bytes:
    """A Plotly figure as PNG through Kaleido and the system Chromium (one browser kept running)."""
    import kaleido
    global _kaleido_started
    with _kaleido_lock:
        if not _kaleido_started:
            kaleido.start_sync_server(mathjax=False)
            _kaleido_started = True
        return kaleido.calc_fig_sync(fig, opts={"format": "png", "width": width, "height": height, "scale": 2})


def _f(x, digits: int = 2) -> str:
    return "—" if x is None or (isinstance(x, float) and x != x) else f"{float(x):,.{digits}f}"


# --- the cabinet summary: one content model, three renderers ------------------------------------

SUMMARY_FIGURES = ("bands", "objective", "trend")


def _with_headers(frame: pd.DataFrame, headers: dict[str, str]) -> pd.DataFrame:
    """The frame's columns named in `headers`, in that order, renamed to their header as shown."""
    return frame[list(headers)].rename(columns=headers)


def summary_figures(s: CabinetSummary) -> dict[str, go.Figure]:
    lang = s.lang
    bands = charts.bars(s.bands, "band", "num_units", t("col_score_pct", lang), t("col_num_units", lang),
                        text_fmt="{:.0f}")
    bands.update_yaxes(range=None)
    objective = charts.bars(s.by_objective, "objective", "mean_pct", t("objective", lang), t("col_mean_pct", lang),
                            horizontal=True)
    objective.update_layout(margin={"l": 330})
    mean_label = t("org_mean", lang, org=s.organisation["org_short"])
    trend = charts.trend({}, s.by_year, t("peer_band", lang),
                         s.by_year, mean_label, [], "", t("col_score_pct", lang), t("fiscal_year", lang))
    for fig in (bands, objective, trend):
        fig.update_layout(template="plotly_white", font={"size": 16})
    return {"bands": bands, "objective": objective, "trend": trend}


def summary_sections(s: CabinetSummary) -> list[tuple[str, list]]:
    """(heading, blocks) where a block is a paragraph (str), a table (DataFrame) or a figure key."""
    lang, h, org = s.lang, s.headline, s.organisation
    T = lambda key, **v: t(key, lang, **v)
    comp = s.completeness
    rounds = [T("doc_round_completeness", n=int(r.inspection_round), received=f"{int(r.num_received):,}",
                expected=f"{int(r.num_expected):,}", pct=_f(r.coverage_pct),
                units=int(r.num_units_reporting), units_expected=int(r.num_units_expected))
              for r in comp.itertuples()]
    change = "—" if h.mean_change_pct is None else f"{h.mean_change_pct:+.2f}"
    cols = lambda frame, mapping: _with_headers(frame, {k: T(v) for k, v in mapping.items()})
    return [
        (T("doc_s_centre", centre=org["centre_name"]),
         [T("doc_centre", fy=s.fiscal_year, org=org["org_name"], chair=org["chair"], secretariat=org["secretariat"])]),
        (T("doc_s_assessed"), [T("doc_assessed", assessed=h.units_assessed, expected=h.units_expected)] + rounds),
        (T("doc_s_overall", org=org["org_name"]), [
            T("doc_overall", mean=_f(h.mean_pct), median=_f(h.median_pct), target=f"{h.target_pct:g}",
              at_target=h.at_or_above_target, previous=_f(h.previous_mean_pct), change=change),
            cols(s.bands, {"band": "col_score_pct", "num_units": "col_num_units"}), "bands"]),
        (T("doc_s_by_kind"), [cols(s.by_kind, {"kind": "col_kind", "num_units": "col_num_units",
                                              "mean_pct": "col_mean_pct", "median_pct": "col_median_pct"})]),
        (T("doc_s_by_objective"), [cols(s.by_objective, {"objective": "col_objective", "mean_pct": "col_mean_pct",
                                                         "median_pct": "col_median_pct"}), "objective"]),
        (T("doc_s_top"), [cols(s.top, {"unit_code": "col_unit_code", "unit_name": "col_unit",
                                       "score_pct": "col_score_pct"})]),
        (T("doc_s_improved"), [cols(s.improved, {"unit_code": "col_unit_code", "unit_name": "col_unit",
                                                 "from_pct": "col_from_pct", "to_pct": "col_to_pct",
                                                 "change_pct": "col_change_pct"})]),
        (T("doc_s_needs"), [cols(s.needs_improvement, {"unit_code": "col_unit_code", "unit_name": "col_unit",
                                                       "score_pct": "col_score_pct",
                                                       "missed_indicators": "doc_missed"})]),
        (T("doc_s_years"), [cols(s.by_year, {"fiscal_year": "col_fiscal_year", "mean_pct": "col_mean_pct",
                                             "num_units": "col_num_units"}), "trend"]),
        (T("doc_s_method"), [T("how_score"), T("doc_method_points")]),
        (T("doc_s_source"), [T("doc_source_demo") if s.demo else T("doc_source_real", centre=org["centre_name"]),
                             T("doc_generated", date=format_date(today(), lang))]),
    ]


def _cell(x) -> str:
    if isinstance(x, float):
        return _f(x)
    if isinstance(x, (int,)) and not isinstance(x, bool):
        return f"{x:,}" if abs(x) >= 10000 else str(x)
    return "" if x is None or (not isinstance(x, str) and pd.isna(x)) else str(x)


# --- the context both the templates and the Word file lay out ----------------------------------

@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: ClassVar[str] = "paragraph"


@dataclass(frozen=True)
class Cell:
    text: str          # as shown
    numeric: bool      # a number: right-aligned


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[Cell]]
    kind: ClassVar[str] = "table"

    @classmethod
    def of(cls, frame: pd.DataFrame) -> Table:
        """The frame's column names as the header; each value formatted as the documents show it."""
        return cls(header=[str(c) for c in frame.columns],
                   rows=[[Cell(_cell(v), isinstance(v, (int, float)) and not isinstance(v, bool)) for v in row]
                         for row in frame.itertuples(index=False)])


@dataclass(frozen=True)
class Figure:
    key: str           # bands, objective or trend (summary_figures)
    png: bytes
    kind: ClassVar[str] = "figure"

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode()


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: list[Paragraph | Table | Figure]


def _pdf_text(value):
    """What a template prints, before escaping: sara am (U+0E33) written as its two parts, nikhahit and
    sara aa (U+0E4D U+0E32), so the PDF's text reads back as written (saisaat/pdf.py)."""
    return value.replace("\u0e33", "\u0e4d\u0e32") if isinstance(value, str) else value


TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).with_name("document_templates")),
    autoescape=True,                      # names and wording are user input: always text, never markup
    undefined=jinja2.StrictUndefined,     # a misspelt field fails instead of printing nothing
    finalize=_pdf_text, trim_blocks=True, lstrip_blocks=True)
TEMPLATES.globals.update(font=PDF_FONT, highlight=charts.HIGHLIGHT, peer=charts.PEER)


def summary_document(s: CabinetSummary, figures: dict[str, bytes]) -> dict:
    """The summary's context, for the PDF's template and the Word file alike; a figure block is
    left out when its image is not in `figures`."""
    sections = []
    for heading, blocks in summary_sections(s):
        out = []
        for block in blocks:
            if isinstance(block, pd.DataFrame):
                out.append(Table.of(block))
            elif block in SUMMARY_FIGURES:
                if block in figures:
                    out.append(Figure(block, figures[block]))
            else:
                out.append(Paragraph(block))
        sections.append(Section(heading, out))
    return {"lang": "th" if s.lang == "th" else "en",
            "title": t("doc_title", s.lang, fy=s.fiscal_year, org=s.organisation["org_name"]),
            "subtitle": s.organisation["centre_name"], "demo_banner": t("demo_banner", s.lang) if s.demo else None,
            "sections": sections}


def summary_docx(s: CabinetSummary) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    sec = doc.sections[0]
    sec.page_height, sec.page_width = Cm(29.7), Cm(21.0)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Cm(2.5), Cm(2), Cm(3), Cm(2)

    def font(run_or_style, size=16, bold=None):
        f = run_or_style.font
        f.name, f.size = DOCX_FONT, Pt(size)
        if bold is not None:
            f.bold = bold
        rpr = run_or_style.element.get_or_add_rPr() if hasattr(run_or_style.element, "get_or_add_rPr") \
            else run_or_style.element.rPr
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), DOCX_FONT)
        szcs = rpr.find(qn("w:szCs"))
        if szcs is None:
            szcs = rpr.makeelement(qn("w:szCs"), {})
            rpr.append(szcs)
        szcs.set(qn("w:val"), str(size * 2))
        if bold:
            rpr.append(rpr.makeelement(qn("w:bCs"), {}))

    normal = doc.styles["Normal"]
    font(normal, 16)
    normal.paragraph_format.space_after = Pt(0)

    def para(text, size=16, bold=False, center=False, indent=True):
        p = doc.add_paragraph()
        run = p.add_run(text)
        font(run, size, bold)
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif indent:
            p.paragraph_format.first_line_indent = Cm(2.5)
            p.alignment = WD_ALIGN_PARAGRAPH.THAI_JUSTIFY
        return p

    document = summary_document(s, {k: figure_png(f) for k, f in summary_figures(s).items()})
    para(document["title"], 20, True, center=True)
    para(document["subtitle"], 16, False, center=True)
    if document["demo_banner"]:
        para(document["demo_banner"], 14, True, center=True)
    for section in document["sections"]:
        para(section.heading, 16, True, indent=False)
        for block in section.blocks:
            if isinstance(block, Figure):
                doc.add_picture(io.BytesIO(block.png), width=Cm(15.5))
                doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif isinstance(block, Paragraph):
                para(block.text)
            else:
                table = doc.add_table(rows=1, cols=len(block.header))
                table.style = "Table Grid"
                for j, title in enumerate(block.header):
                    cell = table.rows[0].cells[j]
                    cell.text = ""
                    font(cell.paragraphs[0].add_run(title), 14, True)
                for row in block.rows:
                    cells = table.add_row().cells
                    for j, value in enumerate(row):
                        cells[j].text = ""
                        font(cells[j].paragraphs[0].add_run(value.text), 14)
                doc.add_paragraph()
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def summary_html(s: CabinetSummary, with_figures: bool = True) -> str:
    figures = {k: figure_png(f) for k, f in summary_figures(s).items()} if with_figures else {}
    return TEMPLATES.get_template("cabinet_summary.html.j2").render(summary_document(s, figures))


def summary_pdf(s: CabinetSummary) -> bytes:
    from saisaat.pdf import html_to_pdf
    return html_to_pdf(summary_html(s))


def summary_xlsx(s: CabinetSummary) -> bytes:
    lang = s.lang
    return xlsx_bytes({
        t("doc_sheet_scores", lang): s.scores[["unit_code", "unit_name", "unit_kind", "peer_group_code", "num_expected",
                                               "num_scored", "points", "max_points", "score_pct", "rank_in_kind"]],
        t("doc_sheet_completeness", lang): s.completeness,
        t("doc_sheet_bands", lang): s.bands,
        t("doc_sheet_kind", lang): s.by_kind,
        t("doc_sheet_objective", lang): s.by_objective,
        t("doc_sheet_top", lang): s.top[["unit_code", "unit_name", "score_pct"]],
        t("doc_sheet_improved", lang): s.improved,
        t("doc_sheet_needs", lang): s.needs_improvement,
        t("doc_sheet_years", lang): s.by_year,
    })


# --- unit report cards --------------------------------------------------------------------------

def _number(x) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


def _points(trend: pd.DataFrame) -> list[dict]:
    return [{"fiscal_year": int(r.fiscal_year), "score_pct": float(r.score_pct)} for r in trend.itertuples()]


def card_context(card: ReportCard, fiscal_year: int, lang: str, demo: bool) -> dict:
    """One card's context for report_card.html.j2."""
    T = lambda key, **v: t(key, lang, **v)
    st = card.standing
    rank = T("metric_rank_value", rank=st.rank, of=st.of) if st.rank else "—"
    losses = _with_headers(card.losses, {
        "indicator_code": T("col_indicator_code"), "indicator": T("col_indicator"), "points": T("col_points"),
        "max_points": T("col_max_points"), "peer_median_points": T("col_peer_median_points")})
    changes = _with_headers(card.objective_changes, {
        "objective": T("col_objective"), "previous_pct": T("fy_short", fy=fiscal_year - 1),
        "score_pct": T("fy_short", fy=fiscal_year), "change_pct": T("col_change_pct")})
    profile = card.profile.dropna(subset=["score_pct"])
    return {
        "title": T("card_title", fy=fiscal_year), "unit_name": card.unit_name, "unit_code": card.unit_code,
        "demo_banner": T("demo_banner") if demo else None,
        "score": _f(card.score_pct), "rank": T("card_rank", rank=rank, group=card.peer_label),
        "peer_median": T("card_median", median=_f(st.peer_median_pct)),
        "change": None if card.change_pct is None else T("card_change", previous=_f(card.previous_pct),
                                                         change=f"{card.change_pct:+.2f}"),
        "profile_heading": T("objective_profile"),
        "profile": {"unit_label": card.unit_name, "median_label": T("peer_median"),
                    "rows": [{"objective": str(r.objective), "score_pct": float(r.score_pct),
                              "peer_median_pct": _number(r.peer_median_pct)} for r in profile.itertuples()]},
        "losses_heading": T("card_losses"), "no_losses": T("card_no_losses"),
        "losses": Table.of(losses) if len(losses) else None,
        "trend_heading": T("card_trend"),
        "trend": {"points": _points(card.trend),
                  "segments": [_points(part) for _, part in card.trend.groupby("framework_id")]},
        "changes_heading": T("card_changes"), "changes": Table.of(changes) if len(changes) else None,
    }


def cards_html(cards: list[ReportCard], fiscal_year: int, lang: str, demo: bool) -> str:
    return TEMPLATES.get_template("report_cards.html.j2").render(
        lang=lang, cards=[card_context(c, fiscal_year, lang, demo) for c in cards])


def cards_pdf(cards: list[ReportCard], fiscal_year: int, lang: str, demo: bool) -> bytes:
    """All cards in one PDF, one page each (rendered in one pass)."""
    from saisaat.pdf import html_to_pdf
    return html_to_pdf(cards_html(cards, fiscal_year, lang, demo))


def cards_zip(cards: list[ReportCard], fiscal_year: int, lang: str, demo: bool) -> bytes:
    """One PDF per unit in a ZIP, split from a single rendering (a card that runs over a page keeps
    all its pages)."""
    from pypdf import PdfReader, PdfWriter
    combined = PdfReader(io.BytesIO(cards_pdf(cards, fiscal_year, lang, demo)))
    # each card's title is a top-level bookmark (WeasyPrint makes one per h1): where cards start
    starts = sorted(combined.get_destination_page_number(d) for d in combined.outline if not isinstance(d, list))
    if len(starts) != len(cards):
        raise RuntimeError(f"expected {len(cards)} cards, found {len(starts)} card pages")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for k, card in enumerate(cards):
            writer = PdfWriter()
            end = starts[k + 1] if k + 1 < len(starts) else len(combined.pages)
            for i in range(starts[k], end):
                writer.add_page(combined.pages[i])
            out = io.BytesIO()
            writer.write(out)
            z.writestr(f"{fiscal_year}_{card.unit_code}.pdf", out.getvalue())
    return buf.getvalue()

