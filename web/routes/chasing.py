"""Chasing late replies from the desk: today's reminders and escalations as a preview,
then «ارسال» starts the chase flow in a process of its own (flows/chase_process.py); the
page shows how the last run went.  The schedule (cron or Prefect) stays the normal way."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from flows.chase_process import last_run, start_chase
from office import chasing
from office.access import Action, Staff, require
from web.desk import Desk, desk, needs, page

router = APIRouter()


@router.get("/chase", response_class=HTMLResponse)
def chase_page(
    request: Request,
    staff: Staff = Depends(needs(Action.CHASE)),
    the_desk: Desk = Depends(desk),
) -> HTMLResponse:
    """Today's steps (``chase --dry-run``) and the last run started from the desk; while
    that run is going, its part of the page refreshes itself (HTMX)."""
    runtime = the_desk.runtime
    notes = request.session.pop("notes", [])
    return page(
        request,
        "chase.html",
        staff,
        steps=chasing.preview(runtime, staff),
        today=runtime.clock.today(),
        run=last_run(runtime.settings),
        zone=runtime.clock.zone,
        notes=notes if isinstance(notes, list) else [],
    )


@router.post("/chase", response_model=None)
def chase_start(
    request: Request,
    staff: Staff = Depends(needs(Action.CHASE)),
    the_desk: Desk = Depends(desk),
) -> RedirectResponse:
    """Start the chase flow beside the server (never a second while one runs) and 303 to
    the chase page, which follows it."""
    settings = the_desk.runtime.settings
    if start_chase(settings, require(staff, Action.CHASE)):
        note = "پیگیری آغاز شد؛ نامه‌ها در پس‌زمینه ساخته و ارسال می‌شوند."
    else:
        note = "پیگیری پیشین هنوز در کار است؛ پیگیری دیگری آغاز نشد."
    request.session["notes"] = [note]
    return RedirectResponse("/chase", status_code=303)
