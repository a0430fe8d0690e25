"""A flow in a process of its own, started from the desk: the machinery the chase page
and the batch page share.

``spawn`` starts ``python -m <module>`` beside the web server, in a session of its own
(stopping the server does not stop a run half-way), hands it the desk's settings and the
request on its standard input (never on its command line, never written to disk), sends
its output to a log file, and returns at once.  A thread waits for each child, so that an
ended one is reaped at once instead of lingering as a zombie (which a liveness check
would take for a running flow).  ``read_request`` is the child's side.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from registry.private import private_dir
from registry.settings import Settings

__all__ = ["CHILDREN", "alive", "read_request", "reap", "spawn", "start"]

PROJECT = Path(__file__).resolve().parents[1]
# The processes this one started and that have not ended yet.
CHILDREN: list[subprocess.Popen[bytes]] = []
_LOCK = threading.Lock()


def alive(pid: int) -> bool:
    """Whether a process ``pid`` exists on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process holds the id: not ours to judge
    return True


def _forget(child: subprocess.Popen[bytes]) -> None:
    with _LOCK:
        if child in CHILDREN:
            CHILDREN.remove(child)


def _watch(child: subprocess.Popen[bytes]) -> None:
    """Wait for ``child`` to end (in a thread of its own), then forget it."""
    child.wait()
    _forget(child)


def reap() -> None:
    """Forget the children that have ended."""
    for child in list(CHILDREN):
        if child.poll() is not None:
            _forget(child)


def spawn(settings: Settings, module: str, request: dict[str, Any], log: Path) -> int:
    """Start ``python -m module`` beside this process with ``settings`` and ``request``
    on its standard input, its output to ``log``; its process id, at once."""
    return start(settings, module, request, log).pid


def start(
    settings: Settings, module: str, request: dict[str, Any], log: Path
) -> subprocess.Popen[bytes]:
    """``spawn``, returning the child itself (to stop it, or wait for it)."""
    private_dir(log.parent)
    # The passphrase is not handed over: the child reads it where this process did (the
    # environment).
    message = {
        "settings": settings.model_dump(mode="json", exclude={"signing_key_passphrase"}),
        **request,
    }
    environ = dict(os.environ)
    environ["PYTHONPATH"] = os.pathsep.join(
        [str(PROJECT), *filter(None, [environ.get("PYTHONPATH")])]
    )
    # Appended to: a long-lived child started again keeps its earlier output.
    with log.open("ab") as output:
        child = subprocess.Popen(
            [sys.executable, "-m", module],
            stdin=subprocess.PIPE,
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=PROJECT,
            env=environ,
            start_new_session=True,
        )
    with _LOCK:
        CHILDREN.append(child)
    threading.Thread(target=_watch, args=(child,), name=f"{module}-reaper", daemon=True).start()
    assert child.stdin is not None
    # A few kilobytes: well inside the pipe's buffer, so this never waits for the child.
    child.stdin.write(json.dumps(message).encode("utf-8"))
    child.stdin.close()
    return child


def read_request() -> tuple[Settings, dict[str, Any]]:
    """The child's side: the settings and the request its parent wrote."""
    request = json.loads(sys.stdin.read())
    return Settings(**request.pop("settings")), request
