"""The office's holiday table: seeded from the ``holidays`` package, then edited by staff.

Each Jalali year is seeded once (``holiday_seed_year`` remembers it), so seeding again —
``init`` does it every time — never brings back a holiday the office removed nor
overwrites one it renamed.  Adding or removing a holiday recomputes, in the same
transaction, the due dates of the open letters whose count it touches.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry import deadlines
from registry.calendar import Holiday as HolidayValue
from registry.calendar import WorkingCalendar
from registry.errors import InvalidInput, NotFound, Refused
from registry.events import record_event
from registry.holiday_seed import SOURCE, official_holidays
from registry.jalali import format_jalali, jalali_year_bounds
from registry.models import Holiday, HolidaySeedYear

__all__ = [
    "DEFAULT_SEED_YEARS",
    "HolidayEdit",
    "add_holiday",
    "list_holidays",
    "remove_holiday",
    "seed_holidays",
    "working_calendar",
]

DEFAULT_SEED_YEARS = (1404, 1405, 1406)
OFFICE_SOURCE = "office"
MAX_NAME = 200


def _value(row: Holiday) -> HolidayValue:
    return HolidayValue(row.day, row.name, row.estimated, row.source)


def seed_holidays(
    session: Session,
    jalali_years: Iterable[int] = DEFAULT_SEED_YEARS,
    *,
    at: dt.datetime,
    actor: str,
) -> int:
    """Add the official holidays of the Jalali years not seeded before; returns how many.

    Idempotent: a year already seeded is skipped whole; a date already in the table (the
    office's own entry) is left as it is.  Lunar dates keep the package's ``estimated``
    label.  Seeding changes no running deadline: letters are sent after the seed, and the
    office edits single days with ``add_holiday``/``remove_holiday``.
    """
    wanted = sorted(set(jalali_years))
    done = set(
        session.scalars(select(HolidaySeedYear.year).where(HolidaySeedYear.year.in_(wanted)))
    )
    todo = [year for year in wanted if year not in done]
    if not todo:
        return 0
    seeded = official_holidays(todo)
    present = set(
        session.scalars(
            select(Holiday.day).where(Holiday.day.in_([holiday.date for holiday in seeded]))
        )
    )
    added = [
        Holiday(day=h.date, name=h.name[:MAX_NAME], estimated=h.estimated, source=h.source)
        for h in seeded
        if h.date not in present
    ]
    session.add_all(added)
    session.add_all(HolidaySeedYear(year=year, source=SOURCE, at=at, actor=actor) for year in todo)
    record_event(
        session,
        at=at,
        actor=actor,
        action="holidays_seeded",
        data={"years": todo, "added": len(added), "source": SOURCE},
    )
    session.flush()
    return len(added)


@dataclasses.dataclass(frozen=True)
class HolidayEdit:
    """What an add or remove did: the holiday and the letters whose due date moved."""

    holiday: HolidayValue
    moved: list[deadlines.DueDateChange]


def add_holiday(
    session: Session,
    date: dt.date,
    name: str,
    *,
    at: dt.datetime,
    actor: str,
    weekend: frozenset[int],
    estimated: bool = False,
) -> HolidayEdit:
    """Add an official holiday (Refused if the day is one already) and move the due dates
    of the open letters whose count it falls in."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput("field_required", field="name")
    if len(name) > MAX_NAME:
        raise InvalidInput("field_too_long", field="name", limit=MAX_NAME)
    existing = session.get(Holiday, date)
    if existing is not None:
        raise Refused("holiday_exists", date=format_jalali(date), name=existing.name)
    row = Holiday(day=date, name=name, estimated=estimated, source=OFFICE_SOURCE)
    session.add(row)
    session.flush()
    record_event(
        session,
        at=at,
        actor=actor,
        action="holiday_added",
        after=format_jalali(date),
        data={"date": format_jalali(date), "name": name, "estimated": estimated},
    )
    moved = _recompute(session, date, weekend, at=at, actor=actor, note=f"holiday_added {name}")
    return HolidayEdit(_value(row), moved)


def remove_holiday(
    session: Session, date: dt.date, *, at: dt.datetime, actor: str, weekend: frozenset[int]
) -> HolidayEdit:
    """Remove the holiday on ``date`` (NotFound if none) and move the due dates it touched."""
    row = session.get(Holiday, date)
    if row is None:
        raise NotFound("holiday_not_found", date=format_jalali(date))
    removed = _value(row)
    session.delete(row)
    session.flush()
    record_event(
        session,
        at=at,
        actor=actor,
        action="holiday_removed",
        before=format_jalali(date),
        data={"date": format_jalali(date), "name": removed.name, "source": removed.source},
    )
    note = f"holiday_removed {removed.name}"
    moved = _recompute(session, date, weekend, at=at, actor=actor, note=note)
    return HolidayEdit(removed, moved)


def _recompute(
    session: Session,
    day: dt.date,
    weekend: frozenset[int],
    *,
    at: dt.datetime,
    actor: str,
    note: str,
) -> list[deadlines.DueDateChange]:
    calendar = working_calendar(session, weekend)
    return deadlines.recompute_open_deadlines(
        session, calendar, at=at, actor=actor, changed_day=day, note=note
    )


def list_holidays(session: Session, jalali_year: int | None = None) -> list[HolidayValue]:
    """The holidays in the table, by date; only those of ``jalali_year`` when given."""
    query = select(Holiday).order_by(Holiday.day)
    if jalali_year is not None:
        first, last = jalali_year_bounds(jalali_year)
        query = query.where(Holiday.day >= first, Holiday.day <= last)
    return [_value(row) for row in session.scalars(query)]


def working_calendar(session: Session, weekend: frozenset[int]) -> WorkingCalendar:
    """The office's calendar: ``weekend`` (setting) and every holiday in the table."""
    return WorkingCalendar.from_holidays(list_holidays(session), weekend=weekend)
