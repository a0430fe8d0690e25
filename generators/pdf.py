"""PDF letters through WeasyPrint: PDF/A-3u for the archive, deterministic bytes.

One ``PdfRenderer`` per process holds what is costly to rebuild and safe to share between
letters: the FontConfiguration (a new one per letter leaks and re-reads the fonts), the
parsed stylesheets, the asset bytes and the ICC profile.  (No WeasyPrint image cache: the only
image, the QR code, is different in every letter, so a cache would only grow.)  It is created
lazily by ``renderer()`` and never shared across processes (WeasyPrint is not fork-safe).

Where a letter's time goes, and why each measure below is there: ``bench/README.md``.
"""

from __future__ import annotations

import base64
import functools
import gc
import hashlib
import io
import logging
import mimetypes
import threading
import urllib.parse
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import pydyf  # type: ignore[import-untyped]
from jinja2 import TemplateError
from weasyprint import CSS, HTML
from weasyprint.css import ColorProfile
from weasyprint.css.counters import CounterStyle
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from generators.environment import TEMPLATES_DIR, environment
from generators.errors import AssetRefused, RenderWarning, TemplateProblem
from generators.kinds import rendering
from generators.qr import png_data_uri
from generators.textlayer import keep_invisible_characters
from generators.wording import compose, template_problem

BASE_URL = TEMPLATES_DIR.as_uri() + "/"
OUTPUT_INTENT = "residegi-srgb"
# zlib's own default.  pydyf asks for 9, which costs twice the time of 6 on a letter's
# streams (fonts, page content) for 0.4 % larger files.
DEFLATE_LEVEL = 6


class _OnceCompressor:
    """What ``zlib.compressobj()`` returns to pydyf during a letter: deflates on flush, once
    for the same bytes (``memo``, the letter's)."""

    def __init__(self, memo: dict[bytes, bytes]) -> None:
        self._memo = memo
        self._chunks: list[bytes] = []

    def compress(self, data: bytes) -> bytes:
        self._chunks.append(data)
        return b""

    def flush(self) -> bytes:
        data = b"".join(self._chunks)
        found = self._memo.get(data)
        if found is None:
            compressor = zlib.compressobj(level=DEFLATE_LEVEL)
            found = self._memo[data] = compressor.compress(data) + compressor.flush()
        return found


class _PydyfZlib(threading.local):
    """The ``zlib`` that pydyf (WeasyPrint's PDF writer) sees.

    pydyf 0.13 serialises and deflates each stream once to write it and once more to hash
    every object for the file identifier (the ``/ID`` PDF/A requires and that we derive from
    the letter).  While one of our letters is written (``letter()``, per thread), the second
    deflate of the same bytes is served from that letter's memo: same output, half the work.
    Anything else in the process that uses WeasyPrint gets plain zlib, at pydyf's level.
    """

    compress = staticmethod(zlib.compress)

    def __init__(self) -> None:
        self.memo: dict[bytes, bytes] | None = None

    def compressobj(self, level: int = -1) -> Any:
        if self.memo is None:
            return zlib.compressobj(level=level)
        return _OnceCompressor(self.memo)

    @contextmanager
    def letter(self) -> Iterator[None]:
        """Deflate at ``DEFLATE_LEVEL``, once per distinct stream, during the block."""
        self.memo = {}
        try:
            yield
        finally:
            self.memo = None


_PYDYF_ZLIB = _PydyfZlib()
pydyf.zlib = _PYDYF_ZLIB
keep_invisible_characters()


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a letter is laid out and written.

    A letter's boxes and styles trigger ~7 collections, each walking the objects the letter
    made so far, and now and then a full one over the process's ~100,000 (5-10 ms a letter,
    bench/README.md).  Reference counting still frees them as usual; the cycles left behind
    go at the first collection after the letter, so memory stays flat.  Restores the
    collector's previous state (an application that disabled it keeps it disabled).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class AssetFetcher(URLFetcher):  # type: ignore[misc]
    """Serves files under ``letter_templates`` (read once) and ``data:`` URIs; refuses the rest."""

    def __init__(self) -> None:
        super().__init__(fail_on_errors=True)
        self._assets: dict[str, tuple[bytes, str]] = {}
        self._lock = threading.Lock()

    def _asset(self, url: str) -> tuple[bytes, str]:
        with self._lock:
            found = self._assets.get(url)
        if found is not None:
            return found
        path = Path(urllib.parse.unquote(urllib.parse.urlsplit(url).path)).resolve()
        if not path.is_relative_to(TEMPLATES_DIR) or not path.is_file():
            raise AssetRefused(url)
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if path.suffix == ".ttf":
            mime = "font/ttf"
        found = (path.read_bytes(), mime)
        with self._lock:
            self._assets[url] = found
        return found

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            head, _, data = url[5:].partition(",")
            mime = head.split(";")[0] or "text/plain"
            body = (
                base64.b64decode(data)
                if head.endswith(";base64")
                else urllib.parse.unquote_to_bytes(data)
            )
            return URLFetcherResponse(url, body, {"Content-Type": mime})
        if url.startswith("file:"):
            body, mime = self._asset(url)
            return URLFetcherResponse(url, body, {"Content-Type": mime})
        raise AssetRefused(url)


