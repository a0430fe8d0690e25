"""What the register's concurrency and crash tests run in their child processes.

Each function here is the target of a fresh OS process (multiprocessing's "forkserver"
context, see the test module), so it must be importable by name and must build its own
engine: nothing (connections, sessions, locks) is inherited from the test process.  Every allocation
goes through ``number_letter`` in its own short transaction, exactly as a real dispatch
numbers a letter, so what the tests prove is what production does.

Results go back over a ``multiprocessing`` pipe; the test process never waits on time,
only on the pipe, the barrier or the process itself (with a deadline that turns a hang
into a failure).
"""

from __future__ import annotations

import ctypes
import datetime as dt
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Barrier
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from registry.db import make_engine, session_factory, transaction
from registry.kinds import LetterKind
from registry.register import LetterIdentity, number_letter

SERIES = "ص"
YEAR = 1405
TEMPLATE = "{year}/{series}/{seq}"
ISSUED_AT = dt.datetime(2026, 5, 9, 8, 30, tzinfo=dt.UTC)  # 1405/02/19 in Tehran
DATE = dt.date(2026, 5, 9)
# Long enough for any honest wait on a 2-core machine, short enough that a hang fails.
BARRIER_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Allocation:
    """One committed letter as its process saw it: the number and when it was obtained.

    ``started_ns`` is taken just before the transaction begins and ``committed_ns`` just
    after it commits, both from ``time.monotonic_ns`` (CLOCK_MONOTONIC on Linux: one clock
    for every process on the machine, so timestamps of different processes compare).
    """

    worker: int
    seq: int
    started_ns: int
    committed_ns: int


def actor(worker: int) -> str:
    """The actor recorded on the letters of ``worker``: the database says who got which."""
    return f"worker-{worker}"


def _freeze(identity: LetterIdentity) -> dict[str, Any]:
    # Real letters freeze their wording facts; here the identity is enough to check.
    return {"number": identity.number, "guid": identity.guid}


def _engine(url: str) -> Engine:
    engine = make_engine(url)
    # Connect (and, on SQLite, run the connection PRAGMAs) before the race starts, so the
    # barrier releases processes straight into allocation rather than into connecting.
    with engine.connect() as connection:
        connection.execute(text("select 1"))
    return engine


def _number(session: Session, worker: int) -> tuple[int, str]:
    """Number one letter in the caller's open transaction; returns its seq and GUID."""
    letter = number_letter(
        session,
        kind=LetterKind.REFERRAL,
        series=SERIES,
        number_template=TEMPLATE,
        issued_at=ISSUED_AT,
        jalali_year=YEAR,
        date=DATE,
        recipient="شهرداری قزوین",
        actor=actor(worker),
        freeze=_freeze,
    )
    return letter.seq, letter.guid


def _number_one(factory: sessionmaker[Session], worker: int) -> int:
    """Number one letter in its own short transaction; returns its seq once committed."""
    with transaction(factory) as session:
        seq, _guid = _number(session, worker)
    return seq


def allocate_batch(url: str, worker: int, count: int, barrier: Barrier, out: Connection) -> None:
    """Wait for every sibling at ``barrier``, then number ``count`` letters, one per transaction.

    Sends back the list of ``Allocation``s.  The start barrier is what makes the processes
    race: none allocates before all are connected and ready.
    """
    engine = _engine(url)
    factory = session_factory(engine)
    try:
        barrier.wait(BARRIER_TIMEOUT_S)
        allocations: list[Allocation] = []
        for _ in range(count):
            started = time.monotonic_ns()
            seq = _number_one(factory, worker)
            allocations.append(Allocation(worker, seq, started, time.monotonic_ns()))
        out.send(allocations)
    finally:
        out.close()
        engine.dispose()


# What ``allocate_forever`` is doing, in the shared ``where`` value the test reads after
# the kill: between transactions, inside one before its number is known, or the seq it
# holds in a transaction that has not (yet, as far as it knows) committed.
BETWEEN_TRANSACTIONS = 0
IN_TRANSACTION = -1


def allocate_forever(url: str, worker: int, where: ctypes.c_longlong, out: Connection) -> None:
    """Number letters until killed, reporting each seq when allocated and when committed.

    Almost all of each iteration is spent inside the transaction (the allocation, the
    letter, its Event, the commit), so a SIGKILL at a random moment most likely lands
    there.  The test kills on one of these messages, and the kernel tends to run the
    woken test process at once, pausing this one right after the send: so killing on an
    ``("allocated", seq)`` message aims at the open transaction, on a ``("committed", seq)``
    one at the gap between transactions.  ``where`` tells the test where it really landed.
    """
    factory = session_factory(_engine(url))
    while True:
        where.value = IN_TRANSACTION
        with transaction(factory) as session:
            seq, _guid = _number(session, worker)
            where.value = seq
            out.send(("allocated", seq))
        # Report the commit before leaving the "holding seq" state: a kill in between is
        # then read as "holding seq, maybe committed", never as "between, not reported".
        out.send(("committed", seq))
        where.value = BETWEEN_TRANSACTIONS


def allocate_and_hang(url: str, worker: int, out: Connection) -> None:
    """Allocate a number, report it, and block before committing until killed.

    This is the dangerous point made deterministic: the counter has been advanced and the
    letter inserted in an open transaction that holds the register's lock.  The process
    waits for a message that never comes; if the test instead closes the pipe, ``recv``
    raises EOFError, which rolls the transaction back rather than committing it.
    """
    with transaction(session_factory(_engine(url))) as session:
        out.send(_number(session, worker))
        out.recv()
        raise AssertionError("the test never answers; this process is meant to be killed here")
