"""A case's dossier: the whole case as one PDF, and as a BagIt package.

The dossier is a cover page with the case's summary, an index of every document with the
page it starts on, then every document in case order, each with one bookmark:

- the complaint's documents (the PDF as filed, or the PDF derived from a scan when it was
  filed: archive/derived.py; nothing is converted here),
- every letter's archived PDF (the record), void ones included and marked,
- each agency reply's document,

ordered by when they entered the record (filed, issued, recorded), so a reply follows the
letter it answers.  Every byte read is re-hashed (:meth:`ArchiveStore.get`): an altered or
missing object stops the dossier (exit 5 or 3) rather than be bound into it.  A letter not
yet rendered, or a scan without its derived PDF, is listed in the index with a note and no
pages.

The cover is rendered by a function handed in (``generators.dossier_cover.render_cover``):
``archive`` does not import ``generators``.  Page numbers in the index depend on how many
pages the cover and index take, so the cover is rendered with a guess of its own length
and again only if the guess was wrong.
"""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter
from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import case_record
from archive.atomic import write_atomically
from archive.bagit import BagSummary, safe_file_name, write_bag
from archive.dossier_pdf import (
    dossier_title,
    drop_signature_fields,
    embedded_name,
    is_signed,
)
from archive.errors import DossierLayoutUnstable, DossierOutputRefused
from archive.store import ArchiveStore, sha256_of
from registry.complaint_queries import get_complaint
from registry.jalali import format_jalali
from registry.kinds import LetterState
from registry.models import ArchiveObject, Complaint, Document, Letter
from registry.text import to_persian_digits

__all__ = [
    "CoverRenderer",
    "Dossier",
    "DossierEntry",
    "DossierResult",
    "build_dossier",
    "dossier_entries",
    "export_dossier",
]

PDF = "application/pdf"
CoverRenderer = Callable[[Mapping[str, Any]], bytes]
COVER_TITLE = "جلد و فهرست پرونده"
_NO_PDF_LETTER = "PDF این نامه هنوز ساخته و بایگانی نشده است."
_NO_PDF_SCAN = "نسخه PDF این تصویر در بایگانی نیست؛ پرونده اصلی در بسته بایگانی هست."
# Rows of the index that fit beside the case summary on the first page, and on each
# further page (one-line titles); only a first guess, checked by rendering.
_ROWS_FIRST_PAGE = 12
_ROWS_PER_PAGE = 26
_MAX_COVER_RENDERS = 4


@dataclass(frozen=True)
class DossierEntry:
    """One document of the dossier, in case order.

    ``pdf_sha256`` is the PDF shown (None: none in the archive, see ``note``);
    ``originals`` the archived files behind it, as (bag path stem, SHA-256, extension).
    """

    group: str  # document | letter | reply
    title: str
    at: dt.datetime
    date: dt.date | None
    pdf_sha256: str | None
    originals: tuple[tuple[str, str, str], ...]
    note: str | None = None


@dataclass(frozen=True)
class PlacedEntry:
    """An entry with its page count and the page it starts on (None: no pages)."""

    entry: DossierEntry
    pages: int
    start: int | None


@dataclass
class Dossier:
    """An assembled dossier: the PDF bytes and what is in it."""

    tracking_code: str
    pdf: bytes
    cover_pages: int
    placed: list[PlacedEntry] = field(default_factory=list)
    case: dict[str, Any] = field(default_factory=dict)

    @property
    def total_pages(self) -> int:
        return self.cover_pages + sum(p.pages for p in self.placed)

    def index_record(self) -> list[dict[str, Any]]:
        """The index under the ``--json`` contract (ASCII digits, Jalali dates)."""
        return [
            {
                "n": n,
                "group": p.entry.group,
                "title": p.entry.title,
                "date": format_jalali(p.entry.date) if p.entry.date else None,
                "pdf_sha256": p.entry.pdf_sha256,
                "pages": p.pages,
                "start_page": p.start,
                "note": p.entry.note,
            }
            for n, p in enumerate(self.placed, start=1)
        ]


@dataclass(frozen=True)
class DossierResult:
    """What :func:`export_dossier` wrote."""

    dossier: Dossier
    output: Path
    sha256: str
    bag: BagSummary | None


def _derived_pdfs(session: Session, complaint: Complaint, originals: set[str]) -> dict[str, str]:
    """For each original, the SHA-256 of its derived PDF (this case's row first)."""
    if not originals:
        return {}
    rows = session.scalars(
        select(ArchiveObject)
        .where(
            ArchiveObject.role == "derived",
            ArchiveObject.media_type == PDF,
            ArchiveObject.derived_from.in_(sorted(originals)),
        )
        .order_by(ArchiveObject.id)
    )
    found: dict[str, str] = {}
    for row in rows:
        assert row.derived_from is not None  # the query asks for derived rows
        if row.derived_from not in found or row.complaint_id == complaint.id:
            found[row.derived_from] = row.sha256
    return found


