"""The PDF's text layer gives back what was written (issue 12, item 10), every kind: words
with ZWNJ, the letter number and date as printed, parenthesised phrases, compared in logical
order after removing bidi control characters.

pdftotext (poppler) gives all of them back.  pypdf gives back every ZWNJ word and every
parenthesised phrase without digits, but not a number: its own bidi reverses every digit
run inside right-to-left text («۵۰۴۱» for «۱۴۰۵»), whatever order the PDF draws it in
that poppler also reads right; docs/letters.md has the measured shares
(bench/bench_text_layer.py).
"""

from __future__ import annotations

import re

import pytest

from generators import build_context, render_pdf
from generators.kinds import KINDS
from generators.samples import sample_facts
from generators.text_probe import given_back, pdftotext_text, probes, pypdf_text

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
def test_pypdf_gives_back_words_and_phrases(kind: str, letters: Letters) -> None:
    context, pdf = letters[kind]
    wanted = probes(kind, context)
    text = pypdf_text(pdf)
    assert given_back(text, wanted.zwnj_words) == (len(wanted.zwnj_words),) * 2
    plain = tuple(q for q in wanted.parenthesised if not _DIGIT.search(q))
    assert given_back(text, plain) == (len(plain),) * 2
