"""priority and classification (issue 16): a case's priority and classification, chosen
at review, and each user's clearance

Existing cases are «عادی» in both, and existing users are cleared for «عادی» only: nothing
that was visible before becomes hidden, and an administrator raises clearances with
``residegi user clear``.

The work queue's state index (migration 0012) gains the classification as its last
column: a user cleared for less than everything reads the count per state and a shelf's
newest cases with a classification condition, which the index then answers alone, as it
did before for everyone.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PRIORITY = sa.Enum(
    "normal", "urgent", "very_urgent", "immediate", name="priority", native_enum=False, length=32
)
_LEVELS = (
    "normal",
    "confidential",
    "highly_confidential",
    "secret",
    "top_secret",
)


def _classification() -> sa.Enum:
    return sa.Enum(*_LEVELS, name="classification", native_enum=False, length=32)


_STATE_INDEX = "ix_complaint_state_registered_at"
_STATE_COLUMNS = ["state", "registered_at", "id"]


# Plain ADD/DROP COLUMN (SQLite has both): a batch copy of ``complaint`` would break the
# search view that reads it (migration 0003).
def upgrade() -> None:
    op.add_column(
        "complaint", sa.Column("priority", _PRIORITY, nullable=False, server_default="normal")
    )
    op.add_column(
        "complaint",
        sa.Column("classification", _classification(), nullable=False, server_default="normal"),
    )
    op.add_column(
        "staff_user",
        sa.Column("clearance", _classification(), nullable=False, server_default="normal"),
    )
    op.drop_index(_STATE_INDEX, table_name="complaint")
    op.create_index(_STATE_INDEX, "complaint", [*_STATE_COLUMNS, "classification"])


def downgrade() -> None:
    op.drop_index(_STATE_INDEX, table_name="complaint")
    op.create_index(_STATE_INDEX, "complaint", _STATE_COLUMNS)
    op.drop_column("staff_user", "clearance")
    op.drop_column("complaint", "classification")
    op.drop_column("complaint", "priority")
