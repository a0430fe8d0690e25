"""The service's figures as SQL: each figure one aggregate query, on SQLite and PostgreSQL.

docs/stats.md defines every figure; this module is their arithmetic. The database does the
counting, the averages and the percentiles; Python only builds the expressions from what
is small and fixed for a query (the period's bounds, the office's time zone, its weekend
and its holidays), so the work grows with the cases of the period, never with a loop over
rows.

Three pieces make the figures exact on both engines:

- **Office dates.** Times are stored in UTC; a case registered at 01:00 Tehran time on the
  2nd was registered on the 2nd. SQLite knows no time zones, and PostgreSQL's
  ``timezone(zone, at)`` costs more than the rest of a row's arithmetic, so on both the
  zone's UTC offsets are written into the query as a CASE over the zone's own transitions
  (``zone_offsets``, from the tz database), newest first, and added to the UTC time.
- **Working days** in (a, b] are W(b) - W(a), W(n) being the working days up to day number
  n (days since 1970-01-01): whole weeks times the working weekdays, plus a fixed count for
  the remainder (a CASE of seven constants), minus the holidays on working weekdays up to
  n (nested CASEs over the holidays' day numbers, a binary search): the same days as
  ``WorkingCalendar.working_days_between``.
- **Once per row.** The office dates are computed in a CTE that PostgreSQL materialises:
  inlined, every branch of the CASEs above would compute them again.
- **Percentiles** are PostgreSQL's ``percentile_cont`` (linear interpolation between the
  two nearest ranks), computed with what both engines have: the values (whole days) are
  counted, a running sum (a window) gives each value's range of ranks, and for p = a/b
  over n values the position 1 + a(n-1)/b picks and weighs the two ranks, in integer
  arithmetic. Ranking a few hundred distinct values, not every row, is what keeps a
  year's figures fast.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Float,
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    type_coerce,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.elements import ColumnElement

from registry.kinds import Channel, ComplaintState, LetterKind, LetterState
from registry.models import Agency, Complainant, Complaint, Event, Holiday, Letter

__all__ = [
    "AgencyLatency",
    "Bounds",
    "CalendarSql",
    "Served",
    "agency_latency",
    "cases_by_state",
    "served",
    "served_by_bucket",
    "top_subjects",
    "without_jit",
    "zone_offsets",
]

_EPOCH = dt.date(1970, 1, 1)
_EPOCH_WEEKDAY = _EPOCH.weekday()  # Thursday: Python weekday 3
_JULIAN_EPOCH = 2440587.5  # julianday('1970-01-01')
IN_PERSON = Channel.IN_PERSON.value


def day_number(day: dt.date) -> int:
    """Days since 1970-01-01 (the SQL expressions' day numbers)."""
    return (day - _EPOCH).days


@dataclass(frozen=True)
class Bounds:
    """A period in the office's dates, ``first`` to ``last`` inclusive, and the UTC
    instants that bound it: [first 00:00, the day after last 00:00) in the office's zone."""

    first: dt.date
    last: dt.date
    zone: str

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.first, dt.time(), zoneinfo.ZoneInfo(self.zone))

    @property
    def end(self) -> dt.datetime:
        after = self.last + dt.timedelta(days=1)
        return dt.datetime.combine(after, dt.time(), zoneinfo.ZoneInfo(self.zone))


