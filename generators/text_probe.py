"""What a PDF letter's text layer gives back, tool by tool: the probes behind
``bench/bench_text_layer.py`` and ``tests/test_text_layer.py``.

A probe is a piece of the letter as written (logical order): the words that carry a ZWNJ,
the letter number and date as printed, and each parenthesised phrase.  A tool "gives it back" when
the probe is a substring of the tool's text once bidi control characters are removed and
runs of white space are one space (both sides).
"""

from __future__ import annotations

import io
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pypdf

from generators.wording import compose
from registry.text import strip_bidi_marks

_PAREN = re.compile(r"\([^()\n]{2,80}\)")
_ZWNJ_WORD = re.compile(r"[^\s«»()،؛:.]*\u200c[^\s«»()،؛:.]*")


@dataclass(frozen=True)
class Probes:
    """What one letter should give back."""

    zwnj_words: tuple[str, ...]
    number: str
    date: str
    parenthesised: tuple[str, ...]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", strip_bidi_marks(text)).strip()


def probes(kind: str, context: Mapping[str, Any]) -> Probes:
    """The probes of the letter of ``kind`` for ``context`` (from its composed wording)."""
    text = compose(kind, context)
    written = _flat(" ".join([text.subject, text.salutation, *(b.text for b in text.blocks)]))
    return Probes(
        zwnj_words=tuple(dict.fromkeys(_ZWNJ_WORD.findall(written))),
        number=context["letter"]["number"],
        date=context["letter"]["date"],
        parenthesised=tuple(dict.fromkeys(_PAREN.findall(written))),
    )


def pypdf_text(pdf: bytes) -> str:
    """pypdf's text of every page (its default, "plain" extraction)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return _flat("\n".join(page.extract_text() for page in reader.pages))


def pdftotext_text(pdf: bytes) -> str:
    """poppler's ``pdftotext`` (default reading-order mode) of the whole letter."""
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout
    return _flat(out.decode("utf-8"))


def given_back(found: str, wanted: tuple[str, ...]) -> tuple[int, int]:
    """(how many of ``wanted`` are in ``found``, how many there are)."""
    flat = [_flat(w) for w in wanted]
    return sum(w in found for w in flat), len(flat)
