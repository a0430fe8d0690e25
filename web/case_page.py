"""The case page (پرونده) as every route that ends on it renders it: the page itself, and
the page again with a refusal beside the field of the form that was sent.  The routes are
web/routes/cases.py (the case's own actions), answering.py, deadlines.py, dispatch.py and
replies.py."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from office import answer_desk, cases
from office.access import Action, Staff, clearance_of, may
from registry.errors import NotFound, ResidegiError
from registry.kinds import (
    CHANNEL_FA,
    FILED_DOCUMENT_KINDS,
    Classification,
    DispatchMethod,
    Honorific,
    Priority,
    ReplyOutcome,
)
from web.desk import Desk, page
from web.forms import FormErrors, desk_text, field_of, form_refusal, refusal_status

DISPATCH_METHODS = {method.value: method.label_fa for method in DispatchMethod}
# What the review may ask for and the attach form takes (not the office's own complaint text).
FILED_KINDS_FA = {kind: kind.label_fa for kind in FILED_DOCUMENT_KINDS}


def case_page(
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
    """The case page for ``staff``: only the actions the case's state and their roles allow,
    ``errors`` beside their forms' fields (``form.field``), ``open_form`` unfolded with
    ``values`` typed back into it."""
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
        document_kinds=FILED_KINDS_FA,
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


def refused(
    request: Request,
    staff: Staff,
    the_desk: Desk,
    tracking: str,
    exc: ResidegiError,
    form_name: str,
    values: dict[str, Any],
    *,
    fields: dict[str, str] | None = None,
) -> HTMLResponse:
    """The case page again with the refusal beside its field in ``form_name``'s form (by its
    parameters, else ``fields`` by its code, else the form's head), what was typed kept, at
    ``refusal_status``.  A missing role, an unknown case or a
    failure of the system is raised again, for the app's own pages."""
    if not form_refusal(exc) or exc.code == "complaint_not_found":
        raise exc
    field = field_of(exc, "") or (fields or {}).get(exc.code, "form")
    return case_page(
        request,
        staff,
        the_desk,
        tracking,
        errors={f"{form_name}.{field}": desk_text(exc)},
        values={form_name: values},
        open_form=form_name,
        status_code=refusal_status(exc, field),
    )


def letter_id(value: str) -> int:
    """A letter's id from its path (NotFound for anything else)."""
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise NotFound("letter_not_found", number=value[:40])
    return int(value)
