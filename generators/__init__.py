"""Pure document generation: letter facts in, DOCX and PDF/A bytes out.

Public API: ``build_context``, ``render_pdf``, ``render_docx``, ``check_templates``,
``anonymity_warnings``, the facts models in ``generators.facts``, each kind's rendering
row in ``generators.kinds`` and ``sample_facts``.
Heavy imports (WeasyPrint, docxtpl) happen on first use, so importing this package is cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from generators.context import anonymity_warnings, build_context
from generators.facts import LetterFacts
from generators.kinds import FACTS_MODELS, KINDS, RENDERING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from generators.errors import TemplateProblem

__all__ = [
    "FACTS_MODELS",
    "KINDS",
    "RENDERING",
    "LetterFacts",
    "anonymity_warnings",
    "build_context",
    "check_templates",
    "render_docx",
    "render_pdf",
]


def render_pdf(kind: str, context: Mapping[str, Any], *, archival: bool = True) -> bytes:
    """The letter as PDF bytes (PDF/A-3u when ``archival``); see ``generators.pdf``."""
    from generators.pdf import render_pdf as _render

    return _render(kind, context, archival=archival)


def render_docx(kind: str, context: Mapping[str, Any]) -> bytes:
    """The letter as DOCX bytes; see ``generators.docx_letter``."""
    from generators.docx_letter import render_docx as _render

    return _render(kind, context)


def check_templates(kinds: Iterable[str] = KINDS) -> list[TemplateProblem]:
    """Every template problem found rendering each kind in both formats with sample facts."""
    from generators.checks import check_templates as _check

    return _check(kinds)
