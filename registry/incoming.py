"""The incoming register (وارده): every paper the office receives gets its number here.

An agency's reply, a circular, a letter an agency writes first: each is registered under
the next number of the incoming series (default «و») of the Jalali year, with the
sender's own number and date, the archived scan, the letter of ours it answers (عطف) and
its case, if it has one yet.  The number comes from the same counter as our letters'
(``registry.register.allocate_seq``), in the caller's short transaction: gapless, never
reused, restarting at 1 each Jalali year, safe when several processes register at once.
A paper received outside a case can be attached to one later; it keeps its number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.errors import InvalidInput, NotFound, Refused
from registry.events import record_event
from registry.jalali import format_jalali
from registry.models import Agency, Complaint, Document, IncomingLetter, Letter
from registry.register import LetterNumber, allocate_seq, parse_letter_number

__all__ = [
    "IncomingTerms",
    "Scan",
    "attach_incoming",
    "check_enclosures",
    "find_incoming",
    "register_incoming",
]

MAX_THEIR_NUMBER = 60
MAX_SENDER = 300
MAX_SUBJECT = 300
MAX_ENCLOSURES = 999


@dataclass(frozen=True)
class IncomingTerms:
    """Where a paper registered today goes: the series' code, the office's number format,
    and the office's day (its Jalali year picks the register)."""

    series: str
    number_template: str
    date: dt.date
    year: int


@dataclass(frozen=True)
class Scan:
    """The paper's scan or PDF as the archive holds it."""

    sha256: str
    original_name: str
    media_type: str


def _text(value: str | None, field: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput("field_required", field=field)
    if len(text) > limit:
        raise InvalidInput("field_too_long", field=field, limit=limit)
    return text


def check_paper(
    *, sender: str, their_number: str, their_date: dt.date, subject: str, today: dt.date
) -> tuple[str, str, str]:
    """The sender, their number and the subject as registered (trimmed), or InvalidInput:
    each is required and bounded, and a paper cannot be dated after ``today``."""
    checked = (
        _text(sender, "agency", MAX_SENDER),
        _text(their_number, "their_number", MAX_THEIR_NUMBER),
        _text(subject, "subject", MAX_SUBJECT),
    )
    if their_date > today:
        raise InvalidInput("date_in_future", value=format_jalali(their_date))
    return checked


def check_enclosures(enclosures: int | None) -> None:
    """InvalidInput for a count of enclosures that is negative or absurd."""
    if enclosures is not None and not 0 <= enclosures <= MAX_ENCLOSURES:
        raise InvalidInput("invalid_enclosures", value=enclosures)


def register_incoming(
    session: Session,
    terms: IncomingTerms,
    *,
    sender: str,
    their_number: str,
    their_date: dt.date,
    subject: str,
    scan: Scan,
    at: dt.datetime,
    actor: str,
    agency: Agency | None = None,
    cites: Letter | None = None,
    complaint: Complaint | None = None,
    document: Document | None = None,
    enclosures: int | None = None,
) -> IncomingLetter:
    """Register a received paper under the next incoming number, in the caller's
    transaction (the caller commits; a rollback gives the number back).

    InvalidInput (nothing written): a missing or too long sender, number or subject, a
    paper dated after ``terms.date``, a negative or absurd count of enclosures.
    """
    sender, number, subject = check_paper(
        sender=sender,
        their_number=their_number,
        their_date=their_date,
        subject=subject,
        today=terms.date,
    )
    check_enclosures(enclosures)
    seq = allocate_seq(session, terms.series, terms.year)
    paper = IncomingLetter(
        series=terms.series,
        year=terms.year,
        seq=seq,
        number=LetterNumber(terms.year, terms.series, seq).format(terms.number_template),
        date=terms.date,
        received_at=at,
        sender=sender,
        agency=agency,
        their_number=number,
        their_date=their_date,
        subject=subject,
        enclosures=enclosures,
        cites=cites,
        complaint=complaint,
        document=document,
        scan_sha256=scan.sha256,
        scan_name=scan.original_name,
        scan_media_type=scan.media_type,
        recorded_by=actor,
    )
    session.add(paper)
    session.flush()
    record_event(
        session,
        at=at,
        actor=actor,
        action="incoming_registered",
        complaint=complaint,
        letter=cites,
        data={
            "incoming_number": paper.number,
            "sender": sender,
            "their_number": number,
            "their_date": format_jalali(their_date),
        },
    )
    return paper


def find_incoming(
    session: Session, text: str, series: str, template: str, *, lock: bool = False
) -> IncomingLetter:
    """The incoming paper named by ``text`` as staff typed its number (Persian or ASCII
    digits, parts in either order), or NotFound; InvalidInput when it is no such number.
    With ``lock`` its row is locked for the caller's transaction (PostgreSQL; SQLite's
    ``BEGIN IMMEDIATE`` holds the database), so two attachments queue, the second seeing
    the first."""
    number = parse_letter_number(text, {series}).format(template)
    query = select(IncomingLetter).where(IncomingLetter.number == number)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    paper = session.scalars(query).one_or_none()
    if paper is None:
        raise NotFound("incoming_not_found", number=text)
    return paper


def attach_incoming(
    session: Session,
    paper: IncomingLetter,
    complaint: Complaint,
    document: Document,
    *,
    at: dt.datetime,
    actor: str,
) -> None:
    """File a paper registered outside a case under ``complaint`` with its ``document``
    row (the caller stores the bytes under the case).  It keeps its number; a paper
    already in a case is Refused (``incoming_already_attached``)."""
    if paper.complaint_id is not None:
        assert paper.complaint is not None
        raise Refused(
            "incoming_already_attached",
            number=paper.number,
            tracking_code=paper.complaint.tracking_code,
        )
    paper.complaint = complaint
    paper.document = document
    paper.attached_at = at
    paper.attached_by = actor
    session.flush()
    record_event(
        session,
        at=at,
        actor=actor,
        action="incoming_attached",
        complaint=complaint,
        letter=paper.cites,
        data={"incoming_number": paper.number},
    )
