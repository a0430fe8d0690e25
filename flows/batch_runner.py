"""The warm batch runner: one long-lived process that runs the desk's batches, so that a
small batch is done seconds after the click instead of after a fresh process's start-up.

A batch started in a process of its own (flows/batch_process.py) pays, before its first
letter, for importing Prefect and the dispatch flow (~7 s on a busy two-core machine),
for starting Prefect's temporary API server (~5-7 s: Prefect 3 starts it as a subprocess
of the process that first needs it, ``SubprocessASGIServer``, and stops it at that
process's exit) and for its render processes importing WeasyPrint (~3.4 s each).  The
runner pays these once: it imports the flows, starts Prefect's API with a trivial flow run
and keeps it for its lifetime, starts one render pool and keeps it warm, and only then
takes the registry's runner lease (office/runners.py).  The desk hands it a batch by
recording the runner's host and process id on the batch's row (flows/batch_process.py
``start_batch``); the runner reads the batch lease's holder every
``batch_runner_poll_seconds`` (one read of a unique column) and runs ``run_batch`` on its
pool, which beats the batch's lease and records its end exactly as a process of its own
does.

Why this and not a Prefect worker or ``flow.serve``: both start every flow run in a fresh
interpreter (the start-up above, every time) and poll the API every 10 s by default; a
Prefect task worker keeps one interpreter but still needs a server of its own and its
task runs carry no progress callback to the desk's lease.  The runner keeps the flow
exactly as it is (its runs still appear on its Prefect API) and adds no service to run.

``residegi serve`` starts it beside the desk (``Beside``: started again ``RESTART_AFTER_S``
after it dies; stopped when serve stops), unless
``--no-batch-runner`` or ``RESIDEGI_BATCH_RUNNER=false``; ``residegi batch-runner`` runs
it on its own.  Stopped (SIGTERM, Ctrl+C), it takes no new batch, ends the one it runs,
lets its lease go and exits; killed, its batch shows crashed at once on this machine (its
process id is gone) and «ادامه» reruns it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from flows import background
from registry.settings import Settings

if TYPE_CHECKING:
    from generators.batch import RenderPool
    from office.runners import Runner
    from office.runtime import Runtime

__all__ = ["Beside", "log_path", "main", "run"]

# Waiting for a live runner's lease (another runner still ending its batch).
REGISTER_RETRY_S = 2.0
# serve restarts a runner this long after it died.
RESTART_AFTER_S = 30.0
# serve waits this long for its runner to stop; one still ending a batch is left to end it.
STOP_WAIT_S = 10.0


def log_path(settings: Settings) -> Path:
    """Where a runner started by ``residegi serve`` writes its output."""
    return settings.home / "batches" / "runner.log"


def _say(text: str) -> None:
    # Its log (batches/runner.log under serve) or the operator's terminal: one line each.
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    sys.stderr.write(f"{stamp} batch-runner {os.getpid()}: {text}\n")
    sys.stderr.flush()


def _warm_up() -> None:
    """Start Prefect's temporary API (kept until this process exits) and load its client
    and engine with a trivial flow run of one task."""
    from prefect import flow, task
    from prefect.cache_policies import NO_CACHE

    @task(name="batch-runner-warm-up-task", cache_policy=NO_CACHE, persist_result=False)
    def one() -> int:
        return 1

    @flow(name="batch-runner-warm-up", persist_result=False)
    def warm_up() -> int:
        return one()

    warm_up()


class _Pools:
    """The runner's render pool, kept open and warm."""

    def __init__(self, settings: Settings, workers: int) -> None:
        from office.pipeline import allowed_workers

        self.workers = allowed_workers(settings, workers)
        self.pool: RenderPool[int] | None = None

    def current(self) -> RenderPool[int]:
        from generators.batch import RenderPool

        if self.pool is None:
            self.pool = RenderPool[int](self.workers).__enter__()
            self.pool.start()
        return self.pool

    def close(self) -> None:
        if self.pool is not None:
            self.pool.__exit__(None, None, None)
            self.pool = None


class _Heart:
    """The runner's own heartbeat on its lease, from a thread; a lost lease stops it."""

    def __init__(self, runtime: Runtime, runner: Runner, stop: threading.Event) -> None:
        self.runtime, self.runner, self.stop = runtime, runner, stop
        self.lost = False
        self._done = threading.Event()
        every = runtime.settings.batch_lease_seconds / 3
        self._thread = threading.Thread(
            target=self._loop, args=(every,), name="batch-runner-heartbeat", daemon=True
        )
        self._thread.start()

    def _loop(self, every: float) -> None:
        from office import runners

        while not self._done.wait(every):
            try:
                if not runners.beat(self.runtime, self.runner):
                    _say("lost the runner lease (silent too long); stopping")
                    self.lost = True
                    self.stop.set()
                    return
            except Exception as exc:  # the registry away a moment: the next beat tries again
                _say(f"heartbeat failed: {type(exc).__name__}: {exc}")

    def end(self) -> None:
        self._done.set()
        self._thread.join()


def _orphaned(parent: int | None) -> bool:
    # Started by serve: serve gone (killed without stopping us) means we go too.
    return parent is not None and os.getppid() != parent


