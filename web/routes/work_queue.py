"""The work queue (کارتابل): the first page after logging in."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from office.access import Action, Staff
from office.queue import work_queue
from web.desk import Desk, desk, needs, page

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def queue(
    request: Request,
    staff: Staff = Depends(needs(Action.READ_CASES)),
    the_desk: Desk = Depends(desk),
) -> HTMLResponse:
    """What waits for this member of staff, shelf by shelf."""
    return page(request, "queue.html", staff, sections=work_queue(the_desk.runtime, staff))
