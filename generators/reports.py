"""Office reports (not letters) as PDF bytes, through the letters' WeasyPrint setup.

A report is a Jinja template and a stylesheet under ``letter_templates/<folder>/``,
rendered in the letters' sandboxed environment (autoescape, StrictUndefined) with the
per-process renderer's font configuration and asset fetcher, which reaches only
``letter_templates``.  A WeasyPrint warning is a failure (RenderWarning), as for letters.
Deterministic: the file identifier comes from the caller, not the clock.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from jinja2 import TemplateError

from generators.environment import TEMPLATES_DIR, environment
from generators.errors import AssetRefused
from generators.wording import template_problem

if TYPE_CHECKING:
    from weasyprint import CSS

__all__ = ["render_report", "report_html"]


@functools.lru_cache(maxsize=8)
def _stylesheet(path: str) -> CSS:
    from weasyprint import CSS

    from generators.pdf import BASE_URL, renderer, warnings_fail

    shared = renderer()
    folder = path.rsplit("/", 1)[0]
    with warnings_fail(path):
        return CSS(
            string=(TEMPLATES_DIR / path).read_text(encoding="utf-8"),
            base_url=f"{BASE_URL}{folder}/",
            url_fetcher=shared.fetcher,
            font_config=shared.font_config,
        )


def report_html(template: str, data: Mapping[str, Any]) -> str:
    """The report as HTML (for a preview, or a test of the wording)."""
    try:
        return environment().get_template(template).render(dict(data))
    except TemplateError as exc:
        raise template_problem(exc, template) from exc


def render_report(
    template: str, stylesheet: str, data: Mapping[str, Any], *, identifier: str
) -> bytes:
    """``template`` filled with ``data`` as PDF bytes; ``identifier`` (any string that names
    this report, e.g. its case and time) fixes the PDF's file identifier.

    Same data, same bytes.  Raises TemplateProblem (a missing key), RenderWarning or
    AssetRefused rather than return a doubtful page.
    """
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    from generators.pdf import BASE_URL, renderer, warnings_fail

    html = report_html(template, data)
    shared = renderer()
    sheet = _stylesheet(stylesheet)
    pdf_id = hashlib.md5(identifier.encode(), usedforsecurity=False).hexdigest()
    try:
        # The renderer's lock: one document at a time on its shared font configuration.
        with shared.lock, warnings_fail(template):
            document = HTML(string=html, base_url=BASE_URL, url_fetcher=shared.fetcher).render(
                font_config=shared.font_config, stylesheets=[sheet]
            )
            pdf: bytes = document.write_pdf(pdf_identifier=pdf_id.encode())
    except FatalURLFetchingError as exc:
        cause = exc.__cause__
        raise cause if isinstance(cause, AssetRefused) else AssetRefused(str(exc)) from exc
    return pdf
