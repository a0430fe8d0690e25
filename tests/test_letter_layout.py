"""Pages of every kind from one to five and more (tests/layout_cases.py): no page holds only
the closing (signature block, «رونوشت», QR, document ID, footer), and every continuation
page carries the letter's number; the PDF, and the DOCX through LibreOffice on a machine
without Vazirmatn (the DOCX's embedded fonts must do)."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from generators import build_context, render_docx, render_pdf
from generators.kinds import KINDS
from tests.layout_cases import FACTORS, case_data
from tests.letters_support import libreoffice_pdfs, pdf_page_texts, squash

# A page must carry this many letters and digits besides the closing, header and footer:
# the shortest closing paragraph of any kind («مراتب جهت استحضار ...») has over 30.
MIN_BODY = 20
_PAGE_NUMBER = re.compile(r"صفحه\s*[۰-۹]+\s*از\s*[۰-۹]+")


def _frame(context: dict[str, Any]) -> Counter[str]:
    """What the closing, the running header and the footer print: letters and digits."""
    letter, office = context["letter"], context["office"]
    pieces = [
        context["signatory"]["name"],
        context["signatory"]["title"],
        f"کد صحت: {letter['verification_code']}",
        *(
            (check["line"], check["page"], letter["guid"])
            if (check := context["qr"]["check"])
            else ()
        ),
        f"شناسه سند: {letter['guid']}",
        f"نشانی: {office['address']}، تلفن: {office['phone']}",
        f"شماره: {letter['number']} تاریخ: {letter['date']}",
        *(f"رونوشت: {c['recipient']} {c['description']}." for c in context["copies"]),
    ]
    return Counter(squash(" ".join(pieces)))


def page_problems(pdf: bytes, context: dict[str, Any]) -> list[str]:
    """Each page that holds only the frame, each continuation page without the number."""
    problems = []
    frame = _frame(context)
    number = squash(f"شماره {context['letter']['number']}")
    for index, text in enumerate(pdf_page_texts(pdf), start=1):
        body = Counter(squash(_PAGE_NUMBER.sub(" ", text))) - frame
        if sum(body.values()) < MIN_BODY:
            problems.append(f"page {index}: only the closing/footer ({''.join(body.elements())})")
        if index > 1 and number not in squash(text):
            problems.append(f"page {index}: no letter number")
    return problems


def _context(kind: str, size: str) -> dict[str, Any]:
    return build_context(kind, case_data(kind, size))


@pytest.mark.parametrize("kind", KINDS)
def test_no_page_holds_only_the_closing_and_each_names_its_letter(kind: str) -> None:
    for size in FACTORS:
        context = _context(kind, size)
        assert page_problems(render_pdf(kind, context), context) == [], size


def test_the_cases_run_from_one_page_to_five_and_more() -> None:
    counts = {
        (kind, size): len(pdf_page_texts(render_pdf(kind, _context(kind, size))))
        for kind in ("referral", "inspection_report")
        for size in FACTORS
    }
    assert counts[("referral", "short")] == 1
    assert max(counts.values()) >= 5, counts


def test_the_check_finds_a_page_with_only_the_signature() -> None:
    """The check itself: a letter whose last page is only its closing is reported."""
    context = _context("referral", "short")
    html = '<html lang="fa" dir="rtl"><body style="font-family: Vazirmatn">{}</body></html>'
    closing = "<p>{}</p><p>{}</p>".format(
        context["signatory"]["name"], context["signatory"]["title"]
    )
    from weasyprint import HTML

    pdf = HTML(
        string=html.format(
            f"<p>متن نامه {'و متن ' * 30}</p><p style='break-before: page'></p>{closing}"
        )
    ).write_pdf()
    problems = page_problems(pdf, context)
    assert any(p.startswith("page 2: only the closing") for p in problems), problems
    assert "page 2: no letter number" in problems


@pytest.mark.slow
def test_docx_pages_through_libreoffice_without_vazirmatn(tmp_path: Path) -> None:
    """Two long letters, one LibreOffice run, Vazirmatn not installed: the embedded fonts
    are used, no page holds only the closing, continuation pages carry the number."""
    cases = {"referral": "long", "inspection_report": "medium"}
    contexts = {kind: _context(kind, size) for kind, size in cases.items()}
    pdfs = libreoffice_pdfs(
        {kind: render_docx(kind, contexts[kind]) for kind in cases}, tmp_path, with_fonts=False
    )
    for kind, pdf in pdfs.items():
        fonts = subprocess.run(
            ["pdffonts", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        assert "Vazirmatn-Regular" in fonts and "Vazirmatn-Bold" in fonts, fonts
        assert "DejaVu" not in fonts, fonts
        assert len(pdf_page_texts(pdf)) >= 2, kind
        assert page_problems(pdf, contexts[kind]) == [], kind
