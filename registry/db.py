"""Engines and sessions for the registry, on SQLite (the default) or PostgreSQL.

On SQLite every transaction starts with ``BEGIN IMMEDIATE``: it takes the write lock at
once and waits for it (busy timeout) instead of failing later when a read lock cannot be
upgraded, which is what makes concurrent batches safe there.  WAL lets readers go on.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from registry.errors import InvalidInput
from registry.private import private_file

SQLITE_BUSY_TIMEOUT_MS = 60_000


def _refuse_nul(
    _conn: Any, _cursor: Any, _statement: str, parameters: Any, _context: Any, _many: bool
) -> None:
    """No text with a NUL character reaches either database: PostgreSQL cannot store it
    (psycopg fails with a bare ValueError) and SQLite would, so the two would differ.  The
    use cases refuse it at their input checks; this is the one guard behind them all."""
    rows = parameters if isinstance(parameters, list | tuple) and _many else [parameters]
    for row in rows:
        values = (
            row.values() if isinstance(row, dict) else row if isinstance(row, list | tuple) else ()
        )
        for value in values:
            if isinstance(value, str) and "\x00" in value:
                raise InvalidInput("text_has_nul", field="text")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url`` with the registry's connection rules applied."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        engine = create_engine(url, pool_pre_ping=True, **kwargs)
        event.listen(engine, "before_cursor_execute", _refuse_nul)
        return engine
    if parsed.database and parsed.database != ":memory:":
        # Created private before SQLite first opens it: SQLite gives its WAL, SHM and
        # journal files the database file's mode, so they are private too.
        private_file(Path(parsed.database))
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs)
    event.listen(engine, "before_cursor_execute", _refuse_nul)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Leave transaction control to the "begin" hook below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (the CLI prints them)."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One short transaction: committed when the block ends, rolled back on any error."""
    with factory() as session, session.begin():
        yield session


def registry_exists(url: str) -> bool:
    """Whether the registry at ``url`` was ever created: False for a SQLite file that is
    not there (connecting would create it, empty).  A server's database is taken to exist;
    its schema is checked by the caller."""
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return True
    return Path(database).is_file()
