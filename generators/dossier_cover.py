"""The dossier's cover page and index as PDF bytes, through the letters' WeasyPrint setup.

The data comes as plain JSON-like mappings (built by ``archive.dossier.cover_data``):
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

import functools
import hashlib
import logging
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from jinja2 import TemplateError

from generators.environment import TEMPLATES_DIR, environment
from generators.errors import AssetRefused, RenderWarning
from generators.wording import template_problem

if TYPE_CHECKING:
    from weasyprint import CSS

# WeasyPrint (and generators.pdf, which imports it) load on first render, not on import:
# importing WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES, which a process
# that only checks attachments must not get as a side effect of importing this module.

__all__ = ["COVER_TEMPLATE", "render_cover"]

COVER_TEMPLATE = "dossier/cover.html"
_STYLESHEET = "dossier/cover.css"
_KIND = "dossier_cover"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


_LOG_LOCK = threading.Lock()


@contextmanager
def _warnings_fail() -> Iterator[None]:
    """A WeasyPrint warning in the block raises RenderWarning (WeasyPrint logs and goes on)."""
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    with _LOG_LOCK:
        logger.addHandler(handler)
    try:
        yield
    finally:
        with _LOG_LOCK:
            logger.removeHandler(handler)
    if handler.messages:
        raise RenderWarning(_KIND, handler.messages)


@functools.lru_cache(maxsize=1)
def _stylesheet() -> CSS:
    from weasyprint import CSS

    from generators.pdf import BASE_URL, renderer

    shared = renderer()
    with _warnings_fail():
        return CSS(
            string=(TEMPLATES_DIR / _STYLESHEET).read_text(encoding="utf-8"),
            base_url=BASE_URL + "dossier/",
            url_fetcher=shared.fetcher,
            font_config=shared.font_config,
        )


def cover_html(data: Mapping[str, Any]) -> str:
    """The cover and index as HTML (for a preview, or a test of the wording)."""
    try:
        return environment().get_template(COVER_TEMPLATE).render(dict(data))
    except TemplateError as exc:
        raise template_problem(exc, COVER_TEMPLATE) from exc


def render_cover(data: Mapping[str, Any]) -> bytes:
    """The cover page and index of a dossier as PDF bytes (see the module docstring).

    Same data, same bytes.  Raises TemplateProblem (a missing key), RenderWarning or
    AssetRefused rather than return a doubtful page.
    """
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    from generators.pdf import BASE_URL, renderer

    html = cover_html(data)
    shared = renderer()
    stylesheet = _stylesheet()
    identifier = hashlib.md5(
        f"dossier:{data['case']['tracking_code']}:{data['assembled_at']}".encode(),
        usedforsecurity=False,
    ).hexdigest()
    try:
        # The renderer's lock: one document at a time on its shared font configuration.
        with shared.lock, _warnings_fail():
            document = HTML(string=html, base_url=BASE_URL, url_fetcher=shared.fetcher).render(
                font_config=shared.font_config, stylesheets=[stylesheet]
            )
            pdf: bytes = document.write_pdf(pdf_identifier=identifier.encode())
    except FatalURLFetchingError as exc:
        cause = exc.__cause__
        raise cause if isinstance(cause, AssetRefused) else AssetRefused(str(exc)) from exc
    return pdf
