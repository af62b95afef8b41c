"""Rendering the November documents: the cabinet / OCSC summary (a covering memo, then the report) as
Word and PDF with an XLSX annex; the unit report cards as one A4 page per unit (a PDF each, or all in
a ZIP).

One layout, two renderers that cannot drift apart. Python builds each document's context (this
module): every string as it is shown, names marked to be kept whole on a line, tables with their
number, caption and column widths measured from their content, figures with theirs, and which blocks
stay together on a page. The autoescaped Jinja2 templates in document_templates/ lay that context out
as HTML for WeasyPrint (the PDF); saisaat/docx_writer.py lays the same context out as the Word file.
Neither decides anything about content, numbering, widths or breaks: a layout change is a change to
the context or to both renderers' handling of one field.

Type: Sarabun at TH Sarabun New's size (saisaat/fonts.py), embedded in the PDFs and used for the
chart images; the Word file names TH Sarabun New, which Thai government computers have.
"""
from __future__ import annotations

import base64
import io
import math
import os
import re
import threading
import zipfile
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import ClassVar

import jinja2
import pandas as pd
import plotly.graph_objects as go

from saisaat import charts, fonts
from saisaat.exports import Sheet, xlsx_bytes
from saisaat.fiscal import fiscal_year_bounds, format_date_long, today
from saisaat.i18n import t
from saisaat.labels import indicator_number
from saisaat.reports import CabinetSummary, ReportCard

DOCX_FONT = fonts.WORD_FONT
PDF_FONT = fonts.FAMILY
# A4 with the margins of Thai official correspondence: top 2.5 cm, right 2 cm, bottom 2 cm, left 3 cm.
CM = 72 / 2.54
PAGE_MARGINS_CM = (2.5, 2.0, 2.0, 3.0)
TEXT_WIDTH_PT = (21.0 - PAGE_MARGINS_CM[1] - PAGE_MARGINS_CM[3]) * CM
BODY_PT, TABLE_PT = 16, 14
CELL_PAD_PT = 4                      # each side of a table cell, in both renderers
CARD_MARGINS_CM = (1.5, 1.8, 2.2, 1.8)     # the foot (method, issue date and office) in the bottom margin
CARD_WIDTH_PT = (21.0 - CARD_MARGINS_CM[1] - CARD_MARGINS_CM[3]) * CM
CARD_TABLE_PT = 13
KEEP_TOGETHER_LINES = 16     # a table of at most this many lines is never split across pages
_kaleido_lock = threading.Lock()
_kaleido_started = False


def figure_png(fig: go.Figure, width: int = 1000, height: int = 460) -> bytes:
    """A Plotly figure as PNG through Kaleido and the system Chromium (one browser kept running), drawn
    in Sarabun THSN (installed for fontconfig first, so Chromium finds it)."""
    import kaleido
    global _kaleido_started
    fonts.ensure_installed()
    with _kaleido_lock:
        if not _kaleido_started:
            kaleido.start_sync_server(mathjax=False)
            _kaleido_started = True
        return kaleido.calc_fig_sync(fig, opts={"format": "png", "width": width, "height": height, "scale": 2})


def _f(x, digits: int = 2) -> str:
    return "—" if x is None or (isinstance(x, float) and x != x) else f"{float(x):,.{digits}f}"


# --- text whose names are kept whole ----------------------------------------------------------

THAI = re.compile("[\u0e00-\u0e7f]")


@dataclass(frozen=True)
class Run:
    text: str
    whole: bool = False    # a name: a line never breaks inside it


@dataclass(frozen=True)
class Text:
    runs: tuple[Run, ...]

    def __str__(self) -> str:
        return "".join(r.text for r in self.runs)


class Wording:
    """Splits text into runs, marking the document's proper names (units, kinds, peer groups, the
    organisation's names) as kept whole: the line breaker (libthai in the PDF, the office suite's
    dictionary in Word) may break Thai between any two dictionary words, which splits names such as
    บางคอแหลม or กรุงเทพมหานคร. Only Thai names are marked (Latin names break at their spaces, as
    usual), and only short ones, up to `limit_pt` wide (a third of a line): a long name such as
    สำนักงานคณะกรรมการข้าราชการกรุงเทพมหานคร may break between its words, never inside the shorter
    names it holds (กรุงเทพมหานคร), so lines stay full; a name of a thousand characters wraps."""

    def __init__(self, names, size_pt: float = BODY_PT, limit_pt: float = 0.3 * TEXT_WIDTH_PT):
        kept = sorted({n for n in names if n and THAI.search(n) and fonts.text_width(n, size_pt) <= limit_pt},
                      key=lambda n: (-len(n), n))
        self._pattern = re.compile("|".join(re.escape(n) for n in kept)) if kept else None
        # the same few texts come again and again (a card's cells, headings and notes: about 190 distinct texts in
        # 3,300 calls over 70 national cards), and each search tries every name (8,054 at national scale)
        self._split = lru_cache(maxsize=4096)(self._runs)

    def __call__(self, text: str) -> Text:
        return self._split(text)

    def _runs(self, text: str) -> Text:
        if not self._pattern or not text:
            return Text((Run(text),))
        runs, at = [], 0
        for m in self._pattern.finditer(text):
            if m.start() > at:
                runs.append(Run(text[at:m.start()]))
            runs.append(Run(m.group(), True))
            at = m.end()
        if at < len(text):
            runs.append(Run(text[at:]))
        return Text(tuple(runs))


