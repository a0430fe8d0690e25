"""What every command needs: the run's resources, and who is acting."""

from __future__ import annotations

import getpass

from office.runtime import Runtime as App

__all__ = ["App", "actor_name"]


def actor_name(given: str | None) -> str:
    """Who acts: ``--as NAME``, or the operating-system user until users and roles exist."""
    if given and given.strip():
        return given.strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
