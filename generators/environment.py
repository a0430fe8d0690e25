"""The one Jinja environment every letter template renders in.

Sandboxed (staff edit templates, so template text must not run code), StrictUndefined
(a misspelt variable is an error, not an empty gap in an official letter), loader limited to
``letter_templates``.  Markup templates (``.html``, ``.xml`` and the DOCX XML compiled from a
string) autoescape; the wording templates (``.j2``) produce plain text that each layout escapes
once when it inserts it.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

from registry.text import to_persian_digits

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "letter_templates"

# Structure markers of the wording's plain-text output.  They are C0 control characters,
# which the context builder strips from every user-supplied string (XML forbids them
# anyway), so no complaint text can forge a paragraph, heading or list item.
PARAGRAPH = "\x1e"
HEADING = "\x1d"
ITEM = "\x1c"


def fa_digits(value: object) -> str:
    """Jinja filter: the value with its digits in Persian."""
    return to_persian_digits(value)


def isolated_ltr(value: object) -> str:
    """Jinja filter: a code (tracking code, number) in Persian digits, isolated left to
    right (LRI … PDI) so its groups keep their order in a right-to-left line."""
    return f"\u2066{to_persian_digits(value)}\u2069"


def fa_join(values: object, separator: str = "، ") -> str:
    """Jinja filter: join with the Persian comma."""
    if isinstance(values, str):
        return values
    if not hasattr(values, "__iter__"):
        return str(values)
    return separator.join(str(v) for v in values)


# A number in Persian digits, with the separators inside it (dates, amounts, letter numbers).
_NUMBER = re.compile(r"[۰-۹](?:[۰-۹/٫٬.,:\-]*[۰-۹])?")
RLM = "\u200f"


def rtl_numbers(value: object) -> str:
    """Jinja filter (PDF layout, right-to-left text only): each number between two RLMs.

    Nothing moves on the page (a number in right-to-left text already sits in a right-to-
    left context).  It is for poppler (pdftotext, and the indexers built on it): poppler
    rebuilds a right-to-left line by keeping each run of non-right-to-left characters in
    drawing order, so neutral characters next to a number went with it («/۱۴۰۵ص۱۲۰/»,
    «)۱۴۰۵…»).  With an RLM (a strong right-to-left mark, drawn as a zero-width glyph,
    generators/textlayer.py) on each side, the number is a run of its own.
    """
    return _NUMBER.sub(lambda m: f"{RLM}{m.group()}{RLM}", str(value))


def make_environment() -> SandboxedEnvironment:
    """A fresh sandboxed environment with our filters and markers (call once per process)."""
    env = SandboxedEnvironment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(
            enabled_extensions=("html", "xml"),
            disabled_extensions=("j2",),
            default_for_string=True,
            default=True,
        ),
        undefined=StrictUndefined,
        keep_trailing_newline=False,
        auto_reload=False,
        cache_size=-1,
    )
    env.filters["fa_digits"] = fa_digits
    env.filters["fa_join"] = fa_join
    env.filters["rtl_numbers"] = rtl_numbers
    env.filters["ltr_code"] = isolated_ltr
    env.globals.update({"P": PARAGRAPH, "H": HEADING, "I": ITEM})
    return env


@functools.lru_cache(maxsize=1)
def environment() -> SandboxedEnvironment:
    """The per-process environment: compiled templates are cached in it (a deliberate cache)."""
    return make_environment()
