"""The exception root every residegi package builds on.

Each error carries a stable ``code`` (snake_case, never renamed once shipped), the
``kind`` that decides the CLI's exit code, and the ``params`` that the Persian message
table in ``office/messages.py`` fills in.  ``str(error)`` is English, for logs.
"""

from __future__ import annotations

import enum
from typing import Any


class ErrorKind(enum.Enum):
    """What went wrong, as the CLI contract's exit codes see it."""

    INPUT = 2  # bad input or usage; nothing was written
    NOT_FOUND = 3
    REFUSED = 4  # refused by a rule: illegal transition, failed template check
    VERIFICATION = 5  # signature or fixity failed
    SYSTEM = 1  # the operating system or the database failed: a full disk, a read-only folder

    @property
    def exit_code(self) -> int:
        return self.value


class ResidegiError(Exception):
    """Root of every domain error: a stable code, a kind and the parameters of its message."""

    kind: ErrorKind = ErrorKind.INPUT

    def __init__(self, code: str, detail: str = "", /, **params: Any) -> None:
        self.code = code
        self.params = params
        self.detail = detail
        shown = ", ".join(f"{k}={v!r}" for k, v in params.items())
        super().__init__(f"{code}: {detail or shown}" if (detail or shown) else code)


class RegistryError(ResidegiError):
    """Root of the errors raised by ``registry``."""


class InvalidInput(RegistryError):
    """A value typed by staff is malformed (exit 2)."""

    kind = ErrorKind.INPUT


class NotFound(RegistryError):
    """A complaint, letter, agency or document does not exist (exit 3)."""

    kind = ErrorKind.NOT_FOUND


class Refused(RegistryError):
    """A rule forbids the action: illegal transition, duplicate reply, … (exit 4)."""

    kind = ErrorKind.REFUSED


class VerificationFailed(RegistryError):
    """What was checked does not match what it should: a backup's files against its
    manifest, a restored registry against the backup's counts (exit 5)."""

    kind = ErrorKind.VERIFICATION


class SystemFailure(RegistryError):
    """The operating system or the database failed under a command: a full disk, a
    read-only or missing folder, a damaged registry (exit 1, one line naming what failed
    and what to do; never a traceback)."""

    kind = ErrorKind.SYSTEM
