"""A real desk for the browser tests: a demo data folder made by ``residegi demo`` and
``residegi serve`` started as an operator starts it, on a free port."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

# The console script, as an operator runs it.
RESIDEGI = [str(Path(sys.executable).with_name("residegi"))]


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _environment(home: Path, settings: dict[str, str] | None = None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("RESIDEGI_")}
    # No warm batch runner (its Prefect API and render processes cost ~15 s of CPU at
    # start) unless the test asks for one: only the batch tests use it.
    env["RESIDEGI_BATCH_RUNNER"] = "false"
    env.update(settings or {})
    env["RESIDEGI_HOME"] = str(home)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    return env


def run_demo(home: Path, complaints: int, settings: dict[str, str] | None = None) -> dict[str, Any]:
    """``residegi demo --json`` into ``home``: what it printed (users and passwords too).
    ``settings``: ``RESIDEGI_*`` variables the demo runs with."""
    done = subprocess.run(
        [*RESIDEGI, "--home", str(home), "demo", "--complaints", str(complaints), "--json"],
        env=_environment(home, settings),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def run_residegi(
    home: Path, *args: str, settings: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``residegi --home home args…`` as an operator types it; refused unless it exits 0."""
    done = subprocess.run(
        [*RESIDEGI, "--home", str(home), *args],
        env=_environment(home, settings),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def fresh_office(home: Path, passphrase: str) -> dict[str, Any]:
    """A data folder set up as an operator sets up an office, with its default settings:
    ``init --sample``, ``keys init`` (the key encrypted with ``passphrase``, which the
    server is then not given) and ``user add`` for the demo's usernames, one role each.
    What ``run_demo`` returns for ``Served``: the users with their passwords."""
    run_residegi(home, "init", "--sample")
    run_residegi(home, "keys", "init", settings={"RESIDEGI_SIGNING_KEY_PASSPHRASE": passphrase})
    users = []
    for role, username in (
        ("secretariat", "dabir"),
        ("inspector", "bazres"),
        ("head", "modir"),
        ("archivist", "bayegan"),
    ):
        password = f"{username}-{secrets.token_hex(8)}"
        secret = home / f".{username}.password"
        secret.write_text(password + "\n", encoding="utf-8")
        run_residegi(home, "user", "add", username, "--role", role, "--password-file", str(secret))
        secret.unlink()
        users.append({"username": username, "password": password, "roles": [role]})
    return {"users": users}


@dataclass(frozen=True)
class Served:
    """A running ``residegi serve``: its address and the demo it serves."""

    url: str
    home: Path
    demo: dict[str, Any]

    def password(self, username: str) -> str:
        """The demo password of ``username``."""
        return str(next(u["password"] for u in self.demo["users"] if u["username"] == username))


@contextmanager
def serving(
    home: Path,
    demo: dict[str, Any],
    *,
    workers: int = 1,
    port: int | None = None,
    settings: dict[str, str] | None = None,
) -> Iterator[Served]:
    """``residegi serve`` on ``port`` (default a free one) until the block ends; ready when
    /healthz is.  ``settings``: ``RESIDEGI_*`` variables it runs with."""
    port = port or free_port()
    process = subprocess.Popen(
        [*RESIDEGI, "--home", str(home), "serve", "--port", str(port), "--workers", str(workers)],
        env=_environment(home, settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, process)
        yield Served(url, home, demo)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def _wait_until_healthy(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        # Not listening yet: wait for the server to exit (a failure to start), at most a
        # tenth of a second, then ask again.
        try:
            process.wait(timeout=0.1)
        except subprocess.TimeoutExpired:
            continue
        output = process.stdout.read() if process.stdout else ""
        raise AssertionError(f"residegi serve exited with {process.returncode}: {output}")
    raise AssertionError(f"residegi serve did not answer at {url} within 60 s")