def _document_pdf(document: Document, derived: Mapping[str, str]) -> tuple[str | None, str | None]:
    pdf = derived.get(document.sha256)
    if document.media_type == PDF:
        # A PDF filed with active content has a sanitized copy: that one goes in.
        return pdf or document.sha256, None
    return pdf, None if pdf else _NO_PDF_SCAN


def _extension(document: Document) -> str:
    return {"image/jpeg": "jpg", "image/png": "png", "image/tiff": "tif"}.get(
        document.media_type, "pdf"
    )


def dossier_entries(
    session: Session, complaint: Complaint, zone: zoneinfo.ZoneInfo
) -> list[DossierEntry]:
    """Every document of the case in case order (see the module docstring)."""
    letters = case_record.case_letters(session, complaint)
    replies = case_record.case_replies(session, complaint)
    reply_documents = {reply.document_id for reply in replies}
    documents = list(complaint.documents)
    derived = _derived_pdfs(session, complaint, {d.sha256 for d in documents})
    entries: list[tuple[tuple[dt.datetime, int, int], DossierEntry]] = []
    for document in documents:
        if document.id in reply_documents:
            continue
        pdf, note = _document_pdf(document, derived)
        title = f"{document.kind.label_fa}: {document.original_name}"
        name = document.original_name.rsplit(".", 1)[0]
        stem = f"documents/{document.id:04d}-{safe_file_name(name, document.kind.value)}"
        entry = DossierEntry(
            group="document",
            title=title,
            at=document.added_at,
            date=document.added_at.astimezone(zone).date(),
            pdf_sha256=pdf,
            originals=((stem, document.sha256, _extension(document)),),
            note=note,
        )
        entries.append(((document.added_at, 0, document.id), entry))
    by_id = {letter.id: letter for letter in letters}
    for letter in letters:
        entries.append(((letter.issued_at, 1, letter.id), _letter_entry(letter)))
    for reply in replies:
        pdf, note = _document_pdf(reply.document, derived)
        entry = DossierEntry(
            group="reply",
            title=case_record.reply_title(reply, by_id.get(reply.cited_letter_id)),
            at=reply.recorded_at,
            date=reply.their_date,
            pdf_sha256=pdf,
            originals=(
                (
                    f"replies/{reply.id:04d}-{safe_file_name(reply.their_number)}",
                    reply.document.sha256,
                    _extension(reply.document),
                ),
            ),
            note=note if reply.superseded_by_id is None else "این پاسخ جایگزین شده است.",
        )
        entries.append(((reply.recorded_at, 2, reply.id), entry))
    return [entry for _, entry in sorted(entries, key=lambda pair: pair[0])]


def _letter_entry(letter: Letter) -> DossierEntry:
    stem = f"letters/{safe_file_name(letter.number.replace('/', '-'))}"
    originals = tuple(
        (stem, sha, ext)
        for sha, ext in ((letter.pdf_sha256, "pdf"), (letter.docx_sha256, "docx"))
        if sha is not None
    )
    note = None if letter.pdf_sha256 else _NO_PDF_LETTER
    if letter.state is LetterState.VOID:
        note = f"باطل: {letter.void_reason}" if letter.void_reason else "باطل"
    return DossierEntry(
        group="letter",
        title=case_record.letter_title(letter),
        at=letter.issued_at,
        date=letter.date,
        pdf_sha256=letter.pdf_sha256,
        originals=originals,
        note=note,
    )


def _place(entries: Sequence[tuple[DossierEntry, int]], cover_pages: int) -> list[PlacedEntry]:
    placed, next_page = [], cover_pages + 1
    for entry, pages in entries:
        placed.append(PlacedEntry(entry, pages, next_page if pages else None))
        next_page += pages
    return placed


