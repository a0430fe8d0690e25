"""The PDF's text layer gives back what was written (issue 12, item 10), every kind: words
with ZWNJ, the letter number and date as printed, parenthesised phrases, compared in logical
order after removing bidi control characters, by pypdf and by poppler's pdftotext
(generators/textlayer.py says how; bench/bench_text_layer.py measures it).
"""

from __future__ import annotations

import logging
import re

import pytest
from PIL import ImageChops

from generators import build_context, render_pdf
from generators.kinds import KINDS
from generators.samples import sample_facts
from generators.text_probe import given_back, pdftotext_text, probes, pypdf_text
from tests.letters_support import png_page1

Letters = dict[str, tuple[dict[str, object], bytes]]
_DIGIT = re.compile(r"[۰-۹]")


@pytest.fixture(scope="module")
def letters() -> Letters:
    out = {}
    for kind in KINDS:
        context = build_context(kind, sample_facts(kind))
        out[kind] = (context, render_pdf(kind, context))
    return out


def test_the_samples_carry_every_probe(letters: Letters) -> None:
    """The probes are there to find: ZWNJ words in every kind, parentheses in several."""
    found = [probes(kind, context) for kind, (context, _) in letters.items()]
    assert all(p.zwnj_words for p in found)
    assert sum(len(p.parenthesised) for p in found) >= 5
    assert any(_DIGIT.search(q) for p in found for q in p.parenthesised)


@pytest.mark.parametrize("kind", KINDS)
def test_pdftotext_gives_back_what_was_written(kind: str, letters: Letters) -> None:
    context, pdf = letters[kind]
    wanted = probes(kind, context)
    text = pdftotext_text(pdf)
    assert given_back(text, wanted.zwnj_words) == (len(wanted.zwnj_words),) * 2
    assert wanted.number in text
    assert wanted.date in text
    assert given_back(text, wanted.parenthesised) == (len(wanted.parenthesised),) * 2


@pytest.mark.parametrize("kind", KINDS)
def test_pypdf_gives_back_what_was_written(
    kind: str, letters: Letters, caplog: pytest.LogCaptureFixture
) -> None:
    context, pdf = letters[kind]
    wanted = probes(kind, context)
    with caplog.at_level(logging.WARNING):
        text = pypdf_text(pdf)
    assert caplog.records == []  # the rewritten text operators parse cleanly
    assert given_back(text, wanted.zwnj_words) == (len(wanted.zwnj_words),) * 2
    assert wanted.number in text
    assert wanted.date in text
    assert given_back(text, wanted.parenthesised) == (len(wanted.parenthesised),) * 2


def test_the_page_does_not_move() -> None:
    """Drawing numbers backwards (for pypdf) leaves every pixel where it was."""
    from weasyprint.draw import text as weasy_text

    from generators import textlayer

    context = build_context("reminder", sample_facts("reminder"))
    changed = png_page1(render_pdf("reminder", context), dpi=100)
    weasy_text.draw_first_line = textlayer._ORIGINAL
    try:
        plain = png_page1(render_pdf("reminder", context), dpi=100)
    finally:
        textlayer.keep_invisible_characters()
    assert ImageChops.difference(changed, plain).getbbox() is None
