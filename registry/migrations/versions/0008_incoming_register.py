"""the incoming register (issue 16): papers the office receives, numbered in their own
series per Jalali year, and each agency's reply's place in it

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REPLY_FK = "fk_reply_incoming_id_incoming_letter"


# Replies recorded before this revision keep no incoming number (incoming_id NULL): the
# office's paper register of the time holds them, and the numbers of a past year cannot be
# handed out again after the fact.
def upgrade() -> None:
    op.create_table(
        "incoming_letter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sender", sa.String(length=300), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("their_number", sa.String(length=60), nullable=False),
        sa.Column("their_date", sa.Date(), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("enclosures", sa.Integer(), nullable=True),
        sa.Column("cites_letter_id", sa.Integer(), nullable=True),
        sa.Column("complaint_id", sa.Integer(), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("scan_sha256", sa.String(length=64), nullable=False),
        sa.Column("scan_name", sa.String(length=255), nullable=False),
        sa.Column("scan_media_type", sa.String(length=100), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("attached_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attached_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name="fk_incoming_letter_agency_id_agency"
        ),
        sa.ForeignKeyConstraint(
            ["cites_letter_id"], ["letter.id"], name="fk_incoming_letter_cites_letter_id_letter"
        ),
        sa.ForeignKeyConstraint(
            ["complaint_id"], ["complaint.id"], name="fk_incoming_letter_complaint_id_complaint"
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["document.id"], name="fk_incoming_letter_document_id_document"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_incoming_letter"),
        sa.UniqueConstraint("number", name="uq_incoming_letter_number"),
        sa.UniqueConstraint("series", "year", "seq", name="uq_incoming_letter_series_year_seq"),
    )
    op.create_index("ix_incoming_letter_date", "incoming_letter", ["date"])
    op.create_index("ix_incoming_letter_complaint_id", "incoming_letter", ["complaint_id"])
    # A plain ADD COLUMN with its reference (SQLite has it, Alembic does not write it): a
    # batch copy of ``reply`` would have to rebuild its partial unique index (0005).
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE reply ADD COLUMN incoming_id INTEGER CONSTRAINT "
            f"{_REPLY_FK} REFERENCES incoming_letter (id)"
        )
    else:
        op.add_column("reply", sa.Column("incoming_id", sa.Integer(), nullable=True))
        op.create_foreign_key(_REPLY_FK, "reply", "incoming_letter", ["incoming_id"], ["id"])
    op.create_index("ix_reply_incoming_id", "reply", ["incoming_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_reply_incoming_id", table_name="reply")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(_REPLY_FK, "reply", type_="foreignkey")
    op.drop_column("reply", "incoming_id")
    op.drop_index("ix_incoming_letter_complaint_id", table_name="incoming_letter")
    op.drop_index("ix_incoming_letter_date", table_name="incoming_letter")
    op.drop_table("incoming_letter")
