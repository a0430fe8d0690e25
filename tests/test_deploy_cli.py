"""``residegi deploy`` without a reachable Prefect server: a clear refusal, nothing registered."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.servers import BIN, PROJECT_DIR, free_port

pytestmark = pytest.mark.slow


def deploy(tmp_path: Path, **env: str) -> tuple[int, dict[str, str]]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("RESIDEGI_", "PREFECT_"))}
    done = subprocess.run(
        [str(BIN / "residegi"), "--home", str(tmp_path / "home"), "deploy", "--json"],
        env=base | {"PYTHONPATH": str(PROJECT_DIR)} | env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    error: dict[str, str] = json.loads(done.stdout)["error"]
    return done.returncode, error


def test_without_a_server_url_deploy_is_a_usage_error(tmp_path: Path) -> None:
    code, error = deploy(tmp_path)
    assert (code, error["code"]) == (2, "deploy_needs_server")
    assert "PREFECT_API_URL" in error["message"]


def test_a_server_that_does_not_answer_is_refused(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/api"  # nothing listens there
    code, error = deploy(tmp_path, PREFECT_API_URL=url)
    assert (code, error["code"]) == (4, "deploy_server_unreachable")
    assert url in error["message"]
