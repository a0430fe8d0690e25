"""The dossier's cover page and index as PDF bytes, through the letters' WeasyPrint setup.

WeasyPrint loads on first render, not on import: importing it sets Pillow's process-wide
LOAD_TRUNCATED_IMAGES.  The data comes as plain JSON-like mappings (built by
``archive.dossier.cover_data``):
``office`` (ministry, governorate, office), ``case`` (tracking code, complainant, agencies,
subject, dates, state: strings, already in the office's words), ``entries`` (title, date,
pages, start page) and ``total_pages``, ``assembled``, ``assembled_at``.  The layout is
``letter_templates/dossier/cover.html`` with ``cover.css``: Vazirmatn, right to left,
Persian digits; rendered in the letters' sandboxed Jinja environment (autoescape,
StrictUndefined) with the per-process renderer's font configuration and asset fetcher,
which reaches only ``letter_templates``.  A WeasyPrint warning is a failure
(RenderWarning), as for letters.

Deterministic: the same data gives the same bytes (the file identifier and the metadata
dates come from the data, not the clock).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generators.reports import render_report, report_html

__all__ = ["COVER_TEMPLATE", "cover_html", "render_cover"]

COVER_TEMPLATE = "dossier/cover.html"
_STYLESHEET = "dossier/cover.css"


def cover_html(data: Mapping[str, Any]) -> str:
    """The cover and index as HTML (for a preview, or a test of the wording)."""
    return report_html(COVER_TEMPLATE, data)


def render_cover(data: Mapping[str, Any]) -> bytes:
    """The cover page and index of a dossier as PDF bytes (see the module docstring).

    Same data, same bytes.  Raises TemplateProblem (a missing key), RenderWarning or
    AssetRefused rather than return a doubtful page.
    """
    identifier = f"dossier:{data['case']['tracking_code']}:{data['assembled_at']}"
    return render_report(COVER_TEMPLATE, _STYLESHEET, data, identifier=identifier)
