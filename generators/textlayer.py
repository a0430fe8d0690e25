"""What a PDF letter's text gives back when it is extracted (search, copy, indexers).

Two fixes where WeasyPrint draws a line of text (a wrapper around its ``draw_first_line``,
installed once per process by ``generators.pdf``, looked up by name at each call); the page
does not change by a pixel (tests/test_text_layer.py):

- Invisible characters.  Pango shapes the zero-width non-joiner (ZWNJ, U+200C, «نیم‌فاصله»)
  and the RLM/LRM marks to an empty glyph, which WeasyPrint skips: the PDF had no character
  for them, so every extractor read «میگردد» for «می‌گردد».  Vazirmatn has a real
  zero-width glyph for each; before the line is drawn, the empty glyph becomes the font's
  own, and the ToUnicode map gives the character back in its place.  (The RLMs are those
  the PDF layout puts around numbers: ``generators.environment.rtl_numbers``.)
- Numbers.  pypdf rebuilds right-to-left text by reversing the drawing order, Persian
  digits included («۵۰۴۱» for «۱۴۰۵»); poppler orders by position.  Each Persian number is
  drawn last digit first, every glyph moved back to its place by TJ adjustments, inside a
  marked-content span whose ActualText is the number as written: pypdf reverses it back,
  poppler reads the ActualText.  Zero-width LRM glyphs at the number's two edges give
  poppler the span's box.

Measured in docs/letters.md ("Text layer").
"""

from __future__ import annotations

import functools
import io
import re
from typing import Any

import pydyf  # type: ignore[import-untyped]
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from weasyprint.draw import text as weasy_text
from weasyprint.text.ffi import ffi, pango

ZWNJ = "\u200c"
LRM = "\u200e"
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


_TJ_ITEM = re.compile(r"<([0-9a-fA-F]*)>|(-?[0-9.]+(?:e-?[0-9]+)?)")
_NUMBER_CHARS = frozenset("۰۱۲۳۴۵۶۷۸۹/.,:-٫٬")
_DIGITS = frozenset("۰۱۲۳۴۵۶۷۸۹")
Item = tuple[str, int | float]  # ("g", glyph id) or ("k", TJ adjustment)


def _items(text: str, hex_width: int) -> list[Item]:
    items: list[Item] = []
    for match in _TJ_ITEM.finditer(f"<{text}>" if not text.startswith(("<", "-")) else text):
        glyphs, number = match.groups()
        if glyphs is not None:
            items.extend(
                ("g", int(glyphs[i : i + hex_width], 16)) for i in range(0, len(glyphs), hex_width)
            )
        else:
            items.append(("k", float(number)))
    return items


def _tj(items: list[Item], hex_width: int) -> str:
    out, glyphs = [], []
    for kind, value in items:
        if kind == "g":
            glyphs.append(f"{int(value):0{hex_width}x}")
            continue
        if glyphs:
            out.append("<" + "".join(glyphs) + ">")
            glyphs = []
        out.append(f"{value:g}")
    if glyphs:
        out.append("<" + "".join(glyphs) + ">")
    return " ".join(out)


def _numbers(items: list[Item], chars: dict[int, str]) -> list[tuple[int, int]]:
    """(start, end) of each number's items: digits and the separators between them."""
    found, start, last_digit = [], None, None
    for index, (kind, value) in enumerate(items):
        if kind == "k":
            continue
        char = chars.get(int(value), "")
        if char in _NUMBER_CHARS and (start is not None or char in _DIGITS):
            start = index if start is None else start
            if char in _DIGITS:
                last_digit = index
            continue
        if start is not None and last_digit is not None and last_digit > start:
            found.append((start, last_digit + 1))
        start = last_digit = None
    if start is not None and last_digit is not None and last_digit > start:
        found.append((start, last_digit + 1))
    return found


def _reversed_in_place(items: list[Item], widths: dict[int, int], mark: int) -> list[Item]:
    """The same glyphs drawn last first, each at its own place (TJ adjustments), between
    two zero-width ``mark`` glyphs at the number's left and right edges: poppler places the
    ActualText between the first and the last glyph drawn in the span."""
    pen, placed = 0.0, []
    for kind, value in items:
        if kind == "k":
            pen -= value
        else:
            placed.append((int(value), pen))
            pen += widths.get(int(value), 0)
    out: list[Item] = [("g", mark)]
    cursor = 0.0
    for glyph, x in reversed(placed):
        if cursor != x:
            out.append(("k", round(cursor - x, 3)))
        out.append(("g", glyph))
        cursor = x + widths.get(glyph, 0)
    if cursor != pen:
        out.append(("k", round(cursor - pen, 3)))
    out.append(("g", mark))
    return out


class _ReadingOrderStream:
    """The stream WeasyPrint draws a line into, with each Persian number written last digit
    first (each glyph at its place) inside an ActualText span holding it as written.

    pypdf ignores marked content and rebuilds right-to-left text by reversing the drawing
    order, Persian digits included: drawn backwards, a number comes out as written.
    poppler takes the span's ActualText, laid out left to right over the number's box:
    the number as written too.
    """

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._fonts: dict[str, Any] = {}
        self._font: Any = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    def add_font(self, pango_font: Any) -> Any:
        font, size = self._stream.add_font(pango_font)
        self._fonts[font.hash] = font
        return font, size

    def set_font_size(self, font: str, size: float) -> None:
        self._font = self._fonts.get(font)
        self._stream.set_font_size(font, size)

    def show_text(self, text: str) -> None:
        font = self._font
        if font is None or not any(d in "".join(font.to_unicode.values()) for d in _DIGITS):
            self._stream.show_text(text)
            return
        mark = _invisible_glyph(font.hash, font.file_content, LRM)
        if mark is None:
            self._stream.show_text(text)
            return
        font.to_unicode.setdefault(mark, LRM)
        font.widths.setdefault(mark, 0)
        hex_width = 2 if font.bitmap else 4
        items = _items(text, hex_width)
        chars = {g: u for g, u in font.to_unicode.items() if len(u) == 1}
        done = 0
        for start, end in _numbers(items, chars):
            if start > done:
                self._stream.show_text(_tj(items[done:start], hex_width))
            number = items[start:end]
            written = "".join(chars[int(v)] for k, v in number if k == "g")
            self._stream.begin_marked_content(
                "Span", pydyf.Dictionary({"ActualText": pydyf.String(written)})
            )
            self._stream.show_text(_tj(_reversed_in_place(number, font.widths, mark), hex_width))
            self._stream.end_marked_content()
            done = end
        if done < len(items):
            self._stream.show_text(_tj(items[done:], hex_width))


_ORIGINAL = weasy_text.draw_first_line


def _draw_first_line(stream: Any, textbox: Any, *args: Any, **kwargs: Any) -> Any:
    _prepare_line(stream, textbox)
    return _ORIGINAL(_ReadingOrderStream(stream), textbox, *args, **kwargs)


def keep_invisible_characters() -> None:
    """Install the glyph fix for ZWNJ, RLM and LRM in WeasyPrint's text drawing (idempotent)."""
    weasy_text.draw_first_line = _draw_first_line
