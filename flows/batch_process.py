"""The dispatch flow for a batch started from the desk's batch page: on the warm batch
runner when one is up, otherwise in a process of its own.

The desk takes the batch lease (office/batches.py) and calls ``start_batch``.  When a warm
runner holds its registry lease (office/runners.py, flows/batch_runner.py), the batch is
handed to it: the desk records the runner's host and process id on the batch, and the
runner picks it up within its poll and runs ``run_batch`` on its warm render pool.
Otherwise ``start_batch`` starts ``python -m flows.batch_process`` beside the web server
with the shared machinery (flows/background.py) and returns at once.  Either way the
batch runs the same ``run_dispatch`` the command line runs (``residegi letter
dispatch``: the ``letter-dispatch`` flow on Prefect's configured API, the embedded one by
default, and the render pool); the flow, given the batch's id, holds the lease with a
heartbeat fed by the dispatch's progress callback and records in the registry how the
run ended.  With ``PREFECT_API_URL`` set, the batch goes to the workers instead, as a run
of the deployment ``residegi deploy`` registered.  A process of its own writes its output
(Prefect's log) to ``batches/<run id>.log`` in the data folder.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from flows import background
from office import batches, runners
from office.runtime import Runtime
from registry.settings import Settings

if TYPE_CHECKING:
    from generators.batch import RenderPool

__all__ = ["log_path", "main", "run_batch", "start_batch"]


def log_path(settings: Settings, run_id: str) -> Path:
    """Where the batch ``run_id``'s process writes its output."""
    return settings.home / "batches" / f"{run_id}.log"


def start_batch(runtime: Runtime, run_id: str, actor: str) -> tuple[str, int] | None:
    """Start the batch ``run_id`` (its lease already taken for ``actor``) and return at
    once.  With ``PREFECT_API_URL`` set, as a run of the ``letter-dispatch/residegi``
    deployment (``residegi deploy``), which a worker picks up: None (no process here).
    Otherwise on the warm batch runner when one is up (flows/batch_runner.py; it picks
    the batch up within its poll once the caller records the returned host and process
    id), or else in a process of its own beside this one: the machine and the process
    id that will run it."""
    if os.environ.get("PREFECT_API_URL"):
        from flows.deploy import start_batch_run

        start_batch_run(run_id, actor)
        return None
    runner = runners.available(runtime)
    if runner is not None:
        return runner.host, runner.pid
    request = {"run_id": run_id, "actor": actor}
    settings = runtime.settings
    pid = background.spawn(settings, "flows.batch_process", request, log_path(settings, run_id))
    return socket.gethostname(), pid


def run_batch(
    settings: Settings, run_id: str, actor: str, pool: RenderPool[int] | None = None
) -> int:
    """Run the dispatch flow for the desk batch ``run_id`` in this process (the flow
    keeps its lease and records its end; a refusal before the flow starts, such as a full
    data folder, is recorded here): 0 when it ended, 4 on a refusal.  ``pool``: a warm
    render pool to use (the batch runner's)."""
    from flows.dispatch import DispatchParams, run_dispatch
    from flows.prefect_setup import api_starting, prepare_flows
    from office.failpoints import Failpoints
    from office.failures import as_system_failure
    from office.messages import UNEXPECTED, staff_message
    from registry.errors import ResidegiError

    runtime = Runtime(settings)
    try:
        # Each time: a data folder that filled up since the last batch is refused now.
        prepare_flows(settings)
        run_dispatch(
            DispatchParams(actor=actor, batch_run=run_id),
            settings,
            failpoints=Failpoints.parse(settings.failpoints),
            pool=pool,
            api_ready=api_starting(),
        )
    except ResidegiError as exc:
        batches.failed(runtime, run_id, staff_message(exc.code, exc.params))
        return 4
    except Exception as exc:
        failure = as_system_failure(exc, settings)
        text = (
            staff_message(failure.code, failure.params)
            if failure is not None
            else UNEXPECTED.format(detail=type(exc).__name__)
        )
        batches.failed(runtime, run_id, text)
        raise
    finally:
        runtime.close()
    return 0


def main() -> int:
    """The child: run the dispatch flow for the batch its parent handed it."""
    settings, request = background.read_request()
    return run_batch(settings, str(request["run_id"]), str(request["actor"]))


if __name__ == "__main__":
    sys.exit(main())
