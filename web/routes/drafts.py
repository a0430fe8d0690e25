"""The drafts page (پیش‌نویس‌ها): letters waiting for their approval (پاراف) and signature
before the number, batch by batch, each with a sample to look at; approve or sign some or
a whole batch at once, or reject one with a reason.  The decisions are office/drafts.py's,
as on the command line."""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from office import drafts as office
from office.access import Action, Staff
from registry.errors import InvalidInput, ResidegiError
from registry.kinds import DraftState, LetterKind
from web.desk import Desk, desk, needs, page
from web.forms import desk_text, field_of, form_refusal, refusal_status, submitted, text_of

router = APIRouter()


def _batches(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The drafts grouped by batch, newest batch first, with what each row shows."""
    rows = [
        record
        | {
            "kind_fa": LetterKind(record["kind"]).label_fa,
            "state_fa": DraftState(record["state"]).label_fa,
        }
        for record in records
    ]
    grouped = []
    for code, members in groupby(rows, key=lambda row: row["batch"]):
        drafts = list(members)
        grouped.append({"code": code, "drafts": drafts, "sample": drafts[0]["id"]})
    return sorted(grouped, key=lambda batch: -batch["sample"])


def _page(
    request: Request,
    staff: Staff,
    the_desk: Desk,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    records = office.list_drafts(the_desk.runtime, staff)
    return page(
        request,
        "drafts.html",
        staff,
        status_code=status_code,
        batches=_batches(sorted(records, key=lambda r: (r["batch"], r["id"]))),
        errors=errors or {},
    )


@router.get("/drafts", response_class=HTMLResponse)
def drafts_page(
    request: Request,
    staff: Staff = Depends(needs(Action.READ_DRAFTS)),
    the_desk: Desk = Depends(desk),
) -> HTMLResponse:
    """Every draft waiting for a decision or for its number, batch by batch."""
    return _page(request, staff, the_desk)


@router.get("/drafts/{draft}/preview.pdf", response_model=None)
async def draft_preview(
    draft: int,
    staff: Staff = Depends(needs(Action.READ_DRAFTS)),
    the_desk: Desk = Depends(desk),
) -> Response:
    """The draft as it would print, «پیش‌نویس» where its number will go: the sample."""
    pdf = await run_in_threadpool(office.draft_preview, the_desk.runtime, staff, draft)
    headers = {"Content-Disposition": f'inline; filename="draft-{draft}.pdf"'}
    return Response(pdf, media_type="application/pdf", headers=headers)


async def _decide(
    request: Request, staff: Staff, the_desk: Desk, decide: Callable[..., Any]
) -> Response:
    """Approve or sign the drafts ticked, or, none ticked, the whole batch named."""
    form, _ = await submitted(request)
    batch = text_of(form, "batch") or None
    try:
        ids = [
            int(value)
            for value in form.getlist("draft")
            if isinstance(value, str) and value.isdigit()
        ]
        if not ids and batch is None:
            raise InvalidInput("drafts_not_named", field="draft")
        await run_in_threadpool(decide, the_desk.runtime, staff, ids, batch=None if ids else batch)
    except ResidegiError as exc:
        return _refused(request, staff, the_desk, exc, batch)
    return RedirectResponse("/drafts", status_code=303)


def _refused(
    request: Request, staff: Staff, the_desk: Desk, exc: ResidegiError, batch: str | None
) -> HTMLResponse:
    """The page again with the refusal beside the batch it concerns, at ``refusal_status``
    (404 a draft gone); a missing role or a failure of the system is the app's page."""
    if not form_refusal(exc):
        raise exc
    field = field_of(exc)
    errors = {f"{batch or 'form'}.{field}": desk_text(exc)}
    return _page(request, staff, the_desk, errors=errors, status_code=refusal_status(exc, field))


@router.post("/drafts/approve", response_model=None)
async def approve(
    request: Request,
    staff: Staff = Depends(needs(Action.APPROVE_LETTER)),
    the_desk: Desk = Depends(desk),
) -> Response:
    """پاراف of the drafts ticked, or of the whole batch."""
    return await _decide(request, staff, the_desk, office.approve)


@router.post("/drafts/sign", response_model=None)
async def sign(
    request: Request,
    staff: Staff = Depends(needs(Action.SIGN_LETTER)),
    the_desk: Desk = Depends(desk),
) -> Response:
    """The signature of the drafts ticked, or of the whole batch (the head approves those
    not yet approved); the next letter batch numbers and sends them."""
    return await _decide(request, staff, the_desk, office.sign)


@router.post("/drafts/reject", response_model=None)
async def reject(
    request: Request,
    staff: Staff = Depends(needs(Action.READ_DRAFTS)),
    the_desk: Desk = Depends(desk),
) -> Response:
    """The draft chosen (``draft``) rejected with a reason (``reason``, required): it never
    gets a number."""
    form, _ = await submitted(request)
    reason, chosen = text_of(form, "reason"), text_of(form, "draft")
    try:
        if not chosen.isdigit():
            raise InvalidInput("drafts_not_named", field="draft")
        await run_in_threadpool(office.reject, the_desk.runtime, staff, int(chosen), reason=reason)
    except ResidegiError as exc:
        return _refused(request, staff, the_desk, exc, text_of(form, "batch") or None)
    return RedirectResponse("/drafts", status_code=303)
