"""Replies to one letter recorded at the same moment, on SQLite and PostgreSQL (issue 17).

Eight OS processes released together by a barrier each record a reply to the same sent
referral.  Exactly one may succeed; the others get ``reply_exists`` (a refusal, exit 4),
never a traceback, and the registry holds exactly one current reply.  With ``--supersede``
every one succeeds, each superseding the one before it: one current reply at the end.
The children inherit nothing from the test (see tests/test_register_concurrency.py).
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from contextlib import AbstractContextManager, ExitStack
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

import pytest
from sqlalchemy import select

from registry import holidays, migrate
from registry.db import make_engine, session_factory, transaction
from registry.models import Reply
from tests import reply_worker
from tests.child_processes import receive, started
from tests.replies_support import THU_FRI, put_holidays, sent

pytestmark = pytest.mark.slow

SPAWN = multiprocessing.get_context("forkserver")
SPAWN.set_forkserver_preload(["pytest", reply_worker.__name__])
PROCESSES = 8
DEADLINE_S = 90.0


def _started(*args: Any) -> AbstractContextManager[tuple[BaseProcess, Connection]]:
    """A child running ``reply_worker.record_one(*args, pipe)`` and our end of the pipe."""
    return started(SPAWN, reply_worker.record_one, args, deadline=DEADLINE_S, duplex=False)


def _receive(connection: Connection) -> tuple[str, Any]:
    message: tuple[str, Any] = receive(connection, DEADLINE_S)
    return message


def _sent_letter(url: str, *, replied: bool) -> int:
    """A migrated registry with one sent referral (with one reply when ``replied``)."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    try:
        with transaction(session_factory(engine)) as session:
            put_holidays(session)
            letter = sent(session, holidays.working_calendar(session, THU_FRI), on="1405/02/01")
            session.flush()
            letter_id = letter.id
    finally:
        engine.dispose()
    if replied:
        barrier = SPAWN.Barrier(1)
        with _started(url, letter_id, 99, False, barrier) as (process, pipe):
            assert _receive(pipe)[0] == "recorded"
            process.join(DEADLINE_S)
    return letter_id


def _race(url: str, letter_id: int, *, supersede: bool) -> list[tuple[str, Any]]:
    """Eight children released together, each recording one reply; what each reported."""
    barrier = SPAWN.Barrier(PROCESSES)
    with ExitStack() as stack:
        children = [
            stack.enter_context(_started(url, letter_id, worker, supersede, barrier))
            for worker in range(PROCESSES)
        ]
        outcomes = [_receive(pipe) for _process, pipe in children]
        for process, _pipe in children:
            process.join(DEADLINE_S)
            assert process.exitcode == 0
    return outcomes


def _replies(url: str, letter_id: int) -> list[tuple[int, int | None]]:
    """Every reply filed under the letter: (id, superseded_by_id)."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(Reply.id, Reply.superseded_by_id)
                .where(Reply.letter_id == letter_id)
                .order_by(Reply.id)
            )
            return [(row.id, row.superseded_by_id) for row in rows]
    finally:
        engine.dispose()


def test_eight_replies_at_once_one_is_recorded_the_others_refused(db_url: str) -> None:
    letter_id = _sent_letter(db_url, replied=False)
    outcomes = _race(db_url, letter_id, supersede=False)
    kinds = Counter(what if what != "refused" else detail for what, detail in outcomes)
    assert kinds == {"recorded": 1, "Refused:reply_exists": PROCESSES - 1}, outcomes
    replies = _replies(db_url, letter_id)
    assert replies == [(next(d for w, d in outcomes if w == "recorded"), None)]


def test_eight_superseding_replies_at_once_leave_one_current(db_url: str) -> None:
    letter_id = _sent_letter(db_url, replied=True)
    outcomes = _race(db_url, letter_id, supersede=True)
    assert [what for what, _ in outcomes] == ["recorded"] * PROCESSES, outcomes
    replies = _replies(db_url, letter_id)
    assert len(replies) == PROCESSES + 1
    current = [reply_id for reply_id, by in replies if by is None]
    assert len(current) == 1
    # One chain: each reply but the current one superseded by a different, later one.
    superseders = [by for _id, by in replies if by is not None]
    assert len(set(superseders)) == PROCESSES
    assert all(by > reply_id for reply_id, by in replies if by is not None)
