"""The dispatch flow in a process of its own, started from the desk's batch page.

The desk takes the batch lease (office/batches.py) and calls ``start_batch``, which starts
``python -m flows.batch_process`` beside the web server with the shared machinery
(flows/background.py) and returns at once.  The child runs the same ``run_dispatch`` the
command line runs (``residegi letter dispatch``: the ``letter-dispatch`` flow on Prefect's
configured API, the embedded one by default, and the render pool); the flow, given the
batch's id, holds the lease with a heartbeat fed by the dispatch's progress callback and
records in the registry how the run ended.  With ``PREFECT_API_URL`` set, the batch goes
to the workers instead, as a run of the deployment ``residegi deploy`` registered.
The child's own output (Prefect's log) goes to ``batches/<run id>.log`` in the data folder.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

from flows import background
from registry.settings import Settings

__all__ = ["log_path", "main", "start_batch"]


def log_path(settings: Settings, run_id: str) -> Path:
    """Where the batch ``run_id``'s process writes its output."""
    return settings.home / "batches" / f"{run_id}.log"


def start_batch(settings: Settings, run_id: str, actor: str) -> tuple[str, int] | None:
    """Start the batch ``run_id`` (its lease already taken for ``actor``) and return at
    once.  With ``PREFECT_API_URL`` set, as a run of the ``letter-dispatch/residegi``
    deployment (``residegi deploy``), which a worker picks up: None (no process here).
    Otherwise in a process of its own beside this one: the machine and its process id."""
    if os.environ.get("PREFECT_API_URL"):
        from flows.deploy import start_batch_run

        start_batch_run(run_id, actor)
        return None
    request = {"run_id": run_id, "actor": actor}
    pid = background.spawn(settings, "flows.batch_process", request, log_path(settings, run_id))
    return socket.gethostname(), pid


def main() -> int:
    """The child: run the dispatch flow for the batch (the flow keeps its lease and
    records its end); a refusal before the flow starts is recorded here."""
    from flows.dispatch import DispatchParams, run_dispatch
    from flows.prefect_setup import prepare_flows
    from office import batches
    from office.failpoints import Failpoints
    from office.failures import as_system_failure
    from office.messages import UNEXPECTED, staff_message
    from office.runtime import Runtime
    from registry.errors import ResidegiError

    settings, request = background.read_request()
    run_id, actor = str(request["run_id"]), str(request["actor"])
    runtime = Runtime(settings)
    try:
        prepare_flows(settings)
        run_dispatch(
            DispatchParams(actor=actor, batch_run=run_id),
            settings,
            failpoints=Failpoints.parse(settings.failpoints),
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


if __name__ == "__main__":
    sys.exit(main())
