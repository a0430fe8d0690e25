"""The incoming register (وارده): papers received outside a case, filed under one later.

An agency's reply is registered when it is recorded (office/replies.py ``record``).  A
paper that belongs to no case yet (a circular, an agency writing first) is registered here
with its scan: read and checked before anything is written, then numbered and stored in
one short transaction.  Attached to a case later, it keeps its number and its scan is
filed under the case as one of its documents, so that the dossier shows it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from office.access import Action, Actor, require, visible_levels
from office.runtime import Runtime
from registry import incoming
from registry.agencies import find_agency
from registry.complaint_queries import get_complaint
from registry.complaints import NewDocument, document_row
from registry.db import transaction
from registry.jalali import jalali_year
from registry.kinds import DocumentKind
from registry.models import IncomingLetter
from registry.records import incoming_record

if TYPE_CHECKING:
    from archive.attachments import Attachment

__all__ = ["attach", "incoming_terms", "list_incoming", "register", "show"]

# The kind a paper filed under a case is listed as among the case's documents.
ATTACHED_KIND = DocumentKind.OTHER


def incoming_terms(runtime: Runtime, today: dt.date) -> incoming.IncomingTerms:
    """Where a paper registered on ``today`` goes: the office's incoming series and
    number format, the register of ``today``'s Jalali year."""
    office = runtime.settings.office
    return incoming.IncomingTerms(
        series=office.series["incoming"],
        number_template=office.number_format,
        date=today,
        year=jalali_year(today),
    )


def register(
    runtime: Runtime,
    actor: Actor,
    *,
    file: Path | Attachment,
    their_number: str,
    their_date: dt.date,
    subject: str,
    sender: str | None = None,
    agency: str | None = None,
    cites: str | None = None,
    enclosures: int | None = None,
) -> dict[str, Any]:
    """Register a paper received outside a case under the next incoming number, with its
    scan or PDF ``file`` (stored in the archive under no case yet).

    The sender is ``sender`` as written, or the agency named by ``agency`` (NotFound if
    there is none by that name); ``cites`` is the letter of ours it answers (عطف), if any.
    Nothing is written when the file or an input is refused.  The paper's record.
    """
    levels = visible_levels(actor, runtime.settings)
    actor = require(actor, Action.REGISTER_INCOMING)
    from archive.intake import read_files, store_files
    from office.letters import letter_by_number

    scan = file.expanduser() if isinstance(file, Path) else file
    files = read_files(
        [(ATTACHED_KIND, scan)],
        runtime.settings.attachment_max_bytes,
        runtime.settings.max_image_pixels,
    )
    checked = files[0][1]
    now, today = runtime.clock.now(), runtime.clock.today()
    with transaction(runtime.sessions) as session:
        body = find_agency(session, agency) if agency else None
        cited = letter_by_number(runtime, session, cites, levels) if cites else None
        paper = incoming.register_incoming(
            session,
            incoming_terms(runtime, today),
            sender=sender if sender is not None else (body.name if body else ""),
            their_number=their_number,
            their_date=their_date,
            subject=subject,
            scan=incoming.Scan(checked.sha256, checked.original_name, checked.media_type),
            at=now,
            actor=actor,
            agency=body,
            cites=cited,
            enclosures=enclosures,
        )
        store_files(session, runtime.store, None, files, actor=actor, at=now)
        return incoming_record(paper, runtime.clock.zone)


def attach(runtime: Runtime, actor: Actor, number: str, tracking: str) -> dict[str, Any]:
    """File the paper registered as ``number`` under the case ``tracking``: its scan
    becomes one of the case's documents and is catalogued under the case.

    It keeps its incoming number.  NotFound for an unknown number or case; Refused
    (``incoming_already_attached``) for a paper already in a case.  The paper's record.
    """
    levels = visible_levels(actor, runtime.settings)
    actor = require(actor, Action.ATTACH)
    from archive.attachments import Attachment
    from archive.intake import store_files

    office = runtime.settings.office
    now = runtime.clock.now()
    with transaction(runtime.sessions) as session:
        paper = incoming.find_incoming(
            session, number, office.series["incoming"], office.number_format, lock=True
        )
        complaint = get_complaint(session, tracking, levels)
        data = runtime.store.get(paper.scan_sha256)
        file = Attachment(
            data=data,
            media_type=paper.scan_media_type,
            original_name=paper.scan_name,
            sha256=paper.scan_sha256,
        )
        document = document_row(
            complaint,
            NewDocument(
                kind=ATTACHED_KIND,
                sha256=file.sha256,
                original_name=file.original_name,
                media_type=file.media_type,
                size=len(data),
            ),
            actor=actor,
            at=now,
        )
        session.add(document)
        incoming.attach_incoming(session, paper, complaint, document, at=now, actor=actor)
        store_files(session, runtime.store, complaint, [(ATTACHED_KIND, file)], actor=actor, at=now)
        return incoming_record(paper, runtime.clock.zone)


def show(runtime: Runtime, actor: Actor, number: str) -> dict[str, Any]:
    """One paper of the incoming register, named by its number as staff type it."""
    require(actor, Action.READ_REGISTER)
    office = runtime.settings.office
    with runtime.sessions() as session:
        paper = incoming.find_incoming(
            session, number, office.series["incoming"], office.number_format
        )
        return incoming_record(paper, runtime.clock.zone)


def list_incoming(
    runtime: Runtime, actor: Actor, *, year: int | None = None, unattached: bool = False
) -> list[dict[str, Any]]:
    """The incoming register in number order (of one Jalali year; only the papers in no
    case with ``unattached``)."""
    require(actor, Action.READ_REGISTER)
    query = select(IncomingLetter).options(
        selectinload(IncomingLetter.agency),
        selectinload(IncomingLetter.cites),
        selectinload(IncomingLetter.complaint),
    )
    if year is not None:
        query = query.where(IncomingLetter.year == year)
    if unattached:
        query = query.where(IncomingLetter.complaint_id.is_(None))
    query = query.order_by(IncomingLetter.year, IncomingLetter.seq)
    with runtime.sessions() as session:
        return [incoming_record(paper, runtime.clock.zone) for paper in session.scalars(query)]