@lru_cache(maxsize=8)
def wording_of(names: tuple[str, ...], size_pt: float, limit_pt: float) -> Wording:
    """One Wording per set of names and size: every card of a rendering shares the document's names (8,000 units'
    at national scale, each measured to choose which to keep whole)."""
    return Wording(names, size_pt, limit_pt)


def _longest_unbreakable(text: Text, size_pt: float, bold: bool = False) -> float:
    """The widest piece a line cannot break: a whole name, or a word between spaces (Thai words
    without spaces are estimated as at most six ems: the breaker finds word ends inside them)."""
    widths = [0.0]
    for run in text.runs:
        if run.whole:
            widths.append(fonts.text_width(run.text, size_pt, bold))
        else:
            for word in run.text.split():
                w = fonts.text_width(word, size_pt, bold)
                widths.append(min(w, 6 * size_pt) if THAI.search(word) else w)
    return max(widths)


# --- the context both renderers lay out ----------------------------------------------------------

@dataclass(frozen=True)
class Paragraph:
    text: Text
    style: str = "body"        # body (first line indented), plain, note, centre
    kind: ClassVar[str] = "paragraph"


@dataclass(frozen=True)
class Cell:
    lines: tuple[Text, ...]    # one or more lines (a list in one cell)
    numeric: bool              # a number: right-aligned, never wrapped

    @property
    def text(self) -> str:
        return "\n".join(str(line) for line in self.lines)


@dataclass(frozen=True)
class Column:
    header: str
    numeric: bool
    width_pt: float


