"""Both formats of every kind: round trip, same text, determinism, PDF/A, DOCX structure,
untrusted text, anonymity on the rendered text, golden images."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from lxml import etree
from PIL import Image

from generators import build_context, render_docx, render_pdf
from generators.errors import AssetRefused
from generators.kinds import KINDS
from generators.pdf import AssetFetcher
from generators.samples import sample_data, sample_facts
from generators.wording import compose
from registry.text import for_display, strip_bidi_marks
from registry.text import to_persian_digits as persian_digits
from tests.letters_support import (
    GOLDEN,
    differing_fraction,
    docx_text,
    libreoffice_pdf,
    normalize,
    pdf_pages,
    pdf_text,
    png_page1,
    squash,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# kind -> (context, PDF/A-3u, DOCX), from the module's ``letters`` fixture.
Letters = dict[str, tuple[Any, bytes, bytes]]
MAX_DIFFERING = 0.005


@pytest.fixture(scope="module")
def letters() -> dict[str, tuple[dict[str, object], bytes, bytes]]:
    """Each kind rendered once: context, PDF/A-3u, DOCX."""
    out = {}
    for kind in KINDS:
        context = build_context(kind, sample_facts(kind))
        out[kind] = (context, render_pdf(kind, context), render_docx(kind, context))
    return out


@pytest.mark.parametrize("kind", KINDS)
def test_round_trip_both_formats(kind: str, letters: Letters) -> None:
    context, pdf, docx = letters[kind]
    text = compose(kind, context)
    expected = [
        *context["recipient"]["lines"],
        text.subject,
        *(b.text for b in text.blocks),
        context["letter"]["number"],
        context["letter"]["date"],
    ]
    from_pdf, from_docx = squash(pdf_text(pdf)), normalize(docx_text(docx))
    for piece in expected:
        assert squash(piece) in from_pdf, piece
        assert normalize(piece) in from_docx, piece


@pytest.mark.parametrize("kind", KINDS)
def test_both_formats_carry_the_same_words(kind: str, letters: Letters) -> None:
    context, pdf, docx = letters[kind]
    office = context["office"]
    footer = Counter(squash(f"نشانی: {office['address']}، تلفن: {office['phone']}"))
    extra_footers = Counter({c: n * (pdf_pages(pdf) - 1) for c, n in footer.items()})
    # Same letters and digits, counted: table cells and neutrals come out of the two
    # extractors in different orders, but any differing word changes the counts.
    # The PDF repeats the footer on every page; the DOCX has it once, in its footer part.
    assert Counter(squash(pdf_text(pdf))) - extra_footers == Counter(squash(docx_text(docx)))


@pytest.mark.parametrize("kind", KINDS)
def test_no_leftovers_in_rendered_text(kind: str, letters: Letters) -> None:
    from generators.checks import text_problems

    _, pdf, docx = letters[kind]
    assert text_problems("pdf", pdf_text(pdf), labels=False) == []
    assert text_problems("docx", docx_text(docx)) == []


@pytest.mark.parametrize("kind", KINDS)
def test_pdfa_structure(kind: str, letters: Letters) -> None:
    _, pdf, _ = letters[kind]
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert not doc.is_encrypted
        meta = doc.open_metadata()
        assert meta.get("pdfaid:part") == "3"
        assert meta.get("pdfaid:conformance") == "U"
        intents = doc.Root.OutputIntents
        assert len(intents) == 1 and intents[0].S == "/GTS_PDFA1"
        assert intents[0].DestOutputProfile is not None
        for page in doc.pages:
            for font in page.Resources.Font.values():
                descendants = font.get("/DescendantFonts")
                descriptor = (descendants[0] if descendants else font).FontDescriptor
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                assert "/ToUnicode" in font


def test_plain_pdf_is_not_pdfa() -> None:
    context = build_context("receipt", sample_facts("receipt"))
    with pikepdf.open(io.BytesIO(render_pdf("receipt", context, archival=False))) as doc:
        assert "/OutputIntents" not in doc.Root


def test_same_context_same_bytes(letters: Letters) -> None:
    context, pdf, docx = letters["referral"]
    assert render_pdf("referral", context) == pdf
    assert render_docx("referral", context) == docx


def test_same_bytes_in_another_process(letters: Letters, tmp_path: Path) -> None:
    _, pdf, docx = letters["escalation"]
    script = (
        "import sys\n"
        "from generators import build_context, render_pdf, render_docx\n"
        "from generators.samples import sample_facts\n"
        "c = build_context('escalation', sample_facts('escalation'))\n"
        f"open({str(tmp_path / 'a.pdf')!r}, 'wb').write(render_pdf('escalation', c))\n"
        f"open({str(tmp_path / 'a.docx')!r}, 'wb').write(render_docx('escalation', c))\n"
    )
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-c", script], check=True, cwd=root)
    assert (tmp_path / "a.pdf").read_bytes() == pdf
    assert (tmp_path / "a.docx").read_bytes() == docx


def test_docx_zip_times_come_from_the_letter(letters: Letters) -> None:
    _, _, docx = letters["referral"]
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2026, 11, 25, 10, 30, 0)}
        assert archive.testzip() is None


@pytest.mark.parametrize("kind", KINDS)
def test_docx_structure(kind: str, letters: Letters) -> None:
    _, _, docx = letters[kind]
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
        styles = etree.fromstring(archive.read("word/styles.xml"))
    paragraphs = list(body.iter(f"{W}p"))
    styled = {s.get(f"{W}styleId"): s for s in styles.iter(f"{W}style")}
    for paragraph in paragraphs:
        style_ref = paragraph.find(f"{W}pPr/{W}pStyle")
        style = styled[style_ref.get(f"{W}val")] if style_ref is not None else styled["Normal"]
        assert style.find(f"{W}pPr/{W}bidi") is not None
        assert paragraph.find(f"{W}pPr/{W}jc[@{W}val='both']") is None  # no kashida
        rpr = style.find(f"{W}rPr")
        assert rpr.find(f"{W}rtl") is not None
        assert rpr.find(f"{W}rFonts").get(f"{W}cs") == "Vazirmatn"
        assert rpr.find(f"{W}szCs") is not None
    for table in body.iter(f"{W}tbl"):
        assert table.find(f"{W}tblPr/{W}bidiVisual") is not None
        assert table.find(f"{W}tblPr/{W}tblLayout").get(f"{W}type") == "fixed"
        assert all(int(c.get(f"{W}w")) > 0 for c in table.iter(f"{W}gridCol"))
    sect = body.find(f"{W}body/{W}sectPr")
    size = sect.find(f"{W}pgSz")
    assert (int(size.get(f"{W}w")), int(size.get(f"{W}h"))) == (11906, 16838)  # A4 in twips
    assert sect.find(f"{W}bidi") is not None


UNTRUSTED = (
    "متن {{ 7*7 }} و {% raw %} و <script>alert(1)</script> & ]]> "
    "\u202eمعکوس\u202c نیم‌فاصله می‌شود Latin inside فارسی 😀 پایان"
)


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_untrusted_text_renders_literally(fmt: str) -> None:
    data = sample_data("final_answer")
    data["decision"] = UNTRUSTED
    context = build_context("final_answer", data)
    # Printed as displayed (registry.text.for_display: Persian digits, Latin runs isolated),
    # never evaluated.
    shown = for_display(UNTRUSTED.replace("\u202e", "").replace("\u202c", ""))
    if fmt == "pdf":
        text = pdf_text(render_pdf("final_answer", context))

        # pdftotext moves neutrals at run edges (see squash), a Persian digit next to an
        # isolated Latin run («alert(۱)»), and the order of isolated Latin runs among
        # symbols («<script>alert(۱)</script>» comes out «alert … script script»): the
        # Persian letters in order, each Latin word present, digits and symbols counted.
        def persian(value: str) -> str:
            return re.sub(r"[\dA-Za-z]", "", squash(value))

        assert persian(shown) in persian(text)
        for word in ("raw", "script", "alert", "Latin", "inside"):
            assert word in text, word
        # ... and mirrors paired brackets inside RTL runs («<» may come out «>»).
        for symbols, count in (("{}", 4), ("%", 2), ("<>", 5), ("&", 1)):
            assert sum(text.count(s) for s in symbols) >= count, symbols
    else:
        text = docx_text(render_docx("final_answer", context))
        flat = normalize(text)
        assert normalize(shown) in flat  # the XML keeps the logical order
        assert normalize("نیم‌فاصله می‌شود Latin inside فارسی") in flat
    assert "49" not in text


def test_emoji_is_drawn_by_the_shipped_fallback_font() -> None:
    data = sample_data("final_answer")
    data["decision"] = "تشکر 😀 فراوان"
    pdf = render_pdf("final_answer", build_context("final_answer", data))
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        names = {str(f.BaseFont) for f in doc.pages[0].Resources.Font.values()}
    assert any("NotoEmoji" in n or "Noto" in n for n in names), names
    assert "فراوان" in pdf_text(pdf)


def test_long_complaint_flows_onto_more_pages_with_persian_page_numbers() -> None:
    data = sample_data("referral")
    data["complaint"] = dict(data["complaint"], text=("شکایت طولانی {{ x }} & < " * 1000)[:20000])
    context = build_context("referral", data)
    pdf = render_pdf("referral", context)
    pages = pdf_pages(pdf)
    assert pages >= 5
    total = persian_digits(pages)
    for page in range(1, pages + 1):
        assert f"صفحه{persian_digits(page)}از{total}" in squash(page_text(pdf, page)), page
    docx = render_docx("referral", context)
    shown = strip_bidi_marks(docx_text(docx))  # Latin runs are isolated when displayed
    assert shown.count("{{ x }}") == data["complaint"]["text"].count("{{ x }}")


@pytest.mark.parametrize("kind", KINDS)
def test_a_one_page_letter_has_no_page_number(kind: str, letters: Letters) -> None:
    _, pdf, _ = letters[kind]
    if pdf_pages(pdf) == 1:
        assert "صفحه" not in page_text(pdf, 1)
    else:  # a sample that outgrew its page is numbered from its first page on
        assert "صفحه۱از" in squash(page_text(pdf, 1))


def page_text(pdf: bytes, page: int) -> str:
    """``pdftotext`` of one page, page numbers kept."""
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-f", str(page), "-l", str(page), "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()


@pytest.mark.parametrize(
    "kind", ["referral", "reminder", "escalation", "inspection_assignment", "inspection_report"]
)
def test_anonymous_letters_to_agencies_leak_nothing(kind: str) -> None:
    context = build_context(kind, sample_facts(kind, anonymous=True))
    for text in (pdf_text(render_pdf(kind, context)), docx_text(render_docx(kind, context))):
        flat = squash(text)
        for secret in ("حسینی", "محمدرضا", "۰۰۱۲۳۴۵۶۷۹", "۰۹۱۲۱۲۳۴۵۶۷", "نوروزیان", "کارت ملی"):
            assert squash(secret) not in flat, (kind, secret)


def test_url_fetcher_refuses_anything_outside_the_templates() -> None:
    fetcher = AssetFetcher()
    for url in (
        "file:///etc/passwd",
        "https://example.org/x.png",
        "file:///work/main/pyproject.toml",
    ):
        with pytest.raises(AssetRefused):
            fetcher.fetch(url)


@pytest.mark.parametrize("kind", KINDS)
def test_pdf_matches_golden_image(kind: str, letters: Letters) -> None:
    _, pdf, _ = letters[kind]
    golden = GOLDEN / f"letter_{kind}.png"
    assert golden.is_file(), "run tests/golden/refresh.py"
    assert differing_fraction(png_page1(pdf), Image.open(golden).convert("L")) <= MAX_DIFFERING


@pytest.mark.slow
def test_docx_through_libreoffice_matches_golden_image(letters: Letters, tmp_path: Path) -> None:
    _, _, docx = letters["referral"]
    pdf = libreoffice_pdf(docx, tmp_path)
    golden = GOLDEN / "docx_referral_libreoffice.png"
    assert differing_fraction(png_page1(pdf), Image.open(golden).convert("L")) <= MAX_DIFFERING


def test_pdf_qr_is_the_matrix_module_for_module(letters: Letters) -> None:
    """The PDF's QR is one grey image, the code's matrix at whole pixels a module, with
    ``/Interpolate false`` (sharp at any zoom, as PDF/A requires)."""
    from generators.qr import matrix

    context, pdf, _ = letters["referral"]
    cells = matrix(context["qr"]["payload"])
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        images = [
            x for x in doc.pages[0].Resources.XObject.values() if x.get("/Subtype") == "/Image"
        ]
        assert len(images) == 1
        image = images[0]
        assert isinstance(image, pikepdf.Stream)
        assert "/Interpolate" in image and not bool(image.Interpolate)
        assert image.ColorSpace == "/DeviceGray"
        picture = pikepdf.PdfImage(image).as_pil_image()
    scale = picture.width // len(cells)
    assert picture.size == (len(cells) * scale, len(cells) * scale) and scale >= 1
    assert set(picture.getextrema()) <= {0, 255}
    for y, row in enumerate(cells):
        for x, dark in enumerate(row):
            corners = {
                picture.getpixel((x * scale + dx, y * scale + dy))
                for dx in (0, scale - 1)
                for dy in (0, scale - 1)
            }
            assert corners == ({0} if dark else {255}), (x, y)


def test_deflate_cache_changes_no_byte(letters: Letters) -> None:
    """pydyf deflating each stream afresh at our level gives the very bytes of our memo."""
    import zlib

    import pydyf  # type: ignore[import-untyped]

    from generators import pdf as pdf_module

    class PlainZlib:
        compress = staticmethod(zlib.compress)

        @staticmethod
        def compressobj(level: int = -1) -> Any:
            return zlib.compressobj(level=pdf_module.DEFLATE_LEVEL)

    context, pdf, _ = letters["referral"]
    ours = pydyf.zlib
    pydyf.zlib = PlainZlib()
    try:
        assert render_pdf("referral", context) == pdf
    finally:
        pydyf.zlib = ours
    # Outside our letters, pydyf gets plain zlib at the level it asks for.
    data = b"0 0 m 10 10 l S\n" * 500
    compressor = ours.compressobj(level=9)
    assert compressor.compress(data) + compressor.flush() == zlib.compress(data, 9)


def test_collector_state_is_restored() -> None:
    import gc

    context = build_context("receipt", sample_facts("receipt"))
    assert gc.isenabled()
    render_pdf("receipt", context, archival=False)
    assert gc.isenabled()
    gc.disable()
    try:
        render_pdf("receipt", context, archival=False)
        assert not gc.isenabled()
    finally:
        gc.enable()
