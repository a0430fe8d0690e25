"""What every command needs: the run's resources, and who is acting."""

from __future__ import annotations

import getpass

from office.runtime import Runtime as App
from registry.errors import InvalidInput

# Every event's actor column holds this many characters (registry/models.py).
MAX_ACTOR = 100

__all__ = ["App", "actor_name"]


def actor_name(given: str | None) -> str:
    """Who acts: ``--as NAME``, or the operating-system user until users and roles exist."""
    if given and given.strip():
        if len(given.strip()) > MAX_ACTOR:
            raise InvalidInput("field_too_long", field="actor", limit=MAX_ACTOR)
        return given.strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
