"""Inspection and the final answer from the case page (issue 14): assign an inspection
(its letter to the inspector) and record findings with attachments (``residegi inspect``),
assemble the report (``residegi report``), draft the answer's decision and look at the
letter as it will print, and the head's signature (``residegi answer``).  The use cases are
office/inspection.py and office/answer_desk.py; a refusal comes back beside its field."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from office import answer_desk, inspection
from office import complaints as office_complaints
from office.access import Action, Staff
from registry.errors import InvalidInput, ResidegiError
from registry.jalali import parse_jalali_date
from registry.kinds import DocumentKind, Honorific
from registry.text import to_ascii_digits, to_persian_digits
from web.case_page import refused
from web.desk import Desk, desk, needs
from web.forms import kept, submitted, text_of

router = APIRouter()

INSPECT_FIELDS = ("inspector", "inspector_honorific", "date", "agency", "findings")
# The findings' attachments come under this document kind's input.
FINDINGS_KIND = DocumentKind.OTHER
# The field a refusal concerns where its parameters name none.
_FIELD_OF_CODE = {
    "invalid_jalali_date": "date",
    "date_in_future": "date",
    "inspection_not_found": "form",
    "findings_required": "findings",
    "conclusion_required": "conclusion",
    "signing_key_unreadable": "passphrase",
    "signing_key_missing": "passphrase",
}
_refused = partial(refused, fields=_FIELD_OF_CODE)


def _back(request: Request, tracking: str, note: str) -> RedirectResponse:
    request.session["notes"] = [to_persian_digits(note)]
    return RedirectResponse(f"/complaints/{tracking}", status_code=303)


def _honorific(value: str) -> Honorific:
    try:
        return Honorific(value or Honorific.NONE.value)
    except ValueError:
        allowed = ", ".join(h.value for h in Honorific)
        raise InvalidInput(
            "invalid_option", field="inspector_honorific", value=value, allowed=allowed
        ) from None


@router.post("/complaints/{tracking}/inspect", response_model=None)
async def inspect(
    request: Request,
    tracking: str,
    staff: Staff = Depends(needs(Action.INSPECT)),
    the_desk: Desk = Depends(desk),
) -> Response:
    """Assign an inspection (``inspector``, ``inspector_honorific``, ``date``, ``agency``;
    the assignment letter goes to the inspector), or, once under way, add ``findings`` and
    files (input ``other``); 303 back to the case page."""
    runtime = the_desk.runtime
    form, uploads = await submitted(
        request, (FINDINGS_KIND,), runtime.settings.attachment_max_bytes
    )
    values = kept(form, INSPECT_FIELDS)
    try:
        if not values["inspector"].strip():
            raise InvalidInput("field_required", field="inspector")
        day = parse_jalali_date(values["date"]) if values["date"].strip() else None
        files = office_complaints.check_uploads(runtime, uploads)
        done = await run_in_threadpool(
            partial(
                inspection.inspect,
                runtime,
                staff,
                tracking,
                inspector=values["inspector"].strip(),
                inspection_date=day,
                agency_name=values["agency"].strip() or None,
                findings=values["findings"].strip() or None,
                files=files,
                inspector_honorific=_honorific(values["inspector_honorific"]),
            )
        )
    except ResidegiError as exc:
        return _refused(request, staff, the_desk, tracking, exc, "inspect", values)
    if done.letter_number:
        note = f"نامه ابلاغ بازرسی به شماره {done.letter_number} ساخته، بایگانی و ارسال شد."
    else:
        note = "یافته‌های بازرسی ثبت شد."
    return _back(request, done.tracking_code, note)


@router.post("/complaints/{tracking}/report", response_model=None)
async def report(
    request: Request,
    tracking: str,
    staff: Staff = Depends(needs(Action.REPORT)),
    the_desk: Desk = Depends(desk),
) -> Response:
    """Assemble, number and archive the inspection report (``conclusion``, else the
    findings' «نتیجه»); the case becomes report_ready and waits for the head's answer."""
    form, _ = await submitted(request)
    conclusion = text_of(form, "conclusion").strip()
    try:
        done = await run_in_threadpool(
            partial(
                inspection.report, the_desk.runtime, staff, tracking, conclusion=conclusion or None
            )
        )
    except ResidegiError as exc:
        return _refused(
            request, staff, the_desk, tracking, exc, "report", {"conclusion": conclusion}
        )
    note = f"گزارش بازرسی به شماره {done.letter_number or '—'} ساخته و بایگانی شد."
    return _back(request, done.tracking_code, note)


@router.post("/complaints/{tracking}/answer", response_model=None)
async def draft(
    request: Request,
    tracking: str,
    staff: Staff = Depends(needs(Action.DRAFT_ANSWER)),
    the_desk: Desk = Depends(desk),
) -> Response:
    """Keep ``decision`` as the answer's draft for the head; 303 back to the case page,
    which shows the letter as it will print."""
    form, _ = await submitted(request)
    decision = text_of(form, "decision")
    try:
        await run_in_threadpool(
            partial(answer_desk.draft_answer, the_desk.runtime, staff, tracking, decision=decision)
        )
    except ResidegiError as exc:
        return _refused(request, staff, the_desk, tracking, exc, "answer", {"decision": decision})
    return _back(request, tracking, "پیش‌نویس پاسخ نهایی ذخیره شد و برای امضای مدیر آماده است.")


@router.get("/complaints/{tracking}/answer/preview.pdf", response_model=None)
async def preview(
    tracking: str,
    staff: Staff = Depends(needs(Action.DRAFT_ANSWER)),
    the_desk: Desk = Depends(desk),
) -> Response:
    """The final answer as it will print with the current draft, «پیش‌نویس» in place of its
    number (nothing numbered or stored)."""
    pdf = await run_in_threadpool(answer_desk.draft_preview, the_desk.runtime, staff, tracking)
    headers = {
        "Content-Disposition": 'inline; filename="answer-preview.pdf"',
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
    }
    return Response(pdf, media_type="application/pdf", headers=headers)


@router.post("/complaints/{tracking}/answer/sign", response_model=None)
async def sign(
    request: Request,
    tracking: str,
    staff: Staff = Depends(needs(Action.ANSWER)),
    the_desk: Desk = Depends(desk),
) -> Response:
    """The head signs the draft shown (``draft``), opening the office key with
    ``passphrase`` if it has one (used for this signature only, kept nowhere): the answer is
    numbered, sealed, archived and sent, and the case is answered."""
    form, _ = await submitted(request)
    chosen = to_ascii_digits(text_of(form, "draft")).strip()
    passphrase = text_of(form, "passphrase")
    try:
        if not chosen.isdigit() or len(chosen) > 18:
            raise InvalidInput("field_required", field="form")
        done = await run_in_threadpool(
            partial(
                answer_desk.sign_answer,
                the_desk.runtime,
                staff,
                tracking,
                draft=int(chosen),
                passphrase=passphrase or None,
            )
        )
    except ResidegiError as exc:
        # Nothing typed is sent back: the passphrase field comes back empty.
        return _refused(request, staff, the_desk, tracking, exc, "sign", {})
    # The case page names the case; a tracking code inside a Persian sentence would be
    # laid out backwards.
    note = f"پاسخ نهایی با شماره {done.letter_number or '—'} امضا، بایگانی و ارسال شد."
    return _back(request, done.tracking_code, note)
