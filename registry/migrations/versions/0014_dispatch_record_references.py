"""how each letter left and what it cites (issue 16): the dispatch record (دفتر ارسال)
and the letters' references (پیرو / عطف)

``letter_dispatch`` holds one row a sent letter: the method (by hand, courier, post,
e-mail, the inter-agency exchange), the day it left, a tracking number where the method
has one, and the day its recipient received it, and who signed for it.
``letter_reference`` holds what a letter cites: a letter of ours it follows (پیرو) or a
paper received that it answers (عطف), frozen into the letter's facts at numbering.
Letters numbered before this revision cite nothing here: their facts, and so their
printed box, stay as they were.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "letter_dispatch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=False),
        sa.Column("tracking", sa.String(length=100), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("received_by", sa.String(length=200), nullable=True),
        sa.Column("receipt_recorded_by", sa.String(length=100), nullable=True),
        sa.Column("receipt_recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["letter_id"], ["letter.id"], name="fk_letter_dispatch_letter_id_letter"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_letter_dispatch"),
        sa.UniqueConstraint("letter_id", name="uq_letter_dispatch_letter_id"),
    )
    op.create_table(
        "letter_reference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("cites_letter_id", sa.Integer(), nullable=True),
        sa.Column("cites_incoming_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(cites_letter_id IS NULL) <> (cites_incoming_id IS NULL)",
            name=op.f("ck_letter_reference_one_cited"),
        ),
        sa.ForeignKeyConstraint(
            ["letter_id"], ["letter.id"], name="fk_letter_reference_letter_id_letter"
        ),
        sa.ForeignKeyConstraint(
            ["cites_letter_id"], ["letter.id"], name="fk_letter_reference_cites_letter_id_letter"
        ),
        sa.ForeignKeyConstraint(
            ["cites_incoming_id"],
            ["incoming_letter.id"],
            name="fk_letter_reference_cites_incoming_id_incoming_letter",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_letter_reference"),
    )
    op.create_index("ix_letter_reference_letter_id", "letter_reference", ["letter_id"])
    op.create_index("ix_letter_reference_cites_letter_id", "letter_reference", ["cites_letter_id"])
    op.create_index(
        "ix_letter_reference_cites_incoming_id", "letter_reference", ["cites_incoming_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_letter_reference_cites_incoming_id", table_name="letter_reference")
    op.drop_index("ix_letter_reference_cites_letter_id", table_name="letter_reference")
    op.drop_index("ix_letter_reference_letter_id", table_name="letter_reference")
    op.drop_table("letter_reference")
    op.drop_table("letter_dispatch")
