"""What a PDF letter's text gives back when it is extracted: ZWNJ and reading marks kept.

WeasyPrint draws through Pango, and Pango shapes the zero-width non-joiner (ZWNJ, U+200C,
«نیم‌فاصله») to its empty glyph, which WeasyPrint skips: the PDF has no glyph for it, so
pdftotext, pypdf, search and every indexer read «میگردد» for «می‌گردد».  The fonts we ship
have a real zero-width glyph for it, and for the RLM/LRM marks the PDF layout puts around
numbers (``generators.environment.rtl_numbers``).  Before a line is drawn, the empty glyph
of each such character becomes the font's own: nothing moves on the page (its advance
stays 0), and the PDF's ToUnicode map gives the character back, in its place.

Installed once per process by ``generators.pdf`` (a wrapper around WeasyPrint's
``draw_first_line``, looked up by name at each call); measured in docs/letters.md.
"""

from __future__ import annotations

import functools
import io
from typing import Any

from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from weasyprint.draw import text as weasy_text
from weasyprint.text.ffi import ffi, pango

ZWNJ = "\u200c"
# Invisible characters drawn as the font's own zero-width glyph, so the text gives them
# back: ZWNJ (a word's spelling) and the RLM/LRM marks (the reading order, see
# generators.environment.rtl_numbers).
KEPT = frozenset({ZWNJ, "\u200f", "\u200e"})


@functools.lru_cache(maxsize=64)
def _invisible_glyph(font_bytes_hash: str, font_bytes: bytes, char: str) -> int | None:
    # Keyed by the font's hash too, so a font's bytes are parsed once per character.
    font = TTFont(io.BytesIO(font_bytes), lazy=True)
    name = font.getBestCmap().get(ord(char))
    return font.getGlyphID(name) if name is not None else None


def _invisible_glyphs(stream: Any, glyph_item: Any, data: bytes) -> None:
    glyphs = glyph_item.glyphs
    item = glyph_item.item
    for i in range(glyphs.num_glyphs):
        info = glyphs.glyphs[i]
        if info.glyph != pango.PANGO_GLYPH_EMPTY or info.geometry.width != 0:
            continue
        start = item.offset + glyphs.log_clusters[i]
        char = data[start : start + 3].decode("utf-8", "replace")[:1]
        if char not in KEPT:
            continue
        font, _ = stream.add_font(item.analysis.font)
        glyph = _invisible_glyph(font.hash, font.file_content, char)
        if glyph is not None:
            info.glyph = glyph


def _prepare_line(stream: Any, textbox: Any) -> None:
    # draw_first_line sets single-paragraph mode first; a change of mode lays the text out
    # again (our glyphs would be lost), setting it as it will be set keeps the layout.
    pango.pango_layout_set_single_paragraph_mode(textbox.pango_layout.layout, True)
    line, _ = textbox.pango_layout.get_first_line()
    data = textbox.pango_layout.text.encode()
    run = line.runs
    while run != ffi.NULL:
        glyph_item = run.data
        run = run.next
        _invisible_glyphs(stream, glyph_item, data)


_ORIGINAL = weasy_text.draw_first_line


def _draw_first_line(stream: Any, textbox: Any, *args: Any, **kwargs: Any) -> Any:
    _prepare_line(stream, textbox)
    return _ORIGINAL(stream, textbox, *args, **kwargs)


def keep_invisible_characters() -> None:
    """Install the glyph fix for ZWNJ, RLM and LRM in WeasyPrint's text drawing (idempotent)."""
    weasy_text.draw_first_line = _draw_first_line
