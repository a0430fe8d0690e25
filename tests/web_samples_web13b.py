"""The role matrix's sample values for the archive, public and admin pages (web13b): path
parameters, and a valid submission for each staff POST route (fresh each call)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

from office import holidays, users
from registry.kinds import Role
from tests.web13b_support import blank_pdf, filed_case
from tests.web_support import DeskUnderTest

Submission = tuple[dict[str, str], dict[str, Any], dict[str, Any] | None]
_COUNT = itertools.count(1)
_CASES: dict[int, str] = {}


def _tracking(desk: DeskUnderTest) -> dict[str, str]:
    # One case per desk: a dossier of any state is a download.
    key = id(desk)
    if key not in _CASES:
        _CASES[key] = filed_case(desk)
    return {"tracking": _CASES[key]}


def _username(desk: DeskUnderTest) -> dict[str, str]:
    return {"username": "no-such-user"}


def _far_day() -> dt.date:
    # A Monday far beyond the seeded holidays, another one on every call.
    day = dt.date(2035, 1, 1) + dt.timedelta(days=7 * next(_COUNT))
    return day


def _jalali(day: dt.date) -> str:
    from registry.jalali import format_jalali

    return format_jalali(day)


def _add_user(desk: DeskUnderTest) -> Submission:
    form = {
        "username": f"sample.{next(_COUNT)}",
        "full_name": "کاربر نمونه",
        "roles": ["archivist", "inspector"],
        "password": "a-sample-password-1405",
        "password_again": "a-sample-password-1405",
    }
    return {}, form, None


def _disable_user(desk: DeskUnderTest) -> Submission:
    name = f"leaving.{next(_COUNT)}"
    users.add_user(
        desk.runtime,
        "tester",
        name,
        full_name="کاربر رفتنی",
        roles=frozenset({Role.SECRETARIAT}),
        password="a-sample-password-1405",
    )
    return {"username": name}, {}, None


def _add_agency(desk: DeskUnderTest) -> Submission:
    form = {
        "name": f"شهرداری نمونه {next(_COUNT)}",
        "kind": "municipality",
        "head_title": "شهردار محترم",
        "parent": "فرمانداری قزوین",
        "reply_deadline_days": "۱۰",
    }
    return {}, form, None


def _change_head(desk: DeskUnderTest) -> Submission:
    form = {"agency": "شهرداری قزوین", "head_title": "شهردار محترم قزوین", "head_name": "نام تازه"}
    return {}, form, None


def _add_holiday(desk: DeskUnderTest) -> Submission:
    return {}, {"day": _jalali(_far_day()), "name": "تعطیل نمونه"}, None


def _remove_holiday(desk: DeskUnderTest) -> Submission:
    day = _far_day()
    holidays.add(desk.runtime, "tester", day, "تعطیل رفتنی")
    return {}, {"day": _jalali(day)}, None


def _verify(desk: DeskUnderTest) -> Submission:
    data = blank_pdf(desk.home / f"unsigned-{next(_COUNT)}.pdf")
    return {}, {}, {"pdf": ("unsigned.pdf", data, "application/pdf")}


PATH_VALUES: dict[str, Callable[[DeskUnderTest], dict[str, str]]] = {
    "tracking": _tracking,
    "username": _username,
}
POST_SAMPLES: dict[str, Callable[[DeskUnderTest], Submission]] = {
    "/verify": _verify,
    "/admin/users": _add_user,
    "/admin/users/{username}/disable": _disable_user,
    "/admin/agencies": _add_agency,
    "/admin/agencies/head": _change_head,
    "/admin/holidays": _add_holiday,
    "/admin/holidays/remove": _remove_holiday,
}
