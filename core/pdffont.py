"""The CJK font every PDF of the platform embeds (certificates, printable papers): 花園明朝A from
core/fonts/ (SIL OFL 1.1, licence beside it). reportlab embeds only the glyphs a document uses, so a PDF
carries a few tens of KB of font and shows the same text in every viewer, names outside GB2312 included."""

from __future__ import annotations

from pathlib import Path

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

CJK_FONT = "HanaMinA"
FONT_FILE = Path(__file__).resolve().parent / "fonts" / "HanaMinA.ttf"

_reportlab_to_unicode_cmap = ttfonts.makeToUnicodeCMap
_registered = False


def _to_unicode_cmap(fontname, subset):
    """reportlab 5.1's ToUnicode map writes a code point above U+FFFF as `<20BB7>`, which readers
    reject, so copying or searching 𠮷 fails (the glyph itself still shows). Same map, with such code
    points as the UTF-16BE surrogate pair the PDF format asks for."""
    text = _reportlab_to_unicode_cmap(fontname, subset)
    for i, v in enumerate(subset):
        if v > 0xFFFF:
            pair = chr(v).encode("utf-16-be").hex().upper()
            text = text.replace(f"<{i:02X}> <{v:04X}>", f"<{i:02X}> <{pair}>", 1)
    return text


def register_cjk_font() -> str:
    """Register the font once per process and return its name."""
    global _registered
    if not _registered:
        # the one place that reaches into reportlab's internals (reportlab is pinned in requirements.txt;
        # tests/results/test_certificate_pdf_font.py checks that copying a rare name gives it back)
        ttfonts.makeToUnicodeCMap = _to_unicode_cmap
        pdfmetrics.registerFont(TTFont(CJK_FONT, str(FONT_FILE)))
        _registered = True
    return CJK_FONT
