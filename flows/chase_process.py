"""The chase flow in a process of its own, started from the desk.

«ارسال» on the desk's chase page must not hold the page (nor a worker's thread) while
Prefect starts and the reminders are numbered, rendered and stored: ``start_chase`` starts
``python -m flows.chase_process`` beside the web server, in a session of its own (stopping
the server does not stop a chase half-way), and returns at once.  The child runs the same
``flows.chase.run_chase`` the command line runs (the ``chase`` flow, on Prefect's
configured API: the embedded one by default), with the desk's settings handed over on its
standard input (never on its command line, never written to disk).

What became of the run is a small JSON file in the data folder (``chase/last-run.json``):
the desk writes ``running`` with the child's process id when it starts it, the child
``done`` (how many steps were due, the numbers it sent) or ``failed`` (the staff's Persian
sentence) at the end; the desk reads it on the next page load.  A ``running`` file whose
process is gone (killed, the machine restarted) reads as ``stopped``.  The chase itself
is safe to run twice (each step is re-checked under a lock when it is numbered), so two
clicks at once at worst start a second run that finds nothing left to do.  The child's
own output (Prefect's log) goes to ``chase/last-run.log`` beside it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flows import background
from registry.private import private_dir
from registry.settings import Settings

__all__ = ["ChaseRun", "last_run", "main", "start_chase", "status_path"]

STATUS_NAME = "last-run.json"
LOG_NAME = "last-run.log"
# The chase's children are the shared machinery's (flows/background.py).
_CHILDREN = background.CHILDREN


@dataclass(frozen=True)
class ChaseRun:
    """The last chase started from the desk: ``state`` running, done, failed or stopped;
    who started it and when; the steps that were due and the letters sent; the refusal."""

    state: str
    actor: str
    started: dt.datetime
    finished: dt.datetime | None = None
    planned: int = 0
    sent: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def running(self) -> bool:
        return self.state == "running"


def status_path(settings: Settings) -> Path:
    """Where the last desk-started chase's state is kept."""
    return settings.home / "chase" / STATUS_NAME


def _write(path: Path, data: dict[str, Any]) -> None:
    """Replace the status file whole (a reader never sees half of it)."""
    private_dir(path.parent)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    partial.replace(path)


def last_run(settings: Settings) -> ChaseRun | None:
    """The last chase started from the desk, as its status file tells (None: none yet)."""
    background.reap()
    try:
        data = json.loads(status_path(settings).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    state = str(data.get("state", "failed"))
    # A run on this machine whose process is gone never wrote its end: it was stopped.
    here = data.get("host") == socket.gethostname()
    if state == "running" and here and not background.alive(int(data.get("pid", 0))):
        state = "stopped"
    finished = data.get("finished")
    return ChaseRun(
        state=state,
        actor=str(data.get("actor", "")),
        started=dt.datetime.fromisoformat(data["started"]),
        finished=dt.datetime.fromisoformat(finished) if finished else None,
        planned=int(data.get("planned", 0)),
        sent=[str(number) for number in data.get("sent", [])],
        error=data.get("error"),
    )


def start_chase(settings: Settings, actor: str) -> bool:
    """Start the chase flow for ``actor`` (already allowed to chase) in a process of its
    own and return at once: True; False when the last one is still running (nothing
    started)."""
    current = last_run(settings)
    if current is not None and current.running:
        return False
    path = status_path(settings)
    pid = background.spawn(
        settings, "flows.chase_process", {"actor": actor}, path.parent / LOG_NAME
    )
    _write(
        path,
        {
            "state": "running",
            "actor": actor,
            "started": dt.datetime.now(dt.UTC).isoformat(),
            "pid": pid,
            "host": socket.gethostname(),
        },
    )
    return True


def main() -> int:
    """The child: run the chase flow with the settings and actor read from standard
    input, and write how it ended beside the status the desk wrote."""
    from flows.prefect_setup import prepare_flows
    from office.failures import as_system_failure
    from office.messages import UNEXPECTED, staff_message
    from registry.errors import ResidegiError

    settings, request = background.read_request()
    path = status_path(settings)
    try:
        written = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        written = {}
    # The desk's "running" names this process once it is written; nothing of an earlier
    # run's status (its letters, its error) is carried over.
    started = written.get("started") if written.get("pid") == os.getpid() else None
    base = {
        "actor": request["actor"],
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": started or dt.datetime.now(dt.UTC).isoformat(),
    }

    def finish(**outcome: Any) -> None:
        _write(path, {**base, **outcome, "finished": dt.datetime.now(dt.UTC).isoformat()})

    try:
        prepare_flows(settings)
        from flows.chase import run_chase

        result = run_chase(settings, request["actor"])
    except ResidegiError as exc:
        finish(state="failed", error=staff_message(exc.code, exc.params))
        return 4
    except Exception as exc:
        failure = as_system_failure(exc, settings)
        text = (
            staff_message(failure.code, failure.params)
            if failure is not None
            else UNEXPECTED.format(detail=type(exc).__name__)
        )
        finish(state="failed", error=text)
        raise
    finish(state="done", planned=len(result.planned), sent=list(result.sent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
