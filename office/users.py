"""Staff users: add, list, disable (the admin's), and logging in (everyone's).

A login is checked against the registry's argon2 hash; failed attempts are counted per
user name and per address in the registry, so that every ``serve`` process slows the same
guesser, and a user or address past the free attempts waits (``LoginThrottled``).
"""

from __future__ import annotations

import math
import secrets
from typing import Any

from office.access import Action, Actor, Staff, require
from office.runtime import Runtime
from registry import users
from registry.db import transaction
from registry.errors import InvalidInput, NotFound, Refused
from registry.events import record_event
from registry.kinds import Classification, Role
from registry.models import StaffUser

__all__ = [
    "LoginThrottled",
    "acting_user",
    "add_demo_users",
    "add_user",
    "clear_user",
    "disable_user",
    "list_users",
    "log_in",
    "name_deputy",
    "new_user_problems",
    "staff_for",
    "user_record",
]


class LoginThrottled(Refused):
    """Too many failed logins for this user or from this address: wait (429 on the desk)."""


def user_record(user: StaffUser) -> dict[str, Any]:
    """A user as a record: ``username``, ``full_name``, ``roles``, ``active``,
    ``clearance``."""
    return {
        "username": user.username,
        "full_name": user.full_name,
        "roles": sorted(role.value for role in users.user_roles(user)),
        "active": user.disabled_at is None,
        "clearance": user.clearance.value,
    }


def _staff(user: StaffUser) -> Staff:
    deputy = user.deputy_named_at is not None
    return Staff(
        user.username, user.full_name, users.user_roles(user), user.clearance, deputy=deputy
    )


def name_deputy(
    runtime: Runtime, actor: Actor, username: str, *, title: str = "", remove: bool = False
) -> dict[str, Any]:
    """The head (or the admin) names ``username`` deputy, who may then sign letters
    «از طرف» the head with ``title`` printed under their name; ``remove`` withdraws it.
    The user's record with ``deputy`` (bool) and ``deputy_title``."""
    actor = require(actor, Action.NAME_DEPUTY)
    with transaction(runtime.sessions) as session:
        user = users.find_user(session, username)
        if user is None or user.disabled_at is not None:
            raise NotFound("user_not_found", username=username[:60])
        if remove:
            user.deputy_title = user.deputy_named_by = user.deputy_named_at = None
        else:
            user.deputy_title = title.strip() or None
            user.deputy_named_by, user.deputy_named_at = actor, runtime.clock.now()
        record_event(
            session,
            at=runtime.clock.now(),
            actor=actor,
            action="deputy_removed" if remove else "deputy_named",
            data={"username": user.username, "title": user.deputy_title},
        )
        return user_record(user) | {
            "deputy": user.deputy_named_at is not None,
            "deputy_title": user.deputy_title,
        }


def add_user(
    runtime: Runtime,
    actor: Actor,
    username: str,
    *,
    full_name: str,
    roles: frozenset[Role],
    password: str,
) -> dict[str, Any]:
    """Add a member of staff with their roles and password (hashed); their record."""
    require(actor, Action.MANAGE_USERS)
    with transaction(runtime.sessions) as session:
        user = users.add_user(
            session,
            username,
            full_name=full_name,
            roles=roles,
            password=password,
            at=runtime.clock.now(),
        )
        return user_record(user)


def new_user_problems(
    runtime: Runtime, actor: Actor, username: str, *, full_name: str, password: str
) -> list[InvalidInput | Refused]:
    """Every reason ``add_user`` would refuse these (each names its ``field``), so that a
    form can show them all at once; empty when the user can be added.  Reads only."""
    require(actor, Action.MANAGE_USERS)
    with runtime.sessions() as session:
        return users.new_user_problems(session, username, full_name=full_name, password=password)


def list_users(runtime: Runtime, actor: Actor) -> list[dict[str, Any]]:
    """Every user, active or disabled, by name."""
    require(actor, Action.MANAGE_USERS)
    with runtime.sessions() as session:
        rows = session.query(StaffUser).order_by(StaffUser.username)
        return [user_record(user) for user in rows]


