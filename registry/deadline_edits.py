"""Changing a sent letter's reply deadline: more working days, stopping the clock and
restarting it.  Each change is a ``deadline_change`` row, validated before anything is
written; the due date is then recomputed from all the letter's rows (registry/deadlines.py)
and the change recorded as an Event with the due date before and after."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.calendar import WorkingCalendar
from registry.deadlines import (
    REPLY_EXPECTED,
    DueDateChange,
    deadline_terms,
    due_date_for,
    ensure_open,
    has_current_reply,
    referral_of,
)
from registry.errors import InvalidInput, Refused
from registry.events import record_event
from registry.jalali import format_jalali, format_jalali_fa
from registry.jalali import format_jalali_or_none as _jalali
from registry.kinds import LetterState
from registry.models import DeadlineChange, DeadlineChangeKind, Letter

__all__ = ["count_from_receipt", "extend_deadline", "pause_deadline", "resume_deadline"]

_ONE_DAY = dt.timedelta(days=1)


def _reason(reason: str) -> str:
    if not reason or not reason.strip():
        raise InvalidInput("reason_required", field="reason")
    return reason.strip()


def _apply(
    session: Session,
    letter: Letter,
    calendar: WorkingCalendar,
    added: DeadlineChange | None,
    *,
    action: str,
    at: dt.datetime,
    actor: str,
    note: str,
    data: dict[str, object],
) -> DueDateChange:
    """Add the change's row, if it is a new one (``note`` is its reason), recompute
    ``letter``'s due date from its rows and record the Event."""
    if added is not None:
        added.letter_id, added.reason, added.at, added.actor = letter.id, note, at, actor
        session.add(added)
    session.flush()
    before = letter.due_date
    after = due_date_for(session, letter, calendar)
    letter.due_date = after
    record_event(
        session,
        at=at,
        actor=actor,
        action=action,
        complaint=letter.complaint,
        letter=letter,
        before=_jalali(before),
        after=_jalali(after),
        note=note,
        data=dict(data),
    )
    return DueDateChange(letter, before, after)


def extend_deadline(
    session: Session,
    letter: Letter,
    days: int,
    reason: str,
    *,
    at: dt.datetime,
    actor: str,
    calendar: WorkingCalendar,
) -> DueDateChange:
    """Give an open letter ``days`` (>= 1) more working days, for a reason."""
    if isinstance(days, bool) or days < 1:
        raise InvalidInput("invalid_extension_days", field="days", value=days)
    why = _reason(reason)
    ensure_open(session, letter)
    deadline_terms(session, letter)  # refuses a letter without a deadline
    row = DeadlineChange(kind=DeadlineChangeKind.EXTENSION, days=days)
    return _apply(
        session,
        letter,
        calendar,
        row,
        action="deadline_extended",
        at=at,
        actor=actor,
        note=why,
        data={"days": days},
    )


def pause_deadline(
    session: Session,
    letter: Letter,
    from_date: dt.date,
    reason: str,
    *,
    at: dt.datetime,
    actor: str,
    calendar: WorkingCalendar,
    today: dt.date,
) -> DueDateChange:
    """Stop an open letter's clock from ``from_date`` (inclusive) until it is resumed.

    ``from_date`` may be in the past but not before day 0, not after ``today``, not inside
    an earlier pause, and not after the due date (a deadline already passed cannot stop).
    """
    why = _reason(reason)
    ensure_open(session, letter)
    terms = deadline_terms(session, letter)
    if from_date > today:
        raise InvalidInput("date_in_future", value=format_jalali(from_date))
    if from_date < terms.sent_day:
        raise InvalidInput(
            "pause_before_sent", value=format_jalali(from_date), sent=format_jalali(terms.sent_day)
        )
    if terms.open_pause is not None:
        raise Refused(
            "deadline_already_paused", number=letter.number, since=format_jalali(terms.open_pause)
        )
    if any(last is not None and from_date <= last for _first, last in terms.pauses):
        raise Refused("pause_overlaps", number=letter.number, value=format_jalali(from_date))
    if letter.due_date is not None and from_date > letter.due_date:
        raise Refused(
            "deadline_passed", number=letter.number, due_date=format_jalali(letter.due_date)
        )
    row = DeadlineChange(kind=DeadlineChangeKind.PAUSE, start=from_date)
    return _apply(
        session,
        letter,
        calendar,
        row,
        action="deadline_paused",
        at=at,
        actor=actor,
        note=why,
        data={"from": format_jalali(from_date)},
    )


def resume_deadline(
    session: Session,
    letter: Letter,
    on_date: dt.date,
    reason: str,
    *,
    at: dt.datetime,
    actor: str,
    calendar: WorkingCalendar,
    today: dt.date,
) -> DueDateChange:
    """Restart a stopped clock: ``on_date`` counts again (the pause ends the day before).

    ``on_date`` must be after the pause's first day and not after ``today``.
    """
    why = _reason(reason)
    ensure_open(session, letter)
    pause = session.scalars(
        select(DeadlineChange).where(
            DeadlineChange.letter_id == letter.id,
            DeadlineChange.kind == DeadlineChangeKind.PAUSE,
            DeadlineChange.end.is_(None),
        )
    ).first()
    if pause is None or pause.start is None:
        raise Refused("deadline_not_paused", number=letter.number)
    if on_date > today:
        raise InvalidInput("date_in_future", value=format_jalali(on_date))
    if on_date <= pause.start:
        raise InvalidInput(
            "resume_before_pause", value=format_jalali(on_date), since=format_jalali(pause.start)
        )
    pause.end = on_date - _ONE_DAY
    return _apply(
        session,
        letter,
        calendar,
        None,
        action="deadline_resumed",
        at=at,
        actor=actor,
        note=why,
        data={"from": format_jalali(pause.start), "on": format_jalali(on_date)},
    )


def count_from_receipt(
    session: Session,
    letter: Letter,
    received_on: dt.date,
    *,
    at: dt.datetime,
    actor: str,
    calendar: WorkingCalendar,
) -> DueDateChange | None:
    """Make ``received_on`` day 0 of ``letter``'s reply deadline (the office counts from
    receipt), recompute its due date and record why; None, and nothing written, for a
    letter whose deadline no longer runs (void, replied, or one that expects no reply)."""
    if letter.kind not in REPLY_EXPECTED or letter.state is not LetterState.SENT:
        return None
    if referral_of(letter).state is LetterState.VOID:
        return None
    if has_current_reply(session, referral_of(letter)):
        return None
    deadline_terms(session, letter)  # refuses a letter sent without a deadline
    row = DeadlineChange(kind=DeadlineChangeKind.RECEIVED, start=received_on)
    return _apply(
        session,
        letter,
        calendar,
        row,
        action="deadline_from_receipt",
        at=at,
        actor=actor,
        note=f"مهلت پاسخ از تاریخ دریافت نامه ({format_jalali_fa(received_on)}) شمرده می‌شود",
        data={"received_on": format_jalali(received_on)},
    )
