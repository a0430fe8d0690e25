"""A time bound on the statements a read runs, on both databases (issue 17).

PostgreSQL: ``statement_timeout`` set for the current transaction only (``set_config(…,
true)`` is ``SET LOCAL`` with a bound parameter), restored when the block ends, so the
caller's later statements keep the server's value.  The server cancels a statement that
runs longer, lock waits included.

SQLite: a progress handler on the connection, called every few hundred virtual machine
steps, interrupts the statement once the deadline has passed (the bound is for the whole
block there, not for each statement).  It is removed when the block ends.

Either way an expired bound becomes ``Refused(code, limit=seconds)`` (exit 4): the request
was well formed, the office's rule on time refused it.  On PostgreSQL the transaction is
then aborted: the caller rolls it back (closing the session does).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from registry.errors import Refused

__all__ = ["SQLITE_PROGRESS_STEPS", "time_bounded"]

# Virtual machine steps between two looks at the clock on SQLite: often enough to stop
# within a millisecond or so, rarely enough to cost nothing measurable.
SQLITE_PROGRESS_STEPS = 500

_PG_QUERY_CANCELED = "57014"  # statement_timeout (or a cancel request) ended the statement
_SQLITE_INTERRUPT = "SQLITE_INTERRUPT"


@contextlib.contextmanager
def time_bounded(session: Session, seconds: float, code: str) -> Iterator[None]:
    """Run the block's statements under a bound of ``seconds`` (> 0); past it, raise
    ``Refused(code, limit=seconds)`` instead of the driver's error."""
    if seconds <= 0:
        raise ValueError("a time bound must be positive")
    try:
        if session.get_bind().dialect.name == "postgresql":
            with _pg_statement_timeout(session, seconds):
                yield
        else:
            with _sqlite_deadline(session, seconds):
                yield
    except OperationalError as exc:
        if _is_timeout(exc):
            shown = int(seconds) if float(seconds).is_integer() else seconds
            raise Refused(code, limit=shown) from None
        raise


@contextlib.contextmanager
def _pg_statement_timeout(session: Session, seconds: float) -> Iterator[None]:
    # At least 1 ms: 0 would mean "no bound" to the server.
    milliseconds = str(max(1, round(seconds * 1000)))
    previous: str = session.execute(
        text("SELECT current_setting('statement_timeout')")
    ).scalar_one()
    session.execute(
        text("SELECT set_config('statement_timeout', :value, true)"), {"value": milliseconds}
    )
    yield
    # Reached only when the block succeeded: after a timeout the transaction is aborted
    # and ends with the caller's rollback, which drops the local setting anyway.
    session.execute(
        text("SELECT set_config('statement_timeout', :value, true)"), {"value": previous}
    )


@contextlib.contextmanager
def _sqlite_deadline(session: Session, seconds: float) -> Iterator[None]:
    raw = session.connection().connection.driver_connection
    assert raw is not None  # a checked-out connection always has its driver's
    deadline = time.monotonic() + seconds

    def expired() -> int:
        return int(time.monotonic() > deadline)

    raw.set_progress_handler(expired, SQLITE_PROGRESS_STEPS)
    try:
        yield
    finally:
        raw.set_progress_handler(None, 0)


def _is_timeout(exc: OperationalError) -> bool:
    original = exc.orig
    return (
        getattr(original, "sqlstate", None) == _PG_QUERY_CANCELED
        or getattr(original, "sqlite_errorname", None) == _SQLITE_INTERRUPT
    )
