"""The pages anyone may open without a login: where a complaint stands (``/track``) and
what a letter is (``/verify/{guid}``).  Nothing personal is shown on either."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse

from office.public import TrackRefused, letter_by_guid, track
from registry.errors import InvalidInput
from web.desk import Desk, desk, error_text, page

router = APIRouter()


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/track", response_class=HTMLResponse)
def track_form(request: Request) -> HTMLResponse:
    """The form: the tracking code and the last four digits of the mobile."""
    return page(request, "track.html", None, tracking="", errors={}, refused=None, tracked=None)


@router.post("/track", response_class=HTMLResponse)
def track_answer(
    request: Request,
    tracking: Annotated[str, Form(max_length=60)] = "",
    mobile_last4: Annotated[str, Form(max_length=20)] = "",
    the_desk: Desk = Depends(desk),
) -> HTMLResponse:
    """The state and its dates for the right pair; one and the same refusal for a wrong
    pair and for too many tries (the answer is the page itself: nothing is changed)."""
    context: dict[str, Any] = {"tracking": tracking, "errors": {}, "refused": None, "tracked": None}
    status = 200
    try:
        context["tracked"] = track(
            the_desk.runtime, tracking, mobile_last4, address=_address(request)
        )
    except InvalidInput as exc:
        field = "mobile_last4" if exc.code == "track_last4_invalid" else "tracking"
        context["errors"] = {field: error_text(exc)}
        status = 400
    except TrackRefused as exc:
        context["refused"] = error_text(exc)
        status = 400
    return page(request, "track.html", None, status_code=status, **context)


@router.get("/verify/{guid}", response_class=HTMLResponse)
def letter_page(request: Request, guid: str, the_desk: Desk = Depends(desk)) -> HTMLResponse:
    """A letter's number, date, kind, recipient agency and whether it is void (404 for a
    GUID no letter carries)."""
    return page(request, "letter_public.html", None, letter=letter_by_guid(the_desk.runtime, guid))
