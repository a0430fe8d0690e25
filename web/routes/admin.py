"""The admin's pages: users, agencies and their heads, the holidays, and the office
profile (read-only: it is the ``[office]`` table of ``residegi.toml``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from office import agencies, holidays, users
from office.access import Action, Staff
from registry.errors import InvalidInput, NotFound, ResidegiError
from registry.jalali import jalali_year, parse_jalali_date
from registry.kinds import AgencyKind, Classification, Role
from registry.settings import SETTINGS_FILE_NAME
from registry.text import to_ascii_digits
from web.desk import Desk, desk, error_text, needs, page

router = APIRouter(prefix="/admin")

AGENCY_KIND_FA = {
    AgencyKind.OFFICE: "دفتر",
    AgencyKind.GOVERNORATE: "استانداری",
    AgencyKind.COUNTY_GOVERNORATE: "فرمانداری",
    AgencyKind.MUNICIPALITY: "شهرداری",
}
# The field a refusal belongs beside, when the error does not name it (``field=``).
_FIELD_OF_CODE = {
    "invalid_username": "username",
    "username_taken": "username",
    "full_name_missing": "full_name",
    "password_too_short": "password",
    "passwords_differ": "password_again",
    "role_missing": "roles",
    "unknown_role": "roles",
    "agency_exists": "name",
    "agency_not_found": "parent",
    "invalid_jalali_date": "day",
    "date_required": "day",
    "holiday_exists": "day",
    "holiday_not_found": "day",
    "holiday_name_required": "name",
}


def _field_errors(exc: ResidegiError, fallback: str) -> dict[str, str]:
    """The refusal as {field: Persian text}, for showing beside that field."""
    field = exc.params.get("field") or _FIELD_OF_CODE.get(exc.code) or fallback
    return {str(field): error_text(exc)}


def _status(exc: ResidegiError) -> int:
    if isinstance(exc, InvalidInput):
        return 400
    return 404 if isinstance(exc, NotFound) else 409


def _number(text: str, field: str) -> int | None:
    cleaned = to_ascii_digits(text).strip()
    if not cleaned:
        return None
    if not cleaned.isascii() or not cleaned.isdecimal():
        raise InvalidInput("invalid_number", field=field, value=text[:20])
    return int(cleaned)


# -- the office profile ------------------------------------------------------------------


@router.get("", response_class=HTMLResponse)
def admin_home(
    request: Request,
    staff: Staff = Depends(needs(Action.MANAGE_USERS)),
    the_desk: Desk = Depends(desk),
) -> HTMLResponse:
    """The admin's sections and the office profile the letters print."""
    settings = the_desk.runtime.settings
    return page(
        request,
        "admin/home.html",
        staff,
        profile=settings.office,
        settings_file=settings.home / SETTINGS_FILE_NAME,
    )


# -- users -------------------------------------------------------------------------------