@dataclass(frozen=True)
class Table:
    number: int | None
    caption: str | None        # Table 1. …, above the table
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    size_pt: float
    keep_together: bool = True  # short enough to stay on one page with its caption; a longer one breaks
                                # between rows, its header row repeated
    kind: ClassVar[str] = "table"

    @property
    def header(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def width_pt(self) -> float:
        return sum(c.width_pt for c in self.columns)


@dataclass(frozen=True)
class Figure:
    number: int
    caption: str               # Figure 1. …, below the figure
    key: str                   # bands, objective or trend (summary_figures)
    png: bytes
    width_cm: float = 15.0
    kind: ClassVar[str] = "figure"

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode()


@dataclass(frozen=True)
class Pair:
    """A table and the figure drawn from it, kept on one page."""
    table: Table
    figure: Figure
    kind: ClassVar[str] = "pair"


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: list


def _cell_value(x) -> str:
    if isinstance(x, bool):
        return str(x)
    if isinstance(x, float):
        return _f(x)
    if isinstance(x, int):
        return f"{x:,}" if abs(x) >= 10000 else str(x)
    return "" if x is None or (not isinstance(x, (str, list)) and pd.isna(x)) else str(x)


def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def column_widths(header: list[str], rows: list[list[Cell]], numeric: list[bool], size_pt: float,
                  max_width_pt: float) -> list[float]:
    """Column widths from the content, in points, the cell padding included: numbers never wrap and
    keep their natural width; text columns share what is left in proportion to their natural width,
    never below their widest unbreakable piece; a table narrower than the text block is widened by a
    quarter at most (it is centred), never stretched across the page for two short columns."""
    pad = 2 * CELL_PAD_PT + 1
    natural, minimum = [], []
    for j, title in enumerate(header):
        head = [fonts.text_width(w, size_pt, bold=True) for w in title.split()] or [0.0]
        cells = [line for row in rows for line in row[j].lines]
        widest = max([fonts.text_width(str(line), size_pt) for line in cells] + [0.0])
        if numeric[j]:
            need = max([widest] + head)
            natural.append(need + pad)
            minimum.append(need + pad)
        else:
            natural.append(max(widest, sum(head) + size_pt * 0.3 * (len(head) - 1)) + pad)
            minimum.append(max([max(head)] + [_longest_unbreakable(line, size_pt) for line in cells]) + pad)
    total = sum(natural)
    if total <= max_width_pt:
        target = min(max_width_pt, total * 1.25)
        text_cols = [j for j, num in enumerate(numeric) if not num] or list(range(len(header)))
        extra = (target - total) / len(text_cols)
        return [w + (extra if j in text_cols else 0) for j, w in enumerate(natural)]
    widths = list(minimum)
    spare = max_width_pt - sum(widths)
    if spare < 0:   # even the unbreakable pieces do not fit: shrink the text columns alike
        text_total = sum(w for w, num in zip(widths, numeric) if not num) or 1
        return [w if num else max(pad, w + spare * w / text_total) for w, num in zip(widths, numeric)]
    want = [0 if num else natural[j] - minimum[j] for j, num in enumerate(numeric)]
    total_want = sum(want) or 1
    return [w + spare * want[j] / total_want for j, w in enumerate(widths)]


def make_table(frame: pd.DataFrame, wording: Wording, number: int | None = None, caption: str | None = None,
               size_pt: float = TABLE_PT, max_width_pt: float = TEXT_WIDTH_PT) -> Table:
    """The frame's column names as the header; each value as the documents show it (a list is one
    line per item), names kept whole; column widths from the content."""
    header = [str(c) for c in frame.columns]
    values = list(frame.itertuples(index=False))
    numeric = [bool(values) and all(_is_number(row[j]) or row[j] is None or (isinstance(row[j], float) and row[j] != row[j])
                                    for row in values) and any(_is_number(row[j]) for row in values)
               for j in range(len(header))]
    rows = [[Cell(tuple(wording(str(v)) for v in value) if isinstance(value, list) else (wording(_cell_value(value)),),
                  numeric[j])
             for j, value in enumerate(row)] for row in values]
    widths = column_widths(header, rows, numeric, size_pt, max_width_pt)
    table = Table(number=number, caption=caption,
                  columns=tuple(Column(h, n, w) for h, n, w in zip(header, numeric, widths)),
                  rows=tuple(tuple(r) for r in rows), size_pt=size_pt)
    return replace(table, keep_together=sum(table_lines(table)) <= KEEP_TOGETHER_LINES)


def _with_headers(frame: pd.DataFrame, headers: dict[str, str]) -> pd.DataFrame:
    """The frame's columns named in `headers`, in that order, renamed to their header as shown."""
    return frame[list(headers)].rename(columns=headers)


# --- the cabinet summary --------------------------------------------------------------------------

SUMMARY_FIGURES = ("bands", "objective", "trend")
CHART_PT = 30                        # chart text, in Sarabun THSN px of a 1,000 px wide image shown 15 cm wide


def summary_figures(s: CabinetSummary) -> dict[str, go.Figure]:
    lang = s.lang
    bands = charts.bars(s.bands, "band", "num_units", t("col_score_band", lang), t("col_num_units", lang),
                        text_fmt="{:.0f}")
    bands.update_yaxes(range=[0, max(1, int(s.bands["num_units"].max())) * 1.18])
    objective = charts.bars(s.by_objective, "objective", "mean_pct", "", t("col_mean_pct", lang),
                            horizontal=True)
    labels_px = max(fonts.text_width(str(o), CHART_PT) for o in s.by_objective["objective"]) if len(s.by_objective) else 0
    objective.update_yaxes(title=None, automargin=False, ticksuffix="\u2002")
    trend = charts.trend({}, s.by_year, t("doc_band_all", lang),
                         s.by_year, t("doc_mean_all", lang, org=s.organisation["org_short"]), [], "",
                         t("col_score_pct", lang), t("fiscal_year", lang))
    trend.update_xaxes(dtick=1)
    trend.update_layout(legend={"y": -0.28, "yanchor": "top"})
    # the objective names stand left of their bars, in a margin measured from them
    for fig, left in ((bands, 10), (objective, int(labels_px * 1.1) + 40), (trend, 10)):
        fig.update_layout(template="plotly_white", font={"family": f"'{fonts.FAMILY}'", "size": CHART_PT},
                          margin={"l": left, "r": 40, "t": 20, "b": 10})
    return {"bands": bands, "objective": objective, "trend": trend}


def _round_lines(s: CabinetSummary) -> list[str]:
    return [t("doc_round_completeness", s.lang, n=int(r.inspection_round), received=f"{int(r.num_received):,}",
              expected=f"{int(r.num_expected):,}", pct=_f(r.coverage_pct),
              units=int(r.num_units_reporting), units_expected=int(r.num_units_expected))
            for r in s.completeness.itertuples()]


def _fy_words(s: CabinetSummary) -> dict:
    """The fiscal year as the documents write it (Buddhist era, in English marked B.E.), with the
    dates it runs between (in English, common era: the span says which is which)."""
    start, end = fiscal_year_bounds(s.fiscal_year)
    return {"fy": s.fiscal_year, "start": format_date_long(start, s.lang), "end": format_date_long(end, s.lang)}


def captioned(key: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A table of the summary with its caption's catalogue key (numbered when laid out)."""
    frame.attrs["caption"] = key
    return frame


def summary_sections(s: CabinetSummary) -> list[tuple[str, list]]:
    """(heading, blocks) where a block is a paragraph (str), a table (DataFrame, its caption's key in
    attrs["caption"]) or a figure key: the report's content in order, in the summary's language."""
    lang, h, org = s.lang, s.headline, s.organisation
    T = lambda key, **v: t(key, lang, **v)  # noqa: E731
    change = "—" if h.mean_change_pct is None else f"{h.mean_change_pct:+.2f}"
    cols = lambda frame, mapping: _with_headers(frame, {k: T(v) for k, v in mapping.items()})  # noqa: E731
    improved = s.improved.copy()
    improved.insert(0, "rank", range(1, len(improved) + 1))
    return [
        (T("doc_s_centre"), [T("doc_centre", fy=s.fiscal_year, **org)]),
        (T("doc_s_assessed"), [T("doc_assessed", assessed=h.units_assessed, expected=h.units_expected)]
         + _round_lines(s)),
        (T("doc_s_overall"), [
            T("doc_overall", mean=_f(h.mean_pct), median=_f(h.median_pct), target=f"{h.target_pct:g}",
              at_target=h.at_or_above_target, previous=_f(h.previous_mean_pct), change=change),
            captioned("doc_t_bands", cols(s.bands, {"band": "col_score_band", "num_units": "col_num_units"})), "bands"]),
        (T("doc_s_by_kind"), [captioned("doc_t_kind", cols(s.by_kind, {
            "kind": "col_kind", "num_units": "col_num_units", "mean_pct": "col_mean_pct",
            "median_pct": "col_median_pct"}))]),
        (T("doc_s_by_objective"), [captioned("doc_t_objective", cols(s.by_objective, {
            "objective": "col_objective", "mean_pct": "col_mean_pct", "median_pct": "col_median_pct"})),
            "objective"]),
        (T("doc_s_top"), [captioned("doc_t_top", cols(s.top, {"rank": "col_rank", "unit_name": "col_unit",
                                                      "score_pct": "col_score_pct"}))]),
        (T("doc_s_improved"), [captioned("doc_t_improved", cols(improved, {
            "rank": "col_rank", "unit_name": "col_unit", "from_pct": "col_from_pct", "to_pct": "col_to_pct",
            "change_pct": "col_change_pct"}))]),
        (T("doc_s_needs"), [T("doc_needs_note", n=len(s.needs_improvement)),
                            captioned("doc_t_needs", cols(s.needs_improvement, {
            "unit_name": "col_unit", "score_pct": "col_score_pct", "missed_indicators": "doc_missed"}))]),
        (T("doc_s_years"), [captioned("doc_t_years", cols(s.by_year, {
            "fiscal_year": "col_fiscal_year", "num_units": "col_num_units", "mean_pct": "col_mean_pct"})), "trend"]),
        (T("doc_s_method"), [T("how_score"), T("doc_method_points")]),
        (T("doc_s_source"), [T("doc_source_demo") if s.demo else T("doc_source_real", **org),
                             T("doc_generated", date=format_date_long(today(), lang))]),
    ]


@dataclass(frozen=True)
class Memo:
    """The covering memo in the form the regulation on official correspondence gives it."""
    heading: str
    fields: tuple[tuple[tuple[str, Text], ...], ...]   # lines of (label, value): ส่วนราชการ; ที่ + วันที่; เรื่อง
    salutation: tuple[str, Text]                      # เรียน + the addressee
    paragraphs: tuple[Text, ...]
    closing: Text
    signature: tuple[str, ...]                        # the signer's name (in brackets) and position


MEMO_NUMBER_BLANK = "\u2003" * 4 + "/" + "\u2003" * 4    # the number and year the registry writes in when it sends


def memo(s: CabinetSummary, wording: Wording) -> Memo:
    lang, org, h = s.lang, s.organisation, s.headline
    T = lambda key, **v: t(key, lang, **v)  # noqa: E731
    fy = _fy_words(s)
    office = T("memo_office", secretariat=org["secretariat"], division=org["division"])
    if org.get("contact_phone"):
        office += T("memo_phone", phone=org["contact_phone"])
    name = org.get("signer_name") or "\u2003" * 8        # left blank to type in: the brackets stay
    return Memo(
        heading=T("memo_heading"),
        fields=(((T("memo_from"), wording(office)),),
                ((T("memo_ref"), wording(org["doc_number_prefix"] + MEMO_NUMBER_BLANK)),
                 (T("memo_date"), wording(format_date_long(today(), lang)))),
                ((T("memo_subject"), wording(T("memo_subject_value", **fy))),)),
        salutation=(T("memo_to"), wording(org["chair"])),
        paragraphs=(
            wording(T("memo_background", **org)),
            wording(T("memo_facts", **fy, secretariat_short=org["secretariat_short"], assessed=h.units_assessed,
                          expected=h.units_expected, mean=_f(h.mean_pct), median=_f(h.median_pct),
                          target=f"{h.target_pct:g}", at_target=h.at_or_above_target)),
            wording(T("memo_proposal", report_to=org["report_to"])),
        ),
        closing=wording(T("memo_closing")),
        signature=(f"({name})", org["signer_position"]),
    )


def summary_document(s: CabinetSummary, figures: dict[str, bytes]) -> dict:
    """The summary's context, for the PDF's template and the Word file alike; a figure block is
    left out when its image is not in `figures`. Tables and figures are numbered in order."""
    lang = s.lang
    wording = Wording(s.proper_names)
    table_wording = Wording(s.proper_names, TABLE_PT)
    sections, tables, pictures = [], 0, 0
    for heading, blocks in summary_sections(s):
        out = []
        for block in blocks:
            if isinstance(block, pd.DataFrame):
                tables += 1
                out.append(make_table(block, table_wording, tables, t("doc_table_caption", lang, n=tables,
                                                                       title=t(block.attrs["caption"], lang))))
            elif block in SUMMARY_FIGURES:
                if block in figures:
                    pictures += 1
                    figure = Figure(pictures, t("doc_figure_caption", lang, n=pictures,
                                                title=t(f"doc_f_{block}", lang)), block, figures[block])
                    if out and isinstance(out[-1], Table):
                        out[-1] = Pair(out[-1], figure)
                    else:
                        out.append(figure)
            else:
                out.append(Paragraph(wording(block), "plain" if block.startswith(t("doc_generated", lang, date=""))
                                     else "body"))
        sections.append(Section(heading, out))
    return {"lang": "th" if lang == "th" else "en", "draft": s.draft,
            "title": t("doc_title", lang, **_fy_words(s), org=s.organisation["org_name"]),
            "subtitle": s.organisation["centre_name"], "period": t("doc_fy_span", lang, **_fy_words(s)),
            "demo_banner": t("demo_banner", lang) if s.demo else None,
            "draft_mark": t("doc_draft", lang),
            "page_number": t("doc_page_number", lang, n="{n}"),
            "memo": memo(s, wording), "sections": sections}


def summary_docx(s: CabinetSummary) -> bytes:
    from saisaat.docx_writer import write_summary
    return write_summary(summary_document(s, {k: figure_png(f) for k, f in summary_figures(s).items()}))


TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).with_name("document_templates")),
    autoescape=True,                      # names and wording are user input: always text, never markup
    undefined=jinja2.StrictUndefined,     # a misspelt field fails instead of printing nothing
    trim_blocks=True, lstrip_blocks=True)


