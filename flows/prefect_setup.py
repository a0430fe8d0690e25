"""Prefect's embedded default: its home inside the data folder, nothing sent anywhere.

Prefect reads its configuration from the environment when it is first imported, so this
runs before any ``import prefect``.  A real server (``PREFECT_API_URL`` already set by the
office) is left alone; otherwise Prefect's temporary local API runs on its own SQLite
database under ``<data folder>/prefect``, never the registry's.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import MutableMapping
from pathlib import Path

from office.failures import ensure_room
from registry.errors import ResidegiError
from registry.private import private_dir
from registry.settings import Settings

QUIET = {
    # No network here: telemetry would only fail and log.
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    # The temporary API serves one process; the UI is not needed for it.
    "PREFECT_UI_ENABLED": "false",
    "PREFECT_SERVER_UI_ENABLED": "false",
    # Logs of our own say what happened; Prefect's INFO lines would drown the progress bar.
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_TO_API_ENABLED": "false",
}


def configure_prefect(prefect_home: Path, environ: MutableMapping[str, str] | None = None) -> None:
    """Point Prefect at ``prefect_home`` (created once, private to the service's account
    like the rest of the data folder, reused by later runs)."""
    env = os.environ if environ is None else environ
    # Prefect writes its database and logs with the umask's modes: the folder keeps them
    # from everyone else.
    private_dir(prefect_home)
    env.setdefault("PREFECT_HOME", str(prefect_home))
    for key, value in QUIET.items():
        env.setdefault(key, value)
    if not env.get("PREFECT_API_URL"):
        env.setdefault("PREFECT_SERVER_EPHEMERAL_ENABLED", "true")
        # Its default 20 s is not enough the first time (it creates its database) on a
        # busy two-core machine.
        env.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
        env.setdefault(
            "PREFECT_API_DATABASE_CONNECTION_URL",
            f"sqlite+aiosqlite:///{prefect_home / 'prefect.db'}",
        )


def prepare_flows(settings: Settings) -> None:
    """Before a flow runs here: refuse at once a data folder that is not writable or whose
    disk is (nearly) full, then point Prefect at its home.  Prefect's embedded server would
    otherwise try to create its database there for minutes before giving up.  A refusal
    inside the flow is the shell's to report, in one line: Prefect does not log it again
    with its traceback."""
    ensure_room(settings)
    configure_prefect(settings.prefect_home)
    for name in RUN_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, _RefusalsReported) for f in logger.filters):
            logger.addFilter(_RefusalsReported())


def api_starting() -> threading.Event:
    """Start Prefect's temporary API server now, so that its process boots (~5 s) while
    this one goes on importing, warming its render workers and checking templates;
    Prefect would start it only when the first flow runs, and wait for it there.  Wait
    for the returned event before the first flow run: Prefect's server object counts as
    running before it answers.  Set at once with a real server configured
    (``PREFECT_API_URL``) or the temporary one already up (the batch runner's).  Run after
    ``prepare_flows``."""
    done = threading.Event()
    if os.environ.get("PREFECT_API_URL"):
        done.set()
        return done
    # Imported here, in this thread (~2.5 s, paid by the first flow run anyway): a thread
    # importing it would contend for the same modules' import locks.
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    if server.running:
        done.set()
        return done

    def start() -> None:
        # A failure: the flow run starts it again, and says why.
        try:
            with contextlib.suppress(Exception):
                server.start()
        finally:
            done.set()

    threading.Thread(target=start, name="prefect-api-start", daemon=True).start()
    return done


# Where Prefect logs a failed flow or task run, with the exception's traceback.
RUN_LOGGERS = (
    "prefect.flow_runs",
    "prefect.task_runs",
    "prefect.flow_engine",
    "prefect.task_engine",
)


class _RefusalsReported(logging.Filter):
    """Drops Prefect's log records about a run that failed on a residegi refusal (bad input,
    a rule, a full disk): the command reports it once, as the staff's sentence."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, ResidegiError):
            return False
        # "Finished in state Failed('… encountered an exception: InvalidInput: …')"
        message = record.getMessage()
        return not any(f"{name}: " in message for name in _refusal_names())


def _refusal_names() -> set[str]:
    """The names of every residegi error class (those loaded so far)."""
    names: set[str] = set()
    pending: list[type[ResidegiError]] = [ResidegiError]
    while pending:
        cls = pending.pop()
        names.add(cls.__name__)
        pending.extend(cls.__subclasses__())
    return names
