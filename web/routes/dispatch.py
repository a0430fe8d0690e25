"""The dispatch book on the case page: a small form beside each sent letter to record how
it left (method, day, tracking number) and, later, when its recipient received it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from office import cases, dispatch_book
from office.access import Action, Staff
from registry.errors import InvalidInput, ResidegiError
from registry.jalali import parse_jalali_date
from web.case_page import letter_id, refused
from web.desk import Desk, desk, needs
from web.forms import submitted, text_of

router = APIRouter()


def _day(text: str) -> dt.date | None:
    """The form's Jalali day (empty: today), any digits; a malformed one is refused beside
    the field."""
    if not text.strip():
        return None
    try:
        return parse_jalali_date(text)
    except InvalidInput:
        raise InvalidInput("invalid_jalali_date", field="on", value=text) from None


async def _record(
    request: Request,
    tracking: str,
    letter: str,
    staff: Staff,
    the_desk: Desk,
    fields: tuple[str, ...],
    record: Callable[[str, dict[str, Any]], Any],
) -> Response:
    """Read ``fields`` from the form, ``record`` them against the case's letter ``letter``
    (its number as printed), and go back to its row; a refusal beside its field."""
    form, _ = await submitted(request)
    chosen = letter_id(letter)
    values: dict[str, Any] = {"letter": chosen} | {f: text_of(form, f) for f in fields}
    try:
        number = cases.letter_number(the_desk.runtime, staff, tracking, chosen)
        await run_in_threadpool(record, number, values)
    except ResidegiError as exc:
        return refused(request, staff, the_desk, tracking, exc, "dispatch", values)
    return RedirectResponse(f"/complaints/{tracking}#letter-{chosen}", status_code=303)


@router.post("/complaints/{tracking}/letters/{letter}/left", response_model=None)
async def left(
    request: Request,
    tracking: str,
    letter: str,
    staff: Staff = Depends(needs(Action.RECORD_DISPATCH)),
    the_desk: Desk = Depends(desk),
) -> Response:
    """Record how a sent letter left (``method``, ``on``, ``tracking``)."""

    def record(number: str, values: dict[str, Any]) -> Any:
        return dispatch_book.record_left(
            the_desk.runtime,
            staff,
            number,
            method=dispatch_book.dispatch_method(values["method"]),
            on=_day(values["on"]),
            tracking=values["tracking"] or None,
        )

    fields = ("method", "on", "tracking")
    return await _record(request, tracking, letter, staff, the_desk, fields, record)


@router.post("/complaints/{tracking}/letters/{letter}/received", response_model=None)
async def received(
    request: Request,
    tracking: str,
    letter: str,
    staff: Staff = Depends(needs(Action.RECORD_DISPATCH)),
    the_desk: Desk = Depends(desk),
) -> Response:
    """Record when a sent letter's recipient received it (``on``, ``received_by``)."""

    def record(number: str, values: dict[str, Any]) -> Any:
        return dispatch_book.record_received(
            the_desk.runtime,
            staff,
            number,
            on=_day(values["on"]),
            received_by=values["received_by"] or None,
        )

    fields = ("on", "received_by")
    return await _record(request, tracking, letter, staff, the_desk, fields, record)
