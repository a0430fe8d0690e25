"""A real ``residegi letter dispatch`` in its own process, for the tests that run one beside
something else (a backup, a second dispatch): one Prefect API server per module, the
command's progress lines read as they come."""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.prefect_setup import configure_prefect

RESIDEGI = str(Path(sys.executable).with_name("residegi"))

__all__ = ["dispatch_all", "dispatching", "prefect_api", "sent_so_far"]


@pytest.fixture(scope="module")
def prefect_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One Prefect API server for the module's dispatches (each would otherwise start one)."""
    configure_prefect(tmp_path_factory.mktemp("prefect-server"))
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    server.start(timeout=180)
    yield server.api_url
    server.stop()


@contextlib.contextmanager
def dispatching(home: Path, api_url: str) -> Iterator[tuple[subprocess.Popen[str], Iterator[str]]]:
    """The real ``letter dispatch`` in its own process group, and its progress lines."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RESIDEGI_", "PREFECT_"))}
    env["PREFECT_API_URL"] = api_url
    process = subprocess.Popen(
        [RESIDEGI, "--home", str(home), "letter", "dispatch", "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert process.stderr is not None
    stderr = process.stderr
    watch = selectors.DefaultSelector()
    watch.register(stderr, selectors.EVENT_READ)

    def lines() -> Iterator[str]:
        # Read while it lives: its render workers hold the pipe open after it ends.
        while process.poll() is None:
            if watch.select(timeout=1.0):
                yield stderr.readline()

    try:
        yield process, lines()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        watch.close()
        stderr.close()


def dispatch_all(home: Path, api_url: str) -> None:
    with dispatching(home, api_url) as (process, lines):
        seen = list(lines)
        assert process.wait(timeout=60) == 0, "".join(seen[-40:])


def sent_so_far(line: str) -> int:
    """The letters a progress line (``send N/M``) says went out; 0 for any other line."""
    if not line.startswith("send "):
        return 0
    return int(line.split()[1].split("/")[0])
