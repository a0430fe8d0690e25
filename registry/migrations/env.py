"""Alembic environment: the registry's own migrations, batch mode for SQLite."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from sqlalchemy import Connection

from registry.models import Base, UtcDateTime
from registry.search import autogenerate_include_name


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    # Migrations must not import the models: a UtcDateTime is a plain aware DateTime.
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
        # The search index (FTS5 table, view, tsvector indexes of 0003) is not in the
        # models: without this, autogenerate would write a migration dropping it.
        include_name=autogenerate_include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through registry.migrate, which passes a connection")
_run(connection)
