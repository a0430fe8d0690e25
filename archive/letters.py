"""Archiving a rendered letter: both files stored and catalogued, the letter marked stored."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from archive.catalogue import ObjectMeta, put
from archive.store import ArchiveStore, sha256_of
from registry.events import record_event
from registry.kinds import LetterState
from registry.models import Letter

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def store_letter(
    session: Session,
    store: ArchiveStore,
    letter: Letter,
    *,
    pdf: bytes,
    docx: bytes,
    actor: str,
    at: dt.datetime,
) -> None:
    """Store the letter's PDF/A (the record) and DOCX (the editable copy) in the caller's
    transaction; the letter moves numbered -> stored.

    Storing again the same bytes (a rerun after a crash) adds nothing: the store and the
    catalogue are idempotent, and a letter already stored is left as it is.
    """
    if letter.state is not LetterState.NUMBERED:
        return
    stem = letter.number.replace("/", "-")
    files = ((pdf, PDF, "record", "pdf"), (docx, DOCX, "editable", "docx"))
    for data, media_type, role, extension in files:
        put(
            session,
            store,
            data,
            ObjectMeta(
                media_type=media_type,
                kind=f"letter:{letter.kind.value}",
                role=role,
                complaint_id=letter.complaint_id,
                letter_id=letter.id,
                letter_number=letter.number,
                original_name=f"{stem}.{extension}",
            ),
            stored_by=actor,
            at=at,
        )
    letter.pdf_sha256 = sha256_of(pdf)
    letter.docx_sha256 = sha256_of(docx)
    letter.state = LetterState.STORED
    record_event(
        session,
        at=at,
        actor=actor,
        action="letter_stored",
        complaint=letter.complaint,
        letter=letter,
        before=LetterState.NUMBERED.value,
        after=LetterState.STORED.value,
        data={"pdf_sha256": letter.pdf_sha256, "docx_sha256": letter.docx_sha256},
    )
