"""The warm batch runner's record in the registry: whether one is up, and the desk
batches handed to it.

A runner (flows/batch_runner.py, started by ``residegi serve`` or ``residegi
batch-runner``) is a long-lived process with Prefect, the dispatch flow and a render pool
already warm.  Once warm it takes the registry's ``runner`` lease (a ``batch_run`` row of
kind ``runner``, the same unique lease column the desk's batches use, so one runner serves
a registry) and beats it like a batch.  The desk, having taken a batch's lease, asks
``available``: if a runner holds its lease and lives, the batch's row is given the
runner's host and process id (``batches.started_in``) instead of a process of its own, and
the runner, polling ``handed``, picks it up.  The batch's lease semantics do not change:
the runner beats it while it runs, and if the runner dies its process id is gone, so the
batch shows crashed at once and «ادامه» reruns it (on the next runner, or a process of its
own when none is up).
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass

from sqlalchemy import select

from office.batches import KIND as BATCH_KIND
from office.batches import dead_here, lease_expiry, lease_now, take_lease
from office.runtime import Runtime
from registry import batches as lease
from registry.models import BatchRun

KIND = "runner"
ACTOR = "batch-runner"


@dataclass(frozen=True)
class Runner:
    """A runner that holds the runner lease: where it runs, and its lease's run id."""

    host: str
    pid: int
    run_id: str


def available(runtime: Runtime) -> Runner | None:
    """The runner that holds the lease and lives (its heartbeat fresh and, on this
    machine, its process there), if any: one cheap read of a unique column."""
    with runtime.sessions() as session:
        run = lease.holder(session, KIND)
    if run is None or run.host is None or run.pid is None:
        return None
    if lease.expired(run, lease_now(), lease_expiry(runtime)) or dead_here(run):
        return None
    return Runner(run.host, run.pid, run.run_id)


def register(runtime: Runtime) -> Runner | None:
    """This process becomes the registry's runner (a dead or silent holder let go first);
    None when another live runner holds the lease."""
    taken = take_lease(runtime, KIND, ACTOR)
    if not taken.started:
        return None
    me = Runner(socket.gethostname(), os.getpid(), taken.run.run_id)
    beat(runtime, me)
    return me


def beat(runtime: Runtime, runner: Runner) -> bool:
    """The runner lives; False if it lost its lease (taken for dead meanwhile)."""
    return lease.beat(
        runtime.sessions, runner.run_id, lease_now(), host=runner.host, pid=runner.pid
    )


def retire(runtime: Runtime, runner: Runner) -> None:
    """The runner stops: its lease let go, so the desk starts processes again."""
    lease.end(runtime.sessions, runner.run_id, lease_now(), state=lease.DONE)


def handed(runtime: Runtime, runner: Runner) -> tuple[str, str] | None:
    """The running desk batch handed to ``runner`` (its run id and who started it), if
    any: the batch lease's holder, read by its unique column."""
    with runtime.sessions() as session:
        row = session.execute(
            select(BatchRun.run_id, BatchRun.actor).where(
                BatchRun.lease == BATCH_KIND,
                BatchRun.state == lease.RUNNING,
                BatchRun.host == runner.host,
                BatchRun.pid == runner.pid,
            )
        ).first()
    return (row[0], row[1]) if row is not None else None
