"""one current reply per referral: a partial unique index on reply.letter_id

Two replies to one letter recorded at the same moment could both be stored as current on
PostgreSQL (issue 17).  From here the database refuses a second reply whose
``superseded_by_id`` is NULL for the same referral, on SQLite and PostgreSQL alike.

A registry that already holds more than one current reply for a referral is repaired
first: the newest (latest ``recorded_at``, then highest id) stays current and each older
one is marked superseded by it.  Nothing else changes and nothing is deleted; the
downgrade drops the index and leaves the repaired rows as they are.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CURRENT = "superseded_by_id IS NULL"

reply = sa.table(
    "reply",
    sa.column("id", sa.Integer()),
    sa.column("letter_id", sa.Integer()),
    sa.column("recorded_at", sa.DateTime(timezone=True)),
    sa.column("superseded_by_id", sa.Integer()),
)


def _keep_only_the_newest_current() -> None:
    connection = op.get_bind()
    current = connection.execute(
        sa.select(reply.c.id, reply.c.letter_id)
        .where(reply.c.superseded_by_id.is_(None))
        .order_by(reply.c.letter_id, reply.c.recorded_at.desc(), reply.c.id.desc())
    )
    newest: dict[int, int] = {}
    for row in current.all():
        reply_id, letter_id = int(row.id), int(row.letter_id)
        if letter_id not in newest:
            newest[letter_id] = reply_id
            continue
        connection.execute(
            sa.update(reply)
            .where(reply.c.id == reply_id)
            .values(superseded_by_id=newest[letter_id])
        )


def upgrade() -> None:
    _keep_only_the_newest_current()
    op.create_index(
        "uq_reply_current_letter_id",
        "reply",
        ["letter_id"],
        unique=True,
        sqlite_where=sa.text(CURRENT),
        postgresql_where=sa.text(CURRENT),
    )


def downgrade() -> None:
    op.drop_index(
        "uq_reply_current_letter_id",
        table_name="reply",
        sqlite_where=sa.text(CURRENT),
        postgresql_where=sa.text(CURRENT),
    )
