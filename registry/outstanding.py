"""Outstanding replies: which agencies have not answered, how late, and what was done.

Three queries, whatever the size of the register: the referrals sent and not yet answered
(``replied_at`` is set by the first reply recorded, and a superseding reply never clears
it) with their agency, then the tracking codes of their complaints, then the chasers of
those referrals, both by the ids the first returned.  The first is a scan of the partial
index ``ix_letter_awaiting_reply`` (agency, due date), which holds the open referrals
only, so its cost follows the number outstanding, not the register's history; the others
use the complaint's primary key and ``ix_letter_chases_id``.  docs/deadlines.md explains
the index; bench/README.md (``bench_outstanding.py``) gives the plans and what each choice
here saves.

The chaser ladder (``next_chase_step``) is a pure function the chase flow also uses:
first reminder N working days after the due date, the second M working days after the
first, the escalation K working days after the second.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Iterator, Sequence
from typing import Any, TypeVarTuple

from sqlalchemy import (
    Connection,
    DateTime,
    Integer,
    Select,
    String,
    any_,
    bindparam,
    literal,
    select,
    type_coerce,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import InstrumentedAttribute, Session

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

_Ts = TypeVarTuple("_Ts")
_IN_CHUNK = 1000  # ids per IN list where there are no arrays (SQLite)
_ARRAY_CHUNK = 4000  # ids per array (PostgreSQL), see _by_ids
_ONE_DAY = dt.timedelta(days=1)


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
    reminders = sorted(c.date for c in chasers if c.kind is LetterKind.REMINDER)
    escalated = any(c.kind is LetterKind.ESCALATION for c in chasers)
    rung = _next_rung(due_date, reminders, escalated=escalated)
    if rung is None:
        return None
    after = {
        ChaseStepKind.FIRST_REMINDER: first_after,
        ChaseStepKind.SECOND_REMINDER: second_after,
        ChaseStepKind.ESCALATION: escalate_after,
    }
    return _dated_step(rung, calendar, after[rung[0]], today)


_Rung = tuple[ChaseStepKind, dt.date]  # the next step's kind and the day it counts from


def _next_rung(
    due_date: dt.date | None, reminders: Sequence[dt.date], *, escalated: bool
) -> _Rung | None:
    """The ladder without the calendar; ``reminders``: the reminders' dates, oldest first."""
    if due_date is None or escalated:
        return None
    if not reminders:
        return ChaseStepKind.FIRST_REMINDER, due_date
    if len(reminders) == 1:
        return ChaseStepKind.SECOND_REMINDER, reminders[0]
    return ChaseStepKind.ESCALATION, reminders[-1]


def _dated_step(rung: _Rung, calendar: WorkingCalendar, after: int, today: dt.date) -> ChaseStep:
    planned = _add_working_days(calendar, rung[1], after)
    return ChaseStep(rung[0], planned, max(planned, today))


