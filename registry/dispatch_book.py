"""The dispatch book (دفتر ارسال): how each sent letter left the office and when its
recipient received it.

One row a letter (``letter_dispatch``): the method, the day it left, a tracking number
where the method gives one (post, courier, e-mail, the inter-agency exchange; a hand
delivery is signed for instead), then the day of receipt and who signed for it or the
receipt's number.  Each is recorded once, validated before anything is written, and
records an Event.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.errors import InvalidInput, Refused
from registry.events import record_event
from registry.jalali import format_jalali, format_jalali_fa
from registry.kinds import DispatchMethod, LetterState
from registry.models import Letter, LetterDispatch

__all__ = ["dispatch_of", "record_left", "record_received"]

TRACKING_MAX = 100
RECEIVED_BY_MAX = 200


def dispatch_of(session: Session, letter: Letter) -> LetterDispatch | None:
    """``letter``'s row in the dispatch book, if it has one."""
    return session.scalars(
        select(LetterDispatch).where(LetterDispatch.letter_id == letter.id)
    ).one_or_none()


def _optional_text(value: str | None, field: str, limit: int) -> str | None:
    text = (value or "").strip()
    if len(text) > limit:
        raise InvalidInput("field_too_long", field=field, limit=limit)
    return text or None


def _not_future(day: dt.date, today: dt.date) -> None:
    if day > today:
        raise InvalidInput("date_in_future", field="on", value=format_jalali_fa(day))


def record_left(
    session: Session,
    letter: Letter,
    *,
    method: DispatchMethod,
    on: dt.date,
    tracking: str | None,
    actor: str,
    at: dt.datetime,
    today: dt.date,
) -> LetterDispatch:
    """Record that ``letter`` left by ``method`` on ``on``, with ``tracking`` where the
    method has one.  Refused for a letter not sent, a void one, or one already recorded;
    InvalidInput for a day before the letter's date or after today, or a tracking number
    given for a hand delivery."""
    if letter.state is LetterState.VOID:
        raise Refused("letter_void", number=letter.number)
    if letter.state is not LetterState.SENT:
        raise Refused("letter_not_sent", number=letter.number)
    number = _optional_text(tracking, "tracking", TRACKING_MAX)
    if number is not None and not method.has_tracking:
        raise InvalidInput("tracking_not_for_method", field="tracking", method=method.label_fa)
    _not_future(on, today)
    if on < letter.date:
        raise InvalidInput(
            "left_before_letter",
            field="on",
            value=format_jalali_fa(on),
            date=format_jalali_fa(letter.date),
        )
    if dispatch_of(session, letter) is not None:
        raise Refused("dispatch_already_recorded", number=letter.number)
    row = LetterDispatch(
        letter_id=letter.id,
        method=method,
        left_on=on,
        tracking=number,
        recorded_by=actor,
        recorded_at=at,
    )
    session.add(row)
    session.flush()
    record_event(
        session,
        at=at,
        actor=actor,
        action="letter_left",
        complaint=letter.complaint,
        letter=letter,
        note=method.label_fa + (f"، شماره پیگیری {number}" if number else ""),
        data={"method": method.value, "left_on": format_jalali(on), "tracking": number},
    )
    return row


def record_received(
    session: Session,
    letter: Letter,
    *,
    on: dt.date,
    received_by: str | None,
    actor: str,
    at: dt.datetime,
    today: dt.date,
) -> LetterDispatch:
    """Record that ``letter``'s recipient received it on ``on`` (``received_by``: who
    signed for it, or the receipt's number).  Refused unless its leaving was recorded and
    its receipt was not; InvalidInput for a day before it left or after today."""
    row = dispatch_of(session, letter)
    if row is None:
        raise Refused("dispatch_not_recorded", number=letter.number)
    if row.received_on is not None:
        raise Refused(
            "receipt_already_recorded",
            number=letter.number,
            date=format_jalali_fa(row.received_on),
        )
    who = _optional_text(received_by, "received_by", RECEIVED_BY_MAX)
    _not_future(on, today)
    if on < row.left_on:
        raise InvalidInput(
            "received_before_left",
            field="on",
            value=format_jalali_fa(on),
            date=format_jalali_fa(row.left_on),
        )
    row.received_on, row.received_by = on, who
    row.receipt_recorded_by, row.receipt_recorded_at = actor, at
    session.flush()
    record_event(
        session,
        at=at,
        actor=actor,
        action="letter_received",
        complaint=letter.complaint,
        letter=letter,
        note=who,
        data={"received_on": format_jalali(on), "received_by": who},
    )
    return row
