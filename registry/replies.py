"""Agencies' replies: recorded against the referral they answer, whichever letter they cite.

A reply may cite our referral or one of its reminders or escalations; it is filed under the
referral (``Reply.letter_id``) and remembers the letter it cited.  One current reply per
referral: a later one must say it supersedes the first.  When every agency a complaint
concerns has a current reply, a complaint awaiting replies moves to ``replied``.
Everything is checked before anything is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registry.complaints import NewDocument, document_row
from registry.deadlines import REPLY_EXPECTED, deadline_terms, referral_of
from registry.errors import InvalidInput, Refused
from registry.events import record_event
from registry.incoming import IncomingTerms, Scan, check_enclosures, register_incoming
from registry.jalali import format_jalali
from registry.kinds import ComplaintState, DocumentKind, LetterKind, LetterState, ReplyOutcome
from registry.models import Complaint, Letter, Reply
from registry.states import transition

__all__ = ["current_reply", "record_reply", "referrals_with_replies", "replied_agency_ids"]

MAX_THEIR_NUMBER = 60

Row = TypeVar("Row", Letter, Complaint)


def current_reply(session: Session, referral: Letter) -> Reply | None:
    """The referral's reply that no later one superseded, if any."""
    return session.scalars(
        select(Reply).where(Reply.letter_id == referral.id, Reply.superseded_by_id.is_(None))
    ).first()


def referrals_with_replies(
    session: Session, complaint: Complaint
) -> list[tuple[Letter, Reply | None]]:
    """Each live (not void) referral of ``complaint``, in number order, with its agency's
    current reply or None."""
    referrals = session.scalars(
        select(Letter)
        .where(
            Letter.complaint_id == complaint.id,
            Letter.kind == LetterKind.REFERRAL,
            Letter.state != LetterState.VOID,
        )
        .order_by(Letter.seq)
    ).all()
    return [(referral, current_reply(session, referral)) for referral in referrals]


def replied_agency_ids(session: Session, complaint: Complaint) -> set[int]:
    """Agencies of ``complaint`` whose (non-void) referral has a current reply."""
    query = (
        select(Letter.agency_id)
        .join(Reply, Reply.letter_id == Letter.id)
        .where(
            Letter.complaint_id == complaint.id,
            Letter.kind == LetterKind.REFERRAL,
            Letter.state != LetterState.VOID,
            Reply.superseded_by_id.is_(None),
        )
    )
    return {agency_id for agency_id in session.scalars(query) if agency_id is not None}


