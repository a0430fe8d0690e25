"""The case page (پرونده) and what it offers: the case's files, a deadline's
explanation, and the case's own actions (review, attach, withdraw, reopen, close)."""

from __future__ import annotations

from functools import partial
from typing import Any, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from office import cases
from office import complaints as office
from office.access import Action, Staff
from office.cases import CaseFile
from office.deadlines import explain
from office.messages import REVIEW_WARNINGS_FA
from registry.errors import InvalidInput, NotFound, ResidegiError
from registry.kinds import (
    FILED_DOCUMENT_KINDS,
    Channel,
    Classification,
    DocumentKind,
    Priority,
)
from web.case_page import case_page, letter_id, refused
from web.desk import Desk, desk, needs, page
from web.forms import submitted, text_of

router = APIRouter()


@router.get("/complaints/{tracking}", response_class=HTMLResponse)
def show_case(
    request: Request,
    tracking: str,
    staff: Staff = Depends(needs(Action.READ_CASES)),
    the_desk: Desk = Depends(desk),
) -> HTMLResponse:
    """The whole case on one page, with the actions this user may take now."""
    return case_page(request, staff, the_desk, tracking)


def _file_response(file: CaseFile, *, inline: bool = True) -> StreamingResponse:
    """The file in chunks, named for saving (ASCII and UTF-8 forms), never sniffed."""
    ascii_name = file.name.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    disposition = "inline" if inline else "attachment"
    return StreamingResponse(
        file.chunks,
        media_type=file.media_type,
        headers={
            "Content-Disposition": (
                f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file.name)}"
            ),
            "Content-Length": str(file.size),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


def _document_id(tracking: str, value: str) -> int:
    """A document's id from its path (NotFound, the desk's 404 page, for anything else)."""
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise NotFound("document_not_found", tracking_code=tracking)
    return int(value)


@router.get("/complaints/{tracking}/receipt.pdf")
def receipt(
    tracking: str,
    staff: Staff = Depends(needs(Action.READ_PERSONAL)),
    the_desk: Desk = Depends(desk),
) -> StreamingResponse:
    """The registration receipt, to print for the complainant."""
    return _file_response(cases.receipt_file(the_desk.runtime, staff, tracking))


@router.get("/complaints/{tracking}/documents/{document}")
def document(
    tracking: str,
    document: str,
    staff: Staff = Depends(needs(Action.READ_PERSONAL)),
    the_desk: Desk = Depends(desk),
) -> StreamingResponse:
    """A document of the case as filed, shown in the browser."""
    return _file_response(
        cases.document_file(the_desk.runtime, staff, tracking, _document_id(tracking, document))
    )


@router.get("/complaints/{tracking}/documents/{document}/document.pdf")
def document_pdf(
    tracking: str,
    document: str,
    staff: Staff = Depends(needs(Action.READ_PERSONAL)),
    the_desk: Desk = Depends(desk),
) -> StreamingResponse:
    """A document as PDF: a scanned image's converted PDF (a PDF is itself)."""
    return _file_response(
        cases.document_file(
            the_desk.runtime, staff, tracking, _document_id(tracking, document), as_pdf=True
        )
    )


@router.get("/complaints/{tracking}/letters/{letter}/letter.pdf")
def letter_pdf(
    tracking: str,
    letter: str,
    staff: Staff = Depends(needs(Action.READ_PERSONAL)),
    the_desk: Desk = Depends(desk),
) -> StreamingResponse:
    """A letter's archived PDF (the record)."""
    return _file_response(
        cases.letter_file(the_desk.runtime, staff, tracking, letter_id(letter), fmt="pdf")
    )


@router.get("/complaints/{tracking}/letters/{letter}/letter.docx")
def letter_docx(
    tracking: str,
    letter: str,
    staff: Staff = Depends(needs(Action.READ_PERSONAL)),
    the_desk: Desk = Depends(desk),
) -> StreamingResponse:
    """A letter's editable DOCX, downloaded."""
    file = cases.letter_file(the_desk.runtime, staff, tracking, letter_id(letter), fmt="docx")
    return _file_response(file, inline=False)


@router.get("/complaints/{tracking}/letters/{letter}/deadline", response_class=HTMLResponse)
def deadline(
    request: Request,
    tracking: str,
    letter: str,
    staff: Staff = Depends(needs(Action.READ_CASES)),
    the_desk: Desk = Depends(desk),
) -> HTMLResponse:
    """How a letter's due date was reached, day by day (the case page loads it with HTMX;
    without script it is a page of its own)."""
    runtime = the_desk.runtime
    number = cases.letter_number(runtime, staff, tracking, letter_id(letter))
    explained = explain(runtime, staff, number)
    fragment = request.headers.get("HX-Request") == "true"
    return page(
        request,
        "_deadline.html" if fragment else "deadline.html",
        staff,
        explained=explained,
        tracking=tracking,
    )


# -- the case's actions -------------------------------------------------------------------


def _back(tracking: str) -> RedirectResponse:
    return RedirectResponse(f"/complaints/{tracking}", status_code=303)


_Marking = TypeVar("_Marking", Priority, Classification)


def _choice(value: str, kind: type[_Marking], name: str) -> _Marking:
    """A form's choice as its member, or the field's error naming the allowed values."""
    try:
        return kind(value)
    except ValueError:
        allowed = "، ".join(member.label_fa for member in kind)
        raise InvalidInput(
            "invalid_option", field=name, value=value[:40], allowed=allowed
        ) from None