def run(
    settings: Settings,
    stop: threading.Event,
    *,
    workers: int = 2,
    parent: int | None = None,
) -> int:
    """Run the desk's batches handed to this process until ``stop`` is set (or, with
    ``parent``, that process is gone): warm up, take the runner lease, then poll for
    batches and run each on the warm pool.  Returns 0 when stopped, 1 when its lease
    was lost or a batch failed unexpectedly (a refusal, such as a rule or a full disk, is
    the batch's, not the runner's: it goes on)."""
    from flows.batch_process import run_batch
    from flows.prefect_setup import prepare_flows
    from office import runners
    from office.runtime import Runtime

    started = time.perf_counter()
    prepare_flows(settings)
    runtime = Runtime(settings)
    pools = _Pools(settings, workers)
    runner: Runner | None = None
    heart: _Heart | None = None
    seen: set[str] = set()
    poll = settings.batch_runner_poll_seconds
    try:
        pools.current()  # its processes warm up while Prefect starts
        import flows.dispatch  # noqa: F401 - the flow and its templates, loaded once
        from generators import check_templates

        _warm_up()
        # Each batch checks its templates first (an operator may have edited them): the
        # first check here loads WeasyPrint's fonts and the templates in this process.
        check_templates(["referral"])
        while not stop.is_set() and not _orphaned(parent):
            if runner is None:
                runner = runners.register(runtime)
                if runner is None:
                    stop.wait(REGISTER_RETRY_S)
                    continue
                heart = _Heart(runtime, runner, stop)
                _say(f"ready in {time.perf_counter() - started:.1f} s; polling every {poll} s")
            handed = runners.handed(runtime, runner)
            if handed is None or handed[0] in seen:
                stop.wait(poll)
                continue
            run_id, actor = handed
            seen.add(run_id)
            began = time.perf_counter()
            _say(f"batch {run_id} for {actor}")
            try:
                code = run_batch(settings, run_id, actor, pool=pools.current())
            except Exception as exc:
                # Recorded on the batch by run_batch.  What broke may be the runner's own
                # (a render process, Prefect's API process): it stops rather than fail
                # every batch after; serve starts a fresh one (and clicks meanwhile start
                # processes of their own).
                _say(f"batch {run_id} failed: {type(exc).__name__}: {exc}; stopping")
                return 1
            else:
                _say(f"batch {run_id} ended ({code}) in {time.perf_counter() - began:.2f} s")
        return 1 if heart is not None and heart.lost else 0
    finally:
        if heart is not None:
            heart.end()
        if runner is not None:
            runners.retire(runtime, runner)
            _say("stopped")
        pools.close()
        runtime.close()


def _stop_on_signals(stop: threading.Event) -> None:
    def handler(signum: int, _frame: FrameType | None) -> None:
        _say(f"{signal.Signals(signum).name}: ending the current batch, then stopping")
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def serve_forever(settings: Settings, *, workers: int = 2, parent: int | None = None) -> int:
    """``run`` until SIGTERM or Ctrl+C (either ends the current batch first).

    ``run`` goes in a thread of its own and this (main) thread only waits: Prefect's flow
    engine, run in the main thread, replaces the SIGTERM handler for the length of each
    flow run with one that aborts the run, so a runner asked to stop would kill the batch
    it was told to end; in another thread it leaves signals alone."""
    stop = threading.Event()
    _stop_on_signals(stop)
    ended: list[int] = []

    def body() -> None:
        ended.append(run(settings, stop, workers=workers, parent=parent))

    worker = threading.Thread(target=body, name="batch-runner")
    worker.start()
    while worker.is_alive():
        worker.join(1.0)  # wakes for the signal handlers
    return ended[0] if ended else 1


def main() -> int:
    """The child ``Beside`` starts: settings and options on standard input."""
    settings, request = background.read_request()
    return serve_forever(
        settings, workers=int(request.get("workers", 2)), parent=int(request["parent"])
    )


class Beside:
    """The runner ``residegi serve`` keeps beside the desk: ``with Beside(settings):``
    starts it, starts it again ``RESTART_AFTER_S`` after it dies, and
    at the end asks it to stop and waits ``STOP_WAIT_S`` (a runner still ending a batch
    is left to end it, in its own session, as a batch process of its own would be)."""

    def __init__(self, settings: Settings, *, workers: int = 2) -> None:
        self.settings = settings
        self.workers = workers
        self.child: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._watcher: threading.Thread | None = None

    def _start(self) -> None:
        request = {"parent": os.getpid(), "workers": self.workers}
        child = background.start(
            self.settings, "flows.batch_runner", request, log_path(self.settings)
        )
        with self._lock:
            self.child = child

    def _watch(self) -> None:
        while not self._stopping.is_set():
            with self._lock:
                child = self.child
            if child is None:
                return
            child.wait()  # beside the reaper thread's wait (Popen serialises them)
            if self._stopping.wait(RESTART_AFTER_S):
                return
            self._start()

    def __enter__(self) -> Beside:
        self._start()
        self._watcher = threading.Thread(target=self._watch, name="batch-runner-watch", daemon=True)
        self._watcher.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()
        with self._lock:
            child = self.child
        if child is None or child.poll() is not None:
            return
        child.terminate()
        # One still ending its batch lets its lease go and exits by itself.
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=STOP_WAIT_S)


if __name__ == "__main__":
    sys.exit(main())
