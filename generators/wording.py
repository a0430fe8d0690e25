"""Each kind's wording, rendered once to plain text both formats lay out.

``letter_templates/<kind>/wording.j2`` defines three blocks: ``subject``, ``salutation``
and ``body``.  The body marks its structure with ``{{ P }}`` (paragraph), ``{{ H }}``
(heading) and ``{{ I }}`` (list item); line breaks inside the template are only for the
editor and become spaces.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from jinja2 import Template, TemplateError, TemplateSyntaxError, UndefinedError

from generators.environment import HEADING, ITEM, PARAGRAPH, TEMPLATES_DIR, environment
from generators.errors import TemplateProblem
from generators.kinds import rendering
from registry.text import to_persian_digits

BlockStyle = Literal["p", "h", "li"]
_STYLE_OF = {PARAGRAPH: "p", HEADING: "h", ITEM: "li"}
_SPLIT = re.compile(f"([{PARAGRAPH}{HEADING}{ITEM}])")
_WS = re.compile(r"\s+")
_UNDEFINED = re.compile(r"'([^']+)' is undefined|has no attribute '([^']+)'")


@dataclass(frozen=True)
class Block:
    """One paragraph, heading or list item of a letter's body."""

    style: BlockStyle
    text: str
    label: str = ""  # «۱-» for the first item of a list; the same in both formats


@dataclass(frozen=True)
class LetterText:
    """The words of one letter, shared by its PDF and its DOCX."""

    subject: str
    salutation: str
    blocks: tuple[Block, ...]


def wording_name(kind: str) -> str:
    """The wording template of ``kind``, relative to ``letter_templates``."""
    return rendering(kind).wording


def template_problem(exc: Exception, template: str, where_prefix: str = "line") -> TemplateProblem:
    """A Jinja error turned into a TemplateProblem naming file, line and variable."""
    line: int | None = None
    if isinstance(exc, TemplateSyntaxError):
        line = exc.lineno
    else:
        # Jinja rewrites tracebacks so template frames carry the template's own line.
        for frame, lineno in traceback.walk_tb(exc.__traceback__):
            filename = frame.f_code.co_filename
            if filename.endswith(template) or filename == "<template>":
                line = lineno
    variable = ""
    match = _UNDEFINED.search(str(exc))
    if isinstance(exc, UndefinedError) and match:
        variable = match.group(1) or match.group(2) or ""
    where = f"{where_prefix} {line}" if line is not None else ""
    return TemplateProblem(template, where, variable, f"{type(exc).__name__}: {exc}")


def _load(kind: str) -> Template:
    name = wording_name(kind)
    if not (TEMPLATES_DIR / name).is_file():
        raise TemplateProblem(name, detail="missing wording template", code="template_missing")
    try:
        return environment().get_template(name)
    except TemplateError as exc:
        raise template_problem(exc, name) from exc


def _block(template: Template, name: str, context: Mapping[str, Any]) -> str:
    if name not in template.blocks:
        raise TemplateProblem(str(template.name), detail=f"block {name!r} is missing")
    try:
        ctx = template.new_context(dict(context))
        return "".join(template.blocks[name](ctx))
    except TemplateError as exc:
        raise template_problem(exc, str(template.name)) from exc


def _one_line(text: str) -> str:
    return _WS.sub(" ", _SPLIT.sub(" ", text)).strip()


def split_blocks(text: str) -> tuple[Block, ...]:
    """The body's plain text cut at its markers into blocks; empty blocks are dropped."""
    blocks: list[Block] = []
    style: BlockStyle = "p"
    item = 0
    for piece in _SPLIT.split(text):
        if piece in _STYLE_OF:
            style = _STYLE_OF[piece]  # type: ignore[assignment]
            continue
        words = _WS.sub(" ", piece).strip()
        if not words:
            continue
        # Items are numbered in Persian digits, restarting after any other block.
        item = item + 1 if style == "li" else 0
        blocks.append(Block(style, words, f"{to_persian_digits(item)}-" if item else ""))
    return tuple(blocks)


def compose(kind: str, context: Mapping[str, Any]) -> LetterText:
    """The wording of one letter from its context (same input, same text, both formats)."""
    template = _load(kind)
    return LetterText(
        subject=_one_line(_block(template, "subject", context)),
        salutation=_one_line(_block(template, "salutation", context)),
        blocks=split_blocks(_block(template, "body", context)),
    )
