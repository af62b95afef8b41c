"""The cabinet summary as a Word file, laid out from the same context as the PDF
(documents.summary_document): the memo, then the report, in TH Sarabun New 16 pt with styles a reader
can navigate (Title, Heading 1, Caption), page numbers at the top centre from page 2, tables at the
widths measured from their content with numbers right-aligned, the header row repeated on every page
and no row split, and each caption kept with its table or figure.

A name kept whole (documents.Run.whole) is written with word joiners (U+2060) between its Thai
syllables and no-break spaces for its spaces: Word and LibreOffice break Thai lines by their own
dictionaries, and a joiner is the one mark both honour.
"""
from __future__ import annotations

import io
import unicodedata

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from saisaat.documents import BODY_PT, CELL_PAD_PT, DOCX_FONT, PAGE_MARGINS_CM, THAI, Figure, Pair, Paragraph, Table, Text

WORD_JOINER, NO_BREAK_SPACE, ZERO_WIDTH_SPACE = "\u2060", "\u00a0", "\u200b"
LEADING_VOWELS = set("\u0e40\u0e41\u0e42\u0e43\u0e44")   # เ แ โ ใ ไ: written before their consonant
DEMO_RED = RGBColor(0x8A, 0x1C, 0x2B)


def unbreakable(text: str, after_text: bool = False, before_text: bool = False) -> str:
    """`text` with a word joiner wherever a Thai line breaker could break it (before each Thai
    character that starts a syllable-like cluster: not a mark, not sara am, not after a leading vowel),
    and no-break spaces for its spaces. Where the name touches other text, a zero-width space marks the
    break that is allowed there, so the breaker reads the neighbouring words on their own (without it,
    LibreOffice read โดยมี + ปลัด… as โด|ยมี)."""
    joined = _joined(text)
    if after_text and THAI.match(text[:1]):
        joined = ZERO_WIDTH_SPACE + joined
    if before_text and THAI.match(text[-1:]):
        joined += ZERO_WIDTH_SPACE
    return joined


def _joined(text: str) -> str:
    out, prev = [], ""
    for ch in text:
        if (prev and THAI.match(ch) and THAI.match(prev) and unicodedata.category(ch) != "Mn"
                and ch != "\u0e33" and prev not in LEADING_VOWELS):
            out.append(WORD_JOINER)
        out.append(NO_BREAK_SPACE if ch == " " else ch)
        prev = ch
    return "".join(out)


