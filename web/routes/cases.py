"""The case page (پرونده) and what it offers: the case's files, a deadline's
explanation, and the case's own actions (review, attach, withdraw, reopen, close)."""

from __future__ import annotations

from functools import partial
from typing import Any, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from office import answer_desk, cases
from office import complaints as office
from office.access import Action, Staff, clearance_of, may
from office.cases import CaseFile
from office.deadlines import explain
from office.messages import REVIEW_WARNINGS_FA
from registry.errors import ErrorKind, InvalidInput, NotFound, ResidegiError
from registry.kinds import (
    DOCUMENT_KIND_FA,
    Channel,
    Classification,
    DispatchMethod,
    DocumentKind,
    Honorific,
    Priority,
    ReplyOutcome,
)
from web.desk import Desk, desk, needs, page
from web.forms import FormErrors, refusal, submitted, text_of
from web.routes.complaints import CHANNEL_FA

router = APIRouter()

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DISPATCH_METHODS = {method.value: method.label_fa for method in DispatchMethod}


def _case_page(
    request: Request,
    staff: Staff,
    the_desk: Desk,
    tracking: str,
    *,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
    open_form: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    view = cases.case_view(the_desk.runtime, staff, tracking)
    actions = cases.available_actions(view.state, staff)
    shown: FormErrors = {}
    for key, text in (errors or {}).items():
        # A refusal for a form the page no longer offers (the case moved on meanwhile)
        # is shown at the top; a letter's dispatch form is offered beside its letter.
        offered = key.split(".")[0] in actions or key.startswith("dispatch.")
        shown[key if offered else "form"] = text
    notes = request.session.pop("notes", [])
    clearance = clearance_of(staff, the_desk.runtime.settings)
    record = view.record
    answering = {"answer", "sign"} & actions
    return page(
        request,
        "case.html",
        staff,
        status_code=status_code,
        case=view,
        c=view.record,
        personal=may(staff, Action.READ_PERSONAL),
        actions=actions,
        errors=shown,
        values=values or {},
        open_form=open_form,
        notes=notes if isinstance(notes, list) else [],
        just_registered=request.session.pop("registered", None) == view.record["tracking_code"],
        document_kinds=DOCUMENT_KIND_FA,
        outcomes={outcome.value: outcome.short_fa for outcome in ReplyOutcome},
        channels=CHANNEL_FA,
        dispatch_methods=DISPATCH_METHODS,
        may_dispatch=may(staff, Action.RECORD_DISPATCH),
        marks={
            "priority": Priority(record["priority"]).label_fa,
            "classification": Classification(record["classification"]).label_fa,
        },
        priorities=[(p.value, p.label_fa) for p in Priority],
        # A reviewer classifies no higher than their own clearance (office refuses more).
        classifications=[(c.value, c.label_fa) for c in clearance.levels_up_to_ordered()],
        answer_draft=answer_desk.answer_draft(the_desk.runtime, staff, tracking)
        if answering
        else None,
        honorifics={h.value: h.label_fa or "—" for h in Honorific},
    )


@router.get("/complaints/{tracking}", response_class=HTMLResponse)
def case_page(
    request: Request,
    tracking: str,
    staff: Staff = Depends(needs(Action.READ_CASES)),
    the_desk: Desk = Depends(desk),
) -> HTMLResponse:
    """The whole case on one page, with the actions this user may take now."""
    return _case_page(request, staff, the_desk, tracking)


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


def _letter_id(value: str) -> int:
    """A letter's id from its path (NotFound for anything else)."""
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise NotFound("letter_not_found", number=value[:40])
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
        cases.letter_file(the_desk.runtime, staff, tracking, _letter_id(letter), fmt="pdf")
    )


@router.get("/complaints/{tracking}/letters/{letter}/letter.docx")
def letter_docx(
    tracking: str,
    letter: str,
    staff: Staff = Depends(needs(Action.READ_PERSONAL)),
    the_desk: Desk = Depends(desk),
) -> StreamingResponse:
    """A letter's editable DOCX, downloaded."""
    file = cases.letter_file(the_desk.runtime, staff, tracking, _letter_id(letter), fmt="docx")
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
    number = cases.letter_number(runtime, staff, tracking, _letter_id(letter))
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


def _refused(
    request: Request,
    staff: Staff,
    the_desk: Desk,
    tracking: str,
    exc: ResidegiError,
    form_name: str,
    values: dict[str, Any],
) -> HTMLResponse:
    """The case page again with the refusal beside its field (400 bad input, 409 a rule)."""
    if exc.kind is ErrorKind.NOT_FOUND and exc.code == "complaint_not_found":
        raise exc
    status = 409 if exc.kind is ErrorKind.REFUSED else 400
    errors = {f"{form_name}.{k}": v for k, v in refusal(exc, "form").items()}
    return _case_page(
        request,
        staff,
        the_desk,
        tracking,
        errors=errors,
        values={form_name: values},
        open_form=form_name,
        status_code=status,
    )


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
        return _refused(request, staff, the_desk, tracking, exc, "review", values)
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
        request, tuple(DocumentKind), runtime.settings.attachment_max_bytes
    )
    try:
        channel = _channel(text_of(form, "channel") or Channel.IN_PERSON.value)
        files = office.check_uploads(runtime, uploads)
        attach_them = partial(office.attach, runtime, staff, tracking, files, channel=channel)
        record = await run_in_threadpool(attach_them)
    except ResidegiError as exc:
        return _refused(request, staff, the_desk, tracking, exc, "attach", {})
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
        return _refused(request, staff, the_desk, tracking, exc, name, {"reason": reason})
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
