"""PDF from HTML with WeasyPrint (Thai shaped by Pango/HarfBuzz, lines broken at word boundaries),
with text that copies, searches and extracts as it was written.

WeasyPrint names each glyph's text from the HarfBuzz cluster it first appears in. In Thai a vowel
and a tone mark often share one cluster (ผู้, น้ำ), so a glyph could be named after its neighbour
and the PDF's text read back wrong (ผู้ → ผ้้). Here every glyph the font's cmap knows is named by
its own character (a positional variant by its glyph name); other glyphs keep WeasyPrint's cluster
text. The one visible effect: ำ reads back as its two parts ํ + า (equal under NFKC normalisation):
the font draws it so.
"""
from __future__ import annotations

import io
import re
from functools import lru_cache

from fontTools.ttLib import TTFont
from weasyprint import HTML
from weasyprint.pdf import fonts as _fonts

_original_init = _fonts.Font.__init__


_UNI_NAME = re.compile(r"^uni((?:[0-9A-F]{4})+)(?:\.|$)")


@lru_cache(maxsize=32)
def _glyph_chars(file_content: bytes, index: int) -> dict[int, str]:
    """Glyph id → its character: by the font's cmap, and for positional variants (a tone mark
    lowered or shifted left, a consonant without its descender: private-use codepoints or no
    codepoint at all) by the glyph's name, uni0E49.low → ้, and a ligature by all its characters,
    uni0E4D0E49 (nikhahit with a tone mark, as Sarabun draws น้ำ) → ํ้."""
    tt = TTFont(io.BytesIO(file_content), fontNumber=index)
    chars: dict[int, str] = {}
    for codepoint, name in sorted(tt.getBestCmap().items()):
        if not 0xE000 <= codepoint <= 0xF8FF:
            chars.setdefault(tt.getGlyphID(name), chr(codepoint))
    for glyph_id, name in enumerate(tt.getGlyphOrder()):
        m = _UNI_NAME.match(name)
        if m and glyph_id not in chars:
            hexes = m.group(1)
            chars[glyph_id] = "".join(chr(int(hexes[i:i + 4], 16)) for i in range(0, len(hexes), 4))
    return chars


class _CmapFirst(dict):
    def __init__(self, chars: dict[int, str]):
        super().__init__()
        self._chars = chars

    def __setitem__(self, glyph_id, text):
        super().__setitem__(glyph_id, self._chars.get(glyph_id, text))


def _init(self, *args, **kwargs):
    _original_init(self, *args, **kwargs)
    self.to_unicode = _CmapFirst(_glyph_chars(bytes(self.file_content), self.index))


if _fonts.Font.__init__ is not _init:
    _fonts.Font.__init__ = _init


def html_to_pdf(html: str, base_url: str | None = None) -> bytes:
    return HTML(string=html, base_url=base_url).write_pdf()


def html_to_pdf_parts(html: str, base_url: str | None = None) -> list[bytes]:
    """One rendering of `html`, written as one PDF per top-level bookmark (each h1 starts a part and
    runs to the next): each part embeds only the glyphs its own pages use."""
    document = HTML(string=html, base_url=base_url).render()
    starts = sorted(destination[0] for _, destination, _, _ in document.make_bookmark_tree())
    ends = starts[1:] + [len(document.pages)]
    return [document.copy(document.pages[a:b]).write_pdf() for a, b in zip(starts, ends)]
