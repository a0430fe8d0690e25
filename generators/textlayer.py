"""What a PDF letter's text gives back when it is extracted: ZWNJ kept.

WeasyPrint draws through Pango, and Pango shapes the zero-width non-joiner (ZWNJ, U+200C,
«نیم‌فاصله») to its empty glyph, which WeasyPrint skips: the PDF has no glyph for it, so
pdftotext, pypdf, search and every indexer read «میگردد» for «می‌گردد».  The fonts we ship
have a real glyph for ZWNJ (Vazirmatn: zero width, no outline).  ``keep_zwnj`` makes the
empty glyph of each ZWNJ that real glyph before the line is drawn: nothing moves on the
page (its advance stays 0), and the PDF's ToUnicode map gets U+200C for it, in its place.

Installed once per process by ``generators.pdf`` (a wrapper around WeasyPrint's
``draw_first_line``, looked up by name at each call); measured in docs/letters.md.
"""

from __future__ import annotations

import functools
import io
from typing import Any

from fontTools.ttLib import TTFont
from weasyprint.draw import text as weasy_text
from weasyprint.text.ffi import ffi, pango

ZWNJ = "\u200c"
_ZWNJ_UTF8 = ZWNJ.encode()


@functools.lru_cache(maxsize=16)
def _zwnj_glyph(font_bytes_hash: str, font_bytes: bytes) -> int | None:
    font = TTFont(io.BytesIO(font_bytes), lazy=True)
    name = font.getBestCmap().get(ord(ZWNJ))
    return font.getGlyphID(name) if name is not None else None


def _mark_zwnj(stream: Any, textbox: Any) -> None:
    # draw_first_line sets single-paragraph mode first; a change of mode lays the text out
    # again (our glyphs would be lost), setting it as it will be set keeps the layout.
    pango.pango_layout_set_single_paragraph_mode(textbox.pango_layout.layout, True)
    line, _ = textbox.pango_layout.get_first_line()
    data: bytes | None = None
    run = line.runs
    while run != ffi.NULL:
        glyph_item = run.data
        run = run.next
        glyphs = glyph_item.glyphs
        item = glyph_item.item
        clusters = glyphs.log_clusters
        count = glyphs.num_glyphs
        for i in range(count):
            info = glyphs.glyphs[i]
            if info.glyph != pango.PANGO_GLYPH_EMPTY or info.geometry.width != 0:
                continue
            data = data if data is not None else textbox.pango_layout.text.encode()
            start = item.offset + clusters[i]
            if data[start : start + len(_ZWNJ_UTF8)] != _ZWNJ_UTF8:
                continue
            font, _ = stream.add_font(item.analysis.font)
            glyph = _zwnj_glyph(font.hash, font.file_content)
            if glyph is not None:
                info.glyph = glyph


_ORIGINAL = weasy_text.draw_first_line


def _draw_first_line(stream: Any, textbox: Any, *args: Any, **kwargs: Any) -> Any:
    _mark_zwnj(stream, textbox)
    return _ORIGINAL(stream, textbox, *args, **kwargs)


def keep_zwnj() -> None:
    """Install the ZWNJ glyph fix in WeasyPrint's text drawing (idempotent)."""
    weasy_text.draw_first_line = _draw_first_line
