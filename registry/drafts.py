"""Drafts (پیش‌نویس): letters waiting for their approval (پاراف) and signature before
the number.

A draft has no number and no frozen facts.  It is approved by an inspector or the head,
signed by the head or a deputy «از طرف» the head, or rejected with a reason; each
decision is recorded on the draft (who, when) and as an Event.  Only a signed draft may be
numbered (``registry.register.number_letter`` checks it), in the short transaction that
allocates the number and links the draft to its letter: the number stays gapless, a
rejected draft never gets one, and a draft is numbered at most once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session, selectinload

from registry.complaint_queries import visible_condition
from registry.errors import InvalidInput, NotFound, Refused
from registry.events import record_event
from registry.kinds import Classification, ComplaintState, DraftState, LetterKind
from registry.models import Agency, Complaint, LetterDraft

OPEN_STATES = (DraftState.DRAFT, DraftState.APPROVED, DraftState.SIGNED)


def open_draft(complaint_id: Any, agency_id: Any, kind: LetterKind) -> Any:
    """SQL: a draft of ``kind`` to this agency of this complaint still waits (or is signed
    and waits for its number): no second letter is drafted or numbered beside it."""
    return exists().where(
        LetterDraft.complaint_id == complaint_id,
        LetterDraft.agency_id == agency_id,
        LetterDraft.kind == kind,
        LetterDraft.state.in_(OPEN_STATES),
    )


def new_draft(
    session: Session,
    *,
    kind: LetterKind,
    batch: str,
    complaint: Complaint,
    agency: Agency | None,
    recipient: str,
    actor: str,
    at: dt.datetime,
    params: dict[str, Any] | None = None,
) -> LetterDraft:
    """A new draft in the caller's transaction, with its Event; ``params``: what the path
    was asked, to number the letter from once signed (none for a referral)."""
    draft = LetterDraft(
        kind=kind,
        params=params,
        state=DraftState.DRAFT,
        batch=batch,
        complaint=complaint,
        agency=agency,
        recipient=recipient,
        created_at=at,
        created_by=actor,
    )
    session.add(draft)
    session.flush()
    _event(session, draft, "draft_created", actor, at, before=None)
    return draft


def get_draft(
    session: Session,
    draft_id: int,
    *,
    lock: bool = False,
    levels: Collection[Classification] | None = None,
) -> LetterDraft:
    """The draft, locked for the caller's decision when ``lock``; NotFound otherwise, and
    also, with ``levels`` (the reader's), for a draft of a case classified at another level
    (as a draft that never was)."""
    query = select(LetterDraft).where(LetterDraft.id == draft_id)
    if lock:
        query = query.with_for_update(of=LetterDraft)
    draft = session.scalars(query).one_or_none()
    hidden = (
        draft is not None
        and levels is not None
        and draft.complaint is not None
        and draft.complaint.classification not in levels
    )
    if draft is None or hidden:
        raise NotFound("draft_not_found", draft=draft_id)
    return draft


def approve(session: Session, draft: LetterDraft, *, actor: str, at: dt.datetime) -> None:
    """پاراف: a waiting draft is approved; any other state is refused."""
    if draft.state is not DraftState.DRAFT:
        raise Refused("draft_not_waiting", draft=draft.id, state=draft.state.label_fa)
    draft.state = DraftState.APPROVED
    draft.approved_at, draft.approved_by = at, actor
    _event(session, draft, "draft_approved", actor, at, before=DraftState.DRAFT)


@dataclass(frozen=True)
class Deputy:
    """A deputy's signature «از طرف» the head: the name and title the letter prints."""

    name: str
    title: str


def sign(
    session: Session,
    draft: LetterDraft,
    *,
    actor: str,
    at: dt.datetime,
    deputy: Deputy | None = None,
) -> None:
    """The signature: an approved draft is signed (by the head, or by ``deputy``);
    a draft not yet approved, or already decided, is refused."""
    if draft.state is not DraftState.APPROVED:
        code = "draft_not_approved" if draft.state is DraftState.DRAFT else "draft_not_waiting"
        raise Refused(code, draft=draft.id, state=draft.state.label_fa)
    draft.state = DraftState.SIGNED
    draft.signed_at, draft.signed_by = at, actor
    if deputy is not None:
        draft.deputy_name, draft.deputy_title = deputy.name, deputy.title
    data = {"deputy": deputy.name} if deputy is not None else None
    _event(session, draft, "draft_signed", actor, at, before=DraftState.APPROVED, data=data)


def reject(
    session: Session, draft: LetterDraft, *, reason: str, actor: str, at: dt.datetime
) -> None:
    """A draft not yet numbered is rejected with a reason: it never gets a number."""
    if not reason.strip():
        raise InvalidInput("reason_required", field="reason")
    if not draft.state.open:
        raise Refused("draft_not_waiting", draft=draft.id, state=draft.state.label_fa)
    before = draft.state
    draft.state = DraftState.REJECTED
    draft.rejected_at, draft.rejected_by, draft.reject_reason = at, actor, reason.strip()
    _event(session, draft, "draft_rejected", actor, at, before=before, note=reason.strip())


def check_signed(
    kind: LetterKind, approval_kinds: Collection[LetterKind], draft: LetterDraft | None
) -> None:
    """Refused ``letter_unsigned`` unless a letter of ``kind`` may be numbered now: a kind
    the office asks approval for needs its signed draft, and a draft given must be signed,
    of the same kind, and not numbered already."""
    if draft is None:
        if kind in approval_kinds:
            raise Refused("letter_unsigned", kind=kind.label_fa)
        return
    if draft.state is not DraftState.SIGNED or draft.kind is not kind or draft.letter_id:
        raise Refused("letter_unsigned", kind=kind.label_fa)


def drafts_in(
    session: Session,
    states: Collection[DraftState],
    *,
    batch: str | None = None,
    ids: Collection[int] | None = None,
    lock: bool = False,
    levels: Collection[Classification] | None = None,
) -> list[LetterDraft]:
    """Drafts in ``states`` (of one batch, or of ``ids``), oldest first, with their case;
    locked in that order for the caller's decision when ``lock``; with ``levels`` (the
    reader's), none of a case classified at another level."""
    query = (
        select(LetterDraft)
        .where(LetterDraft.state.in_(tuple(states)))
        .options(selectinload(LetterDraft.complaint), selectinload(LetterDraft.letter))
        .order_by(LetterDraft.id)
    )
    hidden = visible_condition(levels)
    if hidden is not None:
        query = query.outerjoin(Complaint, Complaint.id == LetterDraft.complaint_id).where(
            or_(LetterDraft.complaint_id.is_(None), hidden)
        )
    if lock:
        query = query.with_for_update(of=LetterDraft)
    if batch is not None:
        query = query.where(LetterDraft.batch == batch)
    if ids is not None:
        query = query.where(LetterDraft.id.in_(tuple(ids)))
    return list(session.scalars(query))


def signed_to_number(session: Session, kind: LetterKind) -> list[int]:
    """Ids of signed drafts of ``kind`` still to number whose complaint is still accepted
    (a complaint withdrawn meanwhile keeps its signed draft unnumbered), oldest first."""
    query = (
        select(LetterDraft.id)
        .join(Complaint, Complaint.id == LetterDraft.complaint_id)
        .where(
            LetterDraft.kind == kind,
            LetterDraft.state == DraftState.SIGNED,
            Complaint.state == ComplaintState.ACCEPTED,
        )
        .order_by(LetterDraft.id)
    )
    return list(session.scalars(query))


def open_draft_of(
    session: Session, kind: LetterKind, complaint: Complaint, *, chases: int | None = None
) -> LetterDraft | None:
    """The draft of ``kind`` of this complaint still waiting or signed (of the referral
    ``chases``, for a chaser), if one is: a path drafts a letter once, not beside it."""
    query = (
        select(LetterDraft)
        .where(
            LetterDraft.complaint_id == complaint.id,
            LetterDraft.kind == kind,
            LetterDraft.state.in_(OPEN_STATES),
        )
        .order_by(LetterDraft.id)
    )
    for draft in session.scalars(query):
        if chases is None or (draft.params or {}).get("chases") == chases:
            return draft
    return None


def signed_unnumbered(
    session: Session, kinds: Collection[LetterKind], *, complaint: Complaint | None = None
) -> list[int]:
    """Ids of signed drafts of ``kinds`` not numbered yet (of one complaint), oldest first."""
    query = select(LetterDraft.id).where(
        LetterDraft.kind.in_(tuple(kinds)), LetterDraft.state == DraftState.SIGNED
    )
    if complaint is not None:
        query = query.where(LetterDraft.complaint_id == complaint.id)
    return list(session.scalars(query.order_by(LetterDraft.id)))


def _event(
    session: Session,
    draft: LetterDraft,
    action: str,
    actor: str,
    at: dt.datetime,
    *,
    before: DraftState | None,
    note: str | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    record_event(
        session,
        at=at,
        actor=actor,
        action=action,
        complaint=draft.complaint,
        before=before.value if before is not None else None,
        after=draft.state.value,
        note=note,
        data={"draft": draft.id, "kind": draft.kind.value, "batch": draft.batch, **(data or {})},
    )
