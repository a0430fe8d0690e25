"""Running the residegi command in process, for the CLI tests: a data folder of its own,
and no RESIDEGI_* setting of whoever runs the tests."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from cli.main import main
from tests.factories import national_id, pdf_file


class Cli:
    """Runs ``residegi --home HOME …`` and returns (exit code, stdout, stderr)."""

    def __init__(self, home: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.home = home
        self.capsys = capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        code = main(["--home", str(self.home), *args])
        out, err = self.capsys.readouterr()
        return code, out, err

    def json(self, *args: str) -> Any:
        code, out, err = self(*args, "--json")
        assert code == 0, (out, err)
        return json.loads(out)


def isolated_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Cli:
    """A ``Cli`` on ``tmp_path/data`` (not yet initialised), the environment's RESIDEGI_*
    settings removed."""
    for key in list(os.environ):
        if key.startswith("RESIDEGI_"):
            monkeypatch.delenv(key)
    return Cli(tmp_path / "data", capsys)


def register_args(tmp_path: Path, *extra: str) -> list[str]:
    evidence = pdf_file(tmp_path / "evidence.pdf")
    return [
        "complaint",
        "register",
        "--honorific",
        "mr",
        "--first-name",
        "علی",
        "--last-name",
        "رضایی",
        "--national-id",
        national_id(3),
        "--mobile",
        "+98 912 123 4567",
        "--address",
        "قزوین، خیابان طالقانی",
        "--agency",
        "شهرداری قزوین",
        "--subject",
        "سد معبر",
        "--text",
        "مغازه‌دار پیاده‌رو را بسته است.",
        "--attach",
        f"evidence={evidence}",
        *extra,
    ]
