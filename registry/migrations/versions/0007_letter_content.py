"""letter content (issue 12): honorifics of agency heads and inspectors, the reviewer's
summary of a complaint, and which of an anonymous complaint's documents may be forwarded

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 15:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_HONORIFIC = sa.Enum("mr", "mrs", "none", name="honorific", native_enum=False, length=32)


# Plain ADD/DROP COLUMN (SQLite has both): a batch copy of ``complaint`` would break the
# search view that reads it (migration 0003).
def upgrade() -> None:
    op.add_column(
        "agency_head", sa.Column("honorific", _HONORIFIC, nullable=False, server_default="none")
    )
    op.add_column(
        "inspection",
        sa.Column("inspector_honorific", _HONORIFIC, nullable=False, server_default="none"),
    )
    op.add_column("complaint", sa.Column("summary", sa.Text(), nullable=True))
    op.add_column("document", sa.Column("forwardable", sa.Boolean(), nullable=True))


def downgrade() -> None:
    op.drop_column("document", "forwardable")
    op.drop_column("complaint", "summary")
    op.drop_column("inspection", "inspector_honorific")
    op.drop_column("agency_head", "honorific")