@router.post("/complaints/{tracking}/review", response_model=None)
async def review(
    request: Request,
    tracking: str,
    staff: Staff = Depends(needs(Action.REVIEW)),
    the_desk: Desk = Depends(desk),
) -> Response:
    """Accept (with the reviewer's summary and, for an anonymous complaint, the documents
    the agency may see), ask for the missing kinds, or reject with a reason and the
    competent body."""
    form, _ = await submitted(request)
    values: dict[str, Any] = {
        "decision": text_of(form, "decision"),
        "note": text_of(form, "note"),
        "reason": text_of(form, "reason"),
        "missing": [m for m in form.getlist("missing") if isinstance(m, str)],
        "summary": text_of(form, "summary"),
        "forward": [f for f in form.getlist("forward") if isinstance(f, str)],
        "refer_to": text_of(form, "refer_to"),
        "priority": text_of(form, "priority") or Priority.NORMAL.value,
        "classification": text_of(form, "classification") or Classification.NORMAL.value,
    }
    try:
        try:
            decision = office.Decision(values["decision"])
        except ValueError:
            raise InvalidInput("review_decision_required", field="decision") from None
        accepting = decision is office.Decision.ACCEPT
        priority = _choice(values["priority"], Priority, "priority")
        classification = _choice(values["classification"], Classification, "classification")
        # Positions of the documents, 1-based as the case page and `complaint show` list them.
        forward = [int(p) for p in values["forward"] if p.isdigit()]
        missing = []
        for kind in values["missing"]:
            try:
                missing.append(DocumentKind(kind))
            except ValueError:
                raise InvalidInput(
                    "invalid_option", field="missing", value=kind, allowed=""
                ) from None
        reviewed = await run_in_threadpool(
            office.review,
            the_desk.runtime,
            staff,
            tracking,
            decision,
            reason=values["reason"] if decision is office.Decision.REJECT else None,
            missing=missing if decision is office.Decision.INCOMPLETE else (),
            note=values["note"] or None,
            summary=(values["summary"] or None) if accepting else None,
            forward=forward if accepting else (),
            refer_to=(values["refer_to"] or None) if not accepting else None,
            priority=priority,
            classification=classification,
        )
    except ResidegiError as exc:
        return refused(request, staff, the_desk, tracking, exc, "review", values)
    request.session["notes"] = [REVIEW_WARNINGS_FA.get(w, w) for w in reviewed.warnings]
    return _back(reviewed.tracking_code)


@router.post("/complaints/{tracking}/attach", response_model=None)
async def attach(
    request: Request,
    tracking: str,
    staff: Staff = Depends(needs(Action.ATTACH)),
    the_desk: Desk = Depends(desk),
) -> Response:
    """Add documents of each kind to the case (an incomplete one returns to review)."""
    runtime = the_desk.runtime
    form, uploads = await submitted(
        request, FILED_DOCUMENT_KINDS, runtime.settings.attachment_max_bytes
    )
    try:
        channel = _channel(text_of(form, "channel") or Channel.IN_PERSON.value)
        files = office.check_uploads(runtime, uploads)
        attach_them = partial(office.attach, runtime, staff, tracking, files, channel=channel)
        record = await run_in_threadpool(attach_them)
    except ResidegiError as exc:
        return refused(request, staff, the_desk, tracking, exc, "attach", {})
    return _back(record["tracking_code"])


def _channel(value: str) -> Channel:
    # How documents came, or how the answer was collected (the service's figures count
    # what was done in person, docs/stats.md).
    try:
        return Channel(value)
    except ValueError:
        allowed = ", ".join(channel.value for channel in Channel)
        raise InvalidInput(
            "invalid_option", field="channel", value=value, allowed=allowed
        ) from None


async def _move(
    request: Request, tracking: str, staff: Staff, the_desk: Desk, name: str
) -> Response:
    form, _ = await submitted(request)
    reason = text_of(form, "reason")
    runtime = the_desk.runtime
    try:
        if name == "withdraw":
            move = partial(office.withdraw, runtime, staff, tracking, reason=reason)
        elif name == "reopen":
            move = partial(office.reopen, runtime, staff, tracking, reason=reason)
        else:
            collected = text_of(form, "collected")
            move = partial(
                office.close,
                runtime,
                staff,
                tracking,
                note=reason or None,
                collected=_channel(collected) if collected else None,
            )
        record = await run_in_threadpool(move)
    except ResidegiError as exc:
        return refused(request, staff, the_desk, tracking, exc, name, {"reason": reason})
    return _back(record["tracking_code"])


@router.post("/complaints/{tracking}/withdraw", response_model=None)
async def withdraw(
    request: Request,
    tracking: str,
    staff: Staff = Depends(needs(Action.WITHDRAW)),
    the_desk: Desk = Depends(desk),
) -> Response:
    """The complainant withdraws (a reason is required)."""
    return await _move(request, tracking, staff, the_desk, "withdraw")


@router.post("/complaints/{tracking}/reopen", response_model=None)
async def reopen(
    request: Request,
    tracking: str,
    staff: Staff = Depends(needs(Action.REOPEN)),
    the_desk: Desk = Depends(desk),
) -> Response:
    """A closed or withdrawn case back to accepted (a reason is required)."""
    return await _move(request, tracking, staff, the_desk, "reopen")


@router.post("/complaints/{tracking}/close", response_model=None)
async def close(
    request: Request,
    tracking: str,
    staff: Staff = Depends(needs(Action.CLOSE)),
    the_desk: Desk = Depends(desk),
) -> Response:
    """Close an answered or rejected case (with an optional note)."""
    return await _move(request, tracking, staff, the_desk, "close")
