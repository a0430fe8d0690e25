"""Reply deadlines of sent letters: starting the clock, extending, stopping and restarting it.

A letter's due date is never edited by hand: it is computed (registry/calendar.py) from the
rows of ``deadline_change`` that belong to it — the start row written when the letter is
sent (day 0 and the working days the letter itself stated), extensions (more working
days) and pauses (stop-the-clock intervals) — and the office's working calendar.  So it
can always be recomputed (a holiday added, a pause ended) and explained day by day.
``Letter.due_date`` keeps the current result; it is None while the clock is stopped.

Every change is validated before anything is written and records an Event.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.calendar import DueDateExplanation, PausedInterval, WorkingCalendar
from registry.errors import InvalidInput, Refused
from registry.events import record_event
from registry.jalali import format_jalali
from registry.jalali import format_jalali_or_none as _jalali
from registry.kinds import KIND_SPECS, AgencyKind, DeadlineRule, LetterKind, LetterState
from registry.models import Agency, DeadlineChange, DeadlineChangeKind, Letter, Reply

__all__ = [
    "CHASER_KINDS",
    "REPLY_EXPECTED",
    "DeadlineTerms",
    "DueDateChange",
    "deadline_changes",
    "deadline_terms",
    "due_date_for",
    "ensure_open",
    "explain",
    "has_current_reply",
    "mark_sent",
    "recompute_open_deadlines",
    "referral_of",
    "reply_deadline_days",
    "reply_deadline_days_for",
    "stated_deadline_days",
]

# Letters that ask an agency for a reply; reminders and escalations chase a referral.
REPLY_EXPECTED = frozenset(kind for kind, spec in KIND_SPECS.items() if spec.expects_reply)
CHASER_KINDS = frozenset(kind for kind, spec in KIND_SPECS.items() if spec.chases_referral)

_ONE_DAY = dt.timedelta(days=1)


def reply_deadline_days_for(
    kind: LetterKind,
    agency: Agency | None,
    per_agency_kind: Mapping[AgencyKind, int],
    reminder_days: int,
    priority_days: int | None = None,
) -> int | None:
    """Working days an agency has to answer a letter of ``kind``; None for kinds that
    expect no reply.  The one rule behind both the days a letter states and the days its
    due date is computed from (``KindSpec.deadline``):

    the case's priority's days where the office sets them (``priority_days``, setting
    ``priority_reply_days``) before anything else; then a referral: ``agency``'s own
    override, else the setting for its kind; a reminder or an escalation:
    ``reminder_days`` (setting ``reminder_deadline_days``).
    """
    rule = KIND_SPECS[kind].deadline
    if rule is DeadlineRule.NONE:
        return None
    if priority_days is not None:
        return priority_days
    if rule is DeadlineRule.CHASER:
        return reminder_days
    if agency is None:
        raise ValueError(f"a {kind.value} letter needs its agency for its deadline")
    if agency.reply_deadline_days is not None:
        return agency.reply_deadline_days
    return per_agency_kind[agency.kind]


def reply_deadline_days(
    letter: Letter, per_agency_kind: Mapping[AgencyKind, int], reminder_days: int
) -> int | None:
    """Working days the agency has to answer ``letter`` (``reply_deadline_days_for`` its
    kind and agency); Refused when a letter that needs its agency has none."""
    if KIND_SPECS[letter.kind].deadline is DeadlineRule.AGENCY and letter.agency is None:
        raise Refused("letter_without_agency", number=letter.number)
    return reply_deadline_days_for(letter.kind, letter.agency, per_agency_kind, reminder_days)


def stated_deadline_days(
    letter: Letter, per_agency_kind: Mapping[AgencyKind, int], reminder_days: int
) -> int | None:
    """The working days ``letter`` itself stated for a reply: its frozen facts'
    ``answer_within_days``, which numbering took from ``reply_deadline_days_for``; so the
    due date counts what the letter says even if the agency's deadline changed since.
    None for kinds that expect no reply; the rule itself for facts that state no days."""
    if not KIND_SPECS[letter.kind].expects_reply:
        return None
    stated = (letter.facts or {}).get("answer_within_days")
    if isinstance(stated, int) and not isinstance(stated, bool):
        return stated
    return reply_deadline_days(letter, per_agency_kind, reminder_days)


@dataclasses.dataclass(frozen=True)
class DeadlineTerms:
    """What a due date is computed from: day 0, working days (stated + extensions), pauses."""

    sent_day: dt.date
    stated_days: int
    extension_days: int
    pauses: tuple[PausedInterval, ...]
    # The day the recipient received the letter, where the office counts from receipt
    # (a ``received`` row): day 0 instead of ``sent_day``.
    received_day: dt.date | None = None

    @property
    def day0(self) -> dt.date:
        return self.received_day or self.sent_day

    @property
    def working_days(self) -> int:
        return self.stated_days + self.extension_days

    @property
    def open_pause(self) -> dt.date | None:
        """First day of a pause not yet ended, if the clock is stopped now."""
        return next((first for first, last in self.pauses if last is None), None)

    def explain(self, calendar: WorkingCalendar) -> DueDateExplanation:
        return calendar.explain_due_date(
            self.day0,
            self.working_days,
            self.pauses,
            from_receipt=self.received_day is not None,
        )


@dataclasses.dataclass(frozen=True)
class DueDateChange:
    """A letter whose due date moved, and from what to what."""

    letter: Letter
    before: dt.date | None
    after: dt.date | None


def _terms(rows: Sequence[DeadlineChange]) -> DeadlineTerms | None:
    start = next((row for row in rows if row.kind is DeadlineChangeKind.START), None)
    if start is None or start.start is None or start.days is None:
        return None
    extensions = sum(row.days or 0 for row in rows if row.kind is DeadlineChangeKind.EXTENSION)
    pauses = tuple(
        (row.start, row.end)
        for row in rows
        if row.kind is DeadlineChangeKind.PAUSE and row.start is not None
    )
    received = [r.start for r in rows if r.kind is DeadlineChangeKind.RECEIVED and r.start]
    return DeadlineTerms(
        start.start, start.days, extensions, pauses, received[-1] if received else None
    )


def deadline_changes(session: Session, letter: Letter) -> list[DeadlineChange]:
    """The start row, extensions and pauses of ``letter``, oldest first."""
    return list(
        session.scalars(
            select(DeadlineChange)
            .where(DeadlineChange.letter_id == letter.id)
            .order_by(DeadlineChange.id)
        )
    )


def deadline_terms(session: Session, letter: Letter) -> DeadlineTerms:
    """The terms of ``letter``'s running deadline; Refused if it was never sent with one."""
    if letter.state is not LetterState.SENT and letter.state is not LetterState.VOID:
        raise Refused("letter_not_sent", number=letter.number)
    terms = _terms(deadline_changes(session, letter))
    if terms is None:
        raise Refused("no_reply_deadline", number=letter.number, kind=letter.kind.value)
    return terms


