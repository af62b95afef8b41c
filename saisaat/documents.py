"""Rendering the November documents: the cabinet / OCSC summary as Word (TH Sarabun New 16 pt, Thai
official layout), PDF (Thai shaped and wrapped at word boundaries) and an XLSX annex; the unit report
cards as one A4 page per unit (a PDF each, or all in a ZIP)."""
from __future__ import annotations

import base64
import html
import io
import threading
import zipfile
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from saisaat import charts
from saisaat.exports import xlsx_bytes
from saisaat.fiscal import format_date
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

def summary_figures(s: CabinetSummary) -> dict[str, go.Figure]:
    lang = s.lang
    bands = charts.bars(s.bands, "band", "num_units", t("col_score_pct", lang), t("col_num_units", lang),
                        text_fmt="{:.0f}")
    bands.update_yaxes(range=None)
    objective = charts.bars(s.by_objective, "objective", "mean_pct", t("objective", lang), t("col_mean_pct", lang),
                            horizontal=True)
    objective.update_layout(margin={"l": 330})
    trend = charts.trend({}, s.by_year, t("peer_band", lang),
                         s.by_year, t("bma_mean", lang), [], "", t("col_score_pct", lang), t("fiscal_year", lang))
    for fig in (bands, objective, trend):
        fig.update_layout(template="plotly_white", font={"size": 16})
    return {"bands": bands, "objective": objective, "trend": trend}


