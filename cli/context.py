"""What every command needs: the run's resources, and who is acting."""

from __future__ import annotations

import getpass

from office.access import Actor
from office.runtime import Runtime as App
from registry.errors import InvalidInput

# Every event's actor column holds this many characters (registry/models.py).
MAX_ACTOR = 100

__all__ = ["App", "acting", "actor_name"]


def actor_name(given: str | None) -> str:
    """Who acts: ``--as NAME``, or the operating-system user."""
    if given and given.strip():
        if len(given.strip()) > MAX_ACTOR:
            raise InvalidInput("field_too_long", field="actor", limit=MAX_ACTOR)
        return given.strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def acting(app: App, given: str | None) -> Actor:
    """Who acts, as ``office`` checks them: the operator (``--as NAME`` or the OS user,
    holding every role), or with the ``cli_acts_as_user`` setting the active registered
    user of that name, with that user's roles."""
    name = actor_name(given)
    if app.settings.cli_acts_as_user:
        from office.users import acting_user

        return acting_user(app, name)
    return name