def _guess_cover_pages(rows: int) -> int:
    extra = max(0, rows - _ROWS_FIRST_PAGE)
    return 1 + -(-extra // _ROWS_PER_PAGE)


def build_dossier(
    session: Session,
    store: ArchiveStore,
    complaint: Complaint,
    render_cover: CoverRenderer,
    *,
    office: Mapping[str, str],
    zone: zoneinfo.ZoneInfo,
    at: dt.datetime,
) -> Dossier:
    """The case's dossier PDF, assembled from archived objects (each re-hashed on read).

    ``office``: ministry, governorate, office (the cover's heading); ``at``: when it is
    assembled (the cover's date and the PDF's dates).  Raises ObjectMissing (exit 3) or
    ObjectAltered (exit 5) for an object that cannot be trusted, DossierLayoutUnstable if
    the index's page numbers cannot be settled.
    """
    entries = dossier_entries(session, complaint, zone)
    readers: list[PdfReader | None] = []
    counted: list[tuple[DossierEntry, int]] = []
    for entry in entries:
        reader = None
        if entry.pdf_sha256 is not None:
            reader = PdfReader(io.BytesIO(store.get(entry.pdf_sha256)))
        readers.append(reader)
        counted.append((entry, len(reader.pages) if reader else 0))

    case = case_record.case_json(session, complaint, zone)
    guess = _guess_cover_pages(len(entries))
    for _ in range(_MAX_COVER_RENDERS):
        placed = _place(counted, guess)
        cover = render_cover(
            case_record.cover_data(case, complaint, placed, guess, office, at, zone)
        )
        cover_reader = PdfReader(io.BytesIO(cover))
        if len(cover_reader.pages) == guess:
            break
        guess = len(cover_reader.pages)
    else:
        raise DossierLayoutUnstable(
            "dossier_layout_unstable", tracking_code=complaint.tracking_code
        )

    writer = PdfWriter()
    writer.append(cover_reader, outline_item=COVER_TITLE, import_outline=False)
    signed: list[tuple[str, bytes]] = []
    for n, (reader, item) in enumerate(zip(readers, placed, strict=True), start=1):
        if reader is not None:
            title = f"{to_persian_digits(n)}. {item.entry.title}"
            writer.append(reader, outline_item=title, import_outline=False)
            if item.entry.pdf_sha256 is not None and is_signed(reader):
                signed.append(
                    (embedded_name(item.entry.originals), store.get(item.entry.pdf_sha256))
                )
    drop_signature_fields(writer)
    for name, data in signed:
        # The signed original, byte for byte, so its signature can still be verified
        # (``residegi verify`` on the dossier checks every embedded original).
        writer.add_attachment(name, data)
    writer.page_mode = "/UseOutlines"
    stamp = at.astimezone(zone).strftime("D:%Y%m%d%H%M%S") + _pdf_offset(at.astimezone(zone))
    writer.add_metadata(
        {
            "/Title": dossier_title(complaint.tracking_code),
            "/Creator": "residegi dossier",
            "/Producer": "residegi (pypdf)",
            "/CreationDate": stamp,
            "/ModDate": stamp,
        }
    )
    buffer = io.BytesIO()
    writer.write(buffer)
    return Dossier(
        tracking_code=complaint.tracking_code,
        pdf=buffer.getvalue(),
        cover_pages=guess,
        placed=placed,
        case=case,
    )


def _pdf_offset(moment: dt.datetime) -> str:
    offset = moment.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}'{abs(minutes) % 60:02d}'"


def bag_payload(
    store: ArchiveStore, dossier: Dossier, case: dict[str, Any]
) -> list[tuple[str, bytes]]:
    """What a dossier's bag holds: case.json, dossier.pdf and every original file."""
    import json

    payload: list[tuple[str, bytes]] = [("dossier.pdf", dossier.pdf)]
    seen: set[str] = set()
    files: list[dict[str, Any]] = []
    for placed in dossier.placed:
        for stem, sha256, extension in placed.entry.originals:
            path = f"{stem}.{extension}"
            if path in seen:
                continue
            seen.add(path)
            payload.append((path, store.get(sha256)))
            files.append({"path": f"data/{path}", "sha256": sha256, "title": placed.entry.title})
    record = dict(case, bag_files=files)
    text = json.dumps(record, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    payload.insert(0, ("case.json", text.encode("utf-8")))
    return payload


def export_dossier(
    session: Session,
    store: ArchiveStore,
    tracking: str,
    output: Path,
    render_cover: CoverRenderer,
    *,
    office: Mapping[str, str],
    zone: zoneinfo.ZoneInfo,
    at: dt.datetime,
    bag: Path | None = None,
) -> DossierResult:
    """Assemble the dossier of case ``tracking``; write it to ``output`` and, if asked, a
    BagIt package to ``bag`` (case.json, dossier.pdf, every original file).

    Checked before anything is written (DossierOutputRefused, exit 2): ``output``'s folder
    exists and ``output`` is not a folder; ``bag`` is absent or an empty folder.  Each file
    appears whole or not at all.  ComplaintNotFound (exit 3) for an unknown case.
    """
    output = Path(output)
    if not output.parent.is_dir() or output.is_dir():
        reason = "is_folder" if output.is_dir() else "no_folder"
        raise DossierOutputRefused("dossier_output_refused", path=str(output), reason=reason)
    if bag is not None and (
        not Path(bag).parent.is_dir()
        or (Path(bag).exists() and (not Path(bag).is_dir() or any(Path(bag).iterdir())))
    ):
        raise DossierOutputRefused("dossier_output_refused", path=str(bag), reason="exists")
    complaint = get_complaint(session, tracking)
    dossier = build_dossier(
        session, store, complaint, render_cover, office=office, zone=zone, at=at
    )
    dossier.case["dossier"] = {
        "sha256": sha256_of(dossier.pdf),
        "pages": dossier.total_pages,
        "cover_pages": dossier.cover_pages,
        "index": dossier.index_record(),
    }
    summary = None
    if bag is not None:
        info = {
            "Source-Organization": office.get("governorate", ""),
            "Organization-Address": office.get("office", ""),
            "External-Identifier": complaint.tracking_code,
            "External-Description": f"پرونده شکایت {complaint.tracking_code}: {complaint.subject}",
            "Bagging-Date": at.astimezone(zone).date().isoformat(),
            "Bag-Software-Agent": "residegi",
        }
        summary = write_bag(Path(bag), bag_payload(store, dossier, dossier.case), info)
    write_atomically(output, dossier.pdf)
    return DossierResult(dossier=dossier, output=output, sha256=sha256_of(dossier.pdf), bag=summary)
