"""The steps of a letter batch as plain functions over registry, generators and archive.

Each step is its own short transaction, and each leaves the registry in a state that a
rerun continues from: number (the number and the frozen facts commit together), then
render outside any transaction, then store + send + move the complaint in one
transaction.  Prefect tasks (flows/dispatch.py) wrap these; tests call them directly.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.letters import store_letter
from generators import FACTS_MODELS, check_templates
from generators.batch import (
    RenderedLetter,
    RenderPool,
    SealWith,
    render_letter_files,
    seal_files,
)
from office.failpoints import Failpoints
from office.runtime import Runtime
from office.sheets import document_sheets
from registry import dispatch
from registry.calendar import WorkingCalendar
from registry.db import transaction
from registry.deadlines import mark_sent, reply_deadline_days_for, stated_deadline_days
from registry.drafts import signed_to_number
from registry.errors import InvalidInput, Refused
from registry.holidays import working_calendar
from registry.jalali import jalali_year
from registry.kinds import ComplaintState, LetterKind, LetterState, Priority
from registry.letter_facts import referral_facts, verification_facts
from registry.models import Agency, Complaint, Letter, LetterDraft
from registry.references import Cited, record_references, reference_facts
from registry.register import LetterIdentity, number_letter
from registry.settings import Settings
from registry.states import transition

T = TypeVar("T")
Progress = Callable[[str, int, int], None]  # (stage, done, total)


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class Batch:
    """One batch run: its resources, who acts, and its test hooks."""

    runtime: Runtime
    actor: str
    failpoints: Failpoints = field(default_factory=Failpoints)
    progress: Progress | None = None
    _calendar: WorkingCalendar | None = field(default=None, init=False, repr=False)

    def calendar(self, session: Session) -> WorkingCalendar:
        """The office's working calendar, read once per batch: a batch is minutes long, and
        a holiday edited meanwhile recomputes the open deadlines it touches itself."""
        if self._calendar is None:
            settings = self.runtime.settings
            self._calendar = working_calendar(session, settings.weekend_python_days)
        return self._calendar

    def report(self, stage: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(stage, done, total)

    def seal_with(self) -> SealWith:
        """Where the render workers find the office's key to seal letters (loaded there)."""
        settings = self.runtime.settings
        passphrase = settings.signing_key_passphrase
        return SealWith(
            key_path=str(settings.resolved_signing_key_path),
            passphrase=passphrase.get_secret_value() if passphrase else None,
            tsa_url=settings.tsa_url,
        )

    @property
    def approval_kinds(self) -> frozenset[LetterKind]:
        """The kinds whose letters are numbered only from a signed draft (the setting)."""
        return frozenset(self.runtime.settings.office.approval_required_kinds)

    def frozen(self, kind: LetterKind, facts: dict[str, Any]) -> dict[str, Any]:
        """Facts as stored: validated against the kind's schema, in their JSON form, with
        how a reader will check the letter (the office's verification settings today).  A
        letter that cites nothing stores no ``references`` key: its facts stay exactly as
        they were before references existed."""
        checked = {**facts, "verification": verification_facts(self.runtime.settings.office)}
        frozen = FACTS_MODELS[kind.value].model_validate(checked).model_dump(mode="json")
        if not frozen.get("references"):
            frozen.pop("references", None)
        return frozen


def stated_reply_days(
    settings: Settings,
    kind: LetterKind,
    agency: Agency | None = None,
    priority: Priority = Priority.NORMAL,
) -> int:
    """The working days a letter of ``kind`` (to ``agency``, in a case of ``priority``)
    gives for a reply, by the one rule (``reply_deadline_days_for``: the priority's days
    where the office sets them, then the agency's, then the kind's default);
    ``store_and_send`` counts its due date from them."""
    days = reply_deadline_days_for(
        kind,
        agency,
        settings.reply_deadline_days,
        settings.reminder_deadline_days,
        settings.priority_reply_days.get(priority),
    )
    if days is None:
        raise ValueError(f"{kind.value} letters expect no reply")
    return days


