"""Letter batches from the desk: what waits, per agency; «ارسال» starts the dispatch flow
on the warm batch runner, or else in a process of its own (flows/batch_process.py), under
the registry's batch lease, so a second press while a batch runs shows that batch instead
of starting another; the page follows the run (HTMX) and lists the past batches from the
registry."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from flows.batch_process import start_batch
from office import batches
from office.access import Action, Staff, require
from registry.batches import RUNNING
from web.desk import Desk, desk, needs, page

router = APIRouter()


@router.get("/batches", response_class=HTMLResponse)
def batches_page(
    request: Request,
    staff: Staff = Depends(needs(Action.DISPATCH)),
    the_desk: Desk = Depends(desk),
) -> HTMLResponse:
    """The referrals waiting, the last batch (followed live while it runs) and the past
    ones."""
    runtime = the_desk.runtime
    notes = request.session.pop("notes", [])
    runs = batches.history(runtime, staff)
    last = runs[0] if runs else None
    return page(
        request,
        "batches.html",
        staff,
        waiting=batches.waiting(runtime, staff),
        run=last,
        running=last is not None and last.state == RUNNING,
        rate=batches.rate(last) if last is not None else None,
        letters=batches.sent_letters(runtime, staff, list(last.numbers)) if last else [],
        runs=runs,
        zone=runtime.clock.zone,
        notes=notes if isinstance(notes, list) else [],
    )


@router.post("/batches", response_model=None)
def batch_start(
    request: Request,
    staff: Staff = Depends(needs(Action.DISPATCH)),
    the_desk: Desk = Depends(desk),
) -> RedirectResponse:
    """Start a batch beside the server, or, while one holds the lease, show that one; 303
    to the batch page, which follows it."""
    runtime = the_desk.runtime
    actor = require(staff, Action.DISPATCH)
    taken = batches.start(runtime, staff)
    if not taken.started:
        note = f"دسته‌ای که {taken.run.actor} آغاز کرد در کار است؛ دسته دیگری آغاز نشد."
    else:
        try:
            where = start_batch(runtime, taken.run.run_id, actor)
        except Exception as exc:
            # No process, no flow run: nothing will beat the lease, so it is let go now.
            batches.failed_to_start(runtime, taken.run.run_id, f"{type(exc).__name__}: {exc}")
            note = "دسته آغاز نشد: پردازه یا اجرای آن ساخته نشد."
        else:
            if where is not None:
                batches.started_in(runtime, taken.run.run_id, host=where[0], pid=where[1])
            note = "دسته آغاز شد؛ نامه‌ها در پس‌زمینه شماره می‌خورند، ساخته و ارسال می‌شوند."
    request.session["notes"] = [note]
    return RedirectResponse("/batches", status_code=303)
