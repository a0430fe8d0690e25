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
import re
from typing import Any

from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from weasyprint.draw import text as weasy_text
from weasyprint.text.ffi import ffi, pango

ZWNJ = "\u200c"
_ZWNJ_UTF8 = ZWNJ.encode()


@functools.lru_cache(maxsize=16)
def _zwnj_glyph(font_bytes_hash: str, font_bytes: bytes) -> int | None:
    font = TTFont(io.BytesIO(font_bytes), lazy=True)
    name = font.getBestCmap().get(ord(ZWNJ))
    return font.getGlyphID(name) if name is not None else None


# Characters pypdf treats as neutral (it keeps them in the direction of the run around
# them): Persian digits and the separators of numbers, dates and letter numbers.
_NEUTRAL_RUN = re.compile(r"[\u06f0-\u06f9\u0660-\u0669/\-.,:\u066b\u066c ]+")


def _zwnj_glyphs(stream: Any, glyph_item: Any, data: bytes) -> None:
    glyphs = glyph_item.glyphs
    item = glyph_item.item
    for i in range(glyphs.num_glyphs):
        info = glyphs.glyphs[i]
        if info.glyph != pango.PANGO_GLYPH_EMPTY or info.geometry.width != 0:
            continue
        start = item.offset + glyphs.log_clusters[i]
        if data[start : start + len(_ZWNJ_UTF8)] != _ZWNJ_UTF8:
            continue
        font, _ = stream.add_font(item.analysis.font)
        glyph = _zwnj_glyph(font.hash, font.file_content)
        if glyph is not None:
            info.glyph = glyph


def _digits_in_reading_order(glyph_item: Any, data: bytes) -> None:
    """Write a number inside right-to-left text last digit first, each digit where it was.

    The page does not change.  pypdf rebuilds a right-to-left line by reversing the order
    in which glyphs are drawn, numbers included (it counts Persian digits as neutral), so a
    number drawn left to right comes out «۵۰۴۱» for «۱۴۰۵».  Drawn from its right end,
    with each glyph moved back to its place (x offsets), it comes out as written; poppler
    places text by position and is not affected.  The run is then marked right to left so
    that WeasyPrint maps each glyph to its character in that order.
    """
    item = glyph_item.item
    glyphs = glyph_item.glyphs
    count = glyphs.num_glyphs
    text = data[item.offset : item.offset + item.length].decode("utf-8", "replace")
    if count < 2 or item.analysis.level % 2 or not _NEUTRAL_RUN.fullmatch(text):
        return
    infos = [glyphs.glyphs[i] for i in range(count)]
    saved = [
        (
            g.glyph,
            g.geometry.width,
            g.geometry.x_offset,
            g.geometry.y_offset,
            glyphs.log_clusters[i],
        )
        for i, g in enumerate(infos)
    ]
    widths = [w for _, w, _, _, _ in saved]
    for slot in range(count):
        k = count - 1 - slot
        glyph, width, x_offset, y_offset, cluster = saved[k]
        # Where glyph k was drawn minus where the pen is when it is drawn now (Pango units);
        # WeasyPrint reads x offsets in 1/1000 em per font-size unit (x_offset / size).
        moved = sum(widths[:k]) - sum(widths[k + 1 :])
        info = infos[slot]
        info.glyph = glyph
        info.geometry.width = width
        info.geometry.x_offset = x_offset + round(moved * 1000 / 1024)
        info.geometry.y_offset = y_offset
        glyphs.log_clusters[slot] = cluster
    item.analysis.level += 1


def _prepare_line(stream: Any, textbox: Any) -> None:
    # draw_first_line sets single-paragraph mode first; a change of mode lays the text out
    # again (our glyphs would be lost), setting it as it will be set keeps the layout.
    pango.pango_layout_set_single_paragraph_mode(textbox.pango_layout.layout, True)
    line, _ = textbox.pango_layout.get_first_line()
    data = textbox.pango_layout.text.encode()
    right_to_left = textbox.style["direction"] == "rtl"
    run = line.runs
    while run != ffi.NULL:
        glyph_item = run.data
        run = run.next
        _zwnj_glyphs(stream, glyph_item, data)
        if right_to_left:
            _digits_in_reading_order(glyph_item, data)


_ORIGINAL = weasy_text.draw_first_line


def _draw_first_line(stream: Any, textbox: Any, *args: Any, **kwargs: Any) -> Any:
    _prepare_line(stream, textbox)
    return _ORIGINAL(stream, textbox, *args, **kwargs)


def keep_zwnj() -> None:
    """Install the ZWNJ glyph fix in WeasyPrint's text drawing (idempotent)."""
    weasy_text.draw_first_line = _draw_first_line
