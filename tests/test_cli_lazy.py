"""Command modules load lazily: a command imports its own module only, and help is unchanged.

The import checks run in a fresh interpreter, since this test process has imported every
command module already.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.core import TyperGroup
from typer.main import get_command

from cli.main import COMMANDS, app, main

CLI = Path(__file__).resolve().parent.parent / "cli"

# What `complaint list` needs besides its own module: the shell and the shared helpers.
SHARED = {"cli", "cli.main", "cli.lazy", "cli.context", "cli.options"}
SHARED |= {"cli.output"}
# Packages that only other commands need (letters, archive, flows, signing, holidays).
HEAVY = {"prefect", "weasyprint", "fsspec", "pypdf", "pikepdf", "pyhanko", "docxtpl", "docx"}
HEAVY |= {"PIL", "qrcode", "jinja2", "alembic", "holidays", "generators", "archive"}
# Registry modules that only other groups use.
OTHER_GROUPS = {"search", "outstanding", "deadlines", "calendar", "register", "replies"}
OTHER_GROUPS |= {"holidays", "holiday_seed", "inspections", "letter_facts", "samples"}

PROBE = """
import json, sys
from cli.main import main
code = main(["--home", sys.argv[1], "complaint", "list", "--json"])
print(json.dumps({"exit": code, "modules": sorted(sys.modules)}))
"""


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("RESIDEGI_")}


@pytest.fixture
def home(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    folder = tmp_path / "data"
    assert main(["--home", str(folder), "init"]) == 0
    capsys.readouterr()
    return folder


def test_complaint_list_imports_only_its_own_group(home: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(home)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env=_clean_env(),
    )
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["exit"] == 0
    loaded = set(probe["modules"])
    ours = {name for name in loaded if name == "cli" or name.startswith("cli.")}
    assert ours == SHARED | {"cli.complaint_cmd"}, sorted(ours - SHARED)
    packages = {name.split(".")[0] for name in loaded}
    assert packages.isdisjoint(HEAVY), sorted(packages & HEAVY)
    assert {f"registry.{name}" for name in OTHER_GROUPS}.isdisjoint(loaded)
    assert not {name for name in loaded if name == "flows" or name.startswith("flows.")}
    office = {name for name in loaded if name.startswith("office.")}
    # The group's use cases, with the role table and the error path every command shares.
    allowed = {"office.messages", "office.runtime", "office.complaints", "office.access"}
    assert office <= allowed | {"office.failures"}, sorted(office)


def test_every_command_module_is_in_the_table() -> None:
    listed = {spec.partition(":")[0] for spec in COMMANDS.values()}
    assert listed == {f"cli.{path.stem}" for path in CLI.glob("*_cmd.py")}


def _eager_app() -> typer.Typer:
    """The root app registered the way it was before: every command up front."""
    assert isinstance(app.info.help, str) and app.registered_callback is not None
    assert app.registered_callback.callback is not None
    eager = typer.Typer(
        name="residegi",
        help=app.info.help,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    eager.callback()(app.registered_callback.callback)
    for name, spec in COMMANDS.items():
        module, _, attribute = spec.partition(":")
        target = getattr(importlib.import_module(module), attribute)
        if isinstance(target, typer.Typer):
            eager.add_typer(target, name=name)
        else:
            eager.command(name)(target)
    return eager


def test_help_and_usage_errors_are_those_of_an_eager_app(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    eager, lazy = get_command(_eager_app()), get_command(app)

    def outcome(command: TyperGroup, args: list[str]) -> tuple[str, str, str]:
        capsys.readouterr()
        try:
            command.main(["--home", str(home), *args], "residegi", standalone_mode=False)
            ended = "returned"
        except Exception as exc:  # usage errors are part of what is compared
            ended = f"{type(exc).__name__}: {exc}"
        out, err = capsys.readouterr()
        return ended, out, err

    assert isinstance(eager, TyperGroup) and isinstance(lazy, TyperGroup)
    paths: list[list[str]] = [[], ["complain"], ["complaint", "lst"], ["complaint"]]
    for name, command in eager.commands.items():
        paths.append([name, "--help"])
        if isinstance(command, TyperGroup):
            paths.extend([name, sub, "--help"] for sub in command.commands)
    paths = [*paths, ["--help"]]
    assert len(paths) > 40
    for args in paths:
        assert outcome(lazy, args) == outcome(eager, args), args


def test_console_script_closes_the_registry(home: Path) -> None:
    # run() leaves the heap to the operating system at exit, so the registry must be
    # closed before: SQLite removes its WAL file when the last connection closes.
    script = Path(sys.executable).with_name("residegi")
    result = subprocess.run(
        [str(script), "--home", str(home), "complaint", "list", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        env=_clean_env(),
    )
    assert (result.returncode, json.loads(result.stdout)) == (0, []), result.stderr
    assert sorted(p.name for p in home.iterdir() if p.name.startswith("registry.sqlite3")) == [
        "registry.sqlite3"
    ]