@functools.lru_cache(maxsize=8)
def zone_offsets(zone: str) -> tuple[tuple[dt.datetime, int], ...]:
    """The zone's UTC offset in minutes from each of its transitions on (from 1970 to 2100,
    oldest first; the first entry holds from the beginning of time)."""
    tz = zoneinfo.ZoneInfo(zone)

    def offset(at: dt.datetime) -> int:
        delta = at.astimezone(tz).utcoffset() or dt.timedelta()
        return int(delta.total_seconds() // 60)

    moment = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    changes = [(moment, offset(moment))]
    # A week at a time: no zone changes its offset twice within a week (the shortest gap,
    # Morocco's Ramadan pauses, is about a month); the change itself is found to the second.
    step = dt.timedelta(days=7)
    while moment.year < 2100:
        after = moment + step
        if offset(after) != changes[-1][1]:
            low, high = moment, after  # the change lies in (low, high]: halve to the second
            while high - low > dt.timedelta(seconds=1):
                middle = low + (high - low) / 2
                if offset(middle) == changes[-1][1]:
                    low = middle
                else:
                    high = middle
            changes.append((high.replace(microsecond=0), offset(after)))
        moment = after
    return tuple(changes)


def without_jit(session: Session) -> None:
    """On PostgreSQL, no JIT compilation for the rest of ``session``'s transaction, and
    room to sort in memory.

    The per-case subquery (visits) makes the planner's cost estimate of a year's figures
    pass ``jit_above_cost``, and compiling the expressions then took ~0.9 s of a 1.3 s
    query that runs in 0.35 s without (bench/bench_stats.py): a reporting query over tens
    of thousands of rows gains nothing from JIT here."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))
        # A year's referrals ranked per agency sort ~100,000 rows: in memory, not on disk.
        session.execute(text("SET LOCAL work_mem = '32MB'"))


@dataclass(frozen=True)
class CalendarSql:
    """The expressions of one query's dialect, zone and working calendar.

    ``weekday_holidays``: the holidays that fall on working weekdays, up to the period's
    last day (later ones change no difference W(b) - W(a) with a, b in the period).
    """

    dialect: str
    zone: str
    weekend: frozenset[int]
    weekday_holidays: tuple[dt.date, ...]

    @classmethod
    def of(cls, session: Session, zone: str, weekend: frozenset[int]) -> CalendarSql:
        """The calendar of the office's ``weekend`` and the holidays in its table."""
        dialect = session.get_bind().dialect.name
        holidays = session.scalars(select(Holiday.day).order_by(Holiday.day))
        on_weekdays = tuple(day for day in holidays if day.weekday() not in weekend)
        return cls(dialect, zone, frozenset(weekend), on_weekdays)

    def until(self, last: dt.date) -> CalendarSql:
        """The same calendar without the holidays after ``last``."""
        kept = tuple(day for day in self.weekday_holidays if day <= last)
        return CalendarSql(self.dialect, self.zone, self.weekend, kept)

    def _offset(self, at: Any, unit: int) -> Any:
        # The zone's UTC offset at ``at``, in ``unit`` seconds: a CASE over its transitions,
        # newest first (most rows are recent: the first branch decides).
        offsets = zone_offsets(self.zone)
        oldest: Any = literal(offsets[0][1] * 60 // unit)
        if len(offsets) == 1:
            return oldest
        newest_first = [(at >= since, minutes * 60 // unit) for since, minutes in offsets[:0:-1]]
        return case(*newest_first, else_=oldest)

    def local_day(self, at: Any) -> ColumnElement[int]:
        """The day number of the office's date of the UTC time ``at``."""
        if self.dialect == "postgresql":
            # Epoch seconds plus the offset: a third of the time of timezone(zone, at),
            # which looks the zone up for every row (bench/bench_stats.py).
            local = func.date_part("epoch", at) + self._offset(at, 1)
            return cast(func.floor(local / 86400.0), Integer)
        minutes = self._offset(at, 60)
        modifier = func.printf("%+d minutes", minutes)
        return cast(func.julianday(func.date(at, modifier)) - _JULIAN_EPOCH, Integer)

    def date_day(self, day: Any) -> ColumnElement[int]:
        """The day number of a DATE column."""
        if self.dialect == "postgresql":
            return type_coerce(day - literal_column("DATE '1970-01-01'"), Integer)
        return cast(func.julianday(day) - _JULIAN_EPOCH, Integer)

    def working_ordinal(self, n: ColumnElement[int]) -> ColumnElement[int]:
        """W(n): working days in (day 0, day n]; W(b) - W(a) counts those in (a, b]."""
        per_week = 7 - len(self.weekend)
        # Day j (1..6) of a week after a multiple of 7 falls on Python weekday (j + 3) % 7.
        rest = [
            sum(1 for j in range(1, r + 1) if (j + _EPOCH_WEEKDAY) % 7 not in self.weekend)
            for r in range(7)
        ]
        remainder = case({r: rest[r] for r in range(1, 7)}, value=n % 7, else_=0)
        whole = (n // 7) * per_week + remainder
        if not self.weekday_holidays:
            return whole
        days = [day_number(day) for day in self.weekday_holidays]
        return whole - _count_at_most(n, days, 0, len(days))


def _count_at_most(
    n: ColumnElement[int], days: Sequence[int], low: int, high: int
) -> ColumnElement[int]:
    """How many of the sorted ``days[low:high]`` are <= n, plus ``low``: a balanced tree
    of CASEs, so a row compares log2(holidays) times, not once per holiday."""
    if low == high:
        return literal(low, Integer)
    middle = (low + high) // 2
    return case(
        (n >= days[middle], _count_at_most(n, days, middle + 1, high)),
        else_=_count_at_most(n, days, low, middle),
    )


def percentiles(
    values: Any, value: str, fractions: Sequence[tuple[int, int]], group: str | None = None
) -> Select[Any]:
    """One row per ``group`` (or one row): the group, the number of values ``n``, and
    ``percentile_cont(a/b)`` of the integer column ``value`` of ``values`` for each (a, b)
    of ``fractions``, labelled p0, p1, ...

    The values are whole days, so they are counted first (value, how many): the ranks are
    then ranges of a running sum over a few hundred distinct values, not row numbers over
    every row. For n values the percentile sits at rank 1 + a(n-1)/b: the value of that
    rank's whole part, plus the remainder's share of the step to the next rank's value."""
    grouping = [values.c[group]] if group else []
    counted = (
        select(*grouping, values.c[value].label("value"), func.count().label("k"))
        .group_by(*grouping, values.c[value])
        .subquery("counted")
    )
    within = [counted.c[group]] if group else []
    # Cast: PostgreSQL sums integers as numeric, and the ranks below divide as integers.
    running = select(
        counted,
        cast(
            func.sum(counted.c.k).over(partition_by=within, order_by=counted.c.value), BigInteger
        ).label("upto"),
        cast(func.sum(counted.c.k).over(partition_by=within), BigInteger).label("n"),
    ).subquery("running")
    c = running.c
    columns: list[Any] = [c[group]] if group else []
    columns.append(func.max(c.n).label("n"))
    for index, (numerator, denominator) in enumerate(fractions):
        scaled = (c.n - 1) * numerator
        low = scaled // denominator + 1
        weight = scaled % denominator
        high = low + case((weight > 0, 1), else_=0)
        at_low = func.max(case((and_(c.upto - c.k < low, low <= c.upto), c.value)))
        at_high = func.max(case((and_(c.upto - c.k < high, high <= c.upto), c.value)))
        columns.append(
            (
                cast(at_low, Float)
                + cast(at_high - at_low, Float) * cast(func.max(weight), Float) / float(denominator)
            ).label(f"p{index}")
        )
    query = select(*columns)
    return query.group_by(c[group]) if group else query


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


def _person() -> ColumnElement[str]:
    # One row per complaint in ``complainant``: the same person filing twice is two rows,
    # named by the same national ID (a legal person's too) or foreign ID, so count those.
    identity = func.coalesce(Complainant.national_id, Complainant.foreign_id, "")
    return cast(Complainant.kind, String) + ":" + identity


def _in_person_events(complaint_id: Any) -> ColumnElement[int]:
    # Documents brought (an attach without a channel predates channels: at the desk), and
    # the answer collected in person (recorded when the case is closed).
    channel = Event.data["channel"].as_string()
    return (
        select(func.count())
        .where(
            Event.complaint_id == complaint_id,
            or_(
                and_(
                    Event.action == "documents_attached",
                    func.coalesce(channel, IN_PERSON) == IN_PERSON,
                ),
                and_(
                    Event.action == "state_changed",
                    Event.after == ComplaintState.CLOSED.value,
                    channel == IN_PERSON,
                ),
            ),
        )
        .scalar_subquery()
    )


def served(session: Session, calendar: CalendarSql, bounds: Bounds) -> Served:
    """Complainants served, days to the answer (calendar and working), visits per case."""
    calendar = calendar.until(bounds.last)
    dates = (
        select(
            _person().label("person"),
            calendar.local_day(Complaint.registered_at).label("registered"),
            calendar.local_day(Complaint.served_at).label("served"),
            (
                case((Complaint.channel == Channel.IN_PERSON, 1), else_=0)
                + _in_person_events(Complaint.id)
            ).label("visits"),
        )
        .join(Complainant, Complainant.id == Complaint.complainant_id)
        .where(Complaint.served_at >= bounds.start, Complaint.served_at < bounds.end)
        .cte("dates")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    days = select(
        dates.c.person,
        dates.c.visits,
        (dates.c.served - dates.c.registered).label("calendar"),
        (
            calendar.working_ordinal(dates.c.served) - calendar.working_ordinal(dates.c.registered)
        ).label("working"),
    ).cte("days")
    calendar_counted = percentiles(days, "calendar", [(1, 2)]).subquery("calendar_median")
    working_counted = percentiles(days, "working", [(1, 2)]).subquery("working_median")
    calendar_median = select(calendar_counted.c.p0).scalar_subquery()
    working_median = select(working_counted.c.p0).scalar_subquery()
    row = session.execute(
        select(
            func.count(func.distinct(days.c.person)),
            func.count(),
            calendar_median,
            func.avg(cast(days.c.calendar, Float)),
            working_median,
            func.avg(cast(days.c.working, Float)),
            func.avg(cast(days.c.visits, Float)),
        )
    ).one()
    return Served(*(row[0], row[1]), *(_number(value) for value in row[2:]))


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


def top_subjects(session: Session, bounds: Bounds, limit: int = 10) -> list[tuple[str, int]]:
    """The commonest subjects of the cases registered in the period (spellings that
    normalise alike count as one subject, shown by one of them), most first."""
    count = func.count().label("cases")
    query = (
        select(func.min(Complaint.subject), count)
        .where(*_registered_in(bounds))
        .group_by(Complaint.subject_norm)
        .order_by(count.desc(), Complaint.subject_norm)
        .limit(limit)
    )
    found: list[tuple[str, int]] = []
    for subject, cases in session.execute(query):
        found.append((subject, cases))
    return found


def served_by_bucket(session: Session, buckets: Sequence[Bounds]) -> list[tuple[int, int]]:
    """For each of ``buckets`` (consecutive periods, e.g. the months of a year): the
    complainants and the cases served in it, in one grouped query."""
    if not buckets:
        return []
    which = case(
        *[(Complaint.served_at < bucket.end, index) for index, bucket in enumerate(buckets)],
        else_=literal(len(buckets)),
    ).label("bucket")
    query = (
        select(which, func.count(func.distinct(_person())), func.count())
        .join(Complainant, Complainant.id == Complaint.complainant_id)
        .where(Complaint.served_at >= buckets[0].start, Complaint.served_at < buckets[-1].end)
        .group_by(which)
    )
    found = {bucket: (people, cases) for bucket, people, cases in _rows(session, query)}
    return [found.get(index, (0, 0)) for index in range(len(buckets))]
