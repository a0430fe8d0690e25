"""The role matrix's sample for the admin's clearance form (classify16): a fresh user
cleared for «محرمانه» on each call."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from office import users
from registry.kinds import Role
from tests.web_support import DeskUnderTest

Submission = tuple[dict[str, str], dict[str, Any], dict[str, Any] | None]
_COUNT = itertools.count(1)


def _clear_user(desk: DeskUnderTest) -> Submission:
    name = f"cleared.{next(_COUNT)}"
    users.add_user(
        desk.runtime,
        "tester",
        name,
        full_name="کاربر مجاز",
        roles=frozenset({Role.INSPECTOR}),
        password="a-sample-password-1405",
    )
    return {"username": name}, {"level": "confidential"}, None


POST_SAMPLES: dict[str, Callable[[DeskUnderTest], Submission]] = {
    "/admin/users/{username}/clear": _clear_user,
}