class _IccProfile(ColorProfile):  # type: ignore[misc]
    """The sRGB output intent with its bytes fixed.

    WeasyPrint serialises the profile through littlecms on each PDF, and the bytes of a
    re-serialised profile change after the first time: the original file bytes keep every
    PDF of a letter identical.
    """

    def __init__(self, icc: bytes) -> None:
        super().__init__(
            io.BytesIO(icc), "sRGB2014.icc", "relative-colorimetric", (["r"], ["g"], ["b"])
        )
        self._bytes = icc

    @property
    def content(self) -> bytes:
        return self._bytes


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


_LOG_LOCK = threading.Lock()


@contextmanager
def warnings_fail(kind: str) -> Iterator[None]:
    """Any WeasyPrint warning during the block raises RenderWarning (it would log and go on)."""
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
        raise RenderWarning(kind, handler.messages)


class PdfRenderer:
    """What one process keeps between PDF letters (see the module docstring for why)."""

    def __init__(self) -> None:
        self.fetcher = AssetFetcher()
        self.font_config = FontConfiguration()
        # WeasyPrint would re-read (and leak a handle on) its sRGB ICC profile for every
        # PDF/A; we load it once and name it as the output intent ourselves.
        icc = (resources.files("weasyprint.pdf") / "sRGB2014.icc").read_bytes()
        self.color_profiles = {OUTPUT_INTENT: _IccProfile(icc)}
        # One letter at a time per renderer: the shared profile records its PDF reference.
        self.lock = threading.Lock()
        # The stylesheet's @counter-style rules (page numbers) live here: WeasyPrint reads
        # them from the object given to both the stylesheet and each render.
        self.counter_style = CounterStyle()
        with warnings_fail("stylesheet"):
            self.stylesheet = self._css("letter.css")

    def _css(self, name: str) -> CSS:
        return CSS(
            string=(TEMPLATES_DIR / name).read_text(encoding="utf-8"),
            base_url=BASE_URL,
            url_fetcher=self.fetcher,
            font_config=self.font_config,
            counter_style=self.counter_style,
        )

    def html(self, kind: str, context: Mapping[str, Any]) -> str:
        """The letter's HTML (layout + wording); what ``preview`` can show too."""
        name = rendering(kind).html
        text = compose(kind, context)
        try:
            template = environment().get_template(name)
            return template.render(
                dict(context), text=text, qr_image=png_data_uri(context["qr"]["payload"])
            )
        except TemplateError as exc:
            raise template_problem(exc, name) from exc
        except KeyError as exc:
            raise TemplateProblem(
                name, variable=str(exc.args[0]), detail="missing in context"
            ) from exc

    def _pdf(self, html: str, profiles: dict[str, ColorProfile], options: dict[str, Any]) -> bytes:
        """Lay out and write one letter.

        A function of its own so that the document and its boxes are freed when it returns,
        before the collector is back (``_gc_paused``): it then finds only the letter's few
        cycles instead of walking the whole laid-out document.
        """
        source = HTML(string=html, base_url=BASE_URL, url_fetcher=self.fetcher)
        # One layout, page numbers included: the stylesheet shows them only when a letter
        # runs past one page.
        document = source.render(
            font_config=self.font_config,
            counter_style=self.counter_style,
            color_profiles=profiles,
            stylesheets=[self.stylesheet],
            **options,
        )
        with _PYDYF_ZLIB.letter():
            pdf: bytes = document.write_pdf(**options)
        return pdf

    def render(self, kind: str, context: Mapping[str, Any], *, archival: bool = True) -> bytes:
        """One letter's PDF bytes; PDF/A-3u when ``archival``."""
        html = self.html(kind, context)
        letter = context["letter"]
        options: dict[str, Any] = {
            # The file identifier comes from the letter, so a rerun gives the same bytes.
            "pdf_identifier": hashlib.md5(letter["guid"].encode(), usedforsecurity=False)
            .hexdigest()
            .encode(),
        }
        # An output intent is written whenever a profile is given: only for PDF/A.
        profiles = self.color_profiles if archival else {}
        if archival:
            options["pdf_variant"] = "pdf/a-3u"
            options["output_intent"] = OUTPUT_INTENT
            # Tagged: a structure tree (headings, paragraphs, tables, the QR as a figure
            # with its alt text) and the document language, for readers and indexers that
            # use it; PDF/A-3u allows it (3a would require it).
            options["pdf_tags"] = True
        try:
            with self.lock, warnings_fail(kind), _gc_paused():
                pdf = self._pdf(html, profiles, options)
        except FatalURLFetchingError as exc:
            cause = exc.__cause__
            raise cause if isinstance(cause, AssetRefused) else AssetRefused(str(exc)) from exc
        return pdf


@functools.lru_cache(maxsize=1)
def renderer() -> PdfRenderer:
    """The per-process PDF renderer (created on first use)."""
    return PdfRenderer()


def render_pdf(kind: str, context: Mapping[str, Any], *, archival: bool = True) -> bytes:
    """The letter of ``kind`` for ``context`` (from build_context) as PDF bytes.

    Same context, same bytes.  PDF/A-3u when ``archival``.  Raises TemplateProblem,
    RenderWarning or AssetRefused instead of returning a doubtful letter.
    """
    return renderer().render(kind, context, archival=archival)
