"""Taking a case's documents in: read and check the files, then record and store them.

Files are read and checked before anything is written (a refused file leaves nothing
behind); the catalogue rows and the registry's document rows are written in the caller's
transaction, the bytes just before them, so a crash at worst leaves an object that
nothing references yet, which a rerun references and ``archive verify`` reports.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from archive.attachments import DEFAULT_MAX_IMAGE_PIXELS, Attachment, read_attachment
from archive.catalogue import ObjectMeta, put
from archive.derived import PDF, image_to_pdf, needs_derived_pdf
from archive.sanitize import find_active_content, sanitized_pdf
from archive.store import ArchiveStore, sha256_of
from registry import complaints
from registry.kinds import Channel, DocumentKind
from registry.models import Complaint, Document

if TYPE_CHECKING:
    from registry.samples import SampleComplaint

CheckedFile = tuple[DocumentKind, Attachment]


FileSpec = tuple[DocumentKind, Path | Attachment]


def read_files(
    specs: Sequence[FileSpec], max_bytes: int, max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS
) -> list[CheckedFile]:
    """Every file read and checked by content (an ``Attachment`` was checked when it was
    made: a scanner's upload, a sample); the first refusal raises, nothing is stored."""
    return [
        (
            kind,
            item if isinstance(item, Attachment) else read_attachment(item, max_bytes, max_pixels),
        )
        for kind, item in specs
    ]


def as_new_documents(files: Sequence[CheckedFile]) -> list[complaints.NewDocument]:
    """The registry's view of checked files."""
    return [
        complaints.NewDocument(
            kind=kind,
            sha256=file.sha256,
            original_name=file.original_name,
            media_type=file.media_type,
            size=len(file.data),
        )
        for kind, file in files
    ]


def store_files(
    session: Session,
    store: ArchiveStore,
    complaint: Complaint | None,
    files: Sequence[CheckedFile],
    *,
    actor: str,
    at: dt.datetime,
) -> None:
    """Put each file's bytes in the archive and catalogue them under the case (or under no
    case: a paper registered in the incoming register before it belongs to one).

    A scanned image is also stored converted to PDF (archive/derived.py), catalogued under
    the same case and kind with ``role="derived"`` and ``derived_from`` its original, so
    that dossiers never convert at read time.  Every conversion is done before anything
    is stored: a file that cannot be converted refuses the whole intake.
    """
    derived = [_derived(file) for _, file in files]
    for (kind, file), pdf in zip(files, derived, strict=True):
        sanitized = pdf is not None and file.media_type == PDF
        meta = ObjectMeta(
            media_type=file.media_type,
            kind=f"document:{kind.value}",
            # A PDF with active content is kept as filed, marked: its sanitized copy is
            # what the office passes on (archive/sanitize.py).
            role="active_content" if sanitized else "original",
            complaint_id=None if complaint is None else complaint.id,
            original_name=file.original_name,
        )
        put(session, store, file.data, meta, stored_by=actor, at=at)
        if pdf is not None:
            stem = file.original_name.rsplit(".", 1)[0] or file.original_name
            derived_meta = dataclasses.replace(
                meta,
                media_type=PDF,
                role="derived",
                original_name=f"{stem[:230]}{'.sanitized' if sanitized else ''}.pdf",
                derived_from=file.sha256,
            )
            put(session, store, pdf, derived_meta, stored_by=actor, at=at)


def _derived(file: Attachment) -> bytes | None:
    """The PDF a file is passed on as, when not itself: a scan's conversion, or a PDF's copy
    without its active content; None for a plain PDF."""
    if needs_derived_pdf(file.media_type):
        return image_to_pdf(file.data, file.media_type)
    if file.media_type == PDF and find_active_content(file.data):
        return sanitized_pdf(file.data)
    return None


def with_active_content(files: Sequence[CheckedFile]) -> list[str]:
    """The names of the PDFs among ``files`` that carry active content (the staff is
    warned: the office passes on a sanitized copy)."""
    return [
        file.original_name
        for _, file in files
        if file.media_type == PDF and find_active_content(file.data)
    ]


def file_complaint(
    session: Session,
    store: ArchiveStore,
    data: complaints.ComplaintInput,
    files: Sequence[CheckedFile],
    *,
    actor: str,
    at: dt.datetime,
    duplicate_window_days: int,
) -> complaints.Registration:
    """Register a complaint with its checked files, stored in the archive."""
    data = dataclasses.replace(data, documents=as_new_documents(files))
    registration = complaints.register_complaint(
        session, data, actor=actor, at=at, duplicate_window_days=duplicate_window_days
    )
    store_files(session, store, registration.complaint, files, actor=actor, at=at)
    return registration


def attach_files(
    session: Session,
    store: ArchiveStore,
    complaint: Complaint,
    files: Sequence[CheckedFile],
    *,
    actor: str,
    at: dt.datetime,
    channel: Channel = Channel.IN_PERSON,
) -> list[Document]:
    """Add checked files to an existing case (an incomplete one goes back to review);
    ``channel`` says how they came."""
    rows = complaints.attach(
        session, complaint, as_new_documents(files), actor=actor, at=at, channel=channel
    )
    store_files(session, store, complaint, files, actor=actor, at=at)
    return rows


def file_made_file(
    session: Session,
    store: ArchiveStore,
    complaint: Complaint,
    file: CheckedFile,
    *,
    actor: str,
    at: dt.datetime,
) -> Document:
    """File a document the office made on the case, stored in the archive (no visit:
    ``complaints.file_made_document``)."""
    (document,) = as_new_documents([file])
    row = complaints.file_made_document(session, complaint, document, actor=actor, at=at)
    store_files(session, store, complaint, [file], actor=actor, at=at)
    return row


_SAMPLE_MEDIA = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}


def sample_files(sample: SampleComplaint) -> list[CheckedFile]:
    """A generated sample complaint's files as intake takes them (the demo, benchmarks)."""
    return [
        (
            f.kind,
            Attachment(
                data=f.data,
                media_type=_SAMPLE_MEDIA[f.name.rsplit(".", 1)[1]],
                original_name=f.name,
                sha256=sha256_of(f.data),
            ),
        )
        for f in sample.files
    ]
