"""The complaint list (filters, paging) and the intake form (ثبت شکایت)."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from office import agencies
from office import complaints as office
from office.access import Action, Staff
from office.messages import possible_duplicate_warning
from registry.complaints import ComplainantInput, ComplaintInput
from registry.errors import ErrorKind, InvalidInput, ResidegiError
from registry.jalali import parse_jalali_date
from registry.kinds import (
    CHANNEL_FA,
    COMPLAINT_STATE_FA,
    FILED_DOCUMENT_KINDS,
    Channel,
    ComplainantKind,
    ComplaintState,
    Honorific,
)
from registry.text import to_ascii_digits
from web.desk import Desk, desk, needs, page
from web.forms import FormErrors, kept, refusal, submitted, text_of

router = APIRouter()

KIND_FA = {
    ComplainantKind.PERSON: "شخص حقیقی (ایرانی)",
    ComplainantKind.FOREIGN: "اتباع خارجی",
    ComplainantKind.LEGAL: "شخص حقوقی",
}
HONORIFIC_FA = {Honorific.NONE: "—", Honorific.MR: "آقای", Honorific.MRS: "خانم"}
TEXT_FIELDS = (
    "kind",
    "honorific",
    "first_name",
    "last_name",
    "father_name",
    "national_id",
    "foreign_id",
    "company_name",
    "mobile",
    "landline",
    "address",
    "postal_code",
    "subject",
    "text",
    "channel",
)


# -- the list ---------------------------------------------------------------------------


def _day(value: str, name: str, errors: FormErrors) -> dt.date | None:
    if not value.strip():
        return None
    try:
        return parse_jalali_date(value)
    except InvalidInput as exc:
        errors.update(refusal(exc, name))
        return None


def _number(value: str) -> int | None:
    digits = to_ascii_digits(value).strip()
    return int(digits) if digits.isdigit() and len(digits) < 10 else None


@router.get("/complaints", response_class=HTMLResponse)
def complaint_list(
    request: Request,
    staff: Staff = Depends(needs(Action.READ_CASES)),
    the_desk: Desk = Depends(desk),
) -> HTMLResponse:
    """Complaints newest first, narrowed by state, agency, registration dates and overdue
    referrals; 50 a page with the total."""
    query = request.query_params
    asked = {
        key: query.get(key, "") for key in ("state", "agency", "since", "until", "overdue", "page")
    }
    errors: FormErrors = {}
    state = None
    if asked["state"]:
        try:
            state = ComplaintState(asked["state"])
        except ValueError:
            errors["state"] = "وضعیت برگزیده شناخته نیست."
    since = _day(asked["since"], "since", errors)
    until = _day(asked["until"], "until", errors)
    if since and until and since > until:
        errors["until"] = "تاریخ پایان پیش از تاریخ آغاز است."
    result = None
    if not errors:
        result = office.find_complaints(
            the_desk.runtime,
            staff,
            state=state,
            agency_id=_number(asked["agency"]),
            since=since,
            until=until,
            overdue=asked["overdue"] == "1",
            page=_number(asked["page"]) or 1,
        )
    return page(
        request,
        "complaints.html",
        staff,
        status_code=400 if errors else 200,
        result=result,
        asked=asked,
        errors=errors,
        states=COMPLAINT_STATE_FA,
        agencies=agencies.choices(the_desk.runtime),
        paging=_paging_query(asked),
    )


def _paging_query(asked: dict[str, str]) -> str:
    """The filters as a query string, for the page links."""
    from urllib.parse import urlencode

    return urlencode({k: v for k, v in asked.items() if v and k != "page"})


# -- intake -----------------------------------------------------------------------------


def _intake(
    request: Request,
    staff: Staff,
    the_desk: Desk,
    *,
    values: dict[str, Any],
    errors: FormErrors,
    status_code: int = 200,
) -> HTMLResponse:
    return page(
        request,
        "complaint_new.html",
        staff,
        status_code=status_code,
        values=values,
        errors=errors,
        agencies=agencies.choices(the_desk.runtime),
        kinds=KIND_FA,
        honorifics=HONORIFIC_FA,
        channels=CHANNEL_FA,
        document_kinds={kind: kind.label_fa for kind in FILED_DOCUMENT_KINDS},
        max_mb=the_desk.runtime.settings.attachment_max_bytes // (1024 * 1024),
    )


_EMPTY: dict[str, Any] = {
    **dict.fromkeys(TEXT_FIELDS, ""),
    "kind": "person",
    "honorific": "none",
    "channel": "in-person",
    "agency": [],
    "anonymous": False,
}


@router.get("/complaints/new", response_class=HTMLResponse)
def intake_form(
    request: Request,
    staff: Staff = Depends(needs(Action.REGISTER)),
    the_desk: Desk = Depends(desk),
) -> HTMLResponse:
    """The empty intake form."""
    return _intake(request, staff, the_desk, values=dict(_EMPTY), errors={})


def _choice(value: str, kind: type[Any], name: str, default: Any) -> Any:
    if not value:
        return default
    try:
        return kind(value)
    except ValueError:
        raise InvalidInput("invalid_option", field=name, value=value, allowed="") from None


@router.post("/complaints/new", response_model=None)
async def register(
    request: Request,
    staff: Staff = Depends(needs(Action.REGISTER)),
    the_desk: Desk = Depends(desk),
) -> Response:
    """Register the complaint with its scans and its receipt, then 303 to its case page;
    a refusal re-renders the form with the refused field marked, nothing stored."""
    runtime = the_desk.runtime
    form, uploads = await submitted(
        request, FILED_DOCUMENT_KINDS, runtime.settings.attachment_max_bytes
    )
    values: dict[str, Any] = {
        **kept(form, TEXT_FIELDS),
        "agency": [a for a in form.getlist("agency") if isinstance(a, str) and a.strip()],
        "anonymous": text_of(form, "anonymous") in ("1", "on", "true"),
    }
    try:
        files = office.check_uploads(runtime, uploads)
        data = ComplaintInput(
            complainant=ComplainantInput(
                kind=_choice(values["kind"], ComplainantKind, "kind", ComplainantKind.PERSON),
                honorific=_choice(values["honorific"], Honorific, "honorific", Honorific.NONE),
                first_name=values["first_name"],
                last_name=values["last_name"],
                father_name=values["father_name"] or None,
                national_id=to_ascii_digits(values["national_id"]) or None,
                foreign_id=values["foreign_id"] or None,
                company_name=values["company_name"] or None,
                mobile=values["mobile"],
                landline=values["landline"] or None,
                address=values["address"],
                postal_code=to_ascii_digits(values["postal_code"]) or None,
            ),
            agencies=values["agency"],
            subject=values["subject"],
            text=values["text"],
            channel=_choice(values["channel"], Channel, "channel", Channel.IN_PERSON),
            anonymous=values["anonymous"],
        )
        registered = await run_in_threadpool(
            partial(office.register, runtime, staff, data, files, receipt=True)
        )
    except ResidegiError as exc:
        if exc.kind not in (ErrorKind.INPUT, ErrorKind.NOT_FOUND):
            raise
        return _intake(
            request, staff, the_desk, values=values, errors=refusal(exc), status_code=400
        )
    code = registered.record["tracking_code"]
    if registered.possible_duplicate_of:
        request.session["notes"] = [
            possible_duplicate_warning(
                registered.duplicate_window_days, registered.possible_duplicate_of
            )
        ]
    request.session["registered"] = code
    return RedirectResponse(f"/complaints/{code}", status_code=303)