def summary_sections(s: CabinetSummary) -> list[tuple[str, list]]:
    """(heading, blocks) where a block is a paragraph (str), a table (DataFrame) or a figure key."""
    lang, h = s.lang, s.headline
    T = lambda key, **v: t(key, lang, **v)  # noqa: E731
    comp = s.completeness
    rounds = [T("doc_round_completeness", n=int(r.inspection_round), received=f"{int(r.num_received):,}",
                expected=f"{int(r.num_expected):,}", pct=_f(r.coverage_pct),
                units=int(r.num_units_reporting), units_expected=int(r.num_units_expected))
              for r in comp.itertuples()]
    change = "—" if h.mean_change_pct is None else f"{h.mean_change_pct:+.2f}"
    cols = lambda frame, mapping: frame[list(mapping)].rename(columns={k: T(v) for k, v in mapping.items()})  # noqa: E731
    return [
        (T("doc_s_centre"), [T("doc_centre", fy=s.fiscal_year)]),
        (T("doc_s_assessed"), [T("doc_assessed", assessed=h.units_assessed, expected=h.units_expected)] + rounds),
        (T("doc_s_overall"), [
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
        (T("doc_s_source"), [T("doc_source_demo") if s.demo else T("doc_source_real"),
                             T("doc_generated", date=format_date(date.today(), lang))]),
    ]


def _cell(x) -> str:
    if isinstance(x, float):
        return _f(x)
    if isinstance(x, (int,)) and not isinstance(x, bool):
        return f"{x:,}" if abs(x) >= 10000 else str(x)
    return "" if x is None or (not isinstance(x, str) and pd.isna(x)) else str(x)


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

    figures = {k: figure_png(f) for k, f in summary_figures(s).items()}
    para(t("doc_title", s.lang, fy=s.fiscal_year), 20, True, center=True)
    para(t("app_subtitle", s.lang), 16, False, center=True)
    if s.demo:
        para(t("demo_banner", s.lang), 14, True, center=True)
    for heading, blocks in summary_sections(s):
        para(heading, 16, True, indent=False)
        for block in blocks:
            if isinstance(block, str) and block in figures:
                doc.add_picture(io.BytesIO(figures[block]), width=Cm(15.5))
                doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif isinstance(block, str):
                para(block)
            else:
                table = doc.add_table(rows=1, cols=len(block.columns))
                table.style = "Table Grid"
                for j, col in enumerate(block.columns):
                    cell = table.rows[0].cells[j]
                    cell.text = ""
                    font(cell.paragraphs[0].add_run(str(col)), 14, True)
                for row in block.itertuples(index=False):
                    cells = table.add_row().cells
                    for j, value in enumerate(row):
                        cells[j].text = ""
                        font(cells[j].paragraphs[0].add_run(_cell(value)), 14)
                doc.add_paragraph()
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _thai_safe(text: str) -> str:
    """HTML text with ำ written as its two parts ํ + า, so the PDF's text reads back as written."""
    return html.escape(text).replace("\u0e33", "\u0e4d\u0e32")


CSS = f"""
@page {{ size: A4; margin: 2.5cm 2cm 2cm 3cm; @bottom-center {{ content: counter(page); font-size: 12pt; }} }}
body {{ font-family: "{PDF_FONT}"; font-size: 16pt; line-height: 1.25; color: #111; }}
h1 {{ font-size: 20pt; text-align: center; margin: 0 0 4pt; }}
h2 {{ font-size: 16pt; margin: 14pt 0 4pt; }}
p {{ margin: 0 0 6pt; text-indent: 2.5cm; }}
p.center {{ text-indent: 0; text-align: center; }}
p.demo {{ text-indent: 0; text-align: center; font-weight: bold; color: #8a1c2b; }}
table {{ border-collapse: collapse; width: 100%; font-size: 13pt; margin: 4pt 0 8pt; }}
th, td {{ border: 0.6pt solid #888; padding: 1pt 4pt; vertical-align: top; }}
th {{ background: #eef1f4; }}
td.num {{ text-align: right; white-space: nowrap; }}
img {{ display: block; margin: 4pt auto; width: 15.5cm; }}
"""


def _html_table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{_thai_safe(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(
            f'<td class="num">{_thai_safe(_cell(v))}</td>' if isinstance(v, (int, float)) and not isinstance(v, bool)
            else f"<td>{_thai_safe(_cell(v))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def summary_html(s: CabinetSummary, with_figures: bool = True) -> str:
    figures = {k: figure_png(f) for k, f in summary_figures(s).items()} if with_figures else {}
    parts = [f"<h1>{_thai_safe(t('doc_title', s.lang, fy=s.fiscal_year))}</h1>",
             f'<p class="center">{_thai_safe(t("app_subtitle", s.lang))}</p>']
    if s.demo:
        parts.append(f'<p class="demo">{_thai_safe(t("demo_banner", s.lang))}</p>')
    for heading, blocks in summary_sections(s):
        parts.append(f"<h2>{_thai_safe(heading)}</h2>")
        for block in blocks:
            if isinstance(block, str) and block in ("bands", "objective", "trend"):
                if block in figures:
                    data = base64.b64encode(figures[block]).decode()
                    parts.append(f'<img src="data:image/png;base64,{data}" alt="{block}">')
            elif isinstance(block, str):
                parts.append(f"<p>{_thai_safe(block)}</p>")
            else:
                parts.append(_html_table(block))
    lang_attr = "th" if s.lang == "th" else "en"
    return f'<html lang="{lang_attr}"><head><meta charset="utf-8"><style>{CSS}</style></head><body>{"".join(parts)}</body></html>'


def summary_pdf(s: CabinetSummary) -> bytes:
    from saisaat.pdf import html_to_pdf
    return html_to_pdf(summary_html(s))


def summary_xlsx(s: CabinetSummary) -> bytes:
    lang = s.lang
    return xlsx_bytes({
        t("doc_sheet_scores", lang): s.scores[["unit_code", "unit_name", "unit_kind", "zone_code", "num_expected",
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

def _svg_profile(profile: pd.DataFrame, unit_label: str, median_label: str) -> str:
    """Horizontal bars: the unit (highlight) against the peer median (grey), per objective."""
    rows = profile.dropna(subset=["score_pct"])
    w, bar, gap, left = 620, 11, 12, 250
    height = 26 + len(rows) * (2 * bar + gap)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{height}" font-family="{PDF_FONT}" font-size="11">']
    y = 6
    out.append(f'<rect x="{left}" y="{y}" width="10" height="8" fill="{charts.HIGHLIGHT}"/>'
               f'<text x="{left + 14}" y="{y + 8}">{_thai_safe(unit_label)}</text>'
               f'<rect x="{left + 230}" y="{y}" width="10" height="8" fill="{charts.PEER}"/>'
               f'<text x="{left + 244}" y="{y + 8}">{_thai_safe(median_label)}</text>')
    y = 22
    scale = (w - left - 40) / 100
    for r in rows.itertuples():
        out.append(f'<text x="0" y="{y + bar + 3}">{_thai_safe(str(r.objective))}</text>')
        for k, (val, colour) in enumerate(((r.score_pct, charts.HIGHLIGHT), (r.peer_median_pct, charts.PEER))):
            if val == val and val is not None:
                yy = y + k * bar
                out.append(f'<rect x="{left}" y="{yy}" width="{float(val) * scale:.1f}" height="{bar - 1}" fill="{colour}"/>'
                           f'<text x="{left + float(val) * scale + 3:.1f}" y="{yy + bar - 2}">{float(val):.2f}</text>')
        y += 2 * bar + gap
    out.append("</svg>")
    return "".join(out)


def _svg_trend(trend: pd.DataFrame) -> str:
    """The unit's yearly score over the last five fiscal years (points joined within a framework)."""
    w, h, pad = 620, 125, 26
    if trend.empty:
        return ""
    years = list(trend["fiscal_year"].astype(int))
    lo, hi = min(years), max(years)
    xs = {y: pad + (w - 2 * pad) * (0.5 if hi == lo else (y - lo) / (hi - lo)) for y in years}
    ys = lambda v: h - pad - (h - 2 * pad) * float(v) / 100  # noqa: E731
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="{PDF_FONT}" font-size="11">']
    for v in (0, 50, 100):
        out.append(f'<line x1="{pad}" x2="{w - pad}" y1="{ys(v):.1f}" y2="{ys(v):.1f}" stroke="#ddd"/>'
                   f'<text x="2" y="{ys(v) + 4:.1f}">{v}</text>')
    for _, part in trend.groupby("framework_id"):
        pts = " ".join(f"{xs[int(r.fiscal_year)]:.1f},{ys(r.score_pct):.1f}" for r in part.itertuples())
        out.append(f'<polyline points="{pts}" fill="none" stroke="{charts.HIGHLIGHT}" stroke-width="2"/>')
    for r in trend.itertuples():
        x, y = xs[int(r.fiscal_year)], ys(r.score_pct)
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{charts.HIGHLIGHT}"/>'
                   f'<text x="{x - 12:.1f}" y="{y - 6:.1f}">{float(r.score_pct):.2f}</text>'
                   f'<text x="{x - 12:.1f}" y="{h - 8}">{int(r.fiscal_year)}</text>')
    out.append("</svg>")
    return "".join(out)


CARD_CSS = f"""
@page {{ size: A4; margin: 1.6cm 1.8cm 1.4cm 1.8cm; }}
body {{ font-family: "{PDF_FONT}"; font-size: 12pt; line-height: 1.15; color: #111; }}
section.card {{ page-break-after: always; }}
h1 {{ font-size: 17pt; margin: 0; }}
h2 {{ font-size: 13pt; margin: 6pt 0 2pt; }}
p {{ margin: 0 0 3pt; }}
p.demo {{ color: #8a1c2b; font-size: 11pt; }}
table {{ border-collapse: collapse; width: 100%; font-size: 10.5pt; }}
th, td {{ border: 0.5pt solid #999; padding: 0.5pt 3pt; vertical-align: top; }}
th {{ background: #eef1f4; }}
td.num {{ text-align: right; white-space: nowrap; }}
.figures {{ margin: 2pt 0; }}
.big {{ font-size: 22pt; font-weight: bold; color: {charts.HIGHLIGHT}; }}
"""


def card_html(card: ReportCard, fiscal_year: int, lang: str, demo: bool) -> str:
    T = lambda key, **v: t(key, lang, **v)  # noqa: E731
    st = card.standing
    rank = T("metric_rank_value", rank=st.rank, of=st.of) if st.rank else "—"
    change = "" if card.change_pct is None else T("card_change", previous=_f(card.previous_pct),
                                                   change=f"{card.change_pct:+.2f}")
    losses = card.losses.rename(columns={"indicator_code": T("col_indicator_code"), "indicator": T("col_indicator"),
                                         "points": T("col_points"), "max_points": T("col_max_points"),
                                         "peer_median_points": T("col_peer_median_points")})
    loss_cols = [T("col_indicator_code"), T("col_indicator"), T("col_points"), T("col_max_points"),
                 T("col_peer_median_points")]
    changes = card.objective_changes.rename(columns={"objective": T("col_objective"),
                                                     "previous_pct": T("fy_short", fy=fiscal_year - 1),
                                                     "score_pct": T("fy_short", fy=fiscal_year),
                                                     "change_pct": T("col_change_pct")})
    parts = [
        f"<h1>{_thai_safe(T('card_title', fy=fiscal_year))}</h1>",
        f"<h2>{_thai_safe(card.unit_name)} ({_thai_safe(card.unit_code)})</h2>",
        f'<p class="demo">{_thai_safe(T("demo_banner"))}</p>' if demo else "",
        f'<p><span class="big">{_f(card.score_pct)}%</span> &nbsp; '
        f"{_thai_safe(T('card_rank', rank=rank, group=card.peer_label))} · "
        f"{_thai_safe(T('card_median', median=_f(st.peer_median_pct)))}</p>",
        f"<p>{_thai_safe(change)}</p>" if change else "",
        f"<h2>{_thai_safe(T('objective_profile'))}</h2>",
        f'<div class="figures">{_svg_profile(card.profile, card.unit_name, T("peer_median"))}</div>',
        f"<h2>{_thai_safe(T('card_losses'))}</h2>",
        _html_table(losses[loss_cols]) if len(losses) else f"<p>{_thai_safe(T('card_no_losses'))}</p>",
        f"<h2>{_thai_safe(T('card_trend'))}</h2>",
        f'<div class="figures">{_svg_trend(card.trend)}</div>',
    ]
    if len(changes):
        parts += [f"<h2>{_thai_safe(T('card_changes'))}</h2>", _html_table(changes)]
    return f'<section class="card">{"".join(parts)}</section>'


def cards_pdf(cards: list[ReportCard], fiscal_year: int, lang: str, demo: bool) -> bytes:
    """All cards in one PDF, one page each (rendered in one pass)."""
    from saisaat.pdf import html_to_pdf
    body = "".join(card_html(c, fiscal_year, lang, demo) for c in cards)
    return html_to_pdf(f'<html lang="{lang}"><head><meta charset="utf-8"><style>{CARD_CSS}</style></head>'
                       f"<body>{body}</body></html>")


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

