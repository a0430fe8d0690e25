"""The agencies' replies on the desk: the referrals still waiting for one (filters, pages,
CSV and the printable report), and recording a reply from the case page or its own page,
the command line's refusals beside the fields."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from office import agencies, replies
from office import complaints as office
from office.access import Action, Staff
from office.complaints import Upload
from registry.errors import ErrorKind, InvalidInput, ResidegiError
from registry.jalali import parse_jalali_date
from registry.kinds import REPLY_OUTCOME_FA, DocumentKind, ReplyOutcome
from registry.text import to_ascii_digits, to_persian_digits
from web.case_page import case_page
from web.desk import Desk, desk, needs, page
from web.forms import (
    FormErrors,
    desk_text,
    field_of,
    form_refusal,
    kept,
    refusal_status,
    submitted,
    text_of,
)

router = APIRouter()

PAGE_SIZE = 50
FILTERS = ("agency", "county", "overdue", "page")
REPLY_FIELDS = ("number", "their_number", "their_date", "outcome", "summary", "reason")
REPLY_FILE = DocumentKind.AGENCY_REPLY
OUTCOMES_FA = {outcome.value: short for outcome, (short, _) in REPLY_OUTCOME_FA.items()}
# The reply form's field a refusal concerns, where its parameters name none.
_REPLY_FIELD_OF_CODE = {
    "letter_not_found": "number",
    "invalid_letter_number": "number",
    "reply_to_wrong_kind": "number",
    "letter_void": "number",
    "letter_not_sent": "number",
    "letter_without_complaint": "number",
    "chaser_without_referral": "number",
    "reply_exists": "supersede",
    "date_in_future": "their_date",
    "reply_before_letter": "their_date",
    "invalid_jalali_date": "their_date",
}


# -- outstanding replies ------------------------------------------------------------------


def _report(
    the_desk: Desk, staff: Staff, asked: dict[str, str], errors: FormErrors
) -> replies.OutstandingReport | None:
    """The report the filters ask for; a refused filter goes into ``errors``."""
    try:
        return replies.outstanding_replies(
            the_desk.runtime,
            staff,
            overdue=asked["overdue"] == "1",
            agency=asked["agency"] or None,
            county=asked["county"] or None,
        )
    except ResidegiError as exc:
        if exc.kind not in (ErrorKind.INPUT, ErrorKind.NOT_FOUND):
            raise
        errors["agency"] = desk_text(exc)
        return None


def _asked(request: Request) -> dict[str, str]:
    return {key: request.query_params.get(key, "").strip() for key in FILTERS}


def _filters_query(asked: dict[str, str]) -> str:
    """The filters as a query string (without the page), for links."""
    return urlencode({k: v for k, v in asked.items() if v and k != "page"})


@router.get("/replies/outstanding", response_class=HTMLResponse)
def outstanding(
    request: Request,
    staff: Staff = Depends(needs(Action.TRACK_REPLIES)),
    the_desk: Desk = Depends(desk),
) -> HTMLResponse:
    """Referrals still waiting for a reply, most working days late first: the totals per
    agency, then the letters 50 a page, each with the days waited and late on the
    working-day calendar and the next step of its ladder; links to the CSV and the PDF."""
    asked = _asked(request)
    errors: FormErrors = {}
    report = _report(the_desk, staff, asked, errors)
    letters: list[dict[str, Any]] = report.in_words() if report else []
    pages = max(1, -(-len(letters) // PAGE_SIZE))
    number = to_ascii_digits(asked["page"])
    current = min(max(1, int(number)), pages) if number.isdigit() and len(number) < 7 else 1
    shown = letters[(current - 1) * PAGE_SIZE : current * PAGE_SIZE]
    return page(
        request,
        "outstanding.html",
        staff,
        status_code=400 if errors else 200,
        report=report,
        letters=shown,
        total=len(letters),
        current=current,
        pages=pages,
        asked=asked,
        errors=errors,
        query=_filters_query(asked),
        agencies=[name for _, name in agencies.choices(the_desk.runtime)],
        counties=agencies.counties(the_desk.runtime),
    )


def _download(data: bytes, media_type: str, name: str) -> Response:
    return Response(
        data,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


def _file_name(report: replies.OutstandingReport, suffix: str) -> str:
    return f"outstanding-{report.today.isoformat()}.{suffix}"


@router.get("/replies/outstanding.csv")
def outstanding_csv(
    request: Request,
    staff: Staff = Depends(needs(Action.TRACK_REPLIES)),
    the_desk: Desk = Depends(desk),
) -> Response:
    """The same letters as ``reply outstanding --format csv``: a header of the ``--json``
    keys, ASCII digits, Jalali dates; UTF-8 with a byte-order mark, so that a spreadsheet
    reads the Persian names."""
    errors: FormErrors = {}
    report = _report(the_desk, staff, _asked(request), errors)
    if report is None:
        return outstanding(request, staff, the_desk)
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(report.csv_rows())
    data = "\ufeff".encode() + text.getvalue().encode("utf-8")
    return _download(data, "text/csv; charset=utf-8", _file_name(report, "csv"))


@router.get("/replies/outstanding.pdf")
def outstanding_pdf(
    request: Request,
    staff: Staff = Depends(needs(Action.TRACK_REPLIES)),
    the_desk: Desk = Depends(desk),
) -> Response:
    """The printable Persian report ``reply outstanding --format pdf`` writes."""
    errors: FormErrors = {}
    report = _report(the_desk, staff, _asked(request), errors)
    if report is None:
        return outstanding(request, staff, the_desk)
    data = replies.outstanding_pdf(the_desk.runtime, report)
    return _download(data, "application/pdf", _file_name(report, "pdf"))


# -- recording a reply --------------------------------------------------------------------


def reply_field(exc: ResidegiError) -> str:
    """The reply form's field a refusal concerns ("form": the form as a whole)."""
    return field_of(exc, "") or _REPLY_FIELD_OF_CODE.get(exc.code, "form")


