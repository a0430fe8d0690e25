"""User text made safe to print, and the small views every kind's context shares.

Every user-supplied string passes ``clean`` before a template sees it; structured numbers
and dates print in Persian digits (``fa``).
"""

from __future__ import annotations

import re

from generators.environment import PARAGRAPH
from generators.facts import Addressee, LetterRef
from generators.fonts import with_placeholders
from registry.text import strip_bidi_marks, to_persian_digits

# C0/C1 controls (our structure markers among them) are removed; newline survives.
_CONTROLS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_NEWLINES = re.compile(r"\s*\n\s*")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u3000]+")


def clean(value: str, *, multiline: bool = False) -> str:
    """User text made safe to print: no controls or bidi overrides, placeholders for glyphs
    no shipped font has; newlines become paragraph breaks when ``multiline``."""
    text = strip_bidi_marks(value.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROLS.sub("", text)
    text = _SPACES.sub(" ", text)
    text = with_placeholders(text.strip())
    return _NEWLINES.sub(PARAGRAPH if multiline else " ", text)


def fa(value: object) -> str:
    """A structured number or date in Persian digits."""
    return to_persian_digits(value)


def ref_view(ref: LetterRef) -> dict[str, str]:
    """An earlier letter as a template prints it: number and date."""
    return {"number": fa(ref.number), "date": fa(ref.date)}


def addressee_view(who: Addressee) -> dict[str, str | None]:
    """An addressee's parts, cleaned (``name`` None when absent)."""
    return {
        "organisation": clean(who.organisation),
        "title": clean(who.title),
        "name": clean(who.name) if who.name and who.name.strip() else None,
    }
