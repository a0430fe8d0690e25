"""Referral batches on the registry side: what is still to do, and numbering one referral.

A dispatch is resumable at every step because each step's state is in the registry: a
referral that exists is never numbered twice, a numbered letter that was never stored is
rendered again (rendering is deterministic), a stored one is sent, and a complaint whose
referrals are all sent moves to awaiting_reply.  A rerun after a crash does exactly the
work that is left.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session, selectinload

from registry import drafts
from registry.kinds import ComplaintState, DraftState, LetterKind, LetterState
from registry.models import Agency, Complaint, ComplaintAgency, Letter, LetterDraft
from registry.register import LetterIdentity, number_letter
from registry.states import transition


@dataclass(frozen=True)
class PendingReferral:
    complaint_id: int
    agency_id: int


def _live_referral(complaint_id: Any, agency_id: Any) -> Any:
    return exists().where(
        Letter.complaint_id == complaint_id,
        Letter.agency_id == agency_id,
        Letter.kind == LetterKind.REFERRAL,
        Letter.state != LetterState.VOID,
    )


def _open_referral_draft(complaint_id: Any, agency_id: Any) -> Any:
    return drafts.open_draft(complaint_id, agency_id, LetterKind.REFERRAL)


def pending_referrals(session: Session, limit: int | None = None) -> list[PendingReferral]:
    """Referrals still to number (or to draft): each agency of each accepted complaint
    without a live one and without a draft that waits for its decision or its number.

    ``limit`` counts letters, taking whole complaints in registration order.
    """
    query = (
        select(ComplaintAgency.complaint_id, ComplaintAgency.agency_id)
        .join(Complaint, Complaint.id == ComplaintAgency.complaint_id)
        .where(
            Complaint.state == ComplaintState.ACCEPTED,
            ~_live_referral(ComplaintAgency.complaint_id, ComplaintAgency.agency_id),
            ~_open_referral_draft(ComplaintAgency.complaint_id, ComplaintAgency.agency_id),
        )
        .order_by(Complaint.registered_at, Complaint.id, ComplaintAgency.position)
    )
    pending = [PendingReferral(c, a) for c, a in session.execute(query)]
    if limit is None or len(pending) <= limit:
        return pending
    # Do not split a complaint: its referrals go out together.
    cut = limit
    while 0 < cut < len(pending) and pending[cut].complaint_id == pending[cut - 1].complaint_id:
        cut += 1
    return pending[:cut]


def _locked_complaint(session: Session, complaint_id: int) -> Complaint:
    # The complaint's row lock makes the checks that follow and the insert one step: two
    # batches at once (two workers) would otherwise both see no live referral and both
    # number (or draft) one.  Always the complaint first, then the draft, then the
    # register's row (number_letter), as a review does.
    return session.scalars(
        select(Complaint)
        .where(Complaint.id == complaint_id)
        .with_for_update(of=Complaint)
        .options(
            selectinload(Complaint.agencies).selectinload(ComplaintAgency.agency),
            selectinload(Complaint.documents),
            selectinload(Complaint.complainant),
        )
    ).one()


def _referral_due(session: Session, complaint: Complaint, agency: Agency | None) -> bool:
    """Whether the (locked) complaint still needs a referral to ``agency``: it is accepted
    and has neither a live referral nor an open draft of one."""
    if agency is None or complaint.state is not ComplaintState.ACCEPTED:
        return False
    if session.scalar(select(_live_referral(complaint.id, agency.id))):
        return False
    return not session.scalar(select(_open_referral_draft(complaint.id, agency.id)))


def number_referral(
    session: Session,
    pending: PendingReferral,
    *,
    series: str,
    number_template: str,
    issued_at: dt.datetime,
    jalali_year: int,
    date: dt.date,
    actor: str,
    freeze: Callable[[Complaint, Agency, LetterIdentity], dict[str, Any]],
    approval_kinds: Collection[LetterKind] = (),
) -> Letter | None:
    """Number the referral in the caller's short transaction; None if one exists already
    (a concurrent batch got there first), a draft of it waits, or the complaint is no
    longer accepted.  Refused ``letter_unsigned`` when referrals need approval."""
    complaint = _locked_complaint(session, pending.complaint_id)
    agency = session.get(Agency, pending.agency_id)
    if agency is None or not _referral_due(session, complaint, agency):
        return None
    return number_letter(
        session,
        kind=LetterKind.REFERRAL,
        series=series,
        number_template=number_template,
        issued_at=issued_at,
        jalali_year=jalali_year,
        date=date,
        recipient=agency.name,
        actor=actor,
        freeze=lambda identity: freeze(complaint, agency, identity),
        complaint=complaint,
        agency=agency,
        approval_kinds=approval_kinds,
    )


def draft_referral(
    session: Session, pending: PendingReferral, *, batch: str, actor: str, at: dt.datetime
) -> LetterDraft | None:
    """A draft of the referral, in the caller's short transaction, instead of its number;
    None when the complaint needs it no more (see number_referral)."""
    complaint = _locked_complaint(session, pending.complaint_id)
    agency = session.get(Agency, pending.agency_id)
    if agency is None or not _referral_due(session, complaint, agency):
        return None
    return drafts.new_draft(
        session,
        kind=LetterKind.REFERRAL,
        batch=batch,
        complaint=complaint,
        agency=agency,
        recipient=agency.name,
        actor=actor,
        at=at,
    )


def number_signed_referral(
    session: Session,
    draft_id: int,
    *,
    series: str,
    number_template: str,
    issued_at: dt.datetime,
    jalali_year: int,
    date: dt.date,
    actor: str,
    freeze: Callable[[Complaint, Agency, LetterDraft, LetterIdentity], dict[str, Any]],
    approval_kinds: Collection[LetterKind] = (),
) -> Letter | None:
    """Number a signed referral draft in the caller's short transaction, the draft and its
    letter linked in the same commit; None when it is numbered already (a concurrent
    batch), no longer signed, or its complaint is no longer accepted."""
    complaint_id = session.scalar(
        select(LetterDraft.complaint_id).where(LetterDraft.id == draft_id)
    )
    if complaint_id is None:
        return None
    complaint = _locked_complaint(session, complaint_id)
    draft = drafts.get_draft(session, draft_id, lock=True)
    agency = draft.agency
    if draft.state is not DraftState.SIGNED or draft.letter_id is not None:
        return None
    if agency is None or complaint.state is not ComplaintState.ACCEPTED:
        return None
    if session.scalar(select(_live_referral(complaint.id, agency.id))):
        return None
    return number_letter(
        session,
        kind=LetterKind.REFERRAL,
        series=series,
        number_template=number_template,
        issued_at=issued_at,
        jalali_year=jalali_year,
        date=date,
        recipient=agency.name,
        actor=actor,
        freeze=lambda identity: freeze(complaint, agency, draft, identity),
        complaint=complaint,
        agency=agency,
        approval_kinds=approval_kinds,
        draft=draft,
    )


def letters_in_state(
    session: Session, state: LetterState, kinds: tuple[LetterKind, ...] | None = None
) -> list[int]:
    """Ids of letters in ``state`` (e.g. numbered but not yet stored), oldest first."""
    query = select(Letter.id).where(Letter.state == state)
    if kinds:
        query = query.where(Letter.kind.in_(kinds))
    return list(session.scalars(query.order_by(Letter.id)))


def complaints_fully_referred(
    session: Session, complaint_ids: list[int] | None = None
) -> list[Complaint]:
    """Accepted complaints (of ``complaint_ids``, or all) whose every agency has a sent referral."""
    unsent = exists().where(
        ComplaintAgency.complaint_id == Complaint.id,
        ~exists().where(
            and_(
                Letter.complaint_id == ComplaintAgency.complaint_id,
                Letter.agency_id == ComplaintAgency.agency_id,
                Letter.kind == LetterKind.REFERRAL,
                Letter.state == LetterState.SENT,
            )
        ),
    )
    query = select(Complaint).where(Complaint.state == ComplaintState.ACCEPTED, ~unsent)
    if complaint_ids is not None:
        query = query.where(Complaint.id.in_(complaint_ids))
    return list(session.scalars(query.order_by(Complaint.id)))


def move_referred_complaints(
    session: Session, *, actor: str, at: dt.datetime, complaint_ids: list[int] | None = None
) -> int:
    """Every fully referred complaint (of ``complaint_ids``, or all) moves accepted ->
    awaiting_reply; returns how many moved."""
    moved = complaints_fully_referred(session, complaint_ids)
    for complaint in moved:
        transition(session, complaint, ComplaintState.AWAITING_REPLY, actor=actor, at=at)
    return len(moved)
