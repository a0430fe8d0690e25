"""The fonts shipped with the templates, and which characters they can draw.

A character no shipped font has would be drawn by whatever font the machine happens to
have (or not at all), so the context builder replaces it by U+FFFD, a visible placeholder
Vazirmatn draws, and keeps the text around it.
"""

from __future__ import annotations

import functools

from generators.environment import TEMPLATES_DIR

FONTS_DIR = TEMPLATES_DIR / "fonts"
FONT_FILES: tuple[str, ...] = (
    "Vazirmatn-Regular.ttf",
    "Vazirmatn-Bold.ttf",
    "NotoEmoji-Regular.ttf",  # monochrome, so PDF/A stays simple
)
PLACEHOLDER = "\ufffd"
# Invisible characters that shape or join text; no font needs a glyph for them.
_FORMAT_CHARS = frozenset("\n\u200c\u200d\ufe0e\ufe0f")


@functools.lru_cache(maxsize=1)
def covered_codepoints() -> frozenset[int]:
    """Every code point some shipped font maps (computed once per process)."""
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]  # lazily: only here

    covered: set[int] = set()
    for name in FONT_FILES:
        font = TTFont(FONTS_DIR / name, lazy=True)
        try:
            covered.update(font.getBestCmap())
        finally:
            font.close()
    covered.update(ord(c) for c in _FORMAT_CHARS)
    return frozenset(covered)


def with_placeholders(text: str) -> str:
    """``text`` with every character no shipped font can draw replaced by U+FFFD."""
    covered = covered_codepoints()
    if all(ord(c) in covered or c == " " for c in text):
        return text
    return "".join(c if ord(c) in covered or c == " " else PLACEHOLDER for c in text)
