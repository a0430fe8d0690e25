"""letter approval (issue 16): drafts waiting for their approval (پاراف) and signature
before the number, and the deputies the head names to sign «از طرف» the head

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 18:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
# 0008 on main once merged; 0007 until then (0008 is another branch's).
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KIND = sa.Enum(
    "referral",
    "reminder",
    "escalation",
    "missing_documents",
    "rejection",
    "inspection_assignment",
    "inspection_report",
    "final_answer",
    "receipt",
    name="letterkind",
    native_enum=False,
    length=32,
)
_STATE = sa.Enum(
    "draft",
    "approved",
    "signed",
    "numbered",
    "rejected",
    name="draftstate",
    native_enum=False,
    length=32,
)
_AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "letter_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", _KIND, nullable=False),
        sa.Column("state", _STATE, nullable=False),
        sa.Column("batch", sa.String(length=16), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("recipient", sa.String(length=300), nullable=False),
        sa.Column("created_at", _AT, nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("approved_at", _AT, nullable=True),
        sa.Column("approved_by", sa.String(length=100), nullable=True),
        sa.Column("signed_at", _AT, nullable=True),
        sa.Column("signed_by", sa.String(length=100), nullable=True),
        sa.Column("deputy_name", sa.String(length=200), nullable=True),
        sa.Column("deputy_title", sa.String(length=200), nullable=True),
        sa.Column("rejected_at", _AT, nullable=True),
        sa.Column("rejected_by", sa.String(length=100), nullable=True),
        sa.Column("reject_reason", sa.Text(), nullable=True),
        sa.Column("letter_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_letter_draft_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["complaint_id"], ["complaint.id"], name=op.f("fk_letter_draft_complaint_id_complaint")
        ),
        sa.ForeignKeyConstraint(
            ["letter_id"], ["letter.id"], name=op.f("fk_letter_draft_letter_id_letter")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_draft")),
        sa.UniqueConstraint("letter_id", name=op.f("uq_letter_draft_letter_id")),
    )
    op.create_index(op.f("ix_letter_draft_batch"), "letter_draft", ["batch"], unique=False)
    op.create_index(
        op.f("ix_letter_draft_complaint_id"), "letter_draft", ["complaint_id"], unique=False
    )
    op.create_index(op.f("ix_letter_draft_state"), "letter_draft", ["state"], unique=False)
    # Plain ADD/DROP COLUMN (SQLite has both), as migration 0007 does.
    op.add_column("staff_user", sa.Column("deputy_title", sa.String(length=200), nullable=True))
    op.add_column("staff_user", sa.Column("deputy_named_by", sa.String(length=100), nullable=True))
    op.add_column("staff_user", sa.Column("deputy_named_at", _AT, nullable=True))


def downgrade() -> None:
    op.drop_column("staff_user", "deputy_named_at")
    op.drop_column("staff_user", "deputy_named_by")
    op.drop_column("staff_user", "deputy_title")
    op.drop_index(op.f("ix_letter_draft_state"), table_name="letter_draft")
    op.drop_index(op.f("ix_letter_draft_complaint_id"), table_name="letter_draft")
    op.drop_index(op.f("ix_letter_draft_batch"), table_name="letter_draft")
    op.drop_table("letter_draft")