def svg_text_x(x: float, text: str, size: float, anchor: str) -> str:
    """Where an SVG text of `text` at font size `size` starts for it to end at `x` (`anchor` "end") or be centred on
    it ("middle"), as the x attribute of a text without text-anchor: WeasyPrint draws a text-anchor's shift as a
    group (a PDF form) per text, about 4 ms of CPU a report card for its chart's 15 labels (the charts' text is
    PDF_FONT's digits, whose advances fonts.text_width sums as Pango does)."""
    width = fonts.text_width(text, size)
    return f"{x - (width if anchor == 'end' else width / 2):.2f}"


TEMPLATES.globals.update(font=PDF_FONT, highlight=charts.HIGHLIGHT, peer=charts.PEER, accent=charts.ACCENT,
                         cell_pad=CELL_PAD_PT, svg_text_x=svg_text_x)


def _font_faces() -> list[dict]:
    return [{"bold": bold, "italic": italic, "url": fonts.font_path(bold, italic).as_uri()}
            for bold, italic in fonts.STYLES]


def summary_html(s: CabinetSummary, with_figures: bool = True) -> str:
    figures = {k: figure_png(f) for k, f in summary_figures(s).items()} if with_figures else {}
    return TEMPLATES.get_template("cabinet_summary.html.j2").render(
        summary_document(s, figures), font_faces=_font_faces(), margins=PAGE_MARGINS_CM)


