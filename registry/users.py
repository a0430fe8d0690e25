"""Staff users: their roles, their argon2 password hashes, and the slowing of guessers.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106's second
recommendation); a hash made with older parameters is replaced at the next login.
Failed logins are rows in the registry, keyed by user name and by address, so every
``serve`` process and every worker slows the same guesser.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from registry.errors import InvalidInput, NotFound, Refused
from registry.kinds import Classification, Role
from registry.models import LoginFailure, StaffUser

__all__ = [
    "MAX_PASSWORD_CHARS",
    "MIN_PASSWORD_CHARS",
    "Throttle",
    "add_user",
    "check_password",
    "disable_user",
    "find_user",
    "forget_login_failures",
    "new_user_problems",
    "parse_roles",
    "record_login_failure",
    "retry_after",
    "set_clearance",
    "user_roles",
]

MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 200
_USERNAME = re.compile(r"[a-z][a-z0-9._-]{1,49}")
_HASHER = PasswordHasher()
# Checked when the user name is unknown, so a wrong name costs what a wrong password does.
_DUMMY_HASH = _HASHER.hash("residegi: no such user")


@dataclass(frozen=True)
class Throttle:
    """How failed logins slow a guesser: ``free`` failures within ``window``, then a wait
    that doubles with each further failure from ``first_wait``, up to ``longest_wait``."""

    free: int = 5
    window: dt.timedelta = dt.timedelta(minutes=15)
    first_wait: dt.timedelta = dt.timedelta(seconds=15)
    longest_wait: dt.timedelta = dt.timedelta(minutes=15)


def parse_roles(names: list[str] | tuple[str, ...]) -> frozenset[Role]:
    """The roles named (``secretariat``, ``inspector``, ``head``, ``archivist``, ``admin``);
    an unknown name or none at all is refused."""
    roles: set[Role] = set()
    for name in names:
        try:
            roles.add(Role(name.strip().lower()))
        except ValueError:
            raise InvalidInput("unknown_role", role=name) from None
    if not roles:
        raise InvalidInput("role_missing")
    return frozenset(roles)


def user_roles(user: StaffUser) -> frozenset[Role]:
    """The roles a user holds."""
    return frozenset(Role(name) for name in user.roles.split())


def find_user(session: Session, username: str) -> StaffUser | None:
    """The user of that name (case-insensitive), disabled or not; None when there is none."""
    return session.scalar(select(StaffUser).where(StaffUser.username == username.strip().lower()))


def _password_problem(password: str) -> InvalidInput | None:
    if len(password) < MIN_PASSWORD_CHARS:
        return InvalidInput("password_too_short", field="password", minimum=MIN_PASSWORD_CHARS)
    if len(password) > MAX_PASSWORD_CHARS:
        return InvalidInput("field_too_long", field="password", limit=MAX_PASSWORD_CHARS)
    return None


def new_user_problems(
    session: Session, username: str, *, full_name: str, password: str
) -> list[InvalidInput | Refused]:
    """Every reason a user of that name, full name and password cannot be added, each
    naming its ``field`` (username, full_name, password), in the order ``add_user``
    raises them; empty when it can.  Reads only."""
    problems: list[InvalidInput | Refused] = []
    name = username.strip().lower()
    if not _USERNAME.fullmatch(name):
        problems.append(InvalidInput("invalid_username", field="username", username=username[:60]))
    elif find_user(session, name) is not None:
        problems.append(Refused("username_taken", field="username", username=name))
    full_name = full_name.strip()
    if not full_name:
        problems.append(InvalidInput("full_name_missing", field="full_name"))
    elif len(full_name) > 100:
        problems.append(InvalidInput("field_too_long", field="full_name", limit=100))
    password_problem = _password_problem(password)
    if password_problem is not None:
        problems.append(password_problem)
    return problems


def add_user(
    session: Session,
    username: str,
    *,
    full_name: str,
    roles: frozenset[Role],
    password: str,
    at: dt.datetime,
) -> StaffUser:
    """A new user with a hashed password; a taken or malformed name is refused (the first
    of :func:`new_user_problems`)."""
    problems = new_user_problems(session, username, full_name=full_name, password=password)
    if problems:
        raise problems[0]
    user = StaffUser(
        username=username.strip().lower(),
        full_name=full_name.strip(),
        roles=" ".join(sorted(role.value for role in roles)),
        password_hash=_HASHER.hash(password),
        created_at=at,
    )
    session.add(user)
    session.flush()
    return user


def disable_user(session: Session, username: str, *, at: dt.datetime) -> StaffUser:
    """Disable a user: they can no longer log in, and their open sessions end."""
    user = find_user(session, username)
    if user is None:
        raise NotFound("user_not_found", username=username[:60])
    if user.disabled_at is None:
        user.disabled_at = at
    return user


def set_clearance(session: Session, username: str, level: Classification) -> StaffUser:
    """Clear a user for ``level`` (and every level below it), raising or lowering what
    they had; NotFound for an unknown user."""
    user = find_user(session, username)
    if user is None:
        raise NotFound("user_not_found", username=username[:60])
    user.clearance = level
    return user


def check_password(session: Session, username: str, password: str) -> StaffUser | None:
    """The active user whose name and password these are, else None; an outdated hash is
    renewed.  Costs the same for an unknown name as for a wrong password."""
    user = find_user(session, username)
    stored = user.password_hash if user is not None else _DUMMY_HASH
    try:
        _HASHER.verify(stored, password[:MAX_PASSWORD_CHARS])
    except (VerificationError, InvalidHashError):
        return None
    if user is None or user.disabled_at is not None:
        return None
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
    return user


def retry_after(
    session: Session, keys: list[str], *, now: dt.datetime, throttle: Throttle
) -> dt.timedelta | None:
    """How long the guesser behind ``keys`` (a user name, an address) must still wait, or
    None when a login may be tried now."""
    longest = dt.timedelta(0)
    for key in keys:
        count, last = session.execute(
            select(func.count(), func.max(LoginFailure.at)).where(
                LoginFailure.key == key, LoginFailure.at > now - throttle.window
            )
        ).one()
        if count < throttle.free or last is None:
            continue
        wait = min(throttle.first_wait * 2 ** (count - throttle.free), throttle.longest_wait)
        longest = max(longest, last + wait - now)
    return longest if longest > dt.timedelta(0) else None


def record_login_failure(session: Session, keys: list[str], *, at: dt.datetime) -> None:
    """Count one failed login against each key."""
    session.add_all(LoginFailure(key=key, at=at) for key in keys)


def forget_login_failures(
    session: Session, key: str, *, now: dt.datetime, throttle: Throttle
) -> None:
    """Forget a user's failures after their successful login, and every failure older than
    the window (the table stays small)."""
    session.execute(delete(LoginFailure).where(LoginFailure.key == key))
    session.execute(delete(LoginFailure).where(LoginFailure.at <= now - throttle.window))
