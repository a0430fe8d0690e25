"""The office's working-day calendar: reply deadlines counted in working days.

A deadline is counted like this (the contract ``residegi deadline explain`` prints):

- day 0 is the day the letter was sent; counting starts on the NEXT calendar day, always,
  even when the letter was sent on a Friday, a holiday or during a pause;
- a day counts when it is not a weekend day (a setting, default Thursday and Friday), not
  an official holiday (the office's table) and not inside a stop-the-clock interval;
- the due date is the n-th counted day.  n = 0 gives the sending day itself.  An extension
  is simply a larger n (the caller adds it).

Everything is passed in (weekend, holidays, pauses); nothing is read from the environment.
Dates are Gregorian ``datetime.date``; Jalali is only how they are shown.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

from registry.errors import InvalidInput, Refused
from registry.jalali import format_jalali, format_jalali_fa, jalali_weekday_name
from registry.text import to_persian_digits

__all__ = [
    "DEFAULT_WEEKEND",
    "ESTIMATED_MARK_FA",
    "FRIDAY",
    "THURSDAY",
    "DueDateExplanation",
    "ExplainedDay",
    "Holiday",
    "PausedInterval",
    "WorkingCalendar",
]

# Python's weekday numbers (Monday = 0); Iran's week starts on Saturday (5).
THURSDAY = 3
FRIDAY = 4
DEFAULT_WEEKEND: frozenset[int] = frozenset({THURSDAY, FRIDAY})

ESTIMATED_MARK_FA = "(تخمینی)"

# (first day, last day) both inclusive; last day None = the clock is still stopped.
PausedInterval = tuple[dt.date, dt.date | None]

_ONE_DAY = dt.timedelta(days=1)


@dataclasses.dataclass(frozen=True, slots=True)
class Holiday:
    """One official day off.  ``estimated``: a lunar date not yet confirmed."""

    date: dt.date
    name: str
    estimated: bool = False
    source: str = "office"

    def label_fa(self) -> str:
        """The name as shown to staff, with «(تخمینی)» when the date is an estimate."""
        return f"{self.name} {ESTIMATED_MARK_FA}" if self.estimated else self.name


@dataclasses.dataclass(frozen=True, slots=True)
class ExplainedDay:
    """One calendar day after day 0 and why it counted or not."""

    date: dt.date
    weekend: bool
    holiday: Holiday | None
    paused: bool
    working_day_number: int | None  # 1..n for a counted day, None when skipped

    @property
    def counted(self) -> bool:
        return self.working_day_number is not None


@dataclasses.dataclass(frozen=True, slots=True)
class DueDateExplanation:
    """How a due date was reached, day by day, from ``start`` + 1 to the due date.

    ``due_date`` is None when an open-ended pause (clock still stopped) began before the
    count finished; ``paused_since`` is then its first day and ``days`` stop before it.
    """

    start: dt.date
    working_days: int
    days: tuple[ExplainedDay, ...]
    due_date: dt.date | None
    paused_since: dt.date | None = None
    # Day 0 is the day the recipient received the letter, not the day it was sent (the
    # office counts from receipt, setting ``reply_deadline_from_receipt``).
    from_receipt: bool = False

    @property
    def remaining(self) -> int:
        """Working days still to count (0 once the due date is known)."""
        return self.working_days - sum(1 for day in self.days if day.counted)

    def lines_fa(self) -> list[str]:
        """Persian lines for ``residegi deadline explain``: Jalali dates, Persian digits."""
        n = self.working_days
        if self.from_receipt:
            start_line = f"تاریخ دریافت نامه توسط گیرنده (روز صفر): {_fa_day(self.start)}"
            counted = "شمارش از روز پس از دریافت نامه آغاز می‌شود"
        else:
            start_line = f"تاریخ ارسال نامه (روز صفر): {_fa_day(self.start)}"
            counted = "شمارش از روز پس از ارسال آغاز می‌شود"
        lines = [start_line, f"مهلت پاسخ: {n} روز کاری؛ {counted}"]
        for day in self.days:
            if day.working_day_number is not None:
                why = f"روز کاری {day.working_day_number} از {n}"
            else:
                why = "شمرده نشد: " + "، ".join(_skip_reasons_fa(day))
            lines.append(f"{_fa_day(day.date)}: {why}")
        if self.due_date is not None:
            lines.append(f"سررسید پاسخ: {_fa_day(self.due_date)}")
        elif self.paused_since is not None:
            lines.append(
                f"مهلت از {_fa_day(self.paused_since)} متوقف است و {self.remaining} روز کاری"
                " از آن مانده است؛ سررسید پس از ازسرگیری مهلت معلوم می‌شود"
            )
        return [to_persian_digits(line) for line in lines]

    def as_json(self) -> dict[str, Any]:
        """Stable snake_case keys, ASCII digits, Jalali ``YYYY/MM/DD`` (for ``--json``)."""
        return {
            "start": format_jalali(self.start),
            "counted_from": "receipt" if self.from_receipt else "sent",
            "working_days": self.working_days,
            "due_date": None if self.due_date is None else format_jalali(self.due_date),
            "paused_since": None if self.paused_since is None else format_jalali(self.paused_since),
            "remaining": self.remaining,
            "days": [
                {
                    "date": format_jalali(day.date),
                    "counted": day.counted,
                    "working_day_number": day.working_day_number,
                    "weekend": day.weekend,
                    "paused": day.paused,
                    "holiday": None
                    if day.holiday is None
                    else {"name": day.holiday.name, "estimated": day.holiday.estimated},
                }
                for day in self.days
            ],
        }


def _fa_day(day: dt.date) -> str:
    return f"{format_jalali_fa(day)} {jalali_weekday_name(day)}"


def _skip_reasons_fa(day: ExplainedDay) -> list[str]:
    reasons = []
    if day.holiday is not None:
        reasons.append(f"تعطیل رسمی «{day.holiday.label_fa()}»")
    if day.weekend:
        reasons.append(f"تعطیل آخر هفته ({jalali_weekday_name(day.date)})")
    if day.paused:
        reasons.append("مهلت متوقف بود")
    return reasons


@dataclasses.dataclass(frozen=True)
class WorkingCalendar:
    """Weekend days and official holidays; answers "is this a working day" and counts.

    ``weekend`` holds Python weekday numbers (Monday = 0; default Thursday 3 and Friday 4).
    ``holidays`` maps each date to its Holiday; it is copied, so later changes to the
    caller's dict do not reach this calendar (build a new one: deadlines are recomputed).
    """

    weekend: frozenset[int] = DEFAULT_WEEKEND
    holidays: Mapping[dt.date, Holiday] = dataclasses.field(
        default_factory=lambda: MappingProxyType({}), hash=False
    )
    # Holidays that fall on working weekdays, sorted: lets counting skip the day-by-day walk.
    _weekday_holidays: tuple[dt.date, ...] = dataclasses.field(
        init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        weekend = frozenset(self.weekend)
        if not weekend <= frozenset(range(7)) or len(weekend) == 7:
            # Seven weekend days would make every deadline infinite.
            raise InvalidInput("invalid_weekend", value=sorted(weekend))
        holidays = dict(self.holidays)
        for day, holiday in holidays.items():
            if holiday.date != day:
                raise ValueError(f"holiday {holiday!r} is filed under {day}")
        object.__setattr__(self, "weekend", weekend)
        object.__setattr__(self, "holidays", MappingProxyType(holidays))
        on_weekdays = tuple(sorted(day for day in holidays if day.weekday() not in weekend))
        object.__setattr__(self, "_weekday_holidays", on_weekdays)

    @classmethod
    def from_holidays(
        cls, holidays: Iterable[Holiday], weekend: Iterable[int] = DEFAULT_WEEKEND
    ) -> WorkingCalendar:
        """A calendar from a list of holidays; two on one date are merged into one."""
        return cls(weekend=frozenset(weekend), holidays=_merge({}, holidays))

    def with_holidays(self, *extra: Holiday) -> WorkingCalendar:
        """This calendar plus ``extra`` holidays (merged with any on the same date)."""
        return dataclasses.replace(self, holidays=_merge(self.holidays, extra))

    def is_working_day(self, day: dt.date) -> bool:
        """True unless ``day`` is a weekend day or an official holiday."""
        return day.weekday() not in self.weekend and day not in self.holidays

    def add_working_days(
        self, start: dt.date, n: int, paused: Sequence[PausedInterval] = ()
    ) -> dt.date:
        """The due date: the n-th working day after ``start`` (day 0, the day of sending).

        Counting starts on ``start`` + 1 whatever ``start`` is, so a letter sent on a
        Friday or a holiday still has exactly n working days.  Days inside ``paused``
        (inclusive intervals) do not count.  ``n`` = 0 gives ``start``; a negative n
        raises ``InvalidInput("invalid_working_days")``.  If an open-ended pause begins
        before the count is done there is no due date yet:
        ``Refused("deadline_clock_stopped", since=...)``; ``explain_due_date`` then
        says how many working days remain.
        """
        explanation = self.explain_due_date(start, n, paused)
        if explanation.due_date is None:
            since = explanation.paused_since
            raise Refused(
                "deadline_clock_stopped",
                since=None if since is None else format_jalali(since),
                remaining=explanation.remaining,
            )
        return explanation.due_date

    def explain_due_date(
        self,
        start: dt.date,
        n: int,
        paused: Sequence[PausedInterval] = (),
        *,
        from_receipt: bool = False,
    ) -> DueDateExplanation:
        """Every calendar day from ``start`` + 1 to the due date, counted or skipped and why.

        Same rules as ``add_working_days``; with an open-ended pause that begins before the
        count is done, ``due_date`` is None and the days stop before the pause.
        ``from_receipt`` says that ``start`` is the day the recipient received the letter.
        """
        if n < 0:
            raise InvalidInput("invalid_working_days", value=n)
        pauses = _merge_pauses(paused)
        open_since = next((first for first, last in pauses if last is None), None)
        days: list[ExplainedDay] = []
        counted = 0
        day = start
        while counted < n:
            day += _ONE_DAY
            if open_since is not None and day >= open_since:
                return DueDateExplanation(
                    start, n, tuple(days), None, open_since, from_receipt=from_receipt
                )
            weekend = day.weekday() in self.weekend
            holiday = self.holidays.get(day)
            is_paused = _in_pauses(day, pauses)
            number = None
            if not (weekend or holiday is not None or is_paused):
                counted += 1
                number = counted
            days.append(ExplainedDay(day, weekend, holiday, is_paused, number))
        return DueDateExplanation(start, n, tuple(days), day, from_receipt=from_receipt)

    def working_days_between(
        self, a: dt.date, b: dt.date, paused: Sequence[PausedInterval] = ()
    ) -> int:
        """Working days in (a, b]: after ``a``, up to and including ``b``.

        Negative when ``b`` is before ``a`` (minus the working days in (b, a]); zero when
        they are equal.  With a = due date and b = today it is "working days late"; days
        inside ``paused`` do not count.
        """
        if b < a:
            return -self.working_days_between(b, a, paused)
        count = self._count(a, b)
        for first, last in _merge_pauses(paused):
            low = max(first, a + _ONE_DAY)
            high = b if last is None else min(last, b)
            if low <= high:
                count -= self._count(low - _ONE_DAY, high)
        return count

    def _count(self, a: dt.date, b: dt.date) -> int:
        # Working days in (a, b], a <= b, by whole weeks plus a remainder, then minus the
        # holidays on working weekdays: O(log holidays), not one step per day.
        weeks, rest = divmod((b - a).days, 7)
        count = weeks * (7 - len(self.weekend))
        tail_start = a + dt.timedelta(days=7 * weeks)
        for offset in range(1, rest + 1):
            if (tail_start + dt.timedelta(days=offset)).weekday() not in self.weekend:
                count += 1
        hols = self._weekday_holidays
        return count - (bisect.bisect_right(hols, b) - bisect.bisect_right(hols, a))


def _merge(existing: Mapping[dt.date, Holiday], extra: Iterable[Holiday]) -> dict[dt.date, Holiday]:
    merged = dict(existing)
    for holiday in extra:
        earlier = merged.get(holiday.date)
        if earlier is None:
            merged[holiday.date] = holiday
        elif holiday.name not in earlier.name.split("، "):
            # One day off whatever its reasons; it is an estimate only if every reason is.
            merged[holiday.date] = Holiday(
                holiday.date,
                f"{earlier.name}، {holiday.name}",
                earlier.estimated and holiday.estimated,
                earlier.source if earlier.source == holiday.source else "mixed",
            )
    return merged


def _merge_pauses(paused: Sequence[PausedInterval]) -> list[PausedInterval]:
    """Sorted, non-overlapping pauses; anything after an open-ended one is absorbed."""
    for first, last in paused:
        if last is not None and last < first:
            raise InvalidInput(
                "invalid_pause_interval", start=format_jalali(first), end=format_jalali(last)
            )
    merged: list[PausedInterval] = []
    for first, last in sorted(paused, key=lambda pause: pause[0]):
        if merged:
            prev_first, prev_last = merged[-1]
            if prev_last is None:
                break
            if first <= prev_last + _ONE_DAY:
                new_last = None if last is None else max(prev_last, last)
                merged[-1] = (prev_first, new_last)
                continue
        merged.append((first, last))
    return merged


def _in_pauses(day: dt.date, pauses: Sequence[PausedInterval]) -> bool:
    return any(first <= day and (last is None or day <= last) for first, last in pauses)
