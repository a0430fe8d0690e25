"""drafts of every kind the issue names (issue 16): what the use case was asked

A referral's draft is rebuilt from its case when it is numbered; a rejection, an inspection
report, a final answer or a chaser is numbered from what staff asked when the path drafted
it (the rejection's reason, the answer's decision, the report's conclusion, the referral a
chaser follows and its step).  ``letter_draft.params`` keeps that, as JSON; referral
drafts keep none.

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-06 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("letter_draft") as table:
        table.add_column(sa.Column("params", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("letter_draft") as table:
        table.drop_column("params")
