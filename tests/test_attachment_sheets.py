"""Attachment tables (issue 12, item 5): titles by document kind, sheet counts counted from
the stored files, file names printed only when the office asks."""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import cast

from pypdf import PdfReader

from archive.attachments import sheet_count
from archive.store import ArchiveStore
from generators import build_context, render_pdf
from generators.samples import sample_data
from office.sheets import document_sheets
from registry.kinds import DocumentKind
from registry.letter_facts import attachment_title
from registry.models import Complaint
from registry.text import for_display
from tests.dossier_support import pdf_bytes, tiff_bytes
from tests.factories import png_bytes


def test_sheets_are_pages_frames_or_one_image() -> None:
    assert sheet_count(pdf_bytes(3), "application/pdf") == 3
    assert sheet_count(tiff_bytes(4), "image/tiff") == 4
    assert sheet_count(png_bytes(), "image/png") == 1
    assert sheet_count(b"%PDF-1.7 not really", "application/pdf") is None
    assert sheet_count(b"PK\x03\x04", "application/zip") is None


def test_sheets_of_a_complaints_documents_from_the_store(tmp_path: object) -> None:
    store = ArchiveStore(f"{tmp_path}/archive")
    three, image = pdf_bytes(3), png_bytes()
    documents = [
        SimpleNamespace(sha256=store.put_bytes(three), media_type="application/pdf"),
        SimpleNamespace(sha256=store.put_bytes(image), media_type="image/png"),
        SimpleNamespace(sha256="ab" * 32, media_type="application/pdf"),  # not in the store
    ]
    complaint = cast(Complaint, SimpleNamespace(documents=documents))
    assert list(document_sheets(store, complaint).values()) == [3, 1, None]


def test_titles_by_kind() -> None:
    assert attachment_title(DocumentKind.EVIDENCE) == "تصویر مستندات شکایت"
    assert attachment_title(DocumentKind.AGENCY_REPLY) == "تصویر پاسخ کتبی دستگاه"
    assert attachment_title(DocumentKind.OTHER) == "تصویر سایر مدارک"


def _referral(print_name: bool) -> tuple[dict[str, object], bytes]:
    data = sample_data("referral")
    data["attachments"] = [
        {
            "name": "مستندات-1.pdf",
            "kind": "مستندات شکایت",
            "title": "تصویر مستندات شکایت",
            "pages": 3,
            "print_name": print_name,
        },
        {"name": "scan.tif", "kind": "سایر مدارک", "title": "تصویر سایر مدارک"},
    ]
    data["letter"]["attachments_count"] = 2
    context = build_context("referral", data)
    return context, render_pdf("referral", context)


def test_the_table_prints_title_and_sheets_and_no_file_name_by_default() -> None:
    context, pdf = _referral(print_name=False)
    rows = cast(list[dict[str, object]], context["attachments"])
    assert [(r["title"], r["sheets"], r["file_name"]) for r in rows] == [
        ("تصویر مستندات شکایت", "۳", None),
        ("تصویر سایر مدارک", "—", None),
    ]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "تصویر مستندات شکایت" in text and "مستندات-1.pdf" not in text and "scan.tif" not in text


def test_file_names_when_the_office_prints_them() -> None:
    context, pdf = _referral(print_name=True)
    rows = cast(list[dict[str, object]], context["attachments"])
    # Shown as every user string of a letter is (registry.text.for_display): Persian digits
    # in the Persian part, the Latin extension isolated.
    assert rows[0]["file_name"] == for_display("مستندات-1.pdf") == "مستندات-۱.\u2066pdf\u2069"
    assert rows[1]["file_name"] is None  # printed only where the facts ask for it
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    # pypdf's own bidi mixes up a Persian-and-Latin name («(1-.مستنداتpdf)»): check its parts.
    row = next(line for line in text.splitlines() if "تصویر مستندات شکایت" in line)
    assert "pdf" in row and "مستندات" in row and "۱" in row
