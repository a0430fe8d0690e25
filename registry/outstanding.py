"""Outstanding replies: which agencies have not answered, how late, and what was done.

Two queries, whatever the size of the register: the referrals sent and not yet answered
(``replied_at`` is set by the first reply recorded, and a superseding reply never clears
it) with their agency and complaint, then the chasers of those referrals.  The first is a
scan of the partial index ``ix_letter_awaiting_reply`` (agency, due date), which holds
the open referrals only, so its cost follows the number outstanding, not the register's
history; the second uses ``ix_letter_chases_id``.  See docs/deadlines.md for the plans.

The chaser ladder (``next_chase_step``) is a pure function the chase flow also uses:
first reminder N working days after the due date, the second M working days after the
first, the escalation K working days after the second.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.calendar import WorkingCalendar
from registry.deadlines import CHASER_KINDS
from registry.kinds import LetterKind, LetterState
from registry.models import Agency, Complaint, Letter

__all__ = [
    "AgencyTotal",
    "ChaseStep",
    "ChaseStepKind",
    "Chaser",
    "OutstandingRow",
    "agency_totals",
    "next_chase_step",
    "outstanding_replies",
]

_IN_CHUNK = 1000  # bounded IN lists: SQLite limits the number of parameters


class ChaseStepKind(enum.StrEnum):
    FIRST_REMINDER = "first_reminder"
    SECOND_REMINDER = "second_reminder"
    ESCALATION = "escalation"

    @property
    def label_fa(self) -> str:
        return {
            "first_reminder": "پیگیری اول",
            "second_reminder": "پیگیری دوم",
            "escalation": "تذکر و گزارش به مقام مافوق",
        }[self.value]

    @property
    def letter_kind(self) -> LetterKind:
        return LetterKind.ESCALATION if self is ChaseStepKind.ESCALATION else LetterKind.REMINDER


@dataclasses.dataclass(frozen=True)
class Chaser:
    """A reminder or escalation already made for a referral (not void): number, kind, date."""

    number: str
    kind: LetterKind
    date: dt.date


@dataclasses.dataclass(frozen=True)
class ChaseStep:
    """The next rung of the ladder.  ``planned``: its date by the ladder; ``date``: when it
    is to happen — ``planned``, or today if that has passed (a run was missed)."""

    kind: ChaseStepKind
    planned: dt.date
    date: dt.date

    def due_on(self, today: dt.date) -> bool:
        """True when the step is to be taken on ``today``."""
        return self.date <= today


def next_chase_step(
    due_date: dt.date | None,
    chasers: Sequence[Chaser],
    calendar: WorkingCalendar,
    *,
    first_after: int,
    second_after: int,
    escalate_after: int,
    today: dt.date,
) -> ChaseStep | None:
    """The next step of a referral's ladder, due today or later; None when there is none.

    ``chasers``: the non-void reminders and escalations made so far (any order).  No due
    date (the clock is stopped) or an escalation made: None.  Otherwise the first
    reminder falls ``first_after`` working days after the due date, the second
    ``second_after`` after the (newest) first reminder's date, the escalation
    ``escalate_after`` after the second's.  A step whose date has passed is due today.
    """
    if due_date is None or any(c.kind is LetterKind.ESCALATION for c in chasers):
        return None
    reminders = sorted(c.date for c in chasers if c.kind is LetterKind.REMINDER)
    if not reminders:
        kind, planned = (
            ChaseStepKind.FIRST_REMINDER,
            calendar.add_working_days(due_date, first_after),
        )
    elif len(reminders) == 1:
        kind, planned = (
            ChaseStepKind.SECOND_REMINDER,
            calendar.add_working_days(reminders[0], second_after),
        )
    else:
        kind, planned = (
            ChaseStepKind.ESCALATION,
            calendar.add_working_days(reminders[-1], escalate_after),
        )
    return ChaseStep(kind, planned, max(planned, today))


@dataclasses.dataclass(frozen=True)
class OutstandingRow:
    """One referral still waiting for its reply."""

    letter_id: int
    number: str
    date: dt.date
    recipient: str
    agency_id: int
    agency: str
    tracking_code: str | None
    sent: dt.date
    due_date: dt.date | None  # None while the clock is stopped
    working_days_late: int
    chasers: tuple[Chaser, ...]
    next_step: ChaseStep | None

    @property
    def last_chaser(self) -> Chaser | None:
        return self.chasers[-1] if self.chasers else None


@dataclasses.dataclass(frozen=True)
class AgencyTotal:
    """Per agency: referrals outstanding, how many are overdue, their working days late."""

    agency: str
    outstanding: int
    overdue: int
    working_days_late: int
    most_late: int


def outstanding_replies(
    session: Session,
    *,
    today: dt.date,
    calendar: WorkingCalendar,
    zone: dt.tzinfo,
    first_after: int,
    second_after: int,
    escalate_after: int,
    overdue_only: bool = False,
    agency: Agency | None = None,
) -> list[OutstandingRow]:
    """Referrals sent, not void and without a current reply, most working days late first.

    ``overdue_only``: only those whose due date is before ``today``.  ``agency``: only its
    referrals.  ``zone``: the office's, for the day each letter was sent.  The ladder's
    N, M, K (``first_after`` …) give each row its next step (see ``next_chase_step``).
    """
    # A correlated lookup by primary key, one per open referral: a join would let the
    # planner hash the whole complaint table when it overestimates the open referrals.
    tracking_code = (
        select(Complaint.tracking_code)
        .where(Complaint.id == Letter.complaint_id)
        .scalar_subquery()
        .label("tracking_code")
    )
    query = (
        select(
            Letter.id,
            Letter.number,
            Letter.date,
            Letter.recipient,
            Letter.agency_id,
            Agency.name,
            tracking_code,
            Letter.sent_at,
            Letter.due_date,
        )
        .join(Agency, Agency.id == Letter.agency_id)
        .where(
            # Exactly the predicate of the partial index ix_letter_awaiting_reply.
            Letter.kind == LetterKind.REFERRAL,
            Letter.state == LetterState.SENT,
            Letter.replied_at.is_(None),
        )
    )
    if agency is not None:
        query = query.where(Letter.agency_id == agency.id)
    if overdue_only:
        query = query.where(Letter.due_date < today)
    found = session.execute(query).all()
    chasers = _chasers(session, [row.id for row in found])
    # Many referrals share a due date and ladder: compute each distinct ladder once.
    steps: dict[tuple[object, ...], ChaseStep | None] = {}
    rows = []
    for row in found:
        mine = chasers.get(row.id, ())
        key = (row.due_date, *((c.kind, c.date) for c in mine))
        if key not in steps:
            steps[key] = next_chase_step(
                row.due_date,
                mine,
                calendar,
                first_after=first_after,
                second_after=second_after,
                escalate_after=escalate_after,
                today=today,
            )
        late = 0
        if row.due_date is not None and row.due_date < today:
            late = max(0, calendar.working_days_between(row.due_date, today))
        rows.append(
            OutstandingRow(
                letter_id=row.id,
                number=row.number,
                date=row.date,
                recipient=row.recipient,
                agency_id=row.agency_id,
                agency=row.name,
                tracking_code=row.tracking_code,
                sent=row.sent_at.astimezone(zone).date(),
                due_date=row.due_date,
                working_days_late=late,
                chasers=mine,
                next_step=steps[key],
            )
        )
    far = dt.date.max
    rows.sort(key=lambda r: (-r.working_days_late, r.due_date or far, r.sent, r.letter_id))
    return rows


def _chasers(session: Session, referral_ids: list[int]) -> dict[int, tuple[Chaser, ...]]:
    """The non-void reminders and escalations of each referral, oldest first."""
    found: dict[int, list[Chaser]] = {}
    for start in range(0, len(referral_ids), _IN_CHUNK):
        query = (
            select(Letter.chases_id, Letter.number, Letter.kind, Letter.date)
            .where(
                Letter.chases_id.in_(referral_ids[start : start + _IN_CHUNK]),
                Letter.kind.in_(CHASER_KINDS),
                Letter.state != LetterState.VOID,
            )
            .order_by(Letter.date, Letter.id)
        )
        for chases_id, number, kind, date in session.execute(query):
            if chases_id is not None:  # always, by the IN above; for the type checker
                found.setdefault(chases_id, []).append(Chaser(number, kind, date))
    return {key: tuple(value) for key, value in found.items()}


def agency_totals(rows: Sequence[OutstandingRow], today: dt.date) -> list[AgencyTotal]:
    """Totals per agency, the agency with the most working days late first."""
    totals: dict[str, list[int]] = {}
    for row in rows:
        total = totals.setdefault(row.agency, [0, 0, 0, 0])
        total[0] += 1
        if row.due_date is not None and row.due_date < today:
            total[1] += 1
        total[2] += row.working_days_late
        total[3] = max(total[3], row.working_days_late)
    result = [AgencyTotal(name, *numbers) for name, numbers in totals.items()]
    result.sort(key=lambda t: (-t.working_days_late, -t.outstanding, t.agency))
    return result
