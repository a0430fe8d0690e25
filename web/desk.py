"""What every page needs: the run's resources, who is logged in, their right to act, the
CSRF check, and rendering a template with all of it.

Pages are thin: they parse a request, call ``office``, and render.  Who may do what is
``office.access``'s table; a page only names its action.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from starlette_wtf import csrf_token
from starlette_wtf.csrf import CSRFError, get_csrf_token
from starlette_wtf.form import SUBMIT_METHODS
from starlette_wtf.util import validate_csrf
from wtforms import ValidationError

from generators.charts import format_number_fa
from office.access import Action, Staff, may, require
from office.messages import staff_message
from office.runtime import Runtime
from office.users import staff_for
from registry.errors import ResidegiError
from registry.jalali import format_jalali
from registry.text import to_persian_digits
from registry.tracking import format_tracking_code

__all__ = [
    "Desk",
    "LoginRequired",
    "check_csrf",
    "current_staff",
    "desk",
    "needs",
    "page",
]

TEMPLATES = Path(__file__).with_name("templates")
SESSION_USER = "user"


class LoginRequired(Exception):
    """A staff page asked for without a login: answered with 303 to ``/login``."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


@dataclass
class Desk:
    """The desk's resources, made once per process: the runtime and the templates."""

    runtime: Runtime
    templates: Jinja2Templates


def persian(value: object) -> str:
    """``value`` in Persian digits; a fraction as the figures print one (``format_number_fa``:
    the Persian decimal separator, ۰٫۵)."""
    if isinstance(value, float):
        return format_number_fa(value)
    return to_persian_digits(value)


def make_templates() -> Jinja2Templates:
    """The desk's Jinja environment: autoescaped, strict about undefined names."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fa"] = persian
    env.filters["jalali"] = lambda day: to_persian_digits(format_jalali(day)) if day else "—"
    env.filters["tracking"] = tracking_code
    env.globals["may"] = may
    env.globals["Action"] = Action
    return Jinja2Templates(env=env)


def tracking_code(code: str) -> Markup:
    """A tracking code as staff read it everywhere: groups of four in Persian digits, kept
    left to right inside right-to-left text (bidi would otherwise reverse the groups)."""
    grouped = to_persian_digits(format_tracking_code(code))
    return Markup('<span class="code" dir="ltr">{}</span>').format(grouped)


def desk(request: Request) -> Desk:
    """The desk of the app serving this request."""
    value: Desk = request.app.state.desk
    return value


def current_staff(request: Request, the_desk: Desk = Depends(desk)) -> Staff:
    """The logged-in, still active member of staff; ``LoginRequired`` otherwise (a disabled
    user's session ends at their next request)."""
    username = request.session.get(SESSION_USER)
    staff = staff_for(the_desk.runtime, username) if isinstance(username, str) else None
    if staff is None:
        request.session.pop(SESSION_USER, None)
        raise LoginRequired(request.url.path)
    return staff


class needs:
    """A dependency: the logged-in staff, who must be allowed ``action`` (403 otherwise).
    The role matrix test reads ``action`` to know which roles each page admits."""

    def __init__(self, action: Action) -> None:
        self.action = action

    async def __call__(self, staff: Staff = Depends(current_staff)) -> Staff:
        require(staff, self.action)
        return staff


async def check_csrf(request: Request) -> None:
    """Every state-changing request carries the session's CSRF token (form field
    ``csrf_token`` or header ``X-CSRFToken``), checked by starlette-wtf."""
    if request.method not in SUBMIT_METHODS:
        return
    config = request.state.csrf_config
    token = await get_csrf_token(request)
    try:
        validate_csrf(
            request,
            token,
            secret_key=config["csrf_secret"],
            field_name=config["csrf_field_name"],
            time_limit=config["csrf_time_limit"],
        )
    except ValidationError as exc:
        raise CSRFError(str(exc)) from None


def error_text(error: ResidegiError) -> str:
    """The Persian sentence staff read for ``error``."""
    return staff_message(error.code, error.params)


def page(
    request: Request,
    template: str,
    staff: Staff | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render ``template`` with the logged-in staff, the CSRF token and the office's name."""
    the_desk = desk(request)
    response: HTMLResponse = the_desk.templates.TemplateResponse(
        request,
        template,
        {
            "staff": staff,
            "csrf_token": csrf_token(request),
            "office": the_desk.runtime.settings.office,
            **context,
        },
        status_code=status_code,
    )
    return response