def summary_pdf(s: CabinetSummary) -> bytes:
    from saisaat.pdf import html_to_pdf
    return html_to_pdf(summary_html(s))


ANNEX_FORMATS = {"pct": "0.00", "points": "#,##0.00", "count": "#,##0", "year": "0"}


def summary_xlsx(s: CabinetSummary) -> bytes:
    """The annex: one sheet per table, Thai headers in the Thai version, names beside codes, the kind
    and peer group by name, number formats as the documents show them, a title (the year, the data
    source, the synthetic notice in the demo) and print set-up (landscape, fit to width, header row
    repeated)."""
    lang, org = s.lang, s.organisation
    T = lambda key, **v: t(key, lang, **v)  # noqa: E731
    title = t("doc_title", lang, **_fy_words(s), org=org["org_name"])
    source = T("doc_source_demo") if s.demo else T("doc_source_real", **org)
    P, N, Y = ANNEX_FORMATS["pct"], ANNEX_FORMATS["count"], ANNEX_FORMATS["year"]
    needs = s.needs_improvement.assign(missed_indicators=s.needs_improvement["missed_indicators"].map("\n".join))
    completeness = s.completeness.drop(columns=["fiscal_year"])

    def sheet(key: str, frame: pd.DataFrame, headers: dict[str, tuple[str, str | None]]) -> tuple[str, Sheet]:
        """`headers`: column → (its header as shown, its number format or None)."""
        shown = _with_headers(frame, {k: v[0] for k, v in headers.items()})
        lines = [T("doc_annex_title", sheet=T(key), title=title),
                 T("doc_annex_source", source=source, date=format_date_long(today(), lang))]
        if s.demo:
            lines.append(T("demo_banner"))
        return T(key), Sheet(shown, title=lines, formats={v[0]: v[1] for v in headers.values() if v[1]},
                             wrap={T("doc_missed")})

    H = lambda key, fmt=None: (T(key), fmt)  # noqa: E731
    peer_group = org["peer_group"][:1].upper() + org["peer_group"][1:]   # the organisation's word: กลุ่มเขต, zone
    return xlsx_bytes(dict([
        sheet("doc_sheet_scores", s.scores, {
            "unit_code": H("col_unit_code"), "unit_name": H("col_unit"), "kind": H("col_kind"),
            "peer_group": (peer_group, None), "num_expected": H("col_num_expected", N),
            "num_scored": H("col_num_scored", N), "points": H("col_points", ANNEX_FORMATS["points"]),
            "max_points": H("col_max_points", ANNEX_FORMATS["points"]), "score_pct": H("col_score_pct", P),
            "rank_in_kind": H("col_rank_in_kind", N)}),
        sheet("doc_sheet_completeness", completeness, {
            "inspection_round": H("col_round", N), "num_expected": H("col_num_expected", N),
            "num_received": H("col_num_received", N), "coverage_pct": H("col_coverage_pct", P),
            "num_units_expected": H("col_units_expected", N), "num_units_reporting": H("col_units_reporting", N)}),
        sheet("doc_sheet_bands", s.bands, {"band": H("col_score_band"), "num_units": H("col_num_units", N)}),
        sheet("doc_sheet_kind", s.by_kind, {"kind": H("col_kind"), "num_units": H("col_num_units", N),
                                            "mean_pct": H("col_mean_pct", P), "median_pct": H("col_median_pct", P)}),
        sheet("doc_sheet_objective", s.by_objective, {
            "objective": H("col_objective"), "num_units": H("col_num_units", N),
            "mean_pct": H("col_mean_pct", P), "median_pct": H("col_median_pct", P)}),
        sheet("doc_sheet_top", s.top, {"rank": H("col_rank", N), "unit_code": H("col_unit_code"),
                                       "unit_name": H("col_unit"), "score_pct": H("col_score_pct", P)}),
        sheet("doc_sheet_improved", s.improved, {
            "unit_code": H("col_unit_code"), "unit_name": H("col_unit"), "from_pct": H("col_from_pct", P),
            "to_pct": H("col_to_pct", P), "change_pct": H("col_change_pct", P)}),
        sheet("doc_sheet_needs", needs, {
            "unit_code": H("col_unit_code"), "unit_name": H("col_unit"), "score_pct": H("col_score_pct", P),
            "missed_indicators": H("doc_missed")}),
        sheet("doc_sheet_years", s.by_year, {
            "fiscal_year": H("col_fiscal_year", Y), "num_units": H("col_num_units", N), "mean_pct": H("col_mean_pct", P),
            "q25_pct": H("col_q25_pct", P), "q75_pct": H("col_q75_pct", P)}),
    ]))


