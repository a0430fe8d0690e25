"""A consistent copy of the registry while the office works, and putting one back.

SQLite: the online backup API (``sqlite3.Connection.backup`` in one step) copies every page
under one read lock; writers in other processes go on (WAL) and the copy is the database as
it was at one instant.  PostgreSQL: a ``REPEATABLE READ`` transaction exports its snapshot
(``pg_export_snapshot``); the rows are counted and the catalogue listed in that transaction,
and ``pg_dump --snapshot`` dumps exactly the same instant, so the counts, the list of
archived objects and the dump agree whatever commits meanwhile.

:class:`Snapshot` says what the copy holds: its schema revision, the rows of every table,
and the archived objects its catalogue names (the ones a backup must carry).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, create_engine, func, inspect, select, text
from sqlalchemy.engine import URL, make_url

from registry.errors import InvalidInput, SystemFailure
from registry.models import ArchiveObject, Base
from registry.private import PRIVATE_FILE_MODE

__all__ = [
    "PG_DUMP_FILE",
    "SQLITE_FILE",
    "Snapshot",
    "count_rows",
    "database_kind",
    "file_sha256",
    "restore_postgresql",
    "snapshot_postgresql",
    "snapshot_sqlite",
]

SQLITE_FILE = "registry.sqlite3"
PG_DUMP_FILE = "registry.pgdump"
# pg_dump and pg_restore of an office's registry take seconds; an hour means it hangs.
PG_TOOL_TIMEOUT_S = 3600


@dataclass(frozen=True)
class Snapshot:
    """What one consistent copy of the registry holds."""

    kind: str  # "sqlite" or "postgresql"
    revision: str | None
    counts: dict[str, int]
    objects: tuple[str, ...]  # SHA-256 of every catalogued object, sorted


def database_kind(url: str) -> str:
    """``sqlite`` or ``postgresql`` (the two registries residegi runs on)."""
    backend = make_url(url).get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise InvalidInput("invalid_settings", detail=f"database_url: {backend} is not supported")
    return backend


def count_rows(connection: Connection) -> dict[str, int]:
    """Rows in every table of the registry's schema (and the schema's revision table)."""
    present = set(inspect(connection).get_table_names())
    counts: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        if table.name in present:
            counts[table.name] = int(
                connection.execute(select(func.count()).select_from(table)).scalar_one()
            )
    return dict(sorted(counts.items()))


def _revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    value = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return str(value) if value is not None else None


def _objects(connection: Connection) -> tuple[str, ...]:
    rows = connection.execute(select(ArchiveObject.sha256).distinct())
    return tuple(sorted(str(sha256) for (sha256,) in rows))


def file_sha256(path: Path) -> tuple[str, int]:
    """The SHA-256 and size of a file, read in pieces (a registry may be large)."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        for piece in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(piece)
            size += len(piece)
    return digest.hexdigest(), size


def snapshot_sqlite(url: str, target: Path) -> Snapshot:
    """Copy the SQLite registry at ``url`` to the new file ``target`` (0600) with the
    online backup API, and describe the copy.  The copy is left in rollback-journal mode,
    so it is one self-contained file whose hash does not change until it is opened."""
    source_path = make_url(url).database
    if not source_path or source_path == ":memory:":
        raise InvalidInput("invalid_settings", detail="database_url: no SQLite file to back up")
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    os.close(fd)
    source = sqlite3.connect(source_path, timeout=60)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # pages=-1: one step, one instant
            copy.execute("PRAGMA journal_mode=DELETE")
            copy.commit()
        finally:
            copy.close()
    finally:
        source.close()
    engine = create_engine(f"sqlite:///{target}")
    try:
        with engine.connect() as connection:
            return Snapshot(
                "sqlite", _revision(connection), count_rows(connection), _objects(connection)
            )
    finally:
        engine.dispose()


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string for the PostgreSQL tools, the password in their
    environment (never on a command line others can list)."""
    parsed: URL = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise SystemFailure("tool_missing", tool=name)
    return found


def _run_tool(command: list[str], env: dict[str, str], tool: str) -> None:
    try:
        done = subprocess.run(
            command, env=env, capture_output=True, timeout=PG_TOOL_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise SystemFailure("tool_failed", tool=tool, detail="timed out") from exc
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SystemFailure("tool_failed", tool=tool, detail=(detail or ["?"])[-1][:300])


def snapshot_postgresql(url: str, target: Path) -> Snapshot:
    """Dump the PostgreSQL registry at ``url`` to ``target`` (custom format, 0600) from
    one exported snapshot, counted and listed in that same snapshot."""
    dsn, env = _libpq(url)
    pg_dump = _tool("pg_dump")
    engine = create_engine(url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as connection, connection.begin():
            connection.execute(text("SET TRANSACTION READ ONLY"))
            snapshot_id = str(connection.execute(text("SELECT pg_export_snapshot()")).scalar())
            described = Snapshot(
                "postgresql", _revision(connection), count_rows(connection), _objects(connection)
            )
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
            os.close(fd)
            # The snapshot lives as long as this transaction: pg_dump runs inside it.
            _run_tool(
                [pg_dump, "--format=custom", f"--snapshot={snapshot_id}", f"--file={target}", dsn],
                env,
                "pg_dump",
            )
    finally:
        engine.dispose()
    return described


def restore_postgresql(dump: Path, url: str) -> None:
    """Load ``dump`` into the empty PostgreSQL database at ``url``, all or nothing.
    InvalidInput when that database already has tables (nothing is mixed or replaced)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            if inspect(connection).get_table_names():
                raise InvalidInput("restore_database_not_empty", url=_shown(url))
    finally:
        engine.dispose()
    dsn, env = _libpq(url)
    _run_tool(
        [
            _tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={dsn}",
            str(dump),
        ],
        env,
        "pg_restore",
    )


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


@contextlib.contextmanager
def opened(url: str) -> Iterator[Connection]:
    """A plain connection to a registry copy (no pragmas: a SQLite copy stays as it is)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def describe(url: str) -> Snapshot:
    """The revision, counts and catalogued objects of the registry at ``url`` now."""
    with opened(url) as connection:
        return Snapshot(
            database_kind(url), _revision(connection), count_rows(connection), _objects(connection)
        )
