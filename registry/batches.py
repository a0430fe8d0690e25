"""Letter batches started from the desk, and the lease that lets one run at a time.

A batch's row (``BatchRun``) is its record: the run's id, who started it, its heartbeat,
its counts and how it ended.  While the run holds the lease, the row's ``lease`` column
holds the batch's kind; the column is unique, so a second row cannot hold the same lease
on any worker or machine.  Taking the lease is one short transaction: the holder is read
``FOR UPDATE`` (PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` serialises the whole
transaction), a holder whose heartbeat is older than the expiry is marked crashed and
lets go, and a new row takes the lease; two takers racing past the read meet the unique
constraint, and the loser reads the winner.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from registry.db import transaction
from registry.models import BatchRun

RUNNING = "running"
DONE = "done"
FAILED = "failed"
CRASHED = "crashed"


@dataclass(frozen=True)
class Taken:
    """What taking the lease gave: the batch that holds it now, and whether it is the new
    one (False: another was running, and nothing was started)."""

    run: BatchRun
    started: bool


def expired(run: BatchRun, now: dt.datetime, after: dt.timedelta) -> bool:
    """Whether a running batch's lease has expired: no heartbeat for ``after``."""
    return run.state == RUNNING and now - run.heartbeat_at > after


def _let_go(run: BatchRun) -> None:
    """A holder taken for dead: crashed, its lease free (its counts stay as last beaten)."""
    run.lease = None
    run.state = CRASHED
    run.finished_at = run.heartbeat_at


def holder(session: Session, kind: str, *, lock: bool = False) -> BatchRun | None:
    """The batch holding the lease of ``kind`` (locked for update if asked), if any."""
    query = select(BatchRun).where(BatchRun.lease == kind)
    if lock:
        query = query.with_for_update()
    return session.scalars(query).first()


def take_lease(
    factory: sessionmaker[Session],
    *,
    kind: str,
    run_id: str,
    actor: str,
    now: dt.datetime,
    expires_after: dt.timedelta,
    dead: Callable[[BatchRun], bool] = lambda _run: False,
) -> Taken:
    """Take the lease of ``kind`` for a new batch ``run_id`` in one short transaction, or
    return the batch that holds it.  A holder whose heartbeat is older than
    ``expires_after``, or that ``dead`` says is gone, is marked crashed first."""
    try:
        with transaction(factory) as session:
            current = holder(session, kind, lock=True)
            if current is not None:
                if not (expired(current, now, expires_after) or dead(current)):
                    return Taken(current, started=False)
                _let_go(current)
                session.flush()
            run = BatchRun(
                run_id=run_id,
                kind=kind,
                lease=kind,
                actor=actor,
                state=RUNNING,
                started_at=now,
                heartbeat_at=now,
                total=0,
                numbered=0,
                rendered=0,
                stored=0,
                drafts=0,
                numbers=[],
            )
            session.add(run)
            session.flush()
            return Taken(run, started=True)
    except IntegrityError:
        # Another taker inserted its row between our read and our insert: it holds the lease.
        with factory() as session:
            winner = holder(session, kind)
        if winner is None:  # it ended already: nothing runs, the caller may ask again
            raise
        return Taken(winner, started=False)


def beat(
    factory: sessionmaker[Session],
    run_id: str,
    now: dt.datetime,
    *,
    host: str | None = None,
    pid: int | None = None,
    **counts: int,
) -> bool:
    """The running batch is alive at ``now`` (its counts as given); False if it no longer
    holds the lease (expired and taken over): the caller should stop."""
    with transaction(factory) as session:
        run = session.scalars(select(BatchRun).where(BatchRun.run_id == run_id)).one()
        if run.state != RUNNING:
            return False
        run.heartbeat_at = now
        if host is not None:
            run.host = host
        if pid is not None:
            run.pid = pid
        for name, value in counts.items():
            setattr(run, name, value)
        return True


def end(
    factory: sessionmaker[Session],
    run_id: str,
    now: dt.datetime,
    *,
    state: str,
    numbers: Sequence[str] = (),
    drafts: int = 0,
    error: str | None = None,
) -> BatchRun:
    """The batch ended (``done`` or ``failed``): the lease let go, its numbers and error
    recorded.  A batch already marked crashed (its lease expired while it still ran) keeps
    that state but records what it did."""
    with transaction(factory) as session:
        run = session.scalars(
            select(BatchRun).where(BatchRun.run_id == run_id).with_for_update()
        ).one()
        if run.state == RUNNING:
            run.state = state
            run.lease = None
        run.finished_at = now
        run.heartbeat_at = now
        if numbers:
            run.numbers = list(numbers)
            run.first_number = numbers[0]
            run.last_number = numbers[-1]
            run.stored = max(run.stored, len(numbers))
            run.rendered = max(run.rendered, len(numbers))
            run.numbered = max(run.numbered, len(numbers))
            run.total = max(run.total, run.numbered)
        run.drafts = drafts or run.drafts
        run.error = error
        return run


def find(session: Session, run_id: str) -> BatchRun | None:
    """The batch ``run_id``, if recorded."""
    return session.scalars(select(BatchRun).where(BatchRun.run_id == run_id)).first()


def recent(session: Session, kind: str, limit: int) -> list[BatchRun]:
    """The last ``limit`` batches of ``kind``, newest first."""
    query = (
        select(BatchRun)
        .where(BatchRun.kind == kind)
        .order_by(BatchRun.started_at.desc(), BatchRun.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))
