"""Logging in and out, and the health check."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from office.users import LoginThrottled, log_in
from registry.errors import InvalidInput
from web.desk import SESSION_USER, Desk, desk, error_text, page

router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Where to go after logging in: a path of this site only, never another site."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/healthz", response_class=PlainTextResponse)
def healthz() -> str:
    """200 while the process serves."""
    return "ok"


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> HTMLResponse:
    """The login form."""
    return page(request, "login.html", None, next=_safe_next(next), error=None, username="")


@router.post("/login", response_model=None)
def login(
    request: Request,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=400)],
    next: Annotated[str, Form(max_length=500)] = "/",
    the_desk: Desk = Depends(desk),
) -> Response:
    """Check the credentials; on success a fresh session (no fixation) and 303 onwards."""
    address = request.client.host if request.client else "unknown"
    try:
        staff = log_in(the_desk.runtime, username, password, address=address)
    except (InvalidInput, LoginThrottled) as exc:
        return page(
            request,
            "login.html",
            None,
            status_code=429 if isinstance(exc, LoginThrottled) else 401,
            next=_safe_next(next),
            error=error_text(exc),
            username=username,
        )
    request.session.clear()
    request.session[SESSION_USER] = staff.username
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request) -> RedirectResponse:
    """End the session."""
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
