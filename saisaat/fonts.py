"""The documents' typeface: Sarabun at the size of TH Sarabun New, the font Thai government computers
have and the Word file names.

Sarabun (the open successor of TH Sarabun New, from PyPI's `fontpkg-sarabun`, the Google Fonts build)
is drawn about 1.52 times as large as TH Sarabun New on the same em: its digit is 550 units of 1,000
wide, TH Sarabun New's 362 (Laksaman, TH Sarabun New scaled up, 544). Set at 16 pt it would look like
TH Sarabun New at 24 pt. So the family used here is derived from it on this machine, never committed:
the same outlines on an em of 1,520 units (drawn 0.658 times as large), the line spacing of TH Sarabun
New (ascent 0.846 em, descent 0.457 em, as Laksaman's scaled back), hinting dropped (it was made for
the old em), and its own name, "Sarabun THSN", so it is never taken for the real Sarabun.

`ensure_installed()` writes the four styles to the user's font folder (~/.local/share/fonts/saisaat,
which fontconfig reads: Chromium draws the chart images with it) and a fontconfig rule that renders
"TH Sarabun New" with it where that font is missing (LibreOffice opening the .docx). The PDFs name the
files directly (@font-face) and embed them.
"""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import threading
from functools import lru_cache
from pathlib import Path

FAMILY = "Sarabun THSN"
WORD_FONT = "TH Sarabun New"         # what the .docx names (the reader's computer has it)
UNITS_PER_EM = 1520                  # Sarabun's 1,000 units drawn at TH Sarabun New's size
ASCENT, DESCENT = 1286, 695          # 0.846 em and 0.457 em of the new em: TH Sarabun New's line
VERSION = "1"                        # bump when the derivation changes: installed copies are rebuilt
STYLES = {                           # (bold, italic) → Sarabun's file
    (False, False): "Sarabun-Regular.ttf", (True, False): "Sarabun-Bold.ttf",
    (False, True): "Sarabun-Italic.ttf", (True, True): "Sarabun-BoldItalic.ttf",
}
_SUBFAMILY = {(False, False): "Regular", (True, False): "Bold", (False, True): "Italic", (True, True): "Bold Italic"}
_lock = threading.Lock()

FONTCONFIG_RULE = f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<!-- Written by saisaat.fonts: where TH Sarabun New is not installed, draw it with Sarabun THSN
     (Sarabun at TH Sarabun New's size), before any other substitute (Laksaman is half as large again). -->
<fontconfig>
  <alias binding="same">
    <family>{WORD_FONT}</family>
    <prefer><family>{FAMILY}</family></prefer>
  </alias>
</fontconfig>
"""


def font_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "fonts" / "saisaat"


def _config_file() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "fontconfig" / "conf.d" / "60-saisaat-th-sarabun-new.conf"


def file_name(bold: bool, italic: bool) -> str:
    return "SarabunTHSN-" + _SUBFAMILY[(bold, italic)].replace(" ", "") + ".ttf"


def derive(source: Path) -> bytes:
    """One Sarabun style as Sarabun THSN (see the module's docstring)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(source)
    options = subset.Options()
    options.hinting = False                      # instructions written for the 1,000-unit em
    options.glyph_names = True                   # saisaat/pdf.py names positional variants by them
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["DSIG"]              # a signature no longer valid
    sub = subset.Subsetter(options)
    sub.populate(glyphs=font.getGlyphOrder())
    sub.subset(font)

    font["head"].unitsPerEm = UNITS_PER_EM
    hhea, os2 = font["hhea"], font["OS/2"]
    hhea.ascent, hhea.descent, hhea.lineGap = ASCENT, -DESCENT, 0
    os2.usWinAscent, os2.usWinDescent = ASCENT, DESCENT
    os2.sTypoAscender, os2.sTypoDescender, os2.sTypoLineGap = ASCENT, -DESCENT, 0
    os2.fsSelection |= 1 << 7                    # USE_TYPO_METRICS: every program takes the same line
    bold, italic = next(k for k, v in STYLES.items() if v == source.name)
    sub_name = _SUBFAMILY[(bold, italic)]
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 2, 3, 4, 6, 16, 17):
            names.removeNames(nameID=record.nameID)
    ps = "SarabunTHSN-" + sub_name.replace(" ", "")
    for name_id, value in ((1, FAMILY), (2, sub_name), (3, f"{ps};saisaat-{VERSION}"),
                           (4, f"{FAMILY} {sub_name}".replace(" Regular", "")), (6, ps)):
        names.setName(value, name_id, 3, 1, 0x409)
    buf = io.BytesIO()
    font.save(buf)
    return buf.getvalue()


def _sources() -> Path:
    import fontpkg_sarabun
    return Path(fontpkg_sarabun.ROOT) / "files"


@lru_cache(maxsize=1)
def ensure_installed() -> Path:
    """The folder holding Sarabun THSN's four styles, derived and registered with fontconfig on first
    use (again when VERSION changes). Returns the folder."""
    with _lock:
        target = font_dir()
        marker = target / "VERSION"
        config = _config_file()
        fresh = not (marker.is_file() and marker.read_text() == VERSION
                     and all((target / file_name(*k)).is_file() for k in STYLES)
                     and config.is_file() and config.read_text() == FONTCONFIG_RULE)
        if fresh:
            target.mkdir(parents=True, exist_ok=True)
            sources = _sources()
            for key, name in STYLES.items():
                tmp = target / (file_name(*key) + ".tmp")
                tmp.write_bytes(derive(sources / name))
                tmp.replace(target / file_name(*key))
            shutil.copyfile(sources.parent / "LICENSE", target / "OFL.txt")
            config.parent.mkdir(parents=True, exist_ok=True)
            config.write_text(FONTCONFIG_RULE)
            marker.write_text(VERSION)
            if shutil.which("fc-cache"):
                subprocess.run(["fc-cache", "-f", str(target)], check=False, capture_output=True, timeout=120)
        return target


def font_path(bold: bool = False, italic: bool = False) -> Path:
    return ensure_installed() / file_name(bold, italic)


@lru_cache(maxsize=4)
def _advances(bold: bool) -> tuple[dict[int, int], int]:
    from fontTools.ttLib import TTFont
    font = TTFont(font_path(bold))
    cmap, hmtx = font.getBestCmap(), font["hmtx"]
    return {cp: hmtx[name][0] for cp, name in cmap.items()}, hmtx[cmap[ord("0")]][0]


@lru_cache(maxsize=1 << 16)
def text_width(text: str, size_pt: float, bold: bool = False) -> float:
    """The width of `text` set in Sarabun THSN at `size_pt`, in points: the sum of the characters'
    advances (Thai marks advance nothing; kerning is left out, a few per cent at most). Kept for the texts
    measured before: the report cards measure the same indicator wordings and headers on every card."""
    advances, fallback = _advances(bold)
    units = sum(advances.get(ord(ch), fallback) for ch in text)
    return units * size_pt / UNITS_PER_EM
