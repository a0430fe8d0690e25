"""A letter's reply deadline: how its due date was reached; extend it, stop and restart it.

Also the two lookups every letter-by-number use case shares: the letter a printed number
names, and the office's working calendar.  ``registry.holidays`` is imported inside the
functions: it loads the holiday seeder and with it the ``holidays`` package (~0.1-0.2 s),
which every command that imports this module would otherwise pay for at start-up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.orm import Session

from office.access import Action, Actor, require, visible_levels
from office.letters import letter_by_number
from office.runtime import Runtime
from registry import deadline_edits, deadlines
from registry.calendar import DueDateExplanation, WorkingCalendar
from registry.db import transaction
from registry.jalali import format_jalali_or_none as jalali
from registry.kinds import Classification
from registry.models import Letter
from registry.records import deadline_change_record, letter_record

__all__ = [
    "DeadlineExplained",
    "explain",
    "extend",
    "is_working_day",
    "office_calendar",
    "pause",
    "resume",
]


def office_calendar(runtime: Runtime, session: Session) -> WorkingCalendar:
    """The office's working calendar: its weekend and the holidays' table."""
    from registry.holidays import working_calendar

    return working_calendar(session, runtime.settings.weekend_python_days)


def is_working_day(runtime: Runtime, day: dt.date | None = None) -> bool:
    """Whether ``day`` (default: today in the office's time zone) is a working day by the
    office's calendar: not a weekend day of its settings, not in its holidays' table.
    A schedule that fires every day asks this before acting (cron cannot know the Jalali
    holidays)."""
    with runtime.sessions() as session:
        return office_calendar(runtime, session).is_working_day(day or runtime.clock.today())


@dataclass(frozen=True)
class DeadlineExplained:
    """A letter's record, its deadline's rows (start, extensions, pauses) and how its due
    date was reached, day by day."""

    letter: dict[str, Any]
    changes: list[dict[str, Any]]
    explanation: DueDateExplanation


def explain(runtime: Runtime, actor: Actor, number: str) -> DeadlineExplained:
    """How letter ``number``'s due date was reached (Refused if it runs no deadline;
    NotFound for a letter of a case ``actor`` may not see)."""
    levels = visible_levels(actor, runtime.settings)
    with runtime.sessions() as session:
        letter = letter_by_number(runtime, session, number, levels)
        explanation = deadlines.explain(session, letter, office_calendar(runtime, session))
        changes = [deadline_change_record(c) for c in deadlines.deadline_changes(session, letter)]
        record = letter_record(letter, runtime.clock.zone)
    return DeadlineExplained(record, changes, explanation)


Change = Callable[[Session, Letter, WorkingCalendar], deadlines.DueDateChange]


def _change(
    runtime: Runtime, number: str, change: Change, levels: Collection[Classification]
) -> dict[str, Any]:
    """One deadline change to the letter in one transaction: its record afterwards, with
    ``due_date_before``; a letter of a case classified above ``levels`` is not found."""
    with transaction(runtime.sessions) as session:
        letter = letter_by_number(runtime, session, number, levels)
        moved = change(session, letter, office_calendar(runtime, session))
        record = letter_record(letter, runtime.clock.zone)
    record["due_date_before"] = jalali(moved.before)
    return record


def extend(
    runtime: Runtime, actor: Actor, number: str, *, days: int, reason: str
) -> dict[str, Any]:
    """Give the agency ``days`` more working days to answer letter ``number``."""
    levels = visible_levels(actor, runtime.settings)
    name = require(actor, Action.EDIT_DEADLINE)
    now = runtime.clock.now()
    return _change(
        runtime,
        number,
        lambda session, letter, calendar: deadline_edits.extend_deadline(
            session, letter, days, reason, at=now, actor=name, calendar=calendar
        ),
        levels,
    )


class _DatedEdit(Protocol):
    """``deadline_edits.pause_deadline`` or ``resume_deadline``: an edit from one day on."""

    def __call__(
        self,
        session: Session,
        letter: Letter,
        day: dt.date,
        reason: str,
        /,
        *,
        at: dt.datetime,
        actor: str,
        calendar: WorkingCalendar,
        today: dt.date,
    ) -> deadlines.DueDateChange: ...


def _dated_change(
    runtime: Runtime, actor: Actor, number: str, edit: _DatedEdit, day: dt.date | None, reason: str
) -> dict[str, Any]:
    """``edit`` of letter ``number``'s clock from ``day`` (default today), as ``_change``."""
    levels = visible_levels(actor, runtime.settings)
    name = require(actor, Action.EDIT_DEADLINE)
    now, today = runtime.clock.now(), runtime.clock.today()
    on = day if day is not None else today
    return _change(
        runtime,
        number,
        lambda session, letter, calendar: edit(
            session, letter, on, reason, at=now, actor=name, calendar=calendar, today=today
        ),
        levels,
    )


def pause(
    runtime: Runtime, actor: Actor, number: str, *, reason: str, first: dt.date | None = None
) -> dict[str, Any]:
    """Stop letter ``number``'s clock from ``first`` (default today) until it is resumed."""
    return _dated_change(runtime, actor, number, deadline_edits.pause_deadline, first, reason)


def resume(
    runtime: Runtime, actor: Actor, number: str, *, reason: str, on: dt.date | None = None
) -> dict[str, Any]:
    """Restart letter ``number``'s stopped clock; ``on`` (default today) counts again."""
    return _dated_change(runtime, actor, number, deadline_edits.resume_deadline, on, reason)