def ensure_ready(batch: Batch, kinds: Iterable[LetterKind]) -> None:
    """Refuse to start a batch that would fail on every letter: no signatory in the office
    profile (exit 2), or a template it needs failing its check (exit 4)."""
    if not batch.runtime.settings.office.signatory_name.strip():
        raise InvalidInput("signatory_required", field="signatory_name")
    problems = check_templates([kind.value for kind in kinds])
    if problems:
        raise Refused("templates_failing", problems="; ".join(p.describe() for p in problems))


def number_referrals(batch: Batch, pending: Sequence[dispatch.PendingReferral]) -> list[int]:
    """Number each pending referral in its own short transaction; ids of the new letters."""
    return [letter_id for letter_id, _, _ in _numbered(batch, pending)]


ReferralFreeze = Callable[[Complaint, Agency, LetterIdentity], dict[str, Any]]


def referral_freezer(batch: Batch) -> ReferralFreeze:
    """How a referral's facts are frozen at its number: the complaint and agency as they
    are in that short transaction, validated against the kind's schema."""
    settings = batch.runtime.settings
    zone = batch.runtime.clock.zone

    def freeze(complaint: Complaint, agency: Agency, identity: LetterIdentity) -> dict[str, Any]:
        days = stated_reply_days(settings, LetterKind.REFERRAL, agency, complaint.priority)
        facts = referral_facts(
            complaint,
            agency,
            identity,
            settings.office,
            answer_within_days=days,
            zone=zone,
            sheets=document_sheets(batch.runtime.store, complaint),
        )
        return batch.frozen(LetterKind.REFERRAL, facts)

    return freeze


def _numbered(
    batch: Batch, pending: Sequence[dispatch.PendingReferral]
) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """Number the referrals one by one, each committed with its frozen facts before it is
    yielded as a render job ``(letter id, kind, facts)``."""
    office = batch.runtime.settings.office
    freeze = referral_freezer(batch)
    for item in pending:
        now = batch.runtime.clock.now()
        today = now.date()
        with transaction(batch.runtime.sessions) as session:
            letter = dispatch.number_referral(
                session,
                item,
                series=office.series["outgoing"],
                number_template=office.number_format,
                issued_at=now,
                jalali_year=jalali_year(today),
                date=today,
                actor=batch.actor,
                freeze=freeze,
                approval_kinds=batch.approval_kinds,
            )
            job = (letter.id, letter.kind.value, letter.facts) if letter is not None else None
        if job is not None:
            batch.failpoints.hit("after_number_commit")
            yield job


def _jobs(batch: Batch, letter_ids: Sequence[int]) -> Iterator[tuple[int, str, dict[str, Any]]]:
    # Facts are read a letter at a time, as the pool asks: nothing accumulates.
    for letter_id in letter_ids:
        with batch.runtime.sessions() as session:
            row = session.execute(
                select(Letter.kind, Letter.facts, Letter.state).where(Letter.id == letter_id)
            ).one()
        if row.state is LetterState.NUMBERED:
            yield letter_id, row.kind.value, row.facts


AfterSent = Callable[[Session, Letter], None]
Seal = Callable[[dict[str, Any], bytes], bytes]  # (frozen facts, PDF) -> archived PDF


def move_complaint_when_referred(batch: Batch) -> AfterSent:
    """After a referral is sent: its complaint moves on once every agency has its letter."""

    def after(session: Session, letter: Letter) -> None:
        if letter.complaint_id is not None:
            dispatch.move_referred_complaints(
                session,
                actor=batch.actor,
                at=batch.runtime.clock.now(),
                complaint_ids=[letter.complaint_id],
            )

    return after


def move_complaint_to(batch: Batch, target: ComplaintState) -> AfterSent:
    """After the letter is sent: its complaint moves to ``target`` (a final answer, a
    report), in the same transaction."""

    def after(session: Session, letter: Letter) -> None:
        if letter.complaint is not None:
            transition(
                session, letter.complaint, target, actor=batch.actor, at=batch.runtime.clock.now()
            )

    return after


