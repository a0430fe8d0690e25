"""User text made safe to print, and the small views every kind's context shares.

Every user-supplied string passes ``clean`` before a template sees it; structured numbers
and dates print in Persian digits (``fa``).
"""

from __future__ import annotations

import re

from generators.environment import PARAGRAPH
from generators.facts import Addressee, LetterRef
from generators.fonts import with_placeholders
from registry.text import LRI, PDI, for_display, strip_bidi_marks, to_persian_digits

# C0/C1 controls (our structure markers among them) are removed; newline survives.
_CONTROLS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_NEWLINES = re.compile(r"\s*\n\s*")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u3000]+")


def clean(value: str, *, multiline: bool = False) -> str:
    """User text made safe to print: no controls or bidi overrides, placeholders for glyphs
    no shipped font has, then the one display normalisation (``registry.text.for_display``:
    Persian ی/ک and digits, «٬» grouping, Latin runs isolated); newlines become paragraph
    breaks when ``multiline``.  The registry keeps what was typed."""
    text = strip_bidi_marks(value.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROLS.sub("", text)
    text = _SPACES.sub(" ", text)
    text = for_display(with_placeholders(text.strip()))
    return _NEWLINES.sub(PARAGRAPH if multiline else " ", text)


def fa(value: object) -> str:
    """A structured number or date in Persian digits."""
    return to_persian_digits(value)


def ref_view(ref: LetterRef) -> dict[str, str]:
    """An earlier letter as a template prints it: number and date."""
    return {"number": fa(ref.number), "date": fa(ref.date)}


def addressee_view(who: Addressee) -> dict[str, str | None]:
    """An addressee's parts, cleaned (``name`` None when absent)."""
    named = who.name and who.name.strip()
    return {
        "organisation": clean(who.organisation),
        "title": clean(who.title),
        "name": addressed(who.honorific, who.name) if named and who.name else None,
    }


_TITLE_OF = {"آقای": "جناب آقای", "خانم": "سرکار خانم"}
_ALREADY_TITLED = ("جناب", "سرکار")


def addressed(honorific: str, name: str) -> str:
    """A named person as a letter addresses them: «جناب آقای …» / «سرکار خانم …».

    ``honorific`` is «آقای», «خانم» or empty; a name that already starts with «جناب» or
    «سرکار» (typed so before the honorific had its own field) is left as it is."""
    name = clean(name)
    if not name or name.startswith(_ALREADY_TITLED):
        return name
    if name.startswith(("آقای ", "خانم ")):
        honorific, name = name.split(" ", 1)
    title = _TITLE_OF.get(honorific)
    return f"{title} {name}" if title else name


def tracking_view(code: str) -> str:
    """The tracking code as every letter prints it: groups of four from the left, Persian
    digits, «-» between, isolated left to right so the groups keep their order in a
    right-to-left line (``1234-5678-9012`` → «۱۲۳۴-۵۶۷۸-۹۰۱۲»)."""
    digits = "".join(ch for ch in code if ch.isdigit())
    groups = "-".join(digits[i : i + 4] for i in range(0, len(digits), 4))
    return f"{LRI}{to_persian_digits(groups)}{PDI}"


def sentence(text: str) -> str:
    """``text`` ending with a full stop (or its own «.», «!», «؟»), so joined sentences read
    as sentences."""
    text = text.rstrip()
    return text if not text or text[-1] in ".!?؟…»)" else f"{text}."


# The first word agencies share, and how Persian makes it plural: «شهرداری» → «شهرداری‌های».
def join_agencies(names: list[str]) -> str:
    """Agencies named as a letter names them: «شهرداری‌های خرمدشت و زیاران», «شهرداری قزوین
    و فرمانداری تاکستان»; those sharing a first word are grouped under its plural."""
    groups: dict[str, list[str]] = {}
    for name in names:
        head, _, rest = name.partition(" ")
        key = head if rest else name
        groups.setdefault(key, []).append(rest if rest else "")
    parts = []
    for head, rests in groups.items():
        if len(rests) > 1 and all(rests):
            parts.append(f"{head}\u200cهای {and_join(rests)}")
        else:
            parts.extend(f"{head} {r}".strip() for r in rests)
    return and_join(parts)


def and_join(items: list[str]) -> str:
    """«الف»، «الف و ب»، «الف، ب و ج»."""
    if len(items) <= 1:
        return "".join(items)
    return f"{'، '.join(items[:-1])} و {items[-1]}"
