"""inspections: who inspects which agency when, and the letters of it

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 11:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inspection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("inspector", sa.String(length=200), nullable=False),
        sa.Column("inspection_date", sa.Date(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=True),
        sa.Column("assignment_letter_id", sa.Integer(), nullable=True),
        sa.Column("report_letter_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_inspection_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["assignment_letter_id"],
            ["letter.id"],
            name=op.f("fk_inspection_assignment_letter_id_letter"),
        ),
        sa.ForeignKeyConstraint(
            ["complaint_id"], ["complaint.id"], name=op.f("fk_inspection_complaint_id_complaint")
        ),
        sa.ForeignKeyConstraint(
            ["report_letter_id"], ["letter.id"], name=op.f("fk_inspection_report_letter_id_letter")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection")),
    )
    with op.batch_alter_table("inspection", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inspection_complaint_id"), ["complaint_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("inspection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_complaint_id"))
    op.drop_table("inspection")
