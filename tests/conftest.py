"""Shared fixtures: temporary data folders, registries on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from registry import migrate
from registry.db import make_engine, session_factory
from tests.cli_support import Cli, isolated_cli

# The server CI provides; a developer may point elsewhere.
PG_ADMIN_URL = os.environ.get(
    "RESIDEGI_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
# Set by .ci/run: there the PostgreSQL tests must run, never skip.
PG_REQUIRED = os.environ.get("RESIDEGI_REQUIRE_PG") == "1"


def _pg_available() -> str | None:
    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:  # any failure to connect means "no server here"
        return f"{type(exc).__name__}: {exc}".splitlines()[0]
    return None


_PG_PROBLEM = _pg_available()


def _create_database(admin: Engine, name: str, template: str | None = None) -> None:
    clause = f' TEMPLATE "{template}"' if template else ""
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"{clause}'))


def _drop_database(admin: Engine, name: str) -> None:
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[Engine]:
    """An AUTOCOMMIT connection to the server, for creating and dropping test databases."""
    if _PG_PROBLEM is not None:
        if PG_REQUIRED:
            pytest.fail(f"PostgreSQL is required here but unreachable: {_PG_PROBLEM}")
        pytest.skip(f"no PostgreSQL server at {PG_ADMIN_URL}: {_PG_PROBLEM}")
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    yield admin
    admin.dispose()


def _database_url(admin: Engine, name: str) -> str:
    return admin.url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_template(pg_admin: Engine) -> Iterator[str]:
    """A migrated database, built once per test process, that tests copy."""
    name = f"residegi_tpl_{uuid.uuid4().hex[:12]}"
    _create_database(pg_admin, name)
    engine = make_engine(_database_url(pg_admin, name))
    migrate.upgrade(engine)
    engine.dispose()
    yield name
    _drop_database(pg_admin, name)


@pytest.fixture
def pg_url(pg_admin: Engine) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    name = f"residegi_t_{uuid.uuid4().hex[:12]}"
    _create_database(pg_admin, name)
    yield _database_url(pg_admin, name)
    _drop_database(pg_admin, name)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'registry.sqlite3'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """An empty database: the same test on the embedded default and on PostgreSQL."""
    fixture = "sqlite_url" if request.param == "sqlite" else "pg_url"
    return str(request.getfixturevalue(fixture))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "registry.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()  # the last connection to close checkpoints the WAL into the file
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def migrated_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated registry, copied from a template built once per test process."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "registry.sqlite3"
        shutil.copyfile(template, target)
        yield f"sqlite:///{target}"
        return
    admin: Engine = request.getfixturevalue("pg_admin")
    name = f"residegi_t_{uuid.uuid4().hex[:12]}"
    _create_database(admin, name, template=request.getfixturevalue("pg_template"))
    yield _database_url(admin, name)
    _drop_database(admin, name)


@pytest.fixture
def engine(migrated_url: str) -> Iterator[Engine]:
    """A migrated registry on SQLite and on PostgreSQL."""
    engine = make_engine(migrated_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    """The command on a data folder initialised with the sample agencies, on the training
    clock's day 1405/09/04."""
    runner = isolated_cli(tmp_path, capsys, monkeypatch)
    monkeypatch.setenv("RESIDEGI_TODAY", "1405/09/04")
    assert runner("init", "--sample")[0] == 0
    return runner


# Debian's Chromium (Playwright cannot download its own browser offline); the binary itself,
# since /usr/bin/chromium is a wrapper script that prints a warning.
CHROMIUM = Path("/usr/lib/chromium/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's launch options, pointed at Debian's Chromium."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run ./.ci/system-packages.sh --tests")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": ["--no-sandbox"]}


@pytest.fixture(scope="session")
def base_url() -> str | None:
    """No base URL: each browser test names its server's address (and pytest-base-url's own
    fixture trips pytest's deprecation of session fixtures defined as methods)."""
    return None


# Playwright's sync API runs its event loop in a greenlet of the test's own thread, and the
# loop stays the thread's running loop from the first browser test to the end of the
# worker's session (pytest-playwright's browser is session-wide).  Code under test that
# runs a loop of its own (pyHanko signs and validates through asyncio.run) is refused in
# such a thread, so every other test runs with that loop set aside, and gets it back after.
def _uses_the_browser(item: pytest.Item) -> bool:
    return "playwright" in getattr(item, "fixturenames", ())


@contextmanager
def _browsers_loop_set_aside(item: pytest.Item) -> Iterator[None]:
    loop = asyncio._get_running_loop()
    if loop is None or _uses_the_browser(item):
        yield
        return
    asyncio._set_running_loop(None)
    try:
        yield
    finally:
        asyncio._set_running_loop(loop)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    with _browsers_loop_set_aside(item):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    with _browsers_loop_set_aside(item):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(
    item: pytest.Item, nextitem: pytest.Item | None
) -> Generator[None, None, None]:
    if nextitem is None:  # the session's fixtures end here, the browser's among them
        return (yield)
    with _browsers_loop_set_aside(item):
        return (yield)
