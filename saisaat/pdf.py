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
import os
import pickle
import queue
import re
import subprocess
import sys
import threading
from functools import lru_cache
from pathlib import Path
from xml.etree import ElementTree

import cssselect2
from fontTools.ttLib import TTFont
from weasyprint import CSS, HTML
from weasyprint import svg as _svg
from weasyprint.pdf import fonts as _fonts
from weasyprint.svg.text import text as _original_svg_text
from weasyprint.svg.utils import normalize as _svg_normalize
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

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


# WeasyPrint 70 lays out and draws an SVG <text> letter by letter (a Pango layout each), so that each letter may
# have its own x, y, dx, dy or rotation, letter spacing or a textLength. A text without any of these (the report
# card's chart labels: "2569", "78.52") is the same letters one after the other, each at the end of the one
# before: here it is laid out and drawn as one run (one Pango layout), the same glyphs at the same places, and its
# text extracts as one word. Its bounding box (text-anchor) is the same: it spans the run. Other texts go the
# original way.


class _OneRun(str):
    """A text that iterates as a single "letter": itself."""

    def __iter__(self):
        yield str(self)


def _per_letter(node) -> bool:
    """Whether an SVG text node places or spaces its letters one by one."""
    return (node.get("rotate") is not None or node.get("textLength") is not None
            or node.get("letter-spacing") not in (None, "normal", "0")
            or any(len(_svg_normalize(node.get(name, "")).split()) > 1 for name in ("x", "y", "dx", "dy")))


def _svg_text(svg, node, font_size):
    element = node._etree_node
    if node.tag != "text" or not element.text or len(element) or _per_letter(node):
        return _original_svg_text(svg, node, font_size)
    whole = element.text
    element.text = _OneRun(whole)
    try:
        return _original_svg_text(svg, node, font_size)
    finally:
        element.text = whole


if _svg.TAGS["text"] is not _svg_text:
    for _tag, _draw in list(_svg.TAGS.items()):
        if _draw is _original_svg_text:
            _svg.TAGS[_tag] = _svg_text
    _svg.text = _svg_text   # draw_node tells a text node (for its text-anchor) by TAGS[tag] == text


CARD_ELEMENTS = frozenset({"html", "head", "meta", "style", "body", "section", "div", "p", "h1", "h2", "span", "br",
                           "table", "colgroup", "col", "thead", "tbody", "tr", "th", "td", "svg"})
CARD_UA_STYLESHEET = Path(__file__).with_name("document_templates") / "card_ua.css"


@lru_cache(maxsize=1)
def _card_ua() -> CSS:
    return CSS(filename=CARD_UA_STYLESHEET)


class CardHTML(HTML):
    """Report cards' HTML for WeasyPrint, rendered to the same PDF as HTML(string=...) with less CPU:
    - parsed by expat (C) where it is well-formed XML, as the card templates write it (void elements closed, each
      table's tbody written out), into the tree tinyhtml5 (pure Python, about 11 ms a card) would build; anything
      else (a name with a control character) falls back to tinyhtml5;
    - cascaded against WeasyPrint's user-agent rules for CARD_ELEMENTS only (card_ua.css; `_ua_stylesheets` is
      WeasyPrint's hook for its own sheets): its HTML5 sheet gives every element six pseudo-element styles to
      compute.
    tests/test_reports.py checks that a card uses no other element, that both parsers give the same tree, and that
    the PDFs are byte for byte those of WeasyPrint's own parser and sheet."""

    def __init__(self, string: str, base_url: str | None = None):
        root = card_tree(string)
        if root is None:
            super().__init__(string=string, base_url=base_url)
            return
        # what HTML.__init__ sets from its parsed tree (a card has no <base> element)
        self.base_url, self.url_fetcher, self.media_type = base_url, URLFetcher(), "print"
        self.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
        self.etree_element = self.wrapper_element.etree_element

    def _ua_stylesheets(self, forms=False):
        return [_card_ua()]


def card_tree(html: str) -> ElementTree.Element | None:
    """`html` parsed as XML by expat, or None where it is not well-formed XML."""
    try:
        return ElementTree.fromstring(html)
    except ElementTree.ParseError:
        return None


def html_to_pdf(html: str, base_url: str | None = None, card: bool = False) -> bytes:
    """`html` as a PDF; `card`: report cards' HTML (CardHTML)."""
    return (CardHTML if card else HTML)(string=html, base_url=base_url).write_pdf()


