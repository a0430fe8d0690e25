"""The desk's batch lease (office/batches.py over registry/batches.py), on SQLite and
PostgreSQL: one batch at a time, a second start gets the running one, a lease without a
heartbeat expires (or at once when its process here is gone) and the batch shows as
crashed, the run's keeper beats and ends it, and processes racing to start get one batch."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from office import batches
from office.access import Forbidden, Staff
from office.runtime import Runtime
from registry import batches as lease
from registry.kinds import Role
from registry.models import BatchRun
from tests import batch_worker
from tests.factories import seeded_runtime

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
SECRETARIAT = Staff("dabir", "دبیرخانه", frozenset({Role.SECRETARIAT}))
INSPECTOR = Staff("bazras", "بازرس", frozenset({Role.INSPECTOR}))
SPAWN = multiprocessing.get_context("forkserver")
SPAWN.set_forkserver_preload(["pytest", batch_worker.__name__])
RACERS = 4


@pytest.fixture
def runtime(migrated_url: str, tmp_path: Path) -> Iterator[Runtime]:
    runtime = seeded_runtime(migrated_url, tmp_path, at=NOW, batch_lease_seconds=30)
    yield runtime
    runtime.close()


def _age(runtime: Runtime, run_id: str, seconds: float) -> None:
    """Make the batch's last heartbeat ``seconds`` old (a run that stopped beating)."""
    beaten = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=seconds)
    with runtime.sessions() as session, session.begin():
        session.execute(
            update(BatchRun).where(BatchRun.run_id == run_id).values(heartbeat_at=beaten)
        )


def test_a_second_start_gets_the_running_batch(runtime: Runtime) -> None:
    first = batches.start(runtime, SECRETARIAT)
    second = batches.start(runtime, SECRETARIAT)
    assert first.started and not second.started
    assert second.run.run_id == first.run.run_id and second.run.actor == "dabir"
    (only,) = batches.history(runtime, SECRETARIAT)
    assert only.state == lease.RUNNING


def test_only_the_secretariat_starts_or_reads_batches(runtime: Runtime) -> None:
    with pytest.raises(Forbidden):
        batches.start(runtime, INSPECTOR)
    with pytest.raises(Forbidden):
        batches.history(runtime, INSPECTOR)


def test_a_lease_without_a_heartbeat_expires_and_the_batch_shows_crashed(
    runtime: Runtime,
) -> None:
    first = batches.start(runtime, SECRETARIAT)
    _age(runtime, first.run.run_id, 29)  # inside the expiry: still running
    assert not batches.start(runtime, SECRETARIAT).started
    _age(runtime, first.run.run_id, 31)
    found = batches.find(runtime, SECRETARIAT, first.run.run_id)
    assert found is not None and found.state == lease.CRASHED and found.lease is None
    again = batches.start(runtime, SECRETARIAT)
    assert again.started and again.run.run_id != first.run.run_id
    states = [run.state for run in batches.history(runtime, SECRETARIAT)]
    assert states == [lease.RUNNING, lease.CRASHED]


def test_an_expired_holder_is_let_go_by_the_next_start(runtime: Runtime) -> None:
    first = batches.start(runtime, SECRETARIAT)
    _age(runtime, first.run.run_id, 60)
    again = batches.start(runtime, SECRETARIAT)  # no page read in between
    assert again.started
    with runtime.sessions() as session:
        old = lease.find(session, first.run.run_id)
    assert old is not None and old.state == lease.CRASHED
    # The crashed run's late beat is refused: it no longer holds the lease.
    assert not lease.beat(runtime.sessions, first.run.run_id, dt.datetime.now(dt.UTC))


def test_a_batch_whose_process_here_is_gone_is_crashed_at_once(runtime: Runtime) -> None:
    first = batches.start(runtime, SECRETARIAT)
    gone = subprocess.Popen(["true"])
    gone.wait()
    batches.started_in(runtime, first.run.run_id, host=socket.gethostname(), pid=gone.pid)
    assert batches.start(runtime, SECRETARIAT).started


def test_the_keeper_beats_and_the_end_lets_go(runtime: Runtime) -> None:
    first = batches.start(runtime, SECRETARIAT)
    with batches.keeping(runtime, first.run.run_id) as keeper:
        keeper.progress("send", 3, 5)
        keeper.beat()
        found = batches.find(runtime, SECRETARIAT, first.run.run_id)
        assert found is not None and found.stored == 3 and found.total == 5
        assert found.host == socket.gethostname() and found.pid is not None
    ended = batches.finished(runtime, first.run.run_id, since=keeper.since, drafts=2)
    assert ended.state == lease.DONE and ended.lease is None and ended.drafts == 2
    assert ended.numbers == [] and ended.first_number is None
    assert batches.start(runtime, SECRETARIAT).started


def test_a_failed_start_records_why_and_lets_go(runtime: Runtime) -> None:
    first = batches.start(runtime, SECRETARIAT)
    batches.failed_to_start(runtime, first.run.run_id, "OSError: no room")
    found = batches.find(runtime, SECRETARIAT, first.run.run_id)
    assert found is not None and found.state == lease.FAILED and found.error == "OSError: no room"
    assert batches.start(runtime, SECRETARIAT).started


def test_processes_racing_to_start_get_one_batch(runtime: Runtime) -> None:
    barrier = SPAWN.Barrier(RACERS)
    pipes = [SPAWN.Pipe(duplex=False) for _ in range(RACERS)]
    url = runtime.settings.resolved_database_url
    racers = [
        SPAWN.Process(target=batch_worker.take, args=(url, barrier, sender)) for _, sender in pipes
    ]
    for racer in racers:
        racer.start()
    results = []
    for (receiver, sender), racer in zip(pipes, racers, strict=True):
        sender.close()
        assert receiver.poll(120), "a racer never answered"
        results.append(receiver.recv())
        racer.join(60)
        assert racer.exitcode == 0
    winners = [run_id for started, run_id in results if started]
    assert len(winners) == 1
    assert {run_id for _, run_id in results} == set(winners)
    (only,) = batches.history(runtime, SECRETARIAT)
    assert only.run_id == winners[0] and only.state == lease.RUNNING
