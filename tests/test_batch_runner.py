"""The warm batch runner (flows/batch_runner.py, office/runners.py): its lease in the
registry (one live runner per registry; a dead or silent one is not handed batches), and
a real ``residegi batch-runner`` process picking up a batch the desk's «ارسال» handed it,
sending every letter exactly once with gapless numbers, stopping cleanly, and, killed
half-way through a batch, leaving it crashed at once for «ادامه», which then starts a
process of its own (no runner up) and ends the batch; and ``residegi serve`` starting a
runner beside itself and stopping it when it stops."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select

from flows import background
from office import batches, runners
from registry import batches as lease
from registry.kinds import LetterKind, LetterState, Role
from registry.models import BatchRun, Letter
from tests.desk_server import serving
from tests.web_samples_batches14 import SECRETARIAT, waiting_referrals
from tests.web_support import OFFICE, DeskUnderTest, desk_fixture

pytestmark = pytest.mark.xdist_group("web_batches")
QAZVIN, ABYEK = "شهرداری قزوین", "شهرداری آبیک"
RESIDEGI = str(Path(sys.executable).with_name("residegi"))
# Generous for a shared two-core machine: the runner imports Prefect, starts its API and
# two render processes before it is ready.
READY_S = 300.0
BATCH_S = 300.0


@pytest.fixture
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeskUnderTest]:
    yield from desk_fixture(tmp_path_factory)


def _gone_pid() -> int:
    gone = subprocess.Popen(["true"])
    gone.wait()
    return gone.pid


def test_one_live_runner_holds_the_lease_and_a_dead_one_is_passed_over(
    desk: DeskUnderTest,
) -> None:
    runtime = desk.runtime
    assert runners.available(runtime) is None
    me = runners.register(runtime)
    assert me is not None and me.pid == os.getpid() and me.host == socket.gethostname()
    assert runners.available(runtime) == me
    assert runners.register(runtime) is None  # a second runner waits for the first
    runners.retire(runtime, me)
    assert runners.available(runtime) is None

    again = runners.register(runtime)
    assert again is not None
    # Its process gone (killed): not handed batches, and a new runner takes over at once.
    lease.beat(runtime.sessions, again.run_id, dt.datetime.now(dt.UTC), pid=_gone_pid())
    assert runners.available(runtime) is None
    taking_over = runners.register(runtime)
    assert taking_over is not None and taking_over.run_id != again.run_id
    # Silent for longer than the lease (another machine's, whose process cannot be seen).
    silent = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=runtime.settings.batch_lease_seconds)
    lease.beat(runtime.sessions, taking_over.run_id, silent - dt.timedelta(seconds=1))
    assert runners.available(runtime) is None
    # The desk's history lists batches only, never the runner's own rows.
    assert batches.history(runtime, SECRETARIAT) == []


def _environment(home: Path, **settings: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("RESIDEGI_")}
    # The desk's office profile (tests/web_support.py), which its data folder does not hold.
    env.update({f"RESIDEGI_OFFICE__{key.upper()}": value for key, value in OFFICE.items()})
    env.update(settings)
    env["RESIDEGI_HOME"] = str(home)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    return env


@contextmanager
def _runner(desk: DeskUnderTest, **settings: str) -> Iterator[subprocess.Popen[bytes]]:
    """``residegi batch-runner`` on the desk's data folder, ready (its lease taken) when
    the block starts; its whole session (render processes, Prefect's API) killed after."""
    log = (desk.home / "runner-test.log").open("wb")
    process = subprocess.Popen(
        [RESIDEGI, "--home", str(desk.home), "batch-runner"],
        env=_environment(desk.home, **settings),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + READY_S
        while runners.available(desk.runtime) is None:
            assert process.poll() is None, _tail(desk)
            assert time.monotonic() < deadline, _tail(desk)
            with pytest.raises(subprocess.TimeoutExpired):
                process.wait(timeout=0.2)
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        # Its render processes and Prefect's API, if any are left.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


def _tail(desk: DeskUnderTest) -> str:
    return (desk.home / "runner-test.log").read_text(encoding="utf-8")[-3000:]


def _press(desk: DeskUnderTest) -> None:
    client = desk.client(Role.SECRETARIAT)
    response = client.post("/batches", data={"csrf_token": desk.token(Role.SECRETARIAT)})
    assert response.status_code == 303


def _ended(desk: DeskUnderTest, process: subprocess.Popen[bytes]) -> BatchRun:
    """The desk's last batch once it is no longer running, read as the page reads it
    while ``process`` (the one running it) is waited on between reads."""
    deadline = time.monotonic() + BATCH_S
    while True:
        (run, *_) = batches.history(desk.runtime, SECRETARIAT)
        if run.state != lease.RUNNING:
            return run
        assert time.monotonic() < deadline, _tail(desk)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=0.1)


def _sent(desk: DeskUnderTest) -> list[tuple[int | None, int | None, int]]:
    with desk.runtime.sessions() as session:
        rows = session.execute(
            select(Letter.complaint_id, Letter.agency_id, Letter.seq)
            .where(Letter.kind == LetterKind.REFERRAL, Letter.state == LetterState.SENT)
            .order_by(Letter.seq)
        )
        return [(c, a, s) for c, a, s in rows]


def _exactly_once_gapless(sent: list[tuple[int | None, int | None, int]], count: int) -> None:
    assert len(sent) == count
    assert len({(c, a) for c, a, _ in sent}) == count  # each referral once
    seqs = [s for _, _, s in sent]
    assert seqs == list(range(seqs[0], seqs[0] + count))


@pytest.mark.slow
def test_the_runner_runs_the_batch_the_desk_handed_it(desk: DeskUnderTest) -> None:
    waiting_referrals(desk.runtime, 2, (QAZVIN, ABYEK))
    waiting_referrals(desk.runtime, 1, (QAZVIN,))
    with _runner(desk) as process:
        runner = runners.available(desk.runtime)
        assert runner is not None and runner.pid == process.pid
        started = time.monotonic()
        _press(desk)
        assert background.CHILDREN == []  # handed to the runner: no process started
        run = _ended(desk, process)
        seconds = time.monotonic() - started
        assert run.state == lease.DONE, (run.error, _tail(desk))
        assert run.pid == process.pid and run.stored == 5
        sent = _sent(desk)
        _exactly_once_gapless(sent, 5)
        assert len(run.numbers) == 5
        # Warm: no Prefect start-up, no WeasyPrint import (a process of its own takes
        # 15-35 s here); generous against a busy machine, the bench measures it.
        assert seconds < 60, seconds
        # Stopped, it lets its lease go and exits cleanly.
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0, _tail(desk)
    assert runners.available(desk.runtime) is None
    assert "stopped" in _tail(desk)


@pytest.mark.slow
def test_a_runner_killed_mid_batch_leaves_it_to_continue_without_one(
    desk: DeskUnderTest,
) -> None:
    waiting_referrals(desk.runtime, 2, (QAZVIN, ABYEK))
    waiting_referrals(desk.runtime, 1, (QAZVIN,))
    # The runner kills itself (SIGKILL) right after its batch's third number commits.
    with _runner(desk, RESIDEGI_FAILPOINTS="after_number_commit=3") as process:
        _press(desk)
        assert background.CHILDREN == []
        assert process.wait(timeout=BATCH_S) == -signal.SIGKILL
        crashed = _ended(desk, process)
        assert crashed.state == lease.CRASHED  # at once: its process is gone
        page = desk.client(Role.SECRETARIAT).get("/batches").text
        assert 'id="batch-resume"' in page
    assert runners.available(desk.runtime) is None
    # «ادامه» with no runner up: a process of its own, which ends the batch.
    _press(desk)
    (child,) = background.CHILDREN
    (run, *_) = batches.history(desk.runtime, SECRETARIAT)
    log = desk.home / "batches" / f"{run.run_id}.log"
    assert child.wait(timeout=BATCH_S) == 0, log.read_text(encoding="utf-8")[-3000:]
    continued = _ended(desk, child)
    assert continued.state == lease.DONE and continued.pid == child.pid
    _exactly_once_gapless(_sent(desk), 5)


@pytest.mark.slow
def test_serve_keeps_a_runner_beside_it_and_stops_it_with_itself(desk: DeskUnderTest) -> None:
    office = {f"RESIDEGI_OFFICE__{key.upper()}": value for key, value in OFFICE.items()}
    settings = {"RESIDEGI_BATCH_RUNNER": "true", **office}
    with serving(desk.home, {}, settings=settings):
        deadline = time.monotonic() + READY_S
        while (runner := runners.available(desk.runtime)) is None:
            assert time.monotonic() < deadline, (desk.home / "batches" / "runner.log").read_text()
            time.sleep(0.2)
        assert runner.host == socket.gethostname()
    # serve stopped (SIGTERM): it asked its runner to stop, which let its lease go.
    assert runners.available(desk.runtime) is None
    assert not background.alive(runner.pid)
    with desk.runtime.sessions() as session:
        row = session.scalars(select(BatchRun).where(BatchRun.run_id == runner.run_id)).one()
    assert row.state == lease.DONE and row.lease is None
    assert "stopped" in (desk.home / "batches" / "runner.log").read_text(encoding="utf-8")
