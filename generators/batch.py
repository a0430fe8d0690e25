"""Rendering many letters on every core: a pool of worker processes, each with its own
WeasyPrint FontConfiguration and prepared templates, fed a bounded window of letters.

Workers are started with "spawn": WeasyPrint is not safe to use across fork, and a fresh
interpreter per worker warms its own caches once.  At most ``window`` letters are in
flight, so memory stays flat however long the batch: results come back in order and are
handed to the caller one by one, to store and forget.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class SealWith:
    """Where the office's signing key is, for the workers that seal the letters whose
    facts say ``sealed`` (each worker loads the key once)."""

    key_path: str
    passphrase: str | None
    tsa_url: str | None


@dataclass(frozen=True)
class RenderedLetter:
    """A letter's two files."""

    pdf: bytes
    docx: bytes


def render_letter_files(kind: str, facts: Mapping[str, Any]) -> RenderedLetter:
    """Both formats of one letter from its frozen facts (PDF/A-3u and DOCX)."""
    from generators import build_context, render_docx, render_pdf

    context = build_context(kind, facts)
    return RenderedLetter(
        pdf=render_pdf(kind, context, archival=True), docx=render_docx(kind, context)
    )


def _warm_up() -> None:
    # Loading fonts, stylesheets and templates once per worker, before the first letter.
    from generators.samples import sample_facts

    render_letter_files("referral", sample_facts("referral").model_dump(mode="json"))


def _ready() -> None:
    """Nothing: submitting it makes the pool spawn a worker, which warms up (``_warm_up``)."""


def _render(job: tuple[T, str, Mapping[str, Any]]) -> tuple[T, RenderedLetter]:
    key, kind, facts = job
    return key, render_letter_files(kind, facts)


_KEYS: dict[SealWith, Any] = {}  # per process: the signing key, loaded at its first seal


def seal_files(seal: SealWith, facts: Mapping[str, Any], files: RenderedLetter) -> RenderedLetter:
    """The files as archived: a letter whose facts say ``sealed`` gets the office's seal
    over its PDF (after the number, which the seal covers); any other as rendered.  The
    key is loaded once per process (SigningKeyMissing, exit 3, when it is not there)."""
    if not facts["letter"].get("sealed"):
        return files
    from generators.sealing import seal_letter

    pdf = seal_letter(files.pdf, facts, signing_key(seal), tsa_url=seal.tsa_url)
    return RenderedLetter(pdf=pdf, docx=files.docx)


def signing_key(seal: SealWith) -> Any:
    """The office's key named by ``seal``, loaded once per process."""
    from generators.keys import load_signing_key

    if seal not in _KEYS:
        _KEYS[seal] = load_signing_key(Path(seal.key_path), seal.passphrase)
    return _KEYS[seal]


def _render_and_seal(job: tuple[T, str, Mapping[str, Any]], seal: SealWith) -> Any:
    # In the worker, so that sealing uses every core too.
    key, files = _render(job)
    return key, seal_files(seal, job[2], files)


class RenderPool(Generic[T]):
    """``with RenderPool(workers) as pool: for key, files in pool.render(jobs): …``

    ``inline=True``: no processes, the letters render one by one in this one (for a
    handful of letters, cheaper than starting workers that each import WeasyPrint)."""

    def __init__(self, workers: int, *, window_per_worker: int = 4, inline: bool = False) -> None:
        self.workers = max(1, workers)
        self.window = self.workers * window_per_worker
        self.inline = inline
        self._entered = False
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> RenderPool[T]:
        self._entered = True
        if self.inline:
            return self
        self._executor = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_warm_up,
        )
        return self

    def start(self) -> None:
        """Start every worker now, so that they warm up while the caller does other work
        (otherwise each starts with the first letter it is given); inline, warm up this
        process."""
        if not self._entered:
            raise RuntimeError("RenderPool is used outside its with-block")
        if self._executor is None:
            _warm_up()  # inline: this process loads the fonts and templates now
            return
        for _ in range(self.workers):
            self._executor.submit(_ready)

    def __exit__(self, *exc: object) -> None:
        self._entered = False
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def render(
        self, jobs: Iterable[tuple[T, str, Mapping[str, Any]]], seal: SealWith | None = None
    ) -> Iterator[tuple[T, RenderedLetter]]:
        """Render ``(key, kind, facts)`` jobs; yields ``(key, files)`` in the jobs' order.
        With ``seal``, a letter whose facts say ``sealed`` comes back with its PDF sealed."""
        if not self._entered:
            raise RuntimeError("RenderPool is used outside its with-block")
        if self._executor is None:
            for job in jobs:
                yield _render(job) if seal is None else _render_and_seal(job, seal)
            return
        in_flight: deque[Future[tuple[T, RenderedLetter]]] = deque()
        for job in jobs:
            if seal is None:
                in_flight.append(self._executor.submit(_render, job))
            else:
                in_flight.append(self._executor.submit(_render_and_seal, job, seal))
            if len(in_flight) >= self.window:
                yield in_flight.popleft().result()
        while in_flight:
            yield in_flight.popleft().result()
