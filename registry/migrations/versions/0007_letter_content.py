"""letter content (issue 12): honorifics of agency heads and inspectors, the reviewer's
summary of a complaint, and which of an anonymous complaint's documents may be forwarded

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-06 15:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_HONORIFIC = sa.Enum("mr", "mrs", "none", name="honorific", native_enum=False, length=32)


def upgrade() -> None:
    with op.batch_alter_table("agency_head") as batch:
        batch.add_column(sa.Column("honorific", _HONORIFIC, nullable=False, server_default="none"))
    with op.batch_alter_table("inspection") as batch:
        batch.add_column(
            sa.Column("inspector_honorific", _HONORIFIC, nullable=False, server_default="none")
        )
    with op.batch_alter_table("complaint") as batch:
        batch.add_column(sa.Column("summary", sa.Text(), nullable=True))
    with op.batch_alter_table("document") as batch:
        batch.add_column(sa.Column("forwardable", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("document") as batch:
        batch.drop_column("forwardable")
    with op.batch_alter_table("complaint") as batch:
        batch.drop_column("summary")
    with op.batch_alter_table("inspection") as batch:
        batch.drop_column("inspector_honorific")
    with op.batch_alter_table("agency_head") as batch:
        batch.drop_column("honorific")