def _locked(session: Session, row: Row) -> Row:
    """``row`` locked for this transaction and read again (PostgreSQL: ``FOR UPDATE``;
    SQLite's ``BEGIN IMMEDIATE`` already holds the whole database).  Replies to one
    referral, and to the referrals of one complaint, are thereby recorded one after the
    other, each seeing what the one before it committed."""
    model = type(row)
    return session.scalars(
        select(model)
        .where(model.id == row.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _reply_exists(referral: Letter, current: Reply) -> Refused:
    return Refused(
        "reply_exists",
        number=referral.number,
        their_number=current.their_number,
        their_date=format_jalali(current.their_date),
    )


def record_reply(
    session: Session,
    letter: Letter,
    *,
    their_number: str,
    their_date: dt.date,
    document: NewDocument,
    at: dt.datetime,
    actor: str,
    today: dt.date,
    outcome: ReplyOutcome | None = None,
    summary: str | None = None,
    supersede: bool = False,
    register: IncomingTerms | None = None,
    enclosures: int | None = None,
    note: str | None = None,
) -> Reply:
    """Record an agency's reply to ``letter`` (our referral, or a reminder/escalation of it).

    Refused (nothing written): a letter that expects no reply (``reply_to_wrong_kind``), a
    void one (``letter_void``), one never sent (``letter_not_sent``), a second reply to
    the same referral without ``supersede`` (``reply_exists``).  Bad input: an empty
    number, a reply dated after ``today`` (``date_in_future``) or before the cited letter
    was sent (``reply_before_letter``).  ``document`` (already read and checked) is
    recorded on the case as the agency's reply; the caller stores its bytes.  With
    ``supersede`` the current reply is marked superseded by the new one (``note``: why,
    on the event).  When every
    agency of the complaint then has a current reply, ``awaiting_reply`` -> ``replied``.

    The referral and its complaint are locked first, so replies recorded at the same
    moment are recorded one after the other, each seeing the one before it
    (``reply_exists``, or superseding it); the database's partial unique index keeps one
    current reply per referral, and its violation is refused as ``reply_exists`` too.

    With ``register`` the reply is registered in the incoming register in the same
    transaction (``registry.incoming``): the next number of that series, the agency as its
    sender, the letter it cites as its عطف, with ``enclosures`` if counted.  A refused
    reply takes no number; a superseding reply is a new paper and takes its own, and the
    reply it supersedes keeps its own.
    """
    number = (their_number or "").strip()
    if not number:
        raise InvalidInput("field_required", field="their_number")
    if len(number) > MAX_THEIR_NUMBER:
        raise InvalidInput("field_too_long", field="their_number", limit=MAX_THEIR_NUMBER)
    check_enclosures(enclosures)
    if letter.kind not in REPLY_EXPECTED:
        raise Refused("reply_to_wrong_kind", number=letter.number, kind=letter.kind.value)
    referral = _locked(session, referral_of(letter))
    if LetterState.VOID in (letter.state, referral.state):
        raise Refused("letter_void", number=letter.number)
    if letter.state is not LetterState.SENT:
        raise Refused("letter_not_sent", number=letter.number)
    complaint = referral.complaint
    if complaint is None:
        raise Refused("letter_without_complaint", number=referral.number)
    complaint = _locked(session, complaint)
    if their_date > today:
        raise InvalidInput("date_in_future", value=format_jalali(their_date))
    sent_day = deadline_terms(session, letter).sent_day
    if their_date < sent_day:
        raise InvalidInput(
            "reply_before_letter",
            value=format_jalali(their_date),
            number=letter.number,
            sent=format_jalali(sent_day),
        )
    earlier = current_reply(session, referral)
    if earlier is not None and not supersede:
        raise _reply_exists(referral, earlier)

    if earlier is not None:
        # The new reply cannot be current while the earlier one still is (the index), and
        # its id is not known before it is inserted: the earlier one points at itself for
        # the moment, inside this transaction, and at the new one once it has an id.
        earlier.superseded_by_id = earlier.id
        session.flush()
    try:
        with session.begin_nested():
            reply = Reply(
                letter_id=referral.id,
                cited_letter_id=letter.id,
                their_number=number,
                their_date=their_date,
                outcome=outcome,
                summary=(summary or "").strip() or None,
                document=document_row(
                    complaint,
                    replace(document, kind=DocumentKind.AGENCY_REPLY),
                    actor=actor,
                    at=at,
                ),
                recorded_at=at,
                recorded_by=actor,
            )
            session.add(reply)
            session.flush()
    except IntegrityError:
        # Only a reply that became current meanwhile makes the insert fail here (the lock
        # above normally queues it first); anything else is not a refusal.
        other = current_reply(session, referral)
        if other is None:
            raise
        raise _reply_exists(referral, other) from None
    if earlier is not None:
        earlier.superseded_by_id = reply.id
    if register is not None:
        reply.incoming = register_incoming(
            session,
            register,
            sender=referral.agency.name if referral.agency else referral.recipient,
            their_number=number,
            their_date=their_date,
            subject=complaint.subject,
            scan=Scan(document.sha256, document.original_name, document.media_type),
            at=at,
            actor=actor,
            agency=referral.agency,
            cites=letter,
            complaint=complaint,
            document=reply.document,
            enclosures=enclosures,
        )
    if referral.replied_at is None:
        referral.replied_at = at  # the referral leaves the outstanding list (its index)
    record_event(
        session,
        at=at,
        actor=actor,
        action="reply_recorded",
        complaint=complaint,
        letter=referral,
        note=note,
        data={
            "cited": letter.number,
            "their_number": number,
            "their_date": format_jalali(their_date),
            "outcome": None if outcome is None else outcome.value,
            "supersedes": None if earlier is None else earlier.id,
            "incoming_number": None if reply.incoming is None else reply.incoming.number,
        },
    )
    session.flush()
    if complaint.state is ComplaintState.AWAITING_REPLY:
        concerned = {link.agency_id for link in complaint.agencies}
        if concerned <= replied_agency_ids(session, complaint):
            transition(
                session,
                complaint,
                ComplaintState.REPLIED,
                actor=actor,
                at=at,
                data={"last_reply": referral.number},
            )
    return reply