# --- unit report cards --------------------------------------------------------------------------

def _points(trend: pd.DataFrame) -> list[dict]:
    return [{"fiscal_year": int(r.fiscal_year), "score_pct": float(r.score_pct)} for r in trend.itertuples()]


def _value(x) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


def table_lines(table: Table) -> list[int]:
    """How many lines each row of a table takes (its tallest cell), from the column widths and the
    text's measured width."""
    out = []
    for row in table.rows:
        tallest = 1
        for cell, column in zip(row, table.columns):
            room = max(1.0, column.width_pt - 2 * CELL_PAD_PT - 1)
            tallest = max(tallest, sum(max(1, math.ceil(fonts.text_width(str(line), table.size_pt) / room))
                                       for line in cell.lines))
        out.append(tallest)
    return out


def _lines(text: str | None, size_pt: float, width_pt: float) -> int:
    """About how many lines `text` takes in a box `width_pt` wide (none: 0)."""
    return math.ceil(fonts.text_width(text, size_pt) * 1.05 / width_pt) if text else 0


CARD_LOSS_LINES = 9     # the lines the losses table may take when nothing else is added to the card


def card_context(card: ReportCard, fiscal_year: int, lang: str, demo: bool) -> dict:
    """One card's context for report_card.html.j2: it fills one A4 page, never more (the losses
    table keeps as many of the largest losses as its share of the page holds, and says how many of
    how many it shows)."""
    T = lambda key, **v: t(key, lang, **v)  # noqa: E731
    org = card.organisation
    wording = wording_of(tuple(card.proper_names), 15, 0.3 * CARD_WIDTH_PT)
    table_wording = wording_of(tuple(card.proper_names), CARD_TABLE_PT, 0.3 * CARD_WIDTH_PT)
    st = card.standing
    notes = []
    if card.max_points_per_round is not None:
        rounds = 2 - len(card.missing_rounds)
        notes.append(T("card_full_mark", n=card.num_indicators, per_round=f"{card.max_points_per_round:g}",
                       rounds=rounds, per_year=f"{card.max_points_per_round * rounds:g}"))
    for r in card.missing_rounds:
        notes.append(T("card_missing_round", n=r, other=3 - r))
    # one round missing: the peers' median is taken over the round the unit has (reports.report_cards)
    losses_note = T("card_losses_round", n=3 - card.missing_rounds[0]) if len(card.missing_rounds) == 1 else None
    trend = card.trend
    trend_note = T("framework_note") if trend["framework_id"].nunique() > 1 else None

    losses = card.losses.assign(
        indicator=[f"{indicator_number(c)} {name}" for c, name in zip(card.losses["indicator_code"],
                                                                      card.losses["indicator"])])
    losses = _with_headers(losses, {
        "indicator": T("col_indicator"), "points": T("col_points"), "max_points": T("col_max_points"),
        "peer_median_points": T("col_peer_median_points")})
    banner = T("demo_banner") if demo else None
    change = (T("card_change_value", previous=_f(card.previous_pct), change=f"{card.change_pct:+.2f}")
              if card.change_pct is not None
              else T("card_no_previous" if card.previous_pct is None else "card_new_framework"))
    # what else takes lines on the page: more notes, a second line of the banner or of the change box
    budget = (CARD_LOSS_LINES - (len(notes) - 1) - 2 * bool(losses_note) - 2 * bool(trend_note)
              - max(0, _lines(banner, 13, CARD_WIDTH_PT) - 1) - max(0, _lines(change, 15, 0.38 * CARD_WIDTH_PT) - 1)
              - max(0, _lines(f"{card.unit_name}\u2003\u2003{T('peer_median')}", 13, 0.42 * CARD_WIDTH_PT) - 1))
    table = make_table(losses, table_wording, size_pt=CARD_TABLE_PT, max_width_pt=CARD_WIDTH_PT) if len(losses) else None
    if table is not None:
        used, keep = 0, 0
        for lines in table_lines(table):
            if used + lines > budget:
                break
            used, keep = used + lines, keep + 1
        if keep < len(losses):
            table = make_table(losses.head(keep), table_wording, size_pt=CARD_TABLE_PT, max_width_pt=CARD_WIDTH_PT)
    shown = len(table.rows) if table is not None else 0
    losses_heading = (T("card_losses_some", n=shown, of=card.num_losses) if card.num_losses > shown
                      else T("card_losses_all", n=card.num_losses))

    changes = card.objective_changes.set_index("objective") if len(card.objective_changes) else None
    profile = card.profile.dropna(subset=["score_pct"])
    rows = []
    for r in profile.itertuples():
        row = {"objective": str(r.objective), "score_pct": float(r.score_pct), "peer_median_pct": _value(r.peer_median_pct),
               "previous": "—", "change": "—"}
        if changes is not None and r.objective in changes.index:
            row["previous"] = _f(changes.loc[r.objective, "previous_pct"])
            row["change"] = f"{float(changes.loc[r.objective, 'change_pct']):+.2f}"
        rows.append(row)
    return {
        "lang": lang, "draft": card.draft, "draft_mark": T("doc_draft"),
        "office": org["centre_name"],
        "issued": T("card_issued", date=format_date_long(today(), lang), office=org["secretariat"]),
        "title": T("card_title", fy=fiscal_year), "unit_name": wording(card.unit_name),
        "peer_group": wording(T("card_peer_group", kind=card.peer_label, n=st.of)),
        "demo_banner": banner,
        "score_label": T("card_score"), "score": _f(card.score_pct),
        "points": T("card_points", points=_f(card.points), max_points=_f(card.max_points)),
        "rank_label": T("metric_rank"),
        "rank": T("metric_rank_value", rank=st.rank, of=st.of) if st.rank else "—",
        "median_label": T("peer_median"), "peer_median": _f(st.peer_median_pct),
        "change_label": T("card_change_label", fy=fiscal_year - 1),
        "change": change,
        "notes": [wording(n) for n in notes],
        "profile_heading": T("objective_profile"),
        "profile": {"unit_label": wording(card.unit_name), "median_label": T("peer_median"),
                    "previous_label": T("fy_short", fy=fiscal_year - 1) if changes is not None else None,
                    "change_label": T("card_change_short"), "rows": rows},
        "losses_heading": losses_heading, "no_losses": T("card_no_losses"), "losses_note": losses_note,
        "losses": table,
        "trend_heading": T("card_trend"),
        "trend": {"points": _points(trend),
                  "segments": [_points(part) for _, part in trend.groupby("framework_id")]},
        "trend_note": trend_note,
        "method": T("card_method"),
    }


