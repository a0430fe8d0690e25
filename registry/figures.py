"""The service's figures as SQL: each figure one aggregate query, on SQLite and PostgreSQL.

docs/stats.md defines every figure; this module is their arithmetic. The database does the
counting, the averages and the percentiles; Python only builds the expressions from what
is small and fixed for a query (the period's bounds, the office's time zone, its weekend
and its holidays), so the work grows with the cases of the period, never with a loop over
rows.

The expressions they share (office dates, working days, percentiles) are in
``registry/figure_sql.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Float,
    Integer,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.elements import ColumnElement

from registry.complaint_queries import visible_condition
from registry.figure_sql import (
    Bounds,
    CalendarSql,
    percentiles,
    without_jit,
    zone_offsets,
)
from registry.kinds import Channel, Classification, ComplaintState, LetterKind, LetterState
from registry.models import Agency, Complaint, Letter

__all__ = [
    "AgencyLatency",
    "Bounds",
    "CalendarSql",
    "Served",
    "agency_latency",
    "cases_by_state",
    "served",
    "top_subjects",
    "without_jit",
    "zone_offsets",
]


@dataclass(frozen=True)
class Served:
    """The service card's figures for the cases served in a period (docs/stats.md)."""

    complainants: int
    cases: int
    median_days: float | None
    average_days: float | None
    median_working_days: float | None
    average_working_days: float | None
    visits_per_case: float | None
    # For each bucket asked for (the months of a season or a year): complainants, cases.
    by_bucket: tuple[tuple[int, int], ...] = ()


def _bucket(buckets: Sequence[Bounds]) -> ColumnElement[int]:
    # Which of the consecutive ``buckets`` a case served in the period was served in.
    if not buckets:
        return literal(0, Integer)
    return case(
        *[(Complaint.served_at < bucket.end, index) for index, bucket in enumerate(buckets)],
        else_=literal(len(buckets)),
    )


def served(
    session: Session, calendar: CalendarSql, bounds: Bounds, buckets: Sequence[Bounds] = ()
) -> Served:
    """Complainants served, days to the answer (calendar and working), visits per case;
    and for each of ``buckets`` (consecutive periods that make up ``bounds``, e.g. the
    months of a year) the complainants and the cases served in it. One statement: the
    period's cases are read once."""
    calendar = calendar.until(bounds.last)
    dates = (
        select(
            # Who filed it (registry.complaints.complainant_key): no join to the
            # complainants, and the index below the query carries it.
            Complaint.complainant_key.label("person"),
            calendar.local_day(Complaint.registered_at).label("registered"),
            calendar.local_day(Complaint.served_at).label("served"),
            # The registration, when in person, and the visits after it, counted as they
            # were recorded (registry/events.py).
            (
                case((Complaint.channel == Channel.IN_PERSON, 1), else_=0)
                + Complaint.in_person_events
            ).label("visits"),
            _bucket(buckets).label("bucket"),
        )
        .where(Complaint.served_at >= bounds.start, Complaint.served_at < bounds.end)
        .cte("dates")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    days = select(
        dates.c.person,
        dates.c.visits,
        dates.c.bucket,
        (dates.c.served - dates.c.registered).label("calendar"),
        (
            calendar.working_ordinal(dates.c.served) - calendar.working_ordinal(dates.c.registered)
        ).label("working"),
    ).cte("days")
    calendar_counted = percentiles(days, "calendar", [(1, 2)]).subquery("calendar_median")
    working_counted = percentiles(days, "working", [(1, 2)]).subquery("working_median")
    calendar_median = select(calendar_counted.c.p0).scalar_subquery()
    working_median = select(working_counted.c.p0).scalar_subquery()
    nothing = cast(null(), Float)
    whole = select(
        literal(-1, Integer).label("bucket"),
        func.count(func.distinct(days.c.person)),
        func.count(),
        calendar_median,
        func.avg(cast(days.c.calendar, Float)),
        working_median,
        func.avg(cast(days.c.working, Float)),
        func.avg(cast(days.c.visits, Float)),
    )
    parts = select(
        days.c.bucket,
        func.count(func.distinct(days.c.person)),
        func.count(),
        *[nothing] * 5,
    ).group_by(days.c.bucket)
    # The period's row is bucket -1; a bucket in which nobody was served has no row.
    found = {row[0]: row[1:] for row in _rows(session, union_all(whole, parts))}
    people, cases, *numbers = found[-1]
    by_bucket = tuple(
        (int(found[index][0]), int(found[index][1])) if index in found else (0, 0)
        for index in range(len(buckets))
    )
    median, average, working, working_average, visits = map(_number, numbers)
    return Served(
        int(people), int(cases), median, average, working, working_average, visits, by_bucket
    )


def _rows(session: Session, query: Executable) -> list[tuple[Any, ...]]:
    # The rows as plain tuples: their values typed Any, whatever SQLAlchemy infers.
    return [tuple(row) for row in session.execute(query)]


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True)
class AgencyLatency:
    """How one agency answered the office's referrals in a period (docs/stats.md)."""

    agency_id: int
    agency: str
    replies: int
    median_working_days: float | None
    p90_working_days: float | None
    due: int
    overdue: int

    @property
    def overdue_share(self) -> float | None:
        return self.overdue / self.due if self.due else None