def _add_working_days(calendar: WorkingCalendar, start: dt.date, n: int) -> dt.date:
    """``calendar.add_working_days(start, n)`` (no pauses), without building the day-by-day
    explanation it is computed from: five times cheaper, and the list needs hundreds."""
    if n < 0:
        return calendar.add_working_days(start, n)  # raises its InvalidInput
    day = start
    while n:
        day += _ONE_DAY
        if calendar.is_working_day(day):
            n -= 1
    return day


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
    working_days_waited: int = 0  # working days since it was sent, up to today

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
    county: str | None = None,
) -> list[OutstandingRow]:
    """Referrals sent, not void and without a current reply, most working days late first.

    ``overdue_only``: only those whose due date is before ``today``.  ``agency``: only its
    referrals; ``county``: only referrals to agencies of that county.  ``zone``: the
    office's, for the day each letter was sent (and counted from for the days waited).
    The ladder's N, M, K (``first_after`` …) give each row its next step (see
    ``next_chase_step``).
    """
    query = (
        select(
            Letter.id,
            Letter.number,
            Letter.date,
            Letter.recipient,
            Letter.agency_id,
            Agency.name,
            Letter.complaint_id,
            # Read as stored, without UtcDateTime's per-row conversion to UTC: the row
            # needs the office's day, and astimezone(zone) gives it from any aware value.
            type_coerce(Letter.sent_at, DateTime(timezone=True)),
            Letter.due_date,
        )
        .join(Agency, Agency.id == Letter.agency_id)
        .where(
            # Exactly the predicate of the partial index ix_letter_awaiting_reply, its
            # constants in the SQL text: with them as parameters, a generic plan (psycopg
            # prepares a statement run five times) cannot use the index.
            Letter.kind == literal(LetterKind.REFERRAL, Letter.kind.type, literal_execute=True),
            Letter.state == literal(LetterState.SENT, Letter.state.type, literal_execute=True),
            Letter.replied_at.is_(None),
        )
    )
    if agency is not None:
        query = query.where(Letter.agency_id == agency.id)
    if county is not None:
        query = query.where(Agency.county == county)
    if overdue_only:
        query = query.where(Letter.due_date < today)
    # Core rows, not the ORM's: the ORM's per-row loading costs more than the query here.
    # Pending changes are flushed first, as session.execute would.
    if session.autoflush:
        session.flush()
    connection = session.connection()
    found = connection.execute(query).all()
    # The tracking codes and the chasers by the ids just read, not by a join or a
    # correlated subquery: PostgreSQL overestimates the open referrals (47,048 for 2,550),
    # so a join hashes the whole complaint table and a subquery makes the plan's cost high
    # enough for JIT compilation; either costs more than the rest of the function.
    complaint_ids = sorted({row[6] for row in found if row[6] is not None})
    codes = dict(_by_ids(connection, _TRACKING_CODES, Complaint.id, complaint_ids))
    chasers = _chasers(connection, sorted(row[0] for row in found))
    # Thousands of rows share a few hundred due dates and ladder rungs: each calendar
    # count is made once per distinct date, not once per row.
    after = {
        ChaseStepKind.FIRST_REMINDER: first_after,
        ChaseStepKind.SECOND_REMINDER: second_after,
        ChaseStepKind.ESCALATION: escalate_after,
    }
    steps: dict[_Rung, ChaseStep] = {}
    late_by_due: dict[dt.date, int] = {}
    waited_since: dict[dt.date, int] = {}
    no_chasers: tuple[Chaser, ...] = ()
    reminder = LetterKind.REMINDER
    rows = []
    for letter_id, number, date, recipient, agency_id, name, complaint, sent_at, due in found:
        # Never None: the join with agency, and a sent letter's sending time.
        assert agency_id is not None and sent_at is not None
        mine = chasers.get(letter_id, no_chasers)
        reminders = [c.date for c in mine if c.kind is reminder] if mine else []
        # A chaser that is not a reminder is an escalation (CHASER_KINDS).
        rung = _next_rung(due, reminders, escalated=len(reminders) < len(mine))
        step = None
        if rung is not None:
            step = steps.get(rung)
            if step is None:
                step = steps[rung] = _dated_step(rung, calendar, after[rung[0]], today)
        late = 0
        if due is not None and due < today:
            late = late_by_due.get(due, -1)
            if late < 0:
                late = late_by_due[due] = max(0, calendar.working_days_between(due, today))
        if sent_at.tzinfo is None:  # SQLite keeps no zone: stored as UTC (UtcDateTime)
            sent_at = sent_at.replace(tzinfo=dt.UTC)
        sent = sent_at.astimezone(zone).date()
        waited = waited_since.get(sent, -1)
        if waited < 0:
            waited = waited_since[sent] = max(0, calendar.working_days_between(sent, today))
        rows.append(
            OutstandingRow(
                letter_id=letter_id,
                number=number,
                date=date,
                recipient=recipient,
                agency_id=agency_id,
                agency=name,
                tracking_code=None if complaint is None else codes.get(complaint),
                sent=sent,
                due_date=due,
                working_days_late=late,
                chasers=mine,
                next_step=step,
                working_days_waited=waited,
            )
        )
    far = dt.date.max
    rows.sort(key=lambda r: (-r.working_days_late, r.due_date or far, r.sent, r.letter_id))
    return rows


_TRACKING_CODES = select(Complaint.id, Complaint.tracking_code)
# The kind read as its stored string and looked up here: cheaper than the Enum type's
# per-row processing, and the same LetterKind members.
_CHASER_KIND = {kind.value: kind for kind in CHASER_KINDS}
_CHASERS = select(
    Letter.chases_id, Letter.number, type_coerce(Letter.kind, String), Letter.date
).where(Letter.kind.in_(CHASER_KINDS), Letter.state != LetterState.VOID)


def _chasers(connection: Connection, referral_ids: list[int]) -> dict[int, tuple[Chaser, ...]]:
    """The non-void reminders and escalations of each referral, oldest first."""
    found: dict[int, list[Chaser]] = {}
    kinds = _CHASER_KIND
    for chases_id, number, kind, date in _by_ids(
        connection, _CHASERS, Letter.chases_id, referral_ids, order_by=(Letter.date, Letter.id)
    ):
        if chases_id is not None:  # always, by the ids; for the type checker
            found.setdefault(chases_id, []).append(Chaser(number, kinds[kind], date))
    return {key: tuple(value) for key, value in found.items()}


def _by_ids(
    connection: Connection,
    query: Select[*_Ts],
    column: InstrumentedAttribute[Any],
    ids: Sequence[int],
    *,
    order_by: tuple[InstrumentedAttribute[Any], ...] = (),
) -> Iterator[tuple[*_Ts]]:
    """The rows of ``query`` whose ``column`` is one of ``ids``; in ``order_by`` order
    among the rows of one id."""
    # PostgreSQL: one array parameter per chunk, which it plans as the IN list it is;
    # thousands of separate parameters cost more to render, send and plan than the query
    # takes to run.  Chunks, because past ~5,000 ids (1,000,000 letters) the plan turns to
    # a parallel scan of the whole table, twice as slow as index scans of smaller chunks.
    # Elsewhere (SQLite) bounded IN lists: SQLite limits the number of parameters.
    arrays = connection.dialect.name == "postgresql"
    size = _ARRAY_CHUNK if arrays else _IN_CHUNK
    for start in range(0, len(ids), size):
        chunk = list(ids[start : start + size])
        if arrays:
            where = column == any_(bindparam("ids", chunk, type_=postgresql.ARRAY(Integer)))
        else:
            where = column.in_(chunk)
        yield from connection.execute(query.where(where).order_by(*order_by)).all()


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
