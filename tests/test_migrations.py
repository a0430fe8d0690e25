"""Migrations build the schema the models describe, and come down cleanly."""

from __future__ import annotations

from sqlalchemy import inspect

from registry import migrate
from registry.db import make_engine
from registry.models import Base
from registry.search import autogenerate_include_name


def test_upgrade_builds_every_table_and_downgrade_removes_them(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    migrate.downgrade(engine)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(engine)  # and up again from a downgraded database
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_models_and_migrations_agree(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = make_engine(db_url)
    migrate.upgrade(engine)
    with engine.connect() as connection:
        # The search index (migration 0003) lives outside the ORM metadata on purpose.
        opts = {"compare_type": True, "include_name": autogenerate_include_name}
        context = MigrationContext.configure(connection, opts=opts)
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


def test_head_constant_names_the_newest_migration(sqlite_url: str) -> None:
    from alembic.script import ScriptDirectory

    engine = make_engine(sqlite_url)
    assert (
        ScriptDirectory.from_config(migrate.alembic_config(engine)).get_current_head()
        == migrate.HEAD
    )
    assert migrate.current_revision(engine) is None
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.HEAD
    engine.dispose()