def due_date_for(session: Session, letter: Letter, calendar: WorkingCalendar) -> dt.date | None:
    """``letter``'s due date on ``calendar``; None while its clock is stopped."""
    return deadline_terms(session, letter).explain(calendar).due_date


def explain(session: Session, letter: Letter, calendar: WorkingCalendar) -> DueDateExplanation:
    """How ``letter``'s due date is reached, day by day (``lines_fa()``, ``as_json()``)."""
    return deadline_terms(session, letter).explain(calendar)


def referral_of(letter: Letter) -> Letter:
    """The referral a letter belongs to: itself, or the one a reminder/escalation chases."""
    if letter.kind in CHASER_KINDS:
        if letter.chases is None:
            raise Refused("chaser_without_referral", number=letter.number)
        return letter.chases
    return letter


def has_current_reply(session: Session, referral: Letter) -> bool:
    """True when the referral has a reply that no later reply superseded."""
    return (
        session.scalars(
            select(Reply.id)
            .where(Reply.letter_id == referral.id, Reply.superseded_by_id.is_(None))
            .limit(1)
        ).first()
        is not None
    )


def ensure_open(session: Session, letter: Letter) -> None:
    """Refused unless ``letter`` is sent, not void, expects a reply and has none yet."""
    if letter.state is LetterState.VOID or referral_of(letter).state is LetterState.VOID:
        raise Refused("letter_void", number=letter.number)
    if letter.state is not LetterState.SENT:
        raise Refused("letter_not_sent", number=letter.number)
    if letter.kind not in REPLY_EXPECTED:
        raise Refused("no_reply_deadline", number=letter.number, kind=letter.kind.value)
    if has_current_reply(session, referral_of(letter)):
        raise Refused("letter_replied", number=letter.number)