def allowed_workers(settings: Settings, workers: int) -> int:
    """``workers`` rendering processes, if this machine may start that many: at most the
    setting ``max_workers``, by default twice its cores (each process holds ~110 MB; more
    than the cores only queue for them).  InvalidInput ``workers_too_many`` otherwise."""
    limit = settings.max_workers or 2 * (os.cpu_count() or 1)
    if not 1 <= workers <= limit:
        raise InvalidInput("workers_too_many", field="workers", value=workers, limit=limit)
    return workers


def store_and_send(
    batch: Batch, letter_id: int, files: RenderedLetter, after: AfterSent | None = None
) -> str | None:
    """Archive a rendered letter, mark it sent with its due date, and let ``after`` move its
    case on, all in one transaction; returns its number.

    None when another batch running at the same time sent it first (a batch that starts
    while another is rendering finds that one's numbered letters unstored and renders them
    too: rendering is deterministic, so whichever finishes first sends the same letter, and
    the other leaves it).  The letter's row is locked, so only one of them sends it."""
    settings = batch.runtime.settings
    clock = batch.runtime.clock
    with transaction(batch.runtime.sessions) as session:
        letter = session.get_one(Letter, letter_id, with_for_update=True)
        if letter.state in (LetterState.SENT, LetterState.VOID):
            return None
        now = clock.now()
        store_letter(
            session,
            batch.runtime.store,
            letter,
            pdf=files.pdf,
            docx=files.docx,
            actor=batch.actor,
            at=now,
        )
        batch.failpoints.hit("after_pdf_stored")
        calendar = batch.calendar(session)
        days = stated_deadline_days(
            letter, settings.reply_deadline_days, settings.reminder_deadline_days
        )
        mark_sent(
            session,
            letter,
            at=now,
            zone=clock.zone,
            calendar=calendar,
            deadline_days=days,
            actor=batch.actor,
        )
        if after is not None:
            after(session, letter)
        batch.failpoints.hit("before_state_commit")
        return letter.number


def render_and_send(
    batch: Batch,
    pool: RenderPool[int],
    letter_ids: Sequence[int],
    *,
    done_before: int = 0,
    total: int | None = None,
) -> list[str]:
    """Render numbered letters on the pool and store and send each (see store_and_send).
    Letters already stored (a rerun) are skipped.  Progress is reported as ``done_before``
    + letters sent so far, out of ``total``."""
    jobs = _jobs(batch, letter_ids)
    return send_rendered(batch, pool, jobs, done_before, total or len(letter_ids))


def number_and_send(
    batch: Batch,
    pool: RenderPool[int],
    pending: Sequence[dispatch.PendingReferral],
    *,
    done_before: int = 0,
    total: int | None = None,
) -> list[str]:
    """Number the pending referrals, and render, store and send each: the pool renders the
    letters already numbered while the next ones are numbered, so the render workers never
    wait for the register.  Each letter keeps its own transactions (number, then store and
    send), so a crash leaves what ``render_and_send`` finishes on the next run."""
    jobs = _numbered(batch, pending)
    return send_rendered(batch, pool, jobs, done_before, total or len(pending))


def send_rendered(
    batch: Batch,
    pool: RenderPool[int],
    jobs: Iterable[tuple[int, str, dict[str, Any]]],
    done_before: int,
    total: int,
) -> list[str]:
    """Store and send each letter as the pool renders it (and seals it, when its facts
    say so: a letter numbered from its signed draft); the numbers sent."""
    after = move_complaint_when_referred(batch)
    sent = []
    for letter_id, files in pool.render(jobs, seal=batch.seal_with()):
        number = store_and_send(batch, letter_id, files, after)
        if number is not None:
            sent.append(number)
        batch.report("send", done_before + len(sent), total)
    return sent


def deliver(
    batch: Batch,
    letter_ids: Sequence[int],
    after: AfterSent | None = None,
    seal: Seal | None = None,
) -> list[str]:
    """Render in this process, store and send a few letters (a review's, an answer's);
    ``seal`` turns the rendered PDF into the one archived (the signed answer)."""
    sent = []
    for letter_id, kind, facts in _jobs(batch, letter_ids):
        files = seal_files(batch.seal_with(), facts, render_letter_files(kind, facts))
        if seal is not None:
            files = RenderedLetter(pdf=seal(facts, files.pdf), docx=files.docx)
        number = store_and_send(batch, letter_id, files, after)
        if number is not None:
            sent.append(number)
    return sent


