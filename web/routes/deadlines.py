"""A letter's reply deadline from the case page: extend it, stop its clock, restart it,
each with a reason (``residegi deadline extend|pause|resume``).  Its day-by-day
explanation is the case page's ``/letters/{id}/deadline`` (web/routes/cases.py)."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from office import cases, deadlines
from office.access import Action, Staff
from registry.errors import InvalidInput, NotFound, ResidegiError
from registry.jalali import parse_jalali_date
from registry.text import to_ascii_digits, to_persian_digits
from web.case_page import refused
from web.desk import Desk, desk, needs
from web.forms import kept, submitted

router = APIRouter()

FIELDS = ("letter", "change", "days", "day", "reason")
CHANGES_FA = {"extend": "تمدید شد", "pause": "متوقف شد", "resume": "از سر گرفته شد"}
# The form's field a refusal concerns, where its parameters name none.
_FIELD_OF_CODE = {
    "letter_not_found": "letter",
    "date_in_future": "day",
    "invalid_jalali_date": "day",
    "pause_before_sent": "day",
    "resume_before_pause": "day",
    "pause_overlaps": "day",
    "deadline_already_paused": "change",
    "deadline_not_paused": "change",
    "deadline_passed": "change",
    "deadline_clock_stopped": "change",
}


def _change(the_desk: Desk, staff: Staff, tracking: str, values: dict[str, str]) -> Any:
    """The change the form asks for, checked as the command line checks its options,
    made by ``office.deadlines``; the letter's record afterwards."""
    runtime = the_desk.runtime
    letter = to_ascii_digits(values["letter"]).strip()
    if not letter.isdigit() or len(letter) > 18:
        raise InvalidInput("deadline_letter_required", field="letter")
    try:
        number = cases.letter_number(runtime, staff, tracking, int(letter))
    except NotFound as exc:
        if exc.code == "complaint_not_found":
            raise
        raise InvalidInput("deadline_letter_required", field="letter") from None
    day: dt.date | None = None
    if values["day"].strip():
        day = parse_jalali_date(values["day"])
    reason = values["reason"]
    change = values["change"]
    if change == "extend":
        days = to_ascii_digits(values["days"]).strip()
        if not days.lstrip("-").isdigit() or len(days) > 4:
            raise InvalidInput("invalid_number", field="days", value=values["days"] or "—")
        return deadlines.extend(runtime, staff, number, days=int(days), reason=reason)
    if change == "pause":
        return deadlines.pause(runtime, staff, number, reason=reason, first=day)
    if change == "resume":
        return deadlines.resume(runtime, staff, number, reason=reason, on=day)
    raise InvalidInput("deadline_change_required", field="change")


@router.post("/complaints/{tracking}/deadline", response_model=None)
async def change_deadline(
    request: Request,
    tracking: str,
    staff: Staff = Depends(needs(Action.EDIT_DEADLINE)),
    the_desk: Desk = Depends(desk),
) -> Response:
    """Extend (``days`` working days), pause (from ``day``, default today) or resume (on
    ``day``) the deadline of the case's letter ``letter``, with ``reason``; 303 back to the
    case page, or the case page with the refusal beside its field."""
    form, _ = await submitted(request)
    values = kept(form, FIELDS)
    try:
        record = await run_in_threadpool(partial(_change, the_desk, staff, tracking, values))
    except ResidegiError as exc:
        return refused(
            request, staff, the_desk, tracking, exc, "deadline", values, fields=_FIELD_OF_CODE
        )
    due = record.get("due_date")
    text = f"مهلت نامه {record['number']} {CHANGES_FA[values['change']]}؛ "
    text += f"سررسید: {due}." if due else "سررسید تا ازسرگیری معلوم نیست."
    request.session["notes"] = [to_persian_digits(text)]
    return RedirectResponse(f"/complaints/{tracking}", status_code=303)
