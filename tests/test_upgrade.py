"""The schema changes only by ``init`` or ``upgrade``; a registry that is behind is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from registry import migrate
from registry.db import make_engine
from tests.cli_support import Cli, isolated_cli


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    return isolated_cli(tmp_path, capsys, monkeypatch)


def _registry_at(cli: Cli, revision: str) -> None:
    cli.home.mkdir(parents=True)
    engine = make_engine(f"sqlite:///{cli.home / 'registry.sqlite3'}")
    migrate.upgrade(engine, revision)
    engine.dispose()


def _revision(cli: Cli) -> str | None:
    engine = make_engine(f"sqlite:///{cli.home / 'registry.sqlite3'}")
    try:
        return migrate.current_revision(engine)
    finally:
        engine.dispose()


def test_a_registry_behind_is_refused_until_upgraded(cli: Cli) -> None:
    _registry_at(cli, migrate.REVISIONS[-2])
    code, _, err = cli("complaint", "list")
    assert code == 4
    assert "residegi upgrade" in err
    assert _revision(cli) == migrate.REVISIONS[-2]  # refused, not silently upgraded

    done = cli.json("upgrade")
    assert (done["from"], done["to"]) == (migrate.REVISIONS[-2], migrate.HEAD)
    assert _revision(cli) == migrate.HEAD
    assert cli("complaint", "list")[0] == 0
    again = cli.json("upgrade")
    assert again["from"] == again["to"] == migrate.HEAD


def test_a_command_on_a_missing_data_folder_leaves_nothing_behind(cli: Cli) -> None:
    code, _, err = cli("complaint", "list")
    assert code == 2
    assert "residegi init" in err
    assert not cli.home.exists()


def test_a_registry_from_a_newer_version_is_refused(cli: Cli) -> None:
    assert cli("init")[0] == 0
    engine = make_engine(f"sqlite:///{cli.home / 'registry.sqlite3'}")
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    code, out, _ = cli("complaint", "list", "--json")
    assert code == 4
    assert '"database_ahead"' in out


def test_revisions_list_every_migration_once_in_one_line(cli: Cli) -> None:
    from alembic.script import ScriptDirectory

    engine = make_engine(f"sqlite:///{cli.home}.db")
    scripts = ScriptDirectory.from_config(migrate.alembic_config(engine))
    assert scripts.get_heads() == [migrate.HEAD]  # one linear history
    walked = [script.revision for script in scripts.walk_revisions()]
    assert tuple(reversed(walked)) == migrate.REVISIONS
    engine.dispose()
