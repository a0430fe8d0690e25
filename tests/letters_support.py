"""Helpers for the letters tests: text extraction and normalisation, pixel comparison."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

from lxml import etree
from PIL import Image, ImageChops

from registry.text import strip_bidi_marks

GOLDEN = Path(__file__).resolve().parent / "golden"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PAGE_NUMBER = re.compile(r"صفحه\s*[۰-۹]+\s*از\s*[۰-۹]+")


def normalize(text: str) -> str:
    """Whitespace, bidi marks and ZWNJ normalised, for comparing extracted text.

    «لا» becomes «ال» on both sides: WeasyPrint's ToUnicode maps the lam-alef ligature
    correctly, but poppler's pdftotext reverses a multi-character mapping inside an RTL run
    («سلام» comes out «سالم»; research/baseline-measurements.md, issue 3).  Mapping both
    sides the same way keeps the comparison exact everywhere else.
    """
    text = strip_bidi_marks(text).replace("\u200c", "")
    text = text.replace("لا", "ال")
    return re.sub(r"\s+", " ", text).strip()


def squash(text: str) -> str:
    """Only the letters and digits of ``normalize(text)``, in order.

    pdftotext moves neutral characters (punctuation, slashes, spaces next to them) at the
    edges of directional runs, so «شماره: ۱۴۰۵/ص/۱۲۸» comes out «شماره: /۱۴۰۵ص۱۲۸/»; the
    letters and digits keep their logical order.
    """
    return "".join(re.findall(r"\w", normalize(text)))


def pdf_text(pdf: bytes) -> str:
    """``pdftotext`` of the PDF (logical order), page numbers removed."""
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")
    return _PAGE_NUMBER.sub(" ", strip_bidi_marks(out))


def docx_text(docx: bytes) -> str:
    """Every paragraph of the DOCX body and its footer, one a line.

    The first page's footer and the others' are the same text (address, «صفحه X از Y»):
    it is read once, page numbers removed, as ``pdf_text`` does.  The continuation pages'
    header (number, date, page) is not read: the PDF shows it only past page 1.
    """
    lines: list[str] = []
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        footers = sorted(n for n in archive.namelist() if re.match(r"word/footer\d*\.xml$", n))
        names = ["word/document.xml", *footers[:1]]
        for name in names:
            root = etree.fromstring(archive.read(name))
            for paragraph in root.iter(f"{W}p"):
                lines.append("".join(t.text or "" for t in paragraph.iter(f"{W}t")))
    return _PAGE_NUMBER.sub(" ", "\n".join(lines))


def pdf_pages(pdf: bytes) -> int:
    out = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True)
    match = re.search(r"^Pages:\s+(\d+)", out.stdout.decode(), re.MULTILINE)
    assert match
    return int(match.group(1))


def png_page1(pdf: bytes, dpi: int = 50) -> Image.Image:
    out = subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", "-png", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout
    return Image.open(io.BytesIO(out)).convert("L")


def differing_fraction(a: Image.Image, b: Image.Image, tolerance: int = 48) -> float:
    """Share of pixels whose grey levels differ by more than ``tolerance``."""
    if a.size != b.size:
        return 1.0
    diff = ImageChops.difference(a, b).point(lambda v: 255 if v > tolerance else 0)
    histogram = diff.histogram()
    return histogram[255] / (a.size[0] * a.size[1])


def libreoffice_pdf(docx: bytes, workdir: Path, *, with_fonts: bool = True) -> bytes:
    """The DOCX converted by LibreOffice with its own profile and the shipped fonts
    (``with_fonts=False``: a machine without Vazirmatn, where only the fonts embedded in the
    DOCX can give it)."""
    return libreoffice_pdfs({"letter": docx}, workdir, with_fonts=with_fonts)["letter"]


def libreoffice_pdfs(
    documents: dict[str, bytes], workdir: Path, *, with_fonts: bool = True
) -> dict[str, bytes]:
    """Several DOCX files converted by one LibreOffice run (it starts slowly): name → PDF."""
    soffice = shutil.which("soffice")
    assert soffice, "libreoffice-writer-nogui is required"
    fonts = Path(__file__).resolve().parent.parent / "letter_templates" / "fonts"
    conf = workdir / "fonts.conf"
    folder = f"<dir>{fonts}</dir>" if with_fonts else ""
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"{folder}<cachedir>{workdir / 'fc-cache'}</cachedir></fontconfig>"
    )
    sources = []
    for name, docx in documents.items():
        source = workdir / f"{name}.docx"
        source.write_bytes(docx)
        sources.append(str(source))
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{workdir / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(workdir),
            *sources,
        ],
        check=True,
        capture_output=True,
        env={"FONTCONFIG_FILE": str(conf), "HOME": str(workdir), "PATH": "/usr/bin:/bin"},
        timeout=240,
    )
    return {name: (workdir / f"{name}.pdf").read_bytes() for name in documents}


def pdf_page_texts(pdf: bytes) -> list[str]:
    """``pdftotext`` of each page (logical order), bidi marks removed."""
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")
    pages = strip_bidi_marks(out).split("\f")
    return pages[: pdf_pages(pdf)]
