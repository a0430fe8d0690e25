"""The office's table of official holidays: list, add, remove, seed.

Adding or removing a holiday moves the due dates of the open letters whose count it falls
in, in the same transaction.  ``registry.holidays`` is imported inside the functions: it
loads the holiday seeder and the ``holidays`` package (~0.1-0.2 s), which every command
importing this module would otherwise pay for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from office.access import Action, Actor, require
from office.runtime import Runtime
from registry.db import transaction
from registry.jalali import format_jalali_or_none as jalali
from registry.records import holiday_record

if TYPE_CHECKING:
    from registry import holidays

__all__ = ["Seeded", "add", "list_holidays", "remove", "seed"]


def _edit_record(edit: holidays.HolidayEdit) -> dict[str, Any]:
    """The holiday's record with ``moved``: the letters whose due date moved."""
    record = holiday_record(edit.holiday)
    record["moved"] = [
        {"number": m.letter.number, "before": jalali(m.before), "after": jalali(m.after)}
        for m in edit.moved
    ]
    return record


def list_holidays(runtime: Runtime, year: int | None = None) -> list[dict[str, Any]]:
    """The official holidays by date (of Jalali ``year``, or all)."""
    from registry import holidays

    with runtime.sessions() as session:
        return [holiday_record(h) for h in holidays.list_holidays(session, year)]


def add(
    runtime: Runtime, actor: Actor, day: dt.date, name: str, *, estimated: bool = False
) -> dict[str, Any]:
    """Add a holiday (Refused ``holiday_exists`` for a day that is one); open letters whose
    count it falls in get a later due date, listed under ``moved``."""
    actor = require(actor, Action.MANAGE_HOLIDAYS)
    from registry import holidays

    with transaction(runtime.sessions) as session:
        edit = holidays.add_holiday(
            session,
            day,
            name,
            at=runtime.clock.now(),
            actor=actor,
            weekend=runtime.settings.weekend_python_days,
            estimated=estimated,
        )
        return _edit_record(edit)


def remove(runtime: Runtime, actor: Actor, day: dt.date) -> dict[str, Any]:
    """Remove the holiday on ``day`` (NotFound ``holiday_not_found``); open letters whose
    count it fell in get an earlier due date, listed under ``moved``."""
    actor = require(actor, Action.MANAGE_HOLIDAYS)
    from registry import holidays

    with transaction(runtime.sessions) as session:
        edit = holidays.remove_holiday(
            session,
            day,
            at=runtime.clock.now(),
            actor=actor,
            weekend=runtime.settings.weekend_python_days,
        )
        return _edit_record(edit)


@dataclass(frozen=True)
class Seeded:
    """The Jalali years asked for, and how many holidays were added."""

    years: tuple[int, ...]
    added: int


def seed(runtime: Runtime, actor: Actor, years: Sequence[int] | None = None) -> Seeded:
    """Load the official holidays of the years (default: the seed's years) not loaded
    before; safe to run again."""
    actor = require(actor, Action.MANAGE_HOLIDAYS)
    from registry import holidays

    wanted = tuple(years) if years else tuple(holidays.DEFAULT_SEED_YEARS)
    with transaction(runtime.sessions) as session:
        added = holidays.seed_holidays(session, wanted, at=runtime.clock.now(), actor=actor)
    return Seeded(wanted, added)
