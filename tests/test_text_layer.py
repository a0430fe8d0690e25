"""The PDF's text layer gives back what was written (issue 12, item 10), every kind: words
with ZWNJ, the letter number as printed, parenthesised phrases, compared in logical order
after removing bidi control characters.

pypdf gives all three back.  poppler's pdftotext gives back every ZWNJ word; it misplaces
the neutral characters at the edges of a number inside right-to-left text (the slashes of
«۱۴۰۵/ص/۱۲۰», a parenthesis next to digits), whatever the PDF says, so for it the number
and such phrases are checked letters-and-digits-in-order (``squash``); docs/letters.md has
the measured shares (bench/bench_text_layer.py).
"""

from __future__ import annotations

import pytest

from generators import build_context, render_pdf
from generators.kinds import KINDS
from generators.samples import sample_facts
from generators.text_probe import given_back, pdftotext_text, probes, pypdf_text
from tests.letters_support import squash


@pytest.fixture(scope="module")
def letters() -> dict[str, tuple[dict[str, object], bytes]]:
    out = {}
    for kind in KINDS:
        context = build_context(kind, sample_facts(kind))
        out[kind] = (context, render_pdf(kind, context))
    return out


def test_the_samples_carry_every_probe(
    letters: dict[str, tuple[dict[str, object], bytes]],
) -> None:
    """The probes are there to find: ZWNJ words in every kind, parentheses in some."""
    found = [probes(kind, context) for kind, (context, _) in letters.items()]
    assert all(p.zwnj_words for p in found)
    assert sum(len(p.parenthesised) for p in found) >= 5


@pytest.mark.parametrize("kind", KINDS)
def test_pypdf_gives_back_what_was_written(
    kind: str, letters: dict[str, tuple[dict[str, object], bytes]]
) -> None:
    context, pdf = letters[kind]
    wanted = probes(kind, context)
    text = pypdf_text(pdf)
    assert given_back(text, wanted.zwnj_words) == (len(wanted.zwnj_words),) * 2
    assert wanted.number in text
    assert given_back(text, wanted.parenthesised) == (len(wanted.parenthesised),) * 2


@pytest.mark.parametrize("kind", KINDS)
def test_pdftotext_gives_back_what_was_written(
    kind: str, letters: dict[str, tuple[dict[str, object], bytes]]
) -> None:
    context, pdf = letters[kind]
    wanted = probes(kind, context)
    text = pdftotext_text(pdf)
    assert given_back(text, wanted.zwnj_words) == (len(wanted.zwnj_words),) * 2
    assert squash(wanted.number) in squash(text)
    for phrase in wanted.parenthesised:
        exact = phrase in text
        assert exact or squash(phrase) in squash(text), phrase
