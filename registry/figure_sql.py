"""The building blocks of the service's figures in SQL, on SQLite and PostgreSQL alike:
a period's bounds, the office's dates and working days of stored times, percentiles.

What makes the figures exact, and fast, on both engines:

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
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    select,
    text,
    type_coerce,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from registry.models import Holiday

__all__ = [
    "Bounds",
    "CalendarSql",
    "day_number",
    "percentiles",
    "without_jit",
    "zone_offsets",
]

_EPOCH = dt.date(1970, 1, 1)
_EPOCH_WEEKDAY = _EPOCH.weekday()  # Thursday: Python weekday 3
_JULIAN_EPOCH = 2440587.5  # julianday('1970-01-01')


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

    A per-case subquery (the visits, before migration 0018 kept them on the case) made the
    planner's cost estimate of a year's figures pass ``jit_above_cost``, and compiling the
    expressions then took ~0.9 s of a 1.3 s query that runs in 0.35 s without
    (bench/bench_stats.py). The statements now estimate below it, but a reporting query
    over tens of thousands of rows gains nothing from JIT here, whatever the estimate."""
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
