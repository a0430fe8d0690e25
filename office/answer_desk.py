"""The final answer as the desk makes it: the inspector drafts the office's decision, the
head looks at the letter as it will print and signs it.

The draft is the decision's text, kept as an Event (``answer_drafted``, the text in its
note) on the case: the audit trail already holds who wrote what and when, each redraft is
one more row and none is ever edited, and no table or migration is needed.  The approval
machinery's ``letter_draft`` cannot hold it: it keeps no text (a draft's facts are frozen
only when it is numbered, docs/letters.md "Life-cycle").  Signing is the head's own action
(``Action.ANSWER``); it numbers, renders, seals (PAdES with the office key) and archives
the answer as ``residegi answer`` does (``casework.answer``), in the caller's thread.  The
key's passphrase, when the head types one, lives in this call only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from office import casework, preview
from office.access import Action, Actor, require, visible_levels
from office.pipeline import Batch, Seal, ensure_ready
from office.runtime import Runtime
from registry import complaint_queries, complaints
from registry.db import transaction
from registry.errors import Refused
from registry.events import record_event
from registry.kinds import ComplaintState, LetterKind
from registry.models import Complaint, Event
from registry.states import ensure_transition

__all__ = ["AnswerDraft", "answer_draft", "draft_answer", "draft_preview", "sign_answer"]

DRAFTED = "answer_drafted"
# A decision is a letter's body, not a book: the longest the desk takes.
DECISION_LIMIT = 20_000


@dataclass(frozen=True)
class AnswerDraft:
    """The decision as last drafted on a case waiting for its answer: the Event's id (what
    the head signs is this one, not a later redraft), its text, who and when (in the
    office's time zone)."""

    id: int
    decision: str
    drafted_by: str
    drafted_at: dt.datetime


def _current(session: Session, complaint: Complaint, zone: dt.tzinfo) -> AnswerDraft | None:
    event = session.scalars(
        select(Event)
        .where(Event.complaint_id == complaint.id, Event.action == DRAFTED)
        .order_by(Event.id.desc())
        .limit(1)
    ).first()
    if event is None or event.note is None:
        return None
    return AnswerDraft(event.id, event.note, event.actor, event.at.astimezone(zone))


def draft_answer(runtime: Runtime, actor: Actor, tracking: str, *, decision: str) -> AnswerDraft:
    """Keep ``decision`` as the case's answer draft (a later draft replaces it for the head);
    refused unless the case may be answered now (replied, or its report ready)."""
    name = require(actor, Action.DRAFT_ANSWER)
    text = complaints.required_text(decision, "decision", DECISION_LIMIT)
    levels = visible_levels(actor, runtime.settings)
    with transaction(runtime.sessions) as session:
        complaint = complaint_queries.get_complaint(session, tracking, levels)
        ensure_transition(complaint, ComplaintState.ANSWERED)
        event = record_event(
            session,
            at=runtime.clock.now(),
            actor=name,
            action=DRAFTED,
            complaint=complaint,
            note=text,
        )
        session.flush()
        return AnswerDraft(event.id, text, name, event.at.astimezone(runtime.clock.zone))


def answer_draft(runtime: Runtime, actor: Actor, tracking: str) -> AnswerDraft | None:
    """The case's answer draft while the case waits for its answer; None otherwise (not
    found for a case ``actor`` may not see)."""
    with runtime.sessions() as session:
        complaint = complaint_queries.get_complaint(
            session, tracking, visible_levels(actor, runtime.settings)
        )
        if complaint.state not in (ComplaintState.REPLIED, ComplaintState.REPORT_READY):
            return None
        return _current(session, complaint, runtime.clock.zone)


def answerer(runtime: Runtime, actor: Actor, tracking: str) -> str:
    """The name to record for ``actor`` answering case ``tracking``: refused unless they
    may answer (the head), and not found for a case they may not see (``residegi answer``
    checks this before its flow starts)."""
    name = require(actor, Action.ANSWER)
    with runtime.sessions() as session:
        complaint_queries.get_complaint(session, tracking, visible_levels(actor, runtime.settings))
    return name


def draft_preview(runtime: Runtime, actor: Actor, tracking: str) -> bytes:
    """The final answer as it will print with the current draft (not archival, no number,
    «پیش‌نویس» where the number goes); before any draft, with the placeholder where the
    decision goes (as ``letter preview final_answer``)."""
    require(actor, Action.DRAFT_ANSWER)
    draft = answer_draft(runtime, actor, tracking)
    decision = draft.decision if draft is not None else None
    return preview.preview(
        runtime, actor, LetterKind.FINAL_ANSWER, tracking, fmt="pdf", params={"decision": decision}
    )


def _seal(batch: Batch, passphrase: str | None) -> Seal:
    """Sealing with the office key opened with ``passphrase`` (typed by the head), or the
    configured one when none was typed."""
    from generators.keys import load_signing_key
    from generators.sealing import seal_answer

    settings = batch.runtime.settings
    if not passphrase:
        configured = settings.signing_key_passphrase
        passphrase = configured.get_secret_value() if configured else None
    key = load_signing_key(settings.resolved_signing_key_path, passphrase)
    return lambda facts, pdf: seal_answer(pdf, facts, key, tsa_url=settings.tsa_url)


def sign_answer(
    runtime: Runtime, actor: Actor, tracking: str, *, draft: int, passphrase: str | None = None
) -> casework.Reviewed:
    """The head signs draft ``draft``: the final answer is numbered with its decision,
    rendered, sealed, archived and sent; the complaint becomes answered.  Refused when that
    draft is no longer the case's current one (``answer_draft_changed``: look again), and
    before anything is written when the key does not open (``signing_key_unreadable``)."""
    name = require(actor, Action.ANSWER)
    current = answer_draft(runtime, actor, tracking)
    if current is None:
        with runtime.sessions() as session:
            ensure_transition(
                complaint_queries.get_complaint(session, tracking), ComplaintState.ANSWERED
            )
        raise Refused("answer_draft_missing", tracking_code=tracking)
    if current.id != draft:
        raise Refused("answer_draft_changed", tracking_code=tracking)
    batch = Batch(runtime, name)
    seal = _seal(batch, passphrase)  # a wrong passphrase is refused first, and fast
    ensure_ready(batch, [LetterKind.FINAL_ANSWER])
    return casework.answer(batch, tracking, decision=current.decision, seal=seal)