def _users_page(
    request: Request,
    staff: Staff,
    the_desk: Desk,
    *,
    status_code: int = 200,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    return page(
        request,
        "admin/users.html",
        staff,
        status_code=status_code,
        users=users.list_users(the_desk.runtime, staff),
        roles=list(Role),
        levels=list(Classification),
        form=form or {"username": "", "full_name": "", "roles": []},
        errors=errors or {},
    )


@router.get("/users", response_class=HTMLResponse)
def users_page(
    request: Request,
    staff: Staff = Depends(needs(Action.MANAGE_USERS)),
    the_desk: Desk = Depends(desk),
) -> HTMLResponse:
    """Every user with their roles, and the form to add one."""
    return _users_page(request, staff, the_desk)


@router.post("/users", response_model=None)
def add_user(
    request: Request,
    username: Annotated[str, Form(max_length=100)] = "",
    full_name: Annotated[str, Form(max_length=200)] = "",
    roles: Annotated[list[str] | None, Form()] = None,
    password: Annotated[str, Form(max_length=400)] = "",
    password_again: Annotated[str, Form(max_length=400)] = "",
    staff: Staff = Depends(needs(Action.MANAGE_USERS)),
    the_desk: Desk = Depends(desk),
) -> Response:
    """Add a user with their roles and initial password; the list again (303).  Every
    refused field is named at once, beside it; nothing is stored on a refusal."""
    from registry.users import parse_roles

    chosen = roles or []
    runtime = the_desk.runtime
    problems: list[ResidegiError] = list(
        users.new_user_problems(runtime, staff, username, full_name=full_name, password=password)
    )
    chosen_roles: frozenset[Role] = frozenset()
    try:
        chosen_roles = parse_roles(chosen) if chosen else frozenset()
    except ResidegiError as exc:
        problems.append(exc)
    if not chosen:
        problems.append(InvalidInput("roles_not_chosen", field="roles"))
    if password != password_again:
        problems.append(InvalidInput("passwords_differ", field="password_again"))
    if not problems:
        try:
            users.add_user(
                runtime,
                staff,
                username,
                full_name=full_name,
                roles=chosen_roles,
                password=password,
            )
        except ResidegiError as exc:  # taken by someone else meanwhile
            problems.append(exc)
    if problems:
        errors: dict[str, str] = {}
        for problem in problems:
            for field, text in _field_errors(problem, "username").items():
                errors.setdefault(field, text)
        status = 400 if all(isinstance(p, InvalidInput) for p in problems) else 409
        form = {"username": username, "full_name": full_name, "roles": chosen}
        return _users_page(request, staff, the_desk, status_code=status, form=form, errors=errors)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/users/{username}/disable", response_model=None)
def disable_user(
    request: Request,
    username: str,
    staff: Staff = Depends(needs(Action.MANAGE_USERS)),
    the_desk: Desk = Depends(desk),
) -> Response:
    """Disable a user (their sessions end at their next request); the list again (303)."""
    try:
        users.disable_user(the_desk.runtime, staff, username)
    except ResidegiError as exc:
        return _users_page(
            request, staff, the_desk, status_code=_status(exc), errors={"disable": error_text(exc)}
        )
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/users/{username}/clear", response_model=None)
def clear_user(
    request: Request,
    username: str,
    level: Annotated[str, Form()] = "",
    staff: Staff = Depends(needs(Action.MANAGE_USERS)),
    the_desk: Desk = Depends(desk),
) -> Response:
    """Clear a user for a classification and those below it (``user clear``); the list."""
    try:
        users.clear_user(the_desk.runtime, staff, username, level)
    except ResidegiError as exc:
        errors = {"clear": error_text(exc)}
        return _users_page(request, staff, the_desk, status_code=_status(exc), errors=errors)
    return RedirectResponse("/admin/users", status_code=303)


# -- agencies ----------------------------------------------------------------------------


def _agencies_page(
    request: Request,
    staff: Staff,
    the_desk: Desk,
    *,
    status_code: int = 200,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    head_errors: dict[str, str] | None = None,
) -> HTMLResponse:
    return page(
        request,
        "admin/agencies.html",
        staff,
        status_code=status_code,
        agencies=agencies.list_all(the_desk.runtime),
        kinds=AGENCY_KIND_FA,
        form=form or {},
        errors=errors or {},
        head_errors=head_errors or {},
    )


@router.get("/agencies", response_class=HTMLResponse)
def agencies_page(
    request: Request,
    staff: Staff = Depends(needs(Action.MANAGE_AGENCIES)),
    the_desk: Desk = Depends(desk),
) -> HTMLResponse:
    """The agencies with their current heads; forms to add one and to change a head."""
    return _agencies_page(request, staff, the_desk)


@router.post("/agencies", response_model=None)
def add_agency(
    request: Request,
    name: Annotated[str, Form(max_length=300)] = "",
    kind: Annotated[str, Form(max_length=40)] = "",
    head_title: Annotated[str, Form(max_length=300)] = "",
    head_name: Annotated[str, Form(max_length=300)] = "",
    parent: Annotated[str, Form(max_length=300)] = "",
    county: Annotated[str, Form(max_length=200)] = "",
    reply_deadline_days: Annotated[str, Form(max_length=20)] = "",
    staff: Staff = Depends(needs(Action.MANAGE_AGENCIES)),
    the_desk: Desk = Depends(desk),
) -> Response:
    """Add an agency; the list again (303)."""
    form = {
        "name": name,
        "kind": kind,
        "head_title": head_title,
        "head_name": head_name,
        "parent": parent,
        "county": county,
        "reply_deadline_days": reply_deadline_days,
    }
    try:
        try:
            agency_kind = AgencyKind(kind)
        except ValueError:
            allowed = "، ".join(AGENCY_KIND_FA.values())
            raise InvalidInput(
                "invalid_option", field="kind", value=kind, allowed=allowed
            ) from None
        agencies.add(
            the_desk.runtime,
            staff,
            name=name,
            kind=agency_kind,
            head_title=head_title,
            head_name=head_name.strip() or None,
            parent=parent.strip() or None,
            county=county.strip() or None,
            reply_deadline_days=_number(reply_deadline_days, "reply_deadline_days"),
        )
    except ResidegiError as exc:
        return _agencies_page(
            request,
            staff,
            the_desk,
            status_code=_status(exc),
            form=form,
            errors=_field_errors(exc, "name"),
        )
    return RedirectResponse("/admin/agencies", status_code=303)


@router.post("/agencies/head", response_model=None)
def change_head(
    request: Request,
    agency: Annotated[str, Form(max_length=300)] = "",
    head_title: Annotated[str, Form(max_length=300)] = "",
    head_name: Annotated[str, Form(max_length=300)] = "",
    staff: Staff = Depends(needs(Action.MANAGE_AGENCIES)),
    the_desk: Desk = Depends(desk),
) -> Response:
    """Give agency ``agency`` a new head (the old one stays in its history); 303.  The
    form shows both fields filled: what it sends is the new head, an empty name is none
    (where ``agency edit`` would keep the old)."""
    try:
        if not head_title.strip():
            raise InvalidInput("head_title_required", field="head_title")
        agencies.edit(
            the_desk.runtime, staff, agency, head_title=head_title, head_name=head_name.strip()
        )
    except ResidegiError as exc:
        return _agencies_page(
            request,
            staff,
            the_desk,
            status_code=_status(exc),
            head_errors={agency: error_text(exc)},
        )
    return RedirectResponse("/admin/agencies", status_code=303)


# -- holidays ----------------------------------------------------------------------------


def _holidays_page(
    request: Request,
    staff: Staff,
    the_desk: Desk,
    year: int,
    *,
    status_code: int = 200,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    return page(
        request,
        "admin/holidays.html",
        staff,
        status_code=status_code,
        year=year,
        holidays=holidays.list_holidays(the_desk.runtime, year),
        form=form or {"day": "", "name": ""},
        errors=errors or {},
    )


def _year(the_desk: Desk, text: str | None) -> int:
    """The Jalali year asked for (any digits), else this year."""
    cleaned = to_ascii_digits(text or "").strip()
    if cleaned.isascii() and cleaned.isdecimal() and 1300 <= int(cleaned) <= 1500:
        return int(cleaned)
    return jalali_year(the_desk.runtime.clock.today())


@router.get("/holidays", response_class=HTMLResponse)
def holidays_page(
    request: Request,
    year: str | None = None,
    staff: Staff = Depends(needs(Action.MANAGE_HOLIDAYS)),
    the_desk: Desk = Depends(desk),
) -> HTMLResponse:
    """The official holidays of a Jalali year, with forms to add and remove one."""
    return _holidays_page(request, staff, the_desk, _year(the_desk, year))


def _day(text: str) -> Any:
    if not text.strip():
        raise InvalidInput("date_required")
    return parse_jalali_date(text)


@router.post("/holidays", response_model=None)
def add_holiday(
    request: Request,
    day: Annotated[str, Form(max_length=40)] = "",
    name: Annotated[str, Form(max_length=300)] = "",
    staff: Staff = Depends(needs(Action.MANAGE_HOLIDAYS)),
    the_desk: Desk = Depends(desk),
) -> Response:
    """Add an official holiday (open letters' due dates move); its year's list (303)."""
    try:
        date = _day(day)
        if not name.strip():
            raise InvalidInput("holiday_name_required")
        holidays.add(the_desk.runtime, staff, date, name)
    except ResidegiError as exc:
        return _holidays_page(
            request,
            staff,
            the_desk,
            _year(the_desk, None),
            status_code=_status(exc),
            form={"day": day, "name": name},
            errors=_field_errors(exc, "day"),
        )
    return RedirectResponse(f"/admin/holidays?year={jalali_year(date)}", status_code=303)


@router.post("/holidays/remove", response_model=None)
def remove_holiday(
    request: Request,
    day: Annotated[str, Form(max_length=40)] = "",
    staff: Staff = Depends(needs(Action.MANAGE_HOLIDAYS)),
    the_desk: Desk = Depends(desk),
) -> Response:
    """Remove an official holiday (open letters' due dates move back); 303."""
    try:
        date = _day(day)
        holidays.remove(the_desk.runtime, staff, date)
    except ResidegiError as exc:
        return _holidays_page(
            request,
            staff,
            the_desk,
            _year(the_desk, None),
            status_code=_status(exc),
            errors={"remove": error_text(exc)},
        )
    return RedirectResponse(f"/admin/holidays?year={jalali_year(date)}", status_code=303)