def disable_user(runtime: Runtime, actor: Actor, username: str) -> dict[str, Any]:
    """Disable a user; their open sessions end at their next request."""
    name = require(actor, Action.MANAGE_USERS)
    if username.strip().lower() == name:
        raise Refused("cannot_disable_self")
    with transaction(runtime.sessions) as session:
        return user_record(users.disable_user(session, username, at=runtime.clock.now()))


def clear_user(runtime: Runtime, actor: Actor, username: str, level: str) -> dict[str, Any]:
    """Clear a user for classification ``level`` (``normal`` … ``top_secret``) and every
    level below it; their record.  Takes effect at their next request."""
    require(actor, Action.MANAGE_USERS)
    try:
        clearance = Classification(level.strip().lower())
    except ValueError:
        allowed = ", ".join(c.value for c in Classification)
        raise InvalidInput(
            "invalid_option", field="level", value=level[:40], allowed=allowed
        ) from None
    with transaction(runtime.sessions) as session:
        return user_record(users.set_clearance(session, username, clearance))


def staff_for(runtime: Runtime, username: str) -> Staff | None:
    """The active user of that name as staff, or None (unknown or disabled): a session
    cookie is only as good as its user."""
    with runtime.sessions() as session:
        user = users.find_user(session, username)
        if user is None or user.disabled_at is not None:
            return None
        return _staff(user)


def acting_user(runtime: Runtime, username: str) -> Staff:
    """The active user the command line acts as (``cli_acts_as_user``): NotFound if there
    is no such active user."""
    staff = staff_for(runtime, username)
    if staff is None:
        raise NotFound("user_not_found", username=username[:60])
    return staff


def log_in(
    runtime: Runtime,
    username: str,
    password: str,
    *,
    address: str,
    throttle: users.Throttle | None = None,
) -> Staff:
    """The user these credentials belong to; ``InvalidInput('login_failed')`` otherwise,
    and ``LoginThrottled`` while this user name or address must wait."""
    throttle = throttle or users.Throttle()
    name = username.strip().lower()[:50]
    keys = [f"user:{name}", f"addr:{address[:100]}"]
    now = runtime.clock.now()
    with transaction(runtime.sessions) as session:
        wait = users.retry_after(session, keys, now=now, throttle=throttle)
        if wait is not None:
            raise LoginThrottled("login_throttled", seconds=math.ceil(wait.total_seconds()))
        user = users.check_password(session, name, password)
        if user is None:
            users.record_login_failure(session, keys, at=now)
        else:
            users.forget_login_failures(session, keys[0], now=now, throttle=throttle)
            return _staff(user)
    raise InvalidInput("login_failed")


# Demo passwords: lower-case letters that cannot be misread (no digits: a console that
# shows Persian digits would print them otherwise); 12 of them carry 54 bits.
_DEMO_LETTERS = "abcdefghjkmnpqrstuvwxyz"

# The demo's users, one per role, by user name.
DEMO_USERS: dict[Role, tuple[str, str]] = {
    Role.SECRETARIAT: ("dabir", "کاربر نمایشی دبیرخانه"),
    Role.INSPECTOR: ("bazres", "کاربر نمایشی کارشناس بازرسی"),
    Role.HEAD: ("modir", "کاربر نمایشی مدیر دفتر"),
    Role.ARCHIVIST: ("bayegan", "کاربر نمایشی بایگان"),
    Role.ADMIN: ("admin", "کاربر نمایشی مدیر سامانه"),
}


def add_demo_users(runtime: Runtime, actor: Actor) -> list[dict[str, Any]]:
    """One user per role for a demo data folder, each with a fresh random password: their
    records with ``password`` added, to be printed once."""
    made = []
    for role, (username, full_name) in DEMO_USERS.items():
        password = "".join(secrets.choice(_DEMO_LETTERS) for _ in range(12))
        record = add_user(
            runtime,
            actor,
            username,
            full_name=full_name,
            roles=frozenset({role}),
            password=password,
        )
        made.append({**record, "password": password})
    return made