def _referrals() -> list[ColumnElement[bool]]:
    return [Letter.kind == LetterKind.REFERRAL, Letter.state != LetterState.VOID]


def agency_latency(
    session: Session, calendar: CalendarSql, bounds: Bounds, today: dt.date
) -> list[AgencyLatency]:
    """Per agency: the working days its replies took (median, 90th percentile) among the
    referrals first answered in the period; and, among its referrals due in the period
    whose due date has passed, how many were answered late or not at all."""
    calendar = calendar.until(bounds.last)
    dates = (
        select(
            Letter.agency_id,
            calendar.local_day(Letter.sent_at).label("sent"),
            calendar.local_day(Letter.replied_at).label("replied"),
        )
        .where(
            *_referrals(),
            Letter.replied_at >= bounds.start,
            Letter.replied_at < bounds.end,
            Letter.sent_at.is_not(None),
        )
        .cte("dates")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    latency = select(
        dates.c.agency_id,
        (calendar.working_ordinal(dates.c.replied) - calendar.working_ordinal(dates.c.sent)).label(
            "days"
        ),
    ).subquery("latency")
    replies: dict[int, tuple[int, float | None, float | None]] = {}
    for agency_id, count, median, p90 in _rows(
        session, percentiles(latency, "days", [(1, 2), (9, 10)], group="agency_id")
    ):
        replies[agency_id] = (int(count), _number(median), _number(p90))
    # A referral due on its due date is late only from the next day: those due before today.
    last_due = min(bounds.last, today - dt.timedelta(days=1))
    late = or_(
        Letter.replied_at.is_(None),
        calendar.local_day(Letter.replied_at) > calendar.date_day(Letter.due_date),
    )
    due: dict[int, tuple[int, int]] = {}
    for agency_id, count, overdue in _rows(
        session,
        select(Letter.agency_id, func.count(), func.sum(case((late, 1), else_=0)))
        .where(*_referrals(), Letter.due_date >= bounds.first, Letter.due_date <= last_due)
        .group_by(Letter.agency_id),
    ):
        due[agency_id] = (count, int(overdue or 0))
    ids = sorted(i for i in set(replies) | set(due) if i is not None)
    names: dict[int, str] = dict(
        _rows(session, select(Agency.id, Agency.name).where(Agency.id.in_(ids)))
    )
    rows = []
    for agency_id in ids:
        count, median, p90 = replies.get(agency_id, (0, None, None))
        due_count, overdue = due.get(agency_id, (0, 0))
        rows.append(
            AgencyLatency(
                agency_id, names.get(agency_id, "—"), count, median, p90, due_count, overdue
            )
        )
    return sorted(rows, key=lambda row: (-row.replies, -row.due, row.agency))


def _registered_in(bounds: Bounds) -> list[ColumnElement[bool]]:
    return [Complaint.registered_at >= bounds.start, Complaint.registered_at < bounds.end]


def cases_by_state(session: Session, bounds: Bounds) -> dict[ComplaintState, int]:
    """The cases registered in the period, by the state they are in now."""
    query = (
        select(Complaint.state, func.count())
        .where(*_registered_in(bounds))
        .group_by(Complaint.state)
    )
    return {ComplaintState(state): count for state, count in _rows(session, query)}


def top_subjects(
    session: Session,
    bounds: Bounds,
    levels: Collection[Classification] | None = None,
    limit: int = 10,
) -> list[tuple[str, int]]:
    """The commonest subjects of the cases registered in the period (spellings that
    normalise alike count as one subject, shown by one of them), most first; with
    ``levels`` (the reader's), only of cases classified at one of them: a subject is the
    case's own words, unlike the counts."""
    count = func.count().label("cases")
    hidden = visible_condition(levels)
    query = (
        select(func.min(Complaint.subject), count)
        .where(*_registered_in(bounds), *([] if hidden is None else [hidden]))
        .group_by(Complaint.subject_norm)
        .order_by(count.desc(), Complaint.subject_norm)
        .limit(limit)
    )
    found: list[tuple[str, int]] = []
    for subject, cases in session.execute(query):
        found.append((subject, cases))
    return found