@dataclass(frozen=True)
class ReplyForm:
    """A submitted reply form: the reply's record, or the refusal by field (with the
    status to answer, 400 bad input, 409 a rule) and nothing written; what was typed."""

    recorded: dict[str, Any] | None
    values: dict[str, Any]
    errors: FormErrors
    status: int = 200


async def record_from_form(request: Request, staff: Staff, the_desk: Desk) -> ReplyForm:
    """Record the reply the form describes (``ReplyForm``)."""
    runtime = the_desk.runtime
    form, uploads = await submitted(request, (REPLY_FILE,), runtime.settings.attachment_max_bytes)
    values: dict[str, Any] = {
        **kept(form, REPLY_FIELDS),
        "supersede": text_of(form, "supersede") in ("1", "on", "true"),
    }
    try:
        recorded = await run_in_threadpool(partial(_record, the_desk, staff, values, uploads))
    except ResidegiError as exc:
        if not form_refusal(exc):
            raise
        field = reply_field(exc)
        return ReplyForm(None, values, {field: desk_text(exc)}, refusal_status(exc, field))
    return ReplyForm(recorded, values, {})


def _record(
    the_desk: Desk, staff: Staff, values: dict[str, Any], uploads: list[Upload]
) -> dict[str, Any]:
    """The form's values checked as the command line checks its options, then
    ``office.replies.record``."""
    runtime = the_desk.runtime
    number = values["number"].strip()
    if not number:
        raise InvalidInput("field_required", field="number")
    if not values["their_date"].strip():
        raise InvalidInput("date_required", field="their_date")
    their_date = parse_jalali_date(values["their_date"])
    outcome = None
    if values["outcome"]:
        try:
            outcome = ReplyOutcome(values["outcome"])
        except ValueError:
            allowed = "، ".join(OUTCOMES_FA.values())
            raise InvalidInput(
                "invalid_option", field="outcome", value=values["outcome"], allowed=allowed
            ) from None
    if not uploads:
        raise InvalidInput("reply_scan_required", field=REPLY_FILE.value)
    ((_, scan),) = office.check_uploads(runtime, uploads[:1])
    return replies.record(
        runtime,
        staff,
        number,
        file=scan,
        their_number=values["their_number"],
        their_date=their_date,
        outcome=outcome,
        summary=values["summary"] or None,
        supersede=values["supersede"],
        reason=values["reason"] if values["supersede"] else None,
    )


def recorded_note(recorded: dict[str, Any]) -> str:
    """The case page's note after a reply was recorded."""
    verb = "جایگزین پاسخ پیشین شد" if recorded["superseded"] else "ثبت شد"
    return to_persian_digits(
        f"پاسخ {recorded['agency'] or 'دستگاه'} به نامه {recorded['cited']} {verb}."
    )


def _reply_page(
    request: Request,
    staff: Staff,
    values: dict[str, Any],
    errors: FormErrors,
    the_desk: Desk,
    status_code: int = 200,
) -> HTMLResponse:
    return page(
        request,
        "reply_new.html",
        staff,
        status_code=status_code,
        values=values,
        errors=errors,
        outcomes=OUTCOMES_FA,
        max_mb=the_desk.runtime.settings.attachment_max_bytes // (1024 * 1024),
    )


@router.get("/replies/new", response_class=HTMLResponse)
def reply_form(
    request: Request,
    staff: Staff = Depends(needs(Action.RECORD_REPLY)),
    the_desk: Desk = Depends(desk),
) -> HTMLResponse:
    """The incoming reply form (``?number=`` fills in the letter it answers)."""
    values: dict[str, Any] = dict.fromkeys(REPLY_FIELDS, "")
    values["number"] = to_persian_digits(request.query_params.get("number", "").strip()[:40])
    values["supersede"] = False
    return _reply_page(request, staff, values, {}, the_desk)


@router.post("/replies/new", response_model=None)
async def record_reply(
    request: Request,
    staff: Staff = Depends(needs(Action.RECORD_REPLY)),
    the_desk: Desk = Depends(desk),
) -> Response:
    """Record the reply, then 303 to its case page; a refusal re-renders the form with
    the refused field marked, nothing stored."""
    form = await record_from_form(request, staff, the_desk)
    if form.recorded is None:
        return _reply_page(request, staff, form.values, form.errors, the_desk, form.status)
    request.session["notes"] = [recorded_note(form.recorded)]
    return RedirectResponse(f"/complaints/{form.recorded['tracking_code']}", status_code=303)


@router.post("/complaints/{tracking}/reply", response_model=None)
async def record_case_reply(
    request: Request,
    tracking: str,
    staff: Staff = Depends(needs(Action.RECORD_REPLY)),
    the_desk: Desk = Depends(desk),
) -> Response:
    """The case page's reply form: as ``/replies/new``, a refusal shown beside its field
    in the case page's own form.  (A number of another case's letter records the reply
    there, and the answer goes to that case.)"""
    form = await record_from_form(request, staff, the_desk)
    if form.recorded is None:
        return case_page(
            request,
            staff,
            the_desk,
            tracking,
            errors={f"reply.{key}": text for key, text in form.errors.items()},
            values={"reply": form.values},
            open_form="reply",
            status_code=form.status,
        )
    request.session["notes"] = [recorded_note(form.recorded)]
    return RedirectResponse(f"/complaints/{form.recorded['tracking_code']}", status_code=303)
