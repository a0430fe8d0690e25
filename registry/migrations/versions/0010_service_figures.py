"""the service's figures (issue 14): when each case was served, and the indexes /stats reads

``complaint.served_at`` is the first moment a case was answered or, never answered, closed
(set by registry/states.py from then on; filled here from the events for older cases). The
figures of a period select the cases served in it by this column's index instead of
searching the whole event history; the reply-latency figures select referrals by the time
of their first reply; the visits in person read a case's attach and close events from a
small partial index instead of all its events.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REFERRAL = sa.text("kind = 'referral' AND state <> 'void'")
_VISIT = sa.text("action = 'documents_attached' OR (action = 'state_changed' AND after = 'closed')")


# Plain ADD/DROP COLUMN (SQLite has both): a batch copy of ``complaint`` would break the
# search view that reads it (migration 0003).
def upgrade() -> None:
    op.add_column("complaint", sa.Column("served_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_complaint_served_at", "complaint", ["served_at"], unique=False)
    op.create_index(
        "ix_letter_referral_replied_at",
        "letter",
        ["replied_at"],
        unique=False,
        # PostgreSQL reads a year's replies from the index alone (bench/bench_stats.py).
        postgresql_include=["agency_id", "sent_at"],
        postgresql_where=_REFERRAL,
        sqlite_where=_REFERRAL,
    )
    op.create_index(
        "ix_event_visit",
        "event",
        ["complaint_id"],
        unique=False,
        postgresql_where=_VISIT,
        sqlite_where=_VISIT,
    )
    # The first answer; a case never answered is served when it was first closed (a
    # rejection closed). Events' times are stored as UTC on both engines, like the column.
    op.execute(
        """
        UPDATE complaint SET served_at = COALESCE(
            (SELECT MIN(event.at) FROM event WHERE event.complaint_id = complaint.id
                AND event.action = 'state_changed' AND event.after = 'answered'),
            (SELECT MIN(event.at) FROM event WHERE event.complaint_id = complaint.id
                AND event.action = 'state_changed' AND event.after = 'closed'))
        """
    )


def downgrade() -> None:
    op.drop_index("ix_event_visit", table_name="event")
    op.drop_index("ix_letter_referral_replied_at", table_name="letter")
    op.drop_index("ix_complaint_served_at", table_name="complaint")
    op.drop_column("complaint", "served_at")
