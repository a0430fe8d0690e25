"""the complaint list filtered by agency (issue 13): the links of an agency are read from
one index, with their complaints, instead of the agency's index and then the table

The list's count of "the cases in this state about this agency" joins the state index to
an agency's links.  With ``ix_complaint_agency_agency_id`` (agency_id) alone, PostgreSQL
read the links from the table (a bitmap heap scan, hundreds of pages for a busy agency);
``(agency_id, complaint_id)`` gives it their complaint ids from the index alone.  It
replaces the one-column index, whose lookups it answers too.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 22:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_complaint_agency_agency_complaint", "complaint_agency", ["agency_id", "complaint_id"]
    )
    op.drop_index("ix_complaint_agency_agency_id", table_name="complaint_agency")


def downgrade() -> None:
    op.create_index("ix_complaint_agency_agency_id", "complaint_agency", ["agency_id"])
    op.drop_index("ix_complaint_agency_agency_complaint", table_name="complaint_agency")