def _fonts(rpr, size: float | None = None, bold: bool | None = None) -> None:
    """TH Sarabun New for every script (Thai is the complex script: w:cs), no theme font, the size for
    complex script too."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), DOCX_FONT)
    if size is not None:
        for tag in ("w:sz", "w:szCs"):
            el = rpr.find(qn(tag))
            if el is None:
                el = OxmlElement(tag)
                rpr.append(el)
            el.set(qn("w:val"), str(int(round(size * 2))))
    if bold is not None:
        for tag in ("w:b", "w:bCs"):
            el = rpr.find(qn(tag))
            if el is None:
                el = OxmlElement(tag)
                rpr.append(el)
            el.set(qn("w:val"), "1" if bold else "0")


def _style(doc, name: str, size: float, bold: bool = False, keep_with_next: bool = False,
           before: float = 0, after: float = 0, centre: bool = False):
    style = doc.styles[name]
    style.font.name, style.font.size, style.font.bold = DOCX_FONT, Pt(size), bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    _fonts(style.element.get_or_add_rPr(), size, bold)
    pf = style.paragraph_format
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    pf.keep_with_next = keep_with_next
    pf.widow_control = True
    pf.line_spacing = 1.0
    if centre:
        pf.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return style


class _Writer:
    def __init__(self, document: dict):
        self.context = document
        self.doc = Document()
        sec = self.doc.sections[0]
        sec.page_height, sec.page_width = Cm(29.7), Cm(21.0)
        top, right, bottom, left = PAGE_MARGINS_CM
        sec.top_margin, sec.right_margin, sec.bottom_margin, sec.left_margin = Cm(top), Cm(right), Cm(bottom), Cm(left)
        sec.header_distance = Cm(1.2)
        self.text_width_cm = 21.0 - right - left
        normal = _style(self.doc, "Normal", BODY_PT)
        normal.element.get_or_add_rPr()
        _style(self.doc, "Title", 18, bold=True, centre=True, keep_with_next=True)
        title = self.doc.styles["Title"]
        title.element.get_or_add_pPr()
        for border in title.element.pPr.findall(qn("w:pBdr")):   # the default template underlines the title
            title.element.pPr.remove(border)
        _style(self.doc, "Heading 1", BODY_PT, bold=True, keep_with_next=True, before=10, after=2)
        _style(self.doc, "Caption", BODY_PT, bold=True, keep_with_next=True, before=6, after=2)
        self._page_numbers(sec)

    # --- pieces -----------------------------------------------------------------------------

    def _page_numbers(self, sec) -> None:
        """Top centre from page 2 ("- 2 -"); the first page's header is empty."""
        sec.different_first_page_header_footer = True
        before, after = self.context["page_number"].split("{n}")
        p = sec.header.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._run(p, before)
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        r = OxmlElement("w:r")
        t = OxmlElement("w:t")
        t.text = "2"
        r.append(t)
        field.append(r)
        p._p.append(field)
        _fonts(r.get_or_add_rPr(), BODY_PT)
        self._run(p, after)
        if self.context["draft"]:
            for header in (sec.header, sec.first_page_header):
                mark = header.add_paragraph()
                mark.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                self._run(mark, self.context["draft_mark"], bold=True).font.color.rgb = DEMO_RED

    def _run(self, paragraph, text: str, size: float | None = None, bold: bool | None = None):
        run = paragraph.add_run(text)
        if size is not None:
            run.font.size = Pt(size)
        if bold is not None:
            run.font.bold = bold
        _fonts(run._element.get_or_add_rPr(), size, bold)
        return run

    def _text(self, paragraph, text: Text, size: float | None = None, bold: bool | None = None) -> None:
        for k, run in enumerate(text.runs):
            if run.text:
                self._run(paragraph, unbreakable(run.text, k > 0, k < len(text.runs) - 1) if run.whole else run.text,
                          size, bold)

    def paragraph(self, text: Text | str, style: str = "body", size: float | None = None, bold: bool | None = None):
        p = self.doc.add_paragraph()
        if style == "body":
            p.paragraph_format.first_line_indent = Cm(2.5)
        elif style == "centre":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        size = size or BODY_PT
        if isinstance(text, str):
            self._run(p, text, size, bold)
        else:
            self._text(p, text, size, bold)
        return p

    def styled(self, text: str, style: str):
        """A paragraph in one of the document's styles (its runs name the font as well)."""
        p = self.doc.add_paragraph(style=style)
        self._run(p, text)
        return p

    def table(self, block: Table, keep_with_next: bool = False) -> None:
        if block.caption:
            self.styled(block.caption, "Caption")
        table = self.doc.add_table(rows=1 + len(block.rows), cols=len(block.columns))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        tbl_pr = table._tbl.tblPr
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        tbl_pr.append(layout)
        width = tbl_pr.find(qn("w:tblW"))
        width.set(qn("w:type"), "dxa")
        width.set(qn("w:w"), str(int(round(block.width_pt * 20))))
        margins = OxmlElement("w:tblCellMar")
        for side in ("left", "right"):
            el = OxmlElement(f"w:{side}")
            el.set(qn("w:w"), str(CELL_PAD_PT * 20))
            el.set(qn("w:type"), "dxa")
            margins.append(el)
        tbl_pr.append(margins)
        for col, grid in zip(block.columns, table._tbl.tblGrid.findall(qn("w:gridCol"))):
            grid.set(qn("w:w"), str(int(round(col.width_pt * 20))))
        last = len(block.rows)
        for i, row in enumerate(table.rows):
            tr_pr = row._tr.get_or_add_trPr()
            tr_pr.append(OxmlElement("w:cantSplit"))         # a row is never split across pages
            if i == 0:
                tr_pr.append(OxmlElement("w:tblHeader"))     # repeated at the top of every page
            for j, cell in enumerate(row.cells):
                column = block.columns[j]
                cell.width = Pt(column.width_pt)
                lines = [column.header] if i == 0 else list(block.rows[i - 1][j].lines)
                p = cell.paragraphs[0]
                for k, line in enumerate(lines):
                    if k:
                        p = cell.add_paragraph()
                    if i == 0:
                        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                        self._run(p, line, block.size_pt, True)
                    else:
                        if column.numeric:
                            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                        self._text(p, line, block.size_pt)
                    # a short table stays on one page with its caption (and its figure, in a pair);
                    # a long one keeps its header row with its first row
                    p.paragraph_format.keep_with_next = (i < last or keep_with_next) if block.keep_together else i == 0
        spacer = self.doc.add_paragraph()
        spacer.paragraph_format.keep_with_next = keep_with_next

    def figure(self, block: Figure) -> None:
        self.doc.add_picture(io.BytesIO(block.png), width=Cm(block.width_cm))
        picture = self.doc.paragraphs[-1]
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.paragraph_format.keep_with_next = True
        caption = self.styled(block.caption, "Caption")
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        caption.paragraph_format.keep_with_next = False
        caption.paragraph_format.space_after = Pt(8)

    # --- the document ---------------------------------------------------------------------------

    def memo(self) -> None:
        memo = self.context["memo"]
        self.paragraph(memo.heading, "centre", 29, True).paragraph_format.space_after = Pt(6)
        for line in memo.fields:
            p = self.doc.add_paragraph()
            p.paragraph_format.tab_stops.add_tab_stop(Cm(8.5), WD_TAB_ALIGNMENT.LEFT)
            p.paragraph_format.space_after = Pt(2)
            for k, (label, value) in enumerate(line):
                self._run(p, ("\t" if k else "") + label, 20, True)
                self._run(p, "\u2002")
                self._text(p, value)
        label, addressee = memo.salutation
        p = self.doc.add_paragraph()
        p.paragraph_format.space_before, p.paragraph_format.space_after = Pt(8), Pt(4)
        self._run(p, label + "\u2002")
        self._text(p, addressee)
        for text in memo.paragraphs + (memo.closing,):
            self.paragraph(text).paragraph_format.space_after = Pt(4)
        for k, line in enumerate(memo.signature):
            p = self.paragraph(line, "centre")
            p.paragraph_format.left_indent = Cm(7.5)
            if k == 0:
                p.paragraph_format.space_before = Pt(40)
        if self.context["demo_banner"]:
            self.paragraph(self.context["demo_banner"], "centre", bold=True).runs[0].font.color.rgb = DEMO_RED

    def report(self) -> None:
        c = self.context
        title = self.styled(c["title"], "Title")
        title.paragraph_format.page_break_before = True
        for line in (c["subtitle"], c["period"]):
            self.paragraph(line, "centre")
        if c["demo_banner"]:
            p = self.paragraph(c["demo_banner"], "centre", bold=True)
            p.runs[0].font.color.rgb = DEMO_RED
            p.paragraph_format.space_before = Pt(4)
        for section in c["sections"]:
            self.styled(section.heading, "Heading 1")
            for block in section.blocks:
                if isinstance(block, Paragraph):
                    self.paragraph(block.text, block.style)
                elif isinstance(block, Table):
                    self.table(block)
                elif isinstance(block, Pair):
                    self.table(block.table, keep_with_next=True)
                    self.figure(block.figure)
                elif isinstance(block, Figure):
                    self.figure(block)

    def bytes(self) -> bytes:
        buf = io.BytesIO()
        self.doc.save(buf)
        return buf.getvalue()


def write_summary(document: dict) -> bytes:
    """The .docx of documents.summary_document's context."""
    writer = _Writer(document)
    writer.memo()
    writer.report()
    return writer.bytes()
