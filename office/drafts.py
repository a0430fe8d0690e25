"""Approval and signature before the number (DESIGN: letter life-cycle).

For the kinds the office's settings name (``office.approval_required_kinds``), a batch
drafts its letters instead of numbering them; an inspector or the head approves each
draft (پاراف), the head or a deputy the head named signs it («از طرف»), or rejects it with
a reason; a later batch numbers the signed drafts, each in its own short transaction
(registry/dispatch.py), and renders, stores and sends them as any letter.  The signed
letter's PDF/A is sealed with the office's PAdES signature after its number, which the
seal covers (generators/sealing.py ``seal_letter``).  A whole batch
is approved and signed in one transaction, after the head looked at a sample
(``draft_preview``).  The registry refuses to number an unsigned letter of such a kind
whatever the path (registry/drafts.py ``check_signed``).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Any

from sqlalchemy.orm import Session

from generators.batch import RenderPool, signing_key
from office.access import Action, Actor, may, require, visible_levels
from office.pipeline import Batch, deliver, move_complaint_to, referral_freezer, send_rendered
from office.runtime import Runtime
from registry import dispatch, drafts
from registry.db import transaction
from registry.errors import InvalidInput, Refused
from registry.jalali import jalali_year
from registry.kinds import (
    DRAFTED_KINDS,
    Classification,
    ComplaintState,
    DraftState,
    LetterKind,
    Role,
)
from registry.models import Agency, Complaint, LetterDraft
from registry.register import LetterIdentity
from registry.text import to_ascii_digits
from registry.users import find_user

__all__ = [
    "approve",
    "draft_preview",
    "draft_record",
    "draft_referrals",
    "drafting",
    "list_drafts",
    "number_signed_and_send",
    "number_signed_letters",
    "reject",
    "sign",
    "signed_referrals",
]


def _iso(moment: dt.datetime | None, runtime: Runtime) -> str | None:
    return moment.astimezone(runtime.clock.zone).isoformat() if moment else None


def draft_record(draft: LetterDraft, runtime: Runtime) -> dict[str, Any]:
    """A draft as a record (snake_case keys, ISO times in the office's zone): its decisions
    and, once numbered, its letter's ``number``."""
    return {
        "id": draft.id,
        "kind": draft.kind.value,
        "state": draft.state.value,
        "batch": draft.batch,
        "tracking_code": draft.complaint.tracking_code if draft.complaint else None,
        "recipient": draft.recipient,
        "created_at": _iso(draft.created_at, runtime),
        "created_by": draft.created_by,
        "approved_at": _iso(draft.approved_at, runtime),
        "approved_by": draft.approved_by,
        "signed_at": _iso(draft.signed_at, runtime),
        "signed_by": draft.signed_by,
        "deputy_name": draft.deputy_name,
        "rejected_at": _iso(draft.rejected_at, runtime),
        "rejected_by": draft.rejected_by,
        "reason": draft.reject_reason,
        "number": draft.letter.number if draft.letter else None,
    }


# -- the batch's side: drafting, and numbering what is signed


def drafting(batch: Batch, kind: LetterKind) -> bool:
    """Whether letters of ``kind`` wait as drafts (the office's setting)."""
    return kind in batch.approval_kinds


def draft_referrals(
    batch: Batch, pending: Sequence[dispatch.PendingReferral], code: str | None = None
) -> list[int]:
    """A draft for each pending referral, each in its own short transaction, all under one
    batch code (a new one unless ``code``); ids of the new drafts.  Nothing is numbered."""
    code = code or secrets.token_hex(4)
    made = []
    for item in pending:
        with transaction(batch.runtime.sessions) as session:
            draft = dispatch.draft_referral(
                session, item, batch=code, actor=batch.actor, at=batch.runtime.clock.now()
            )
            if draft is not None:
                made.append(draft.id)
        batch.report("draft", len(made), len(pending))
    return made


def signed_referrals(batch: Batch) -> list[int]:
    """Signed referral drafts still to number (their complaint still accepted)."""
    with batch.runtime.sessions() as session:
        return drafts.signed_to_number(session, LetterKind.REFERRAL)


def _signed_freezer(
    batch: Batch,
) -> Callable[[Complaint, Agency, LetterDraft, LetterIdentity], dict[str, Any]]:
    """A referral's facts frozen at its number, with the deputy who signed it, if one did."""
    freeze = referral_freezer(batch)

    def frozen(
        complaint: Complaint, agency: Agency, draft: LetterDraft, identity: LetterIdentity
    ) -> dict[str, Any]:
        facts = freeze(complaint, agency, identity)
        office = dict(facts["office"])
        if draft.deputy_name:
            office |= {"deputy_name": draft.deputy_name, "deputy_title": draft.deputy_title}
        # Signed, it leaves sealed: the seal over its PDF covers the number it now has.
        letter = {**facts["letter"], "sealed": True}
        return batch.frozen(LetterKind.REFERRAL, {**facts, "office": office, "letter": letter})

    return frozen


def _numbered_signed(
    batch: Batch, draft_ids: Sequence[int]
) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """Number each signed draft in its own short transaction (the number, the frozen facts
    and the draft's link to its letter commit together), yielding render jobs."""
    office = batch.runtime.settings.office
    freeze = _signed_freezer(batch)
    for draft_id in draft_ids:
        now = batch.runtime.clock.now()
        with transaction(batch.runtime.sessions) as session:
            letter = dispatch.number_signed_referral(
                session,
                draft_id,
                series=office.series["outgoing"],
                number_template=office.number_format,
                issued_at=now,
                jalali_year=jalali_year(now.date()),
                date=now.date(),
                actor=batch.actor,
                freeze=freeze,
                approval_kinds=batch.approval_kinds,
            )
            job = (letter.id, letter.kind.value, letter.facts) if letter is not None else None
        if job is not None:
            batch.failpoints.hit("after_number_commit")
            yield job


def number_signed_and_send(
    batch: Batch,
    pool: RenderPool[int],
    draft_ids: Sequence[int],
    *,
    done_before: int = 0,
    total: int | None = None,
) -> list[str]:
    """Number the signed drafts and render, seal, store and send each (as
    ``number_and_send`` does for referrals without approval); a crash leaves what the next
    run finishes.  The office's key is loaded first: without it nothing is numbered."""
    if draft_ids:
        signing_key(batch.seal_with())
    jobs = _numbered_signed(batch, draft_ids)
    return send_rendered(batch, pool, jobs, done_before, total or len(draft_ids))


# -- the decisions (staff)


def list_drafts(
    runtime: Runtime, actor: Actor, *, every: bool = False, batch: str | None = None
) -> list[dict[str, Any]]:
    """Drafts waiting for a decision or their number, oldest first (``every``: rejected
    and numbered ones too), optionally of one batch."""
    require(actor, Action.READ_DRAFTS)
    states = tuple(DraftState) if every else drafts.OPEN_STATES
    levels = visible_levels(actor, runtime.settings)
    with runtime.sessions() as session:
        found = drafts.drafts_in(session, states, batch=_code(batch), levels=levels)
        return [draft_record(draft, runtime) for draft in found]


def _chosen(
    session: Session,
    states: Collection[DraftState],
    ids: Collection[int],
    batch: str | None,
    every: bool,
    levels: Collection[Classification],
) -> list[LetterDraft]:
    """The drafts a decision is about: ``ids`` exactly (each must exist and be of a case
    the decider may see), or those of one batch, or all, in ``states`` (none of a case
    classified above the decider's ``levels``); InvalidInput when nothing was named."""
    if ids:
        return [
            drafts.get_draft(session, draft_id, lock=True, levels=levels)
            for draft_id in sorted(set(ids))
        ]
    if batch is None and not every:
        raise InvalidInput("drafts_not_named", field="draft")
    return drafts.drafts_in(session, states, batch=_code(batch), lock=True, levels=levels)


def _code(batch: str | None) -> str | None:
    # A batch code as staff type it from a table that printed its digits in Persian.
    return to_ascii_digits(batch.strip()) if batch is not None else None


def approve(
    runtime: Runtime,
    actor: Actor,
    ids: Collection[int] = (),
    *,
    batch: str | None = None,
    every: bool = False,
) -> list[dict[str, Any]]:
    """پاراف of the drafts named (by id, a batch, or all waiting), in one transaction: all
    of them or, if one is refused (not waiting), none."""
    name = require(actor, Action.APPROVE_LETTER)
    levels = visible_levels(actor, runtime.settings)
    with transaction(runtime.sessions) as session:
        chosen = _chosen(session, (DraftState.DRAFT,), ids, batch, every, levels)
        at = runtime.clock.now()
        for draft in chosen:
            drafts.approve(session, draft, actor=name, at=at)
        return [draft_record(draft, runtime) for draft in chosen]


def _deputy(session: Session, actor: Actor) -> drafts.Deputy | None:
    """None when ``actor`` signs as the head (the head, or the machine's operator); the
    deputy's printed name and title when they sign «از طرف» the head."""
    if isinstance(actor, str) or Role.HEAD in actor.roles:
        return None
    user = find_user(session, actor.username)
    if user is None or user.deputy_named_at is None:  # withdrawn since the page loaded
        raise Refused("role_required", action=Action.SIGN_LETTER.code, roles=Role.HEAD.label_fa)
    return drafts.Deputy(name=user.full_name, title=user.deputy_title or "")


def sign(
    runtime: Runtime,
    actor: Actor,
    ids: Collection[int] = (),
    *,
    batch: str | None = None,
    every: bool = False,
) -> list[dict[str, Any]]:
    """The signature of the drafts named (by id, a batch, or all waiting), in one
    transaction: all or none.  A signer who may also approve (the head) approves a draft
    not yet approved first, both decisions recorded; a deputy signs approved drafts only.
    Then every signed draft of a kind other than referral is numbered and sent
    (``number_signed_letters``); referrals wait for the next dispatch."""
    name = require(actor, Action.SIGN_LETTER)
    approves = may(actor, Action.APPROVE_LETTER)
    states = (DraftState.DRAFT, DraftState.APPROVED) if approves else (DraftState.APPROVED,)
    levels = visible_levels(actor, runtime.settings)
    with transaction(runtime.sessions) as session:
        deputy = _deputy(session, actor)
        chosen = _chosen(session, states, ids, batch, every, levels)
        at = runtime.clock.now()
        for draft in chosen:
            if approves and draft.state is DraftState.DRAFT:
                drafts.approve(session, draft, actor=name, at=at)
            drafts.sign(session, draft, actor=name, at=at, deputy=deputy)
        signed = [draft.id for draft in chosen]
    # Letters other than referrals leave as soon as they are signed (a referral waits for
    # the next dispatch, which numbers a whole batch); signed ones a crash left unnumbered
    # go with them.
    with runtime.sessions() as session:
        waiting = drafts.signed_unnumbered(session, SIGNED_AND_SENT)
    number_signed_letters(Batch(runtime, name), waiting)
    with runtime.sessions() as session:
        return [
            draft_record(draft, runtime)
            for draft in drafts.drafts_in(session, tuple(DraftState), ids=signed)
        ]


SIGNED_AND_SENT = frozenset(DRAFTED_KINDS - {LetterKind.REFERRAL})
"""The kinds numbered, rendered, sealed and sent right when their draft is signed."""


def number_signed_letters(batch: Batch, draft_ids: Sequence[int]) -> list[str]:
    """Number each signed draft (not a referral) in its own short transaction with what
    its path was asked, then render, seal, store and send it as that path does (a final
    answer sealed as every answer, and its complaint answered; a report's complaint
    report_ready); the numbers sent.  A draft whose letter is no longer due stays signed
    and unnumbered (reject it).  The office's key is loaded before anything is numbered."""
    from office import casework, chasing, inspection

    if not draft_ids:
        return []
    signing_key(batch.seal_with())
    answer_seal = None
    sent = []
    for draft_id in draft_ids:
        with transaction(batch.runtime.sessions) as session:
            draft = drafts.get_draft(session, draft_id, lock=True)
            if draft.state is not DraftState.SIGNED or draft.kind is LetterKind.REFERRAL:
                continue
            kind = draft.kind
            number = {
                LetterKind.REJECTION: casework.number_signed_rejection,
                LetterKind.FINAL_ANSWER: casework.number_signed_answer,
                LetterKind.INSPECTION_REPORT: inspection.number_signed_report,
                LetterKind.REMINDER: chasing.number_signed_step,
                LetterKind.ESCALATION: chasing.number_signed_step,
            }[kind]
            letter = number(batch, session, draft)
            letter_id = letter.id if letter is not None else None
        if letter_id is None:
            continue
        if kind is LetterKind.FINAL_ANSWER:
            answer_seal = answer_seal or casework.answer_seal(batch)
            after = move_complaint_to(batch, ComplaintState.ANSWERED)
            sent += deliver(batch, [letter_id], after, seal=answer_seal)
        elif kind is LetterKind.INSPECTION_REPORT:
            sent += deliver(
                batch, [letter_id], move_complaint_to(batch, ComplaintState.REPORT_READY)
            )
        else:
            sent += deliver(batch, [letter_id])
    return sent


def reject(runtime: Runtime, actor: Actor, draft_id: int, *, reason: str) -> dict[str, Any]:
    """A draft rejected with a reason (required): it never gets a number.  Whoever may
    approve or sign may reject."""
    signs = may(actor, Action.SIGN_LETTER)
    name = require(actor, Action.SIGN_LETTER if signs else Action.READ_DRAFTS)
    levels = visible_levels(actor, runtime.settings)
    with transaction(runtime.sessions) as session:
        draft = drafts.get_draft(session, draft_id, lock=True, levels=levels)
        drafts.reject(session, draft, reason=reason, actor=name, at=runtime.clock.now())
        return draft_record(draft, runtime)


def draft_preview(runtime: Runtime, actor: Actor, draft_id: int) -> bytes:
    """The draft as a PDF (not archival) that prints «پیش‌نویس» for its number, in the
    words its path was asked (a rejection's reason, an answer's decision): the sample the
    head looks at before signing a batch."""
    from office.preview import preview

    require(actor, Action.READ_DRAFTS)
    with runtime.sessions() as session:
        draft = drafts.get_draft(session, draft_id, levels=visible_levels(actor, runtime.settings))
        if draft.complaint is None:
            raise InvalidInput("preview_unavailable", kind=draft.kind.value)
        kind, tracking = draft.kind, draft.complaint.tracking_code
        agency = draft.agency.name if draft.agency is not None else None
        params = dict(draft.params or {})
    # A letter to the complainant names no agency (the case's first serves the builder);
    # an inspection report has no preview (InvalidInput preview_unavailable).
    return preview(runtime, actor, kind, tracking, fmt="pdf", agency=agency, params=params)