def cards_html(cards: list[ReportCard], fiscal_year: int, lang: str, demo: bool) -> str:
    return TEMPLATES.get_template("report_cards.html.j2").render(
        lang=lang, cards=[card_context(c, fiscal_year, lang, demo) for c in cards], font_faces=_font_faces(),
        margins=CARD_MARGINS_CM)


def cards_pdf(cards: list[ReportCard], fiscal_year: int, lang: str, demo: bool) -> bytes:
    """All cards in one PDF, one page each (rendered in one pass)."""
    from saisaat.pdf import html_to_pdf
    return html_to_pdf(cards_html(cards, fiscal_year, lang, demo), card=True)


CARDS_PER_RENDERING = 10   # cards rendered at once for a ZIP: memory stays flat at national size, and the
# progress moves every few seconds (70 BMA cards took the same time as 7 renderings of 10 as in one)
PARALLEL_FROM = 3          # renderings: fewer are rendered here, more by worker processes (one per core)
IN_FLIGHT_PER_WORKER = 2   # renderings handed to each worker at a time (their HTML and PDFs held in memory)


def render_workers() -> int:
    """Worker processes for rendering: one per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:   # not on Linux
        return max(1, os.cpu_count() or 1)


def cards_zip(cards: Iterable[ReportCard], fiscal_year: int, lang: str, demo: bool,
              progress=lambda done, total: None, workers: int | None = None, total: int | None = None) -> bytes:
    """One PDF per unit in a ZIP, rendered CARDS_PER_RENDERING at a time, each rendering split at each
    card's title (its h1 bookmark; a card that ran over a page would keep all its pages), each PDF
    embedding only its own glyphs. From PARALLEL_FROM renderings on, `workers` processes (default: one
    per core; pdf.RenderWorkers) render them while this one writes each card's HTML and the ZIP, in card
    order, with IN_FLIGHT_PER_WORKER renderings at most handed to each. `progress(done, total)` is called
    as each rendering is written. `cards` may be an iterator (reports.report_cards_one_by_one, then `total`
    says how many): each rendering's cards are taken from it as the rendering is handed on, so the workers
    render the first while the rest are prepared."""
    from saisaat.pdf import RenderWorkers, html_to_pdf_parts, new_font_config
    total = len(cards) if total is None else total
    remaining = iter(cards)
    chunks = iter(lambda: list(islice(remaining, CARDS_PER_RENDERING)), [])
    renderings = -(-total // CARDS_PER_RENDERING)
    workers = render_workers() if workers is None else workers
    buf = io.BytesIO()
    done = 0
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        def write(chunk: list[ReportCard], parts: list[bytes]) -> None:
            nonlocal done
            if len(parts) != len(chunk):
                raise RuntimeError(f"expected {len(chunk)} cards, found {len(parts)} card pages")
            for card, part in zip(chunk, parts):
                z.writestr(f"{fiscal_year}_{card.unit_code}.pdf", part)
            done += len(chunk)
            progress(done, total)

        if workers <= 1 or renderings < PARALLEL_FROM:
            font_config = new_font_config()
            for chunk in chunks:
                write(chunk, html_to_pdf_parts(cards_html(chunk, fiscal_year, lang, demo), font_config=font_config))
        else:
            with RenderWorkers(min(workers, renderings)) as pool:
                # rendering k goes to worker k mod n, which answers in order: the ZIP is written in card order
                pending: deque = deque()

                def write_oldest() -> None:
                    worker, chunk = pending.popleft()
                    write(chunk, pool.result(worker))

                for k, chunk in enumerate(chunks):
                    page = cards_html(chunk, fiscal_year, lang, demo)
                    if len(pending) >= len(pool) * IN_FLIGHT_PER_WORKER:
                        write_oldest()
                    pool.submit(k % len(pool), page)
                    pending.append((k % len(pool), chunk))
                while pending:
                    write_oldest()
    return buf.getvalue()


