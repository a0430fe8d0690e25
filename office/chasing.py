"""Chasing late replies: each overdue referral gets the next step of its ladder, once.

The ladder (settings N, M, K): a first reminder N working days after the due date, a
second M after the first, an escalation with a copy to the agency's superior K after the
second.  A step is a numbered letter like any other.  It is decided from what the
registry holds (the chasers already made, void ones aside), and re-checked under a lock on
the referral when it is numbered, so running the chase twice a day, or two at once,
makes each step once.  A reply or a void referral stops the ladder: such a referral is
no longer outstanding.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from generators.batch import signing_key
from office.access import Action, Actor, require
from office.pipeline import Batch, deliver, number_case_letter, stated_reply_days
from office.runtime import Runtime
from registry import drafts
from registry.agencies import superior_of
from registry.db import transaction
from registry.deadlines import CHASER_KINDS
from registry.holidays import working_calendar
from registry.jalali import format_jalali
from registry.kinds import DraftState, LetterKind, LetterState
from registry.letter_facts import escalation_facts, reminder_facts
from registry.models import Letter, LetterDraft
from registry.outstanding import ChaseStep, ChaseStepKind, OutstandingRow, outstanding_replies
from registry.references import chaser_references
from registry.register import LetterIdentity


@dataclass(frozen=True)
class PlannedStep:
    """A step due today for one referral."""

    referral_id: int
    referral_number: str
    agency: str
    tracking_code: str | None
    working_days_late: int
    step: ChaseStep

    def as_record(self) -> dict[str, Any]:
        """The planned step under the ``--json`` contract."""
        return {
            "number": self.referral_number,
            "agency": self.agency,
            "tracking_code": self.tracking_code,
            "working_days_late": self.working_days_late,
            "step": self.step.kind.value,
            "step_date": format_jalali(self.step.date),
        }


def _outstanding(batch: Batch) -> list[OutstandingRow]:
    settings = batch.runtime.settings
    clock = batch.runtime.clock
    with batch.runtime.sessions() as session:
        return outstanding_replies(
            session,
            today=clock.today(),
            calendar=working_calendar(session, settings.weekend_python_days),
            zone=clock.zone,
            first_after=settings.chase_first_after,
            second_after=settings.chase_second_gap,
            escalate_after=settings.chase_escalate_gap,
        )


def plan(batch: Batch) -> list[PlannedStep]:
    """The steps due today, most late referral first."""
    today = batch.runtime.clock.today()
    return [
        PlannedStep(
            row.letter_id,
            row.number,
            row.agency,
            row.tracking_code,
            row.working_days_late,
            row.next_step,
        )
        for row in _outstanding(batch)
        if row.next_step is not None and row.next_step.due_on(today)
    ]


def preview(runtime: Runtime, actor: Actor) -> list[PlannedStep]:
    """The reminders and escalations a chase run would make today, most late referral
    first, without making any (what ``chase --dry-run`` lists)."""
    return plan(Batch(runtime, require(actor, Action.CHASE)))


def number_step(batch: Batch, planned: PlannedStep, code: str | None = None) -> int | None:
    """Number the step's letter in its own transaction, or None if it is no longer due
    (a reply came, the referral was voided, or another run made the step).  Where the
    office asks approval of its kind, the step is drafted instead (once, under the run's
    ``code``) and numbered when signed: None too."""
    with transaction(batch.runtime.sessions) as session:
        referral = session.get_one(Letter, planned.referral_id, with_for_update=True)
        step = _due(batch, session, referral, planned.step.kind)
        if step is None or referral.complaint is None or referral.agency is None:
            return None
        kind = step[0]
        if kind in batch.approval_kinds:
            complaint = referral.complaint
            if drafts.open_draft_of(session, kind, complaint, chases=referral.id) is None:
                drafts.new_draft(
                    session,
                    kind=kind,
                    batch=code or secrets.token_hex(4),
                    complaint=complaint,
                    agency=referral.agency,
                    recipient=referral.agency.name,
                    actor=batch.actor,
                    at=batch.runtime.clock.now(),
                    params={"chases": referral.id, "step": planned.step.kind.value},
                )
            return None
        return _number(batch, session, referral, step).id


def number_signed_step(batch: Batch, session: Session, draft: LetterDraft) -> Letter | None:
    """A reminder or escalation numbered from its signed draft in the caller's
    transaction; None when its step is no longer due (a reply came, the referral was
    voided, or the step was made)."""
    params = draft.params or {}
    referral = session.get(Letter, params.get("chases"), with_for_update=True)
    if referral is None:
        return None
    step = _due(batch, session, referral, ChaseStepKind(params["step"]))
    if step is None or step[0] is not draft.kind:
        return None
    return _number(batch, session, referral, step, draft)


_Step = tuple[LetterKind, Callable[[LetterIdentity], dict[str, Any]], list[Letter]]


def _due(batch: Batch, session: Session, referral: Letter, wanted: ChaseStepKind) -> _Step | None:
    """The letter the step ``wanted`` of ``referral`` makes (kind, facts, the reminders it
    follows), or None when it is not due any more."""
    settings = batch.runtime.settings
    zone = batch.runtime.clock.zone
    if referral.state is not LetterState.SENT or referral.replied_at is not None:
        return None
    chasers = list(
        session.scalars(
            select(Letter)
            .where(Letter.chases_id == referral.id, Letter.state != LetterState.VOID)
            .order_by(Letter.seq)
        )
    )
    reminders = [c for c in chasers if c.kind is LetterKind.REMINDER]
    made = {
        ChaseStepKind.FIRST_REMINDER: len(reminders) >= 1,
        ChaseStepKind.SECOND_REMINDER: len(reminders) >= 2,
        ChaseStepKind.ESCALATION: any(c.kind is LetterKind.ESCALATION for c in chasers),
    }[wanted]
    if made or referral.agency is None or referral.complaint is None:
        return None
    office = settings.office
    facts: Callable[[LetterIdentity], dict[str, Any]]
    if wanted is ChaseStepKind.ESCALATION:
        superior = superior_of(referral.agency)
        if superior is None:
            return None
        kind = LetterKind.ESCALATION
        days = stated_reply_days(settings, kind, priority=referral.complaint.priority)
        facts = partial(
            escalation_facts,
            referral,
            reminders,
            superior,
            office=office,
            answer_within_days=days,
            zone=zone,
        )
    else:
        kind = LetterKind.REMINDER
        days = stated_reply_days(settings, kind, priority=referral.complaint.priority)
        ordinal = 1 if wanted is ChaseStepKind.FIRST_REMINDER else 2
        facts = partial(
            reminder_facts,
            referral,
            office=office,
            answer_within_days=days,
            zone=zone,
            ordinal=ordinal,
            previous=reminders,
        )
    return kind, facts, reminders


def _number(
    batch: Batch,
    session: Session,
    referral: Letter,
    step: _Step,
    draft: LetterDraft | None = None,
) -> Letter:
    kind, facts, reminders = step
    assert referral.complaint is not None and referral.agency is not None  # checked by _due
    return number_case_letter(
        batch,
        session,
        kind,
        referral.complaint,
        recipient=referral.agency.name,
        agency=referral.agency,
        chases=referral,
        facts=facts,
        references=chaser_references(referral, reminders),
        draft=draft,
    )


def _signed_steps(batch: Batch) -> list[int]:
    """Number the chasers signed but not numbered yet (a signature whose numbering did not
    finish), each in its own transaction, the office's key loaded first; their ids."""
    with batch.runtime.sessions() as session:
        signed = drafts.signed_unnumbered(session, CHASER_KINDS)
    if not signed:
        return []
    signing_key(batch.seal_with())
    made = []
    for draft_id in signed:
        with transaction(batch.runtime.sessions) as session:
            draft = drafts.get_draft(session, draft_id, lock=True)
            if draft.state is DraftState.SIGNED:
                letter = number_signed_step(batch, session, draft)
                if letter is not None:
                    made.append(letter.id)
    return made


@dataclass(frozen=True)
class ChaseResult:
    planned: list[PlannedStep]
    sent: list[str]


def chase(batch: Batch, *, dry_run: bool = False) -> ChaseResult:
    """Take every step due today (or only list them, ``dry_run``).  Chasers a crashed run
    numbered but did not send are finished first, then signed drafts of chasers not
    numbered yet; where the office asks approval of a step's kind, it is drafted."""
    with batch.runtime.sessions() as session:
        leftovers = list(
            session.scalars(
                select(Letter.id).where(
                    Letter.state == LetterState.NUMBERED,
                    Letter.kind.in_(CHASER_KINDS),
                )
            )
        )
    planned = plan(batch)
    if dry_run:
        return ChaseResult(planned, [])
    code = secrets.token_hex(4)  # the run's drafts, signed as one batch
    ids = leftovers + _signed_steps(batch)
    ids += [i for i in (number_step(batch, p, code) for p in planned) if i is not None]
    sent = []
    for done, letter_id in enumerate(ids, start=1):
        sent += deliver(batch, [letter_id])
        batch.report("chase", done, len(ids))
    return ChaseResult(planned, sent)
