"""The dispatch book (دفتر ارسال) as staff keep it: how a sent letter left the office and
when its recipient received it.

Where the office counts reply deadlines from receipt (setting
``reply_deadline_from_receipt``), recording the receipt of a letter still waiting for its
reply makes the day of receipt its day 0 and moves its due date in the same transaction;
``deadline explain`` then says so.  Off (the default), receipt moves nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from office.access import Action, Actor, require, visible_levels
from office.deadlines import office_calendar
from office.letters import letter_by_number
from office.runtime import Runtime
from registry import dispatch_book
from registry.db import transaction
from registry.deadline_edits import count_from_receipt
from registry.errors import InvalidInput
from registry.jalali import format_jalali_or_none as jalali
from registry.kinds import DispatchMethod
from registry.models import Letter
from registry.records import dispatch_record, letter_record

__all__ = ["dispatch_method", "dispatch_of", "record_left", "record_received"]


def dispatch_method(value: str) -> DispatchMethod:
    """A method as typed (``hand``, ``courier``, ``post``, ``email``, ``exchange``), or
    InvalidInput naming the allowed ones."""
    try:
        return DispatchMethod(value.strip().lower())
    except ValueError:
        allowed = ", ".join(method.value for method in DispatchMethod)
        raise InvalidInput("invalid_option", field="method", value=value, allowed=allowed) from None


def _record(runtime: Runtime, letter: Letter, row: Any) -> dict[str, Any]:
    return {**letter_record(letter, runtime.clock.zone), "dispatch": dispatch_record(row)}


def dispatch_of(runtime: Runtime, actor: Actor, number: str) -> dict[str, Any]:
    """Letter ``number``'s record with how it left and was received (``dispatch`` None
    before its leaving is recorded); not found for a letter of a case ``actor`` may not
    see."""
    with runtime.sessions() as session:
        letter = letter_by_number(runtime, session, number, visible_levels(actor, runtime.settings))
        return _record(runtime, letter, dispatch_book.dispatch_of(session, letter))


def record_left(
    runtime: Runtime,
    actor: Actor,
    number: str,
    *,
    method: DispatchMethod,
    on: dt.date | None = None,
    tracking: str | None = None,
) -> dict[str, Any]:
    """Record that sent letter ``number`` left by ``method`` on ``on`` (default today),
    with the post's, courier's, e-mail's or exchange's ``tracking`` number.  Refused for a
    letter not sent, void, or already recorded (exit 4); a day before the letter's date or
    after today, or a tracking number for a hand delivery, is bad input (exit 2)."""
    levels = visible_levels(actor, runtime.settings)
    actor = require(actor, Action.RECORD_DISPATCH)
    clock = runtime.clock
    with transaction(runtime.sessions) as session:
        letter = letter_by_number(runtime, session, number, levels)
        # Two clerks recording the same letter at once: the second waits, then is refused.
        session.refresh(letter, with_for_update=True)
        row = dispatch_book.record_left(
            session,
            letter,
            method=method,
            on=on or clock.today(),
            tracking=tracking,
            actor=actor,
            at=clock.now(),
            today=clock.today(),
        )
        return _record(runtime, letter, row)


def record_received(
    runtime: Runtime,
    actor: Actor,
    number: str,
    *,
    on: dt.date | None = None,
    received_by: str | None = None,
) -> dict[str, Any]:
    """Record that letter ``number``'s recipient received it on ``on`` (default today),
    ``received_by`` who signed for it or the receipt's number.  Counting deadlines from
    receipt, a letter still waiting for its reply gets its due date moved (the record's
    ``due_date_before`` says from what).  Refused before its leaving is recorded, or a
    second time (exit 4); a day before it left or after today is bad input (exit 2)."""
    levels = visible_levels(actor, runtime.settings)
    actor = require(actor, Action.RECORD_DISPATCH)
    clock = runtime.clock
    with transaction(runtime.sessions) as session:
        letter = letter_by_number(runtime, session, number, levels)
        session.refresh(letter, with_for_update=True)
        before = letter.due_date
        row = dispatch_book.record_received(
            session,
            letter,
            on=on or clock.today(),
            received_by=received_by,
            actor=actor,
            at=clock.now(),
            today=clock.today(),
        )
        if runtime.settings.reply_deadline_from_receipt and row.received_on is not None:
            count_from_receipt(
                session,
                letter,
                row.received_on,
                at=clock.now(),
                actor=actor,
                calendar=office_calendar(runtime, session),
            )
        return {**_record(runtime, letter, row), "due_date_before": jalali(before)}