def html_to_pdf_parts(html: str, base_url: str | None = None,
                      font_config: FontConfiguration | None = None) -> list[bytes]:
    """One rendering of report cards' `html` (CardHTML), written as one PDF per top-level bookmark (each h1 starts a
    part and runs to the next): each part embeds only the glyphs its own pages use. `font_config`: a WeasyPrint font
    configuration kept from one rendering to the next by the same thread (new_font_config()), so that the system's
    fonts are not loaded again, nor the cards' @font-face files, and Pango's caches stay warm (the same PDFs)."""
    document = CardHTML(string=html, base_url=base_url).render(font_config=font_config)
    starts = sorted(destination[0] for _, destination, _, _ in document.make_bookmark_tree())
    ends = starts[1:] + [len(document.pages)]
    return [document.copy(document.pages[a:b]).write_pdf() for a, b in zip(starts, ends)]


def new_font_config() -> FontConfiguration:
    """A font configuration for html_to_pdf_parts to reuse, in one thread at a time (Pango's font map is not
    shared between threads): about an eighth less CPU a card than a new one for each rendering."""
    return FontConfiguration()


# --- rendering in worker processes --------------------------------------------------------------------------
# Each worker is `python -m saisaat.pdf`, started afresh (not forked: the Streamlit server is threaded) and not
# through multiprocessing: a 'spawn' child imports the parent's __main__ module, and in the Streamlit server that
# is the app's entry point (app.py), which would run again in every worker. A worker reads HTML documents and
# answers each with its PDF parts, in order; both ways a message is an 8-byte length and a pickle of plain data.

def _send(stream, value) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(len(data).to_bytes(8, "big"))
    stream.write(data)
    stream.flush()


def _receive(stream):
    header = stream.read(8)
    if len(header) < 8:
        raise EOFError
    return pickle.loads(stream.read(int.from_bytes(header, "big")))


class RenderWorkers:
    """`n` worker processes rendering HTML to PDF parts (html_to_pdf_parts). `submit(i, html)` queues a document
    on worker i; `result(i)` waits for worker i's oldest unanswered document's parts. Close when done (a `with`)."""

    def __init__(self, n: int):
        from saisaat import ROOT
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        self._procs = [subprocess.Popen([sys.executable, "-m", "saisaat.pdf"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, env=env, cwd=ROOT) for _ in range(n)]

    def __len__(self) -> int:
        return len(self._procs)

    def submit(self, i: int, html: str) -> None:
        _send(self._procs[i].stdin, html)

    def result(self, i: int) -> list[bytes]:
        try:
            ok, value = _receive(self._procs[i].stdout)
        except EOFError:
            raise RuntimeError(f"rendering worker {i} ended (exit code {self._procs[i].wait()})") from None
        if not ok:
            raise RuntimeError(f"rendering worker {i} failed: {value}")
        return value

    def __enter__(self) -> RenderWorkers:
        return self

    def __exit__(self, *exc) -> None:
        for proc in self._procs:
            if exc[0] is not None:
                proc.kill()
            with _quietly():
                proc.stdin.close()
        for proc in self._procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            proc.stdout.close()


class _quietly:
    def __enter__(self):
        return self

    def __exit__(self, kind, *_):
        return kind is not None and issubclass(kind, OSError)   # a pipe already closed by a killed worker


def serve() -> None:
    """A worker's loop: documents in on stdin, (True, parts) or (False, the error) out on stdout, in order.
    Stdin is drained by a thread, so the parent never blocks on a full pipe while this one writes, and the replies
    are written by another, so this one renders on while its last reply waits for the parent to read it."""
    requests, replies = sys.stdin.buffer, os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())   # anything printed goes to stderr, not into the replies
    waiting: queue.Queue = queue.Queue()

    def read() -> None:
        while True:
            try:
                waiting.put(_receive(requests))
            except EOFError:
                waiting.put(None)
                return

    answered: queue.Queue = queue.Queue()

    def write() -> None:
        while (reply := answered.get()) is not None:
            try:
                _send(replies, reply)
            except BrokenPipeError:    # the parent has gone (stopped, or its page left): nothing more to do
                os._exit(0)
        replies.close()

    threading.Thread(target=read, daemon=True).start()
    writer = threading.Thread(target=write)
    writer.start()
    font_config = new_font_config()
    while (html := waiting.get()) is not None:
        try:
            reply = (True, html_to_pdf_parts(html, font_config=font_config))
        except Exception as exc:   # told to the parent, which raises it
            reply = (False, f"{type(exc).__name__}: {exc}")
        answered.put(reply)   # written by its own thread: a rendering's PDFs (about 270 kB) fill the pipe, and the
        # parent reads them only when it next needs a free place; meanwhile this worker renders the next one
    answered.put(None)
    writer.join()


if __name__ == "__main__":
    serve()
