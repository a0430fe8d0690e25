"""Failures of the system under a use case, told as what failed and what to do.

A full disk, a read-only or missing data folder, a file where the data folder should be, a
damaged registry file, a database server out of reach: none is a bug of residegi, and staff
must read one sentence naming the place and the remedy, never a traceback.  Every shell (the
CLI's last line of defence, the web desk's error handler) asks :func:`as_system_failure`
what an unexpected exception means; :func:`ensure_room` refuses to start a batch or a flow
where it could not finish (Prefect's own server would otherwise spend minutes retrying on a
full or read-only disk before giving up).
"""

from __future__ import annotations

import errno
import os
import secrets
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from office.runtime import check_home
from registry.errors import SystemFailure
from registry.private import private_dir
from registry.settings import Settings

__all__ = ["as_system_failure", "check_home", "ensure_room"]

_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
_DENIED = frozenset({errno.EACCES, errno.EPERM})
# The words SQLite and psycopg use, matched in their (English, stable) messages.
_SQLITE_DAMAGED = ("file is not a database", "database disk image is malformed")
_SQLITE_FULL = ("database or disk is full",)
_SQLITE_READ_ONLY = ("attempt to write a readonly database", "unable to open database file")
_SQLITE_IO = ("disk i/o error",)
_SERVER_DOWN = ("connection refused", "could not connect", "connection failed", "timeout expired")
# Prefect's own message when its embedded server does not come up.
_PREFECT_NOT_STARTED = "ephemeral prefect api server"


def ensure_room(settings: Settings, folder: Path | None = None) -> None:
    """Before a batch or a flow starts: the data folder (or ``folder`` in it) is a folder
    this account can write in, on a file system with at least ``min_free_disk_mb`` free.

    A small file is written, fsynced and removed to prove it (permissions alone do not
    tell a read-only mount).  SystemFailure ``home_not_a_folder``, ``folder_read_only``,
    ``permission_denied`` or ``disk_full_before``."""
    check_home(settings)
    where = folder or settings.home
    probe = where / f".residegi-probe-{secrets.token_hex(4)}"
    try:
        private_dir(where)
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, b"\0" * 4096)
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise _from_os_error(exc, settings, where) from exc
    finally:
        probe.unlink(missing_ok=True)
    stats = os.statvfs(where)
    free_mb = stats.f_bavail * stats.f_frsize // (1024 * 1024)
    if free_mb < settings.min_free_disk_mb:
        raise SystemFailure(
            "disk_full_before", path=str(where), free_mb=free_mb, need_mb=settings.min_free_disk_mb
        )


def as_system_failure(exc: BaseException, settings: Settings | None) -> SystemFailure | None:
    """What ``exc`` (or an error it was raised from) means as a failure of the system, or
    None when it is none of those (a bug: the shell reports it as unexpected)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        found = _one(current, settings)
        if found is not None:
            return found
        current = current.__cause__ or current.__context__
    return None


def _one(exc: BaseException, settings: Settings | None) -> SystemFailure | None:
    if isinstance(exc, SystemFailure):
        return exc
    if isinstance(exc, DBAPIError):
        return _from_database_error(exc, settings)
    if isinstance(exc, OSError) and exc.errno is not None:
        return _from_os_error(exc, settings, None)
    if isinstance(exc, RuntimeError) and _PREFECT_NOT_STARTED in str(exc).lower():
        home = str(settings.prefect_home) if settings else "prefect"
        return SystemFailure("prefect_unavailable", path=home)
    return None


def _from_os_error(exc: OSError, settings: Settings | None, where: Path | None) -> SystemFailure:
    path = str(exc.filename or where or (settings.home if settings else ""))
    if settings is not None and settings.home.exists() and not settings.home.is_dir():
        return SystemFailure("home_not_a_folder", path=str(settings.home))
    if exc.errno in _FULL:
        return SystemFailure("disk_full", path=path)
    if exc.errno == errno.EROFS:
        return SystemFailure("folder_read_only", path=path)
    if exc.errno in _DENIED:
        return SystemFailure("permission_denied", path=path)
    if exc.errno == errno.EIO:
        return SystemFailure("disk_io", path=path)
    return SystemFailure("os_failure", path=path, detail=exc.strerror or str(exc.errno))


def _from_database_error(exc: DBAPIError, settings: Settings | None) -> SystemFailure | None:
    message = str(exc.orig).lower()
    url = settings.resolved_database_url if settings else ""
    parsed = make_url(url) if url else None
    if parsed is not None and parsed.get_backend_name() == "sqlite":
        database = str(parsed.database or "")
        if any(words in message for words in _SQLITE_DAMAGED):
            return SystemFailure("registry_damaged", path=database)
        if any(words in message for words in _SQLITE_FULL):
            return SystemFailure("disk_full", path=database)
        if any(words in message for words in _SQLITE_READ_ONLY):
            folder = Path(database).parent
            if settings is not None and settings.home.exists() and not settings.home.is_dir():
                return SystemFailure("home_not_a_folder", path=str(settings.home))
            if _read_only(folder):
                return SystemFailure("folder_read_only", path=str(folder))
            return SystemFailure("permission_denied", path=database)
        if any(words in message for words in _SQLITE_IO):
            return SystemFailure("disk_io", path=database)
        return None
    if parsed is not None and any(words in message for words in _SERVER_DOWN):
        shown = parsed.render_as_string(hide_password=True)
        return SystemFailure("database_unreachable", url=shown)
    return None


def _read_only(folder: Path) -> bool:
    """Whether ``folder`` is on a read-only mount, or not writable by this account."""
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return True
    except OSError:
        return False
    return not os.access(folder, os.W_OK)
