"""Real servers for the scale-out tests: a moto S3 server, a Prefect server, its workers.

Each is a child process in a session of its own, its output in a log file; whatever the
test does, it is stopped (and its descendants killed) when the block ends.  Nothing waits on
the clock blindly: ``wait_for`` polls a condition until a deadline, pausing on the watched
process (so a server that dies is reported at once, with its log).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TypeVar

import pytest

T = TypeVar("T")
_POLL = threading.Event()  # never set: its wait() is the interval between two polls
BIN = Path(sys.executable).parent
PROJECT_DIR = Path(__file__).resolve().parent.parent
AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now (the kernel's choice)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def log_tail(log: Path, lines: int = 40) -> str:
    """The end of a child's log, for a failure message."""
    if not log.exists():
        return ""
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def wait_for(
    check: Callable[[], T | None],
    *,
    seconds: float,
    what: str,
    watch: subprocess.Popen[bytes] | None = None,
    log: Path | None = None,
) -> T:
    """``check()``'s first truthy result, polled until ``seconds`` have passed (then the
    test fails naming ``what``); between polls it waits on ``watch``, failing if it exits."""
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {seconds:.0f} s\n{log_tail(log) if log else ''}")
        if watch is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                code = watch.wait(timeout=0.2)
                pytest.fail(f"{what}: the process exited ({code})\n{log_tail(log or Path())}")
        else:
            _POLL.wait(0.2)  # the poll interval, never a wait for something to happen


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (a worker's flow-run processes run in sessions of their
    own, so killing the worker's group does not reach them)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found: list[int] = []
    queue = [pid]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


def kill_tree(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL ``process`` and everything below it, as a machine's power cut would."""
    for pid in [process.pid, *descendants(process.pid)]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait(timeout=30)


@contextlib.contextmanager
def child(args: list[str], env: Mapping[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``args`` running in a session of its own, output to ``log``; stopped at the end
    (SIGTERM to the session, then SIGKILL to it and every descendant)."""
    with log.open("ab") as out:
        process = subprocess.Popen(
            args,
            env=dict(env),
            cwd=PROJECT_DIR,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        below = descendants(process.pid)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)
        for pid in below:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return int(response.status) < 500
    except OSError:
        return False


@contextlib.contextmanager
def moto_s3(folder: Path) -> Iterator[dict[str, str]]:
    """A moto S3 server on a free port; yields the ``AWS_*`` variables that reach it."""
    port = free_port()
    log = folder / "moto.log"
    args = [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")} | AWS
    with child(args, env, log) as server:
        endpoint = f"http://127.0.0.1:{port}"
        wait_for(lambda: _answers(endpoint), seconds=60, what="moto server", watch=server, log=log)
        yield AWS | {"AWS_ENDPOINT_URL": endpoint}


@contextlib.contextmanager
def prefect_server(folder: Path, database_url: str) -> Iterator[str]:
    """``prefect server start`` on a free port and its own PostgreSQL database
    (``postgresql+asyncpg://…``); yields its API URL."""
    port = free_port()
    log = folder / "prefect-server.log"
    env = prefect_env(folder / "server-home") | {
        "PREFECT_API_DATABASE_CONNECTION_URL": database_url,
        "PREFECT_SERVER_API_HOST": "127.0.0.1",
    }
    args = [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    with child(args, env, log) as server:
        api = f"http://127.0.0.1:{port}/api"
        wait_for(
            lambda: _answers(f"{api}/health"),
            seconds=180,
            what="Prefect server",
            watch=server,
            log=log,
        )
        yield api


def prefect_env(home: Path) -> dict[str, str]:
    """This process's environment without any residegi, Prefect or AWS setting, plus a
    quiet Prefect of its own home."""
    drop = ("RESIDEGI_", "PREFECT_", "AWS_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    return env | {
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_SERVER_UI_ENABLED": "false",
        "PYTHONPATH": str(PROJECT_DIR),
    }
