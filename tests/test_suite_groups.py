"""The suite itself: ``make unit`` runs it with ``--dist loadgroup`` and relies on every test
of an ``xdist_group`` running on one worker, in order (a module's server is started once, and
a module's tests may build on each other's rows).  A pytest or pytest-xdist upgrade has
silently broken that grouping before, so the locked pair is checked here on a tiny suite.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

GROUPED = """
import pytest

pytestmark = pytest.mark.xdist_group("{group}")


@pytest.mark.parametrize("n", range(4))
def test_member(n: int) -> None:
    pass
"""


def test_tests_of_a_group_run_on_one_worker_in_order(tmp_path: Path) -> None:
    for group in ("alpha", "beta"):
        (tmp_path / f"test_{group}.py").write_text(GROUPED.format(group=group), encoding="utf-8")
    pytest = [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", "-n", "2"]
    run = subprocess.run(
        [*pytest, "--dist", "loadgroup", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    line = re.compile(r"\[(gw\d+)\] .*PASSED .*test_(alpha|beta)\.py::test_member\[(\d)\]@(\w+)")
    ran = [match.groups() for match in map(line.search, run.stdout.splitlines()) if match]
    assert len(ran) == 8, run.stdout
    for group in ("alpha", "beta"):
        members = [(worker, int(n)) for worker, module, n, tag in ran if module == group]
        assert {tag for _, module, _, tag in ran if module == group} == {group}
        assert len({worker for worker, _ in members}) == 1, members
        assert [n for _, n in members] == [0, 1, 2, 3], members