def mark_sent(
    session: Session,
    letter: Letter,
    *,
    at: dt.datetime,
    zone: dt.tzinfo,
    calendar: WorkingCalendar,
    deadline_days: int | None,
    actor: str,
) -> Letter:
    """Mark a stored letter sent at ``at``: its day 0 is ``at``'s date in the office's
    ``zone``, and its due date ``deadline_days`` working days later on ``calendar``.

    The one place that sets ``sent``, ``sent_at`` and the due date.  Refused for a void
    letter, one already sent, or one not yet stored (its archived PDF is the record).
    ``deadline_days`` (see ``reply_deadline_days``) is required for a referral, reminder
    or escalation, and must be None for kinds that expect no reply.
    """
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("at must be an aware datetime")
    if letter.state is LetterState.VOID:
        raise Refused("letter_void", number=letter.number)
    if letter.state is LetterState.SENT:
        raise Refused("letter_already_sent", number=letter.number)
    if letter.state is not LetterState.STORED:
        raise Refused("letter_not_stored", number=letter.number)
    expects_reply = letter.kind in REPLY_EXPECTED
    if expects_reply and (deadline_days is None or deadline_days < 1):
        raise InvalidInput("invalid_deadline_days", field="deadline_days", value=deadline_days)
    if not expects_reply and deadline_days is not None:
        raise InvalidInput("invalid_deadline_days", field="deadline_days", value=deadline_days)
    day0 = at.astimezone(zone).date()
    due = None if deadline_days is None else calendar.add_working_days(day0, deadline_days)
    before = letter.state
    letter.state = LetterState.SENT
    letter.sent_at = at
    letter.due_date = due
    session.add(
        DeadlineChange(
            letter_id=letter.id,
            kind=DeadlineChangeKind.START,
            start=day0,
            days=deadline_days,
            at=at,
            actor=actor,
        )
    )
    record_event(
        session,
        at=at,
        actor=actor,
        action="letter_sent",
        complaint=letter.complaint,
        letter=letter,
        before=before.value,
        after=LetterState.SENT.value,
        data={"sent": format_jalali(day0), "working_days": deadline_days, "due_date": _jalali(due)},
    )
    session.flush()
    return letter


def recompute_open_deadlines(
    session: Session,
    calendar: WorkingCalendar,
    *,
    at: dt.datetime,
    actor: str,
    changed_day: dt.date | None = None,
    note: str | None = None,
) -> list[DueDateChange]:
    """Recompute the due dates of open letters on ``calendar``; returns those that moved.

    Open: sent, expecting a reply, and its referral without a current reply (a replied
    or void letter keeps its due date).  With ``changed_day`` (a holiday added or removed)
    only letters due on or after that day can move, and only those are read.  Each moved
    letter gets a ``due_date_recomputed`` Event with the dates before and after.
    """
    referral_id = func.coalesce(Letter.chases_id, Letter.id)
    replied = (
        select(Reply.id)
        .where(Reply.letter_id == referral_id, Reply.superseded_by_id.is_(None))
        .exists()
    )
    query = select(Letter).where(
        Letter.state == LetterState.SENT,
        Letter.kind.in_(REPLY_EXPECTED),
        Letter.due_date.is_not(None),
        ~replied,
    )
    if changed_day is not None:
        query = query.where(Letter.due_date >= changed_day)
    letters = list(session.scalars(query.order_by(Letter.id)))
    rows_by_letter: dict[int, list[DeadlineChange]] = {letter.id: [] for letter in letters}
    ids = list(rows_by_letter)
    for chunk in range(0, len(ids), 1000):  # bounded IN lists: SQLite limits parameters
        for row in session.scalars(
            select(DeadlineChange)
            .where(DeadlineChange.letter_id.in_(ids[chunk : chunk + 1000]))
            .order_by(DeadlineChange.id)
        ):
            rows_by_letter[row.letter_id].append(row)
    changes = []
    for letter in letters:
        terms = _terms(rows_by_letter[letter.id])
        if terms is None:
            continue
        after = terms.explain(calendar).due_date
        if after == letter.due_date:
            continue
        before, letter.due_date = letter.due_date, after
        record_event(
            session,
            at=at,
            actor=actor,
            action="due_date_recomputed",
            complaint=letter.complaint,
            letter=letter,
            before=_jalali(before),
            after=_jalali(after),
            note=note,
        )
        changes.append(DueDateChange(letter, before, after))
    session.flush()
    return changes
