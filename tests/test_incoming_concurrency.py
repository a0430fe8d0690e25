"""The incoming register under real concurrency, on SQLite and PostgreSQL (issue 16).

Eight OS processes released together by a barrier record agencies' replies, each in its
own transaction through ``registry.replies.record_reply`` with the incoming register's
terms, exactly as ``reply record`` does.  Replies to different letters get incoming numbers
1..N of the year's «و» register, each once, without a gap; the same reply recorded by all
eight at once is recorded once and takes one number (the refused ones roll theirs back).
The children inherit nothing from the test (see tests/test_register_concurrency.py).
"""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter
from contextlib import ExitStack
from typing import Any

import pytest
from sqlalchemy import select

from registry import holidays, migrate
from registry.db import make_engine, session_factory, transaction
from registry.models import IncomingLetter, LetterCounter, Reply
from tests import reply_worker
from tests.child_processes import receive, started
from tests.replies_support import THU_FRI, put_holidays, sent

pytestmark = pytest.mark.slow

SPAWN = multiprocessing.get_context("forkserver")
SPAWN.set_forkserver_preload(["pytest", reply_worker.__name__])
PROCESSES = 8
PER_PROCESS = 4
DEADLINE_S = 90.0


def _sent_letters(url: str, count: int) -> list[int]:
    """A migrated registry with ``count`` sent referrals, each of its own case."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    try:
        with transaction(session_factory(engine)) as session:
            put_holidays(session)
            calendar = holidays.working_calendar(session, THU_FRI)
            letters = [sent(session, calendar, on="1405/02/01") for _ in range(count)]
            session.flush()
            return [letter.id for letter in letters]
    finally:
        engine.dispose()


def _race(url: str, assignments: list[list[int]]) -> list[tuple[str, int, Any]]:
    """One child per assignment, released together; what each reported, all together."""
    barrier = SPAWN.Barrier(len(assignments))
    outcomes: list[tuple[str, int, Any]] = []
    with ExitStack() as stack:
        children = [
            stack.enter_context(
                started(
                    SPAWN,
                    reply_worker.record_registered,
                    (url, letter_ids, worker, barrier),
                    deadline=DEADLINE_S,
                    duplex=False,
                )
            )
            for worker, letter_ids in enumerate(assignments)
        ]
        for _process, pipe in children:
            outcomes.extend(receive(pipe, DEADLINE_S))
        for process, _pipe in children:
            process.join(DEADLINE_S)
            assert process.exitcode == 0
    return outcomes


def _register(url: str) -> tuple[list[tuple[int, str]], int | None, list[int | None]]:
    """The incoming register of 1405 (seq, number) in order, its counter, and every reply's
    incoming id."""
    engine = make_engine(url)
    try:
        with transaction(session_factory(engine)) as session:
            papers = session.execute(
                select(IncomingLetter.seq, IncomingLetter.number)
                .where(IncomingLetter.series == "و", IncomingLetter.year == 1405)
                .order_by(IncomingLetter.seq)
            ).all()
            counter = session.get(LetterCounter, ("و", 1405))
            linked = list(session.scalars(select(Reply.incoming_id).order_by(Reply.id)))
            return (
                [(row.seq, row.number) for row in papers],
                counter.last_seq if counter else None,
                linked,
            )
    finally:
        engine.dispose()


def test_eight_processes_recording_replies_get_gapless_incoming_numbers(db_url: str) -> None:
    total = PROCESSES * PER_PROCESS
    letters = _sent_letters(db_url, total)
    assignments = [letters[w * PER_PROCESS : (w + 1) * PER_PROCESS] for w in range(PROCESSES)]
    started_s = time.monotonic()
    outcomes = _race(db_url, assignments)
    print(f"\n{total} replies by {PROCESSES} processes in {time.monotonic() - started_s:.2f} s")
    assert [what for what, _, _ in outcomes] == ["recorded"] * total, outcomes
    numbers = [number for _, _, number in outcomes]
    assert sorted(numbers) == sorted(f"1405/و/{seq}" for seq in range(1, total + 1))
    papers, counter, linked = _register(db_url)
    assert papers == [(seq, f"1405/و/{seq}") for seq in range(1, total + 1)]
    assert counter == total
    # Every reply has its own paper in the register, and nothing else is there.
    assert len(linked) == total and None not in linked and len(set(linked)) == total
    # Each process's numbers rise in the order it recorded them (its outcomes, in order).
    for worker in range(PROCESSES):
        own = outcomes[worker * PER_PROCESS : (worker + 1) * PER_PROCESS]
        seqs = [int(str(number).rsplit("/", 1)[1]) for _, _, number in own]
        assert seqs == sorted(seqs)


def test_the_same_reply_recorded_at_once_takes_one_incoming_number(db_url: str) -> None:
    (letter,) = _sent_letters(db_url, 1)
    outcomes = _race(db_url, [[letter]] * PROCESSES)
    kinds = Counter(what if what == "recorded" else detail for what, _, detail in outcomes)
    assert kinds == {"recorded": 1, "Refused:reply_exists": PROCESSES - 1}, outcomes
    assert [detail for what, _, detail in outcomes if what == "recorded"] == ["1405/و/1"]
    papers, counter, linked = _register(db_url)
    assert papers == [(1, "1405/و/1")]
    assert counter == 1  # the refused seven gave their numbers back: the next one is 2
    assert len(linked) == 1 and linked[0] is not None