def number_case_letter(
    batch: Batch,
    session: Session,
    kind: LetterKind,
    complaint: Complaint,
    *,
    recipient: str,
    facts: Callable[[LetterIdentity], dict[str, Any]],
    agency: Agency | None = None,
    chases: Letter | None = None,
    references: Sequence[Cited] = (),
    draft: LetterDraft | None = None,
) -> Letter:
    """Number a letter of ``complaint`` in the caller's transaction, its facts frozen with
    the ``references`` it cites (پیرو / عطف), which are kept as rows as well; from its
    signed ``draft`` when the office asks approval of its kind (refused otherwise)."""
    office = batch.runtime.settings.office
    now = batch.runtime.clock.now()

    def freeze(identity: LetterIdentity) -> dict[str, Any]:
        data = facts(identity)
        if references:  # none: the facts stay exactly as before references existed
            data = {**data, "references": reference_facts(references)}
        if draft is not None:
            data = signed_facts(data, draft, sealed=kind is not LetterKind.FINAL_ANSWER)
        return batch.frozen(kind, data)

    letter = number_letter(
        session,
        kind=kind,
        series=office.series["outgoing"],
        number_template=office.number_format,
        issued_at=now,
        jalali_year=jalali_year(now.date()),
        date=now.date(),
        recipient=recipient,
        actor=batch.actor,
        freeze=freeze,
        complaint=complaint,
        agency=agency,
        chases=chases,
        approval_kinds=batch.approval_kinds,
        draft=draft,
    )
    record_references(session, letter, references)
    return letter


def signed_facts(facts: dict[str, Any], draft: LetterDraft, *, sealed: bool) -> dict[str, Any]:
    """A letter's facts as its signed draft leaves them: the deputy who signed «از طرف»
    the head, if one did, and (``sealed``) the office's seal over its PDF after the number.
    The final answer keeps its own seal (``casework.answer_seal``) instead."""
    office = dict(facts["office"])
    if draft.deputy_name:
        office |= {"deputy_name": draft.deputy_name, "deputy_title": draft.deputy_title}
    letter = {**facts["letter"], "sealed": True} if sealed else facts["letter"]
    return {**facts, "office": office, "letter": letter}


def finish(batch: Batch) -> int:
    """Sweep what a crash may have left between steps: complaints fully referred but not
    moved.  Returns how many complaints moved."""
    with transaction(batch.runtime.sessions) as session:
        return dispatch.move_referred_complaints(
            session, actor=batch.actor, at=batch.runtime.clock.now()
        )


def unrendered_letters(batch: Batch, kinds: tuple[LetterKind, ...]) -> list[int]:
    """Numbered letters of ``kinds`` still to render (new ones and a crashed run's)."""
    with batch.runtime.sessions() as session:
        return dispatch.letters_in_state(session, LetterState.NUMBERED, kinds)


def pending_referrals(batch: Batch, limit: int | None) -> list[dispatch.PendingReferral]:
    with batch.runtime.sessions() as session:
        return dispatch.pending_referrals(session, limit)


def letters_to_send(batch: Batch, at_most: int) -> int:
    """How many letters a dispatch would render now: the signed drafts to number and the
    unrendered letters (a crash's leftovers; few), and the pending referrals counted only
    up to one past ``at_most`` (enough to tell a small batch from a large one without
    reading a large one's rows)."""
    with batch.runtime.sessions() as session:
        pending = len(dispatch.pending_referrals(session, at_most + 1))
        signed = len(signed_to_number(session, LetterKind.REFERRAL))
        unrendered = len(
            dispatch.letters_in_state(session, LetterState.NUMBERED, (LetterKind.REFERRAL,))
        )
    return pending + signed + unrendered


def referrals_to_send(batch: Batch) -> bool:
    """Whether a dispatch has anything to do: a pending referral, a signed draft of one
    to number, or an unrendered one."""
    return letters_to_send(batch, 0) > 0
