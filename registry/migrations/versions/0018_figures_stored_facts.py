"""the service's figures without a search per case (issue 14): visits counted as recorded,
the complainant named on the complaint

``complaint.in_person_events`` counts a case's events done in person after its
registration (documents brought, the answer collected; docs/stats.md): registry/events.py
adds one as each is recorded, and this migration counts the events already recorded, with
the rule of ``registry.events.is_visit_in_person``. The figures of a year read that column
instead of searching the events of 33,000 cases, so the partial index they searched with
(``ix_event_visit``, migration 0010) goes. ``complaint.complainant_key`` names the person
who filed it (``registry.complaints.complainant_key``), so that counting the distinct
complainants served needs no join to ``complainant``. ``ix_complaint_served_at`` carries on
PostgreSQL what the figures read of a served case, and the referrals due in a period are
read from an index of their own with the agency and the first reply (bench/bench_stats.py).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REFERRAL = sa.text("kind = 'referral' AND state <> 'void'")
_VISIT = sa.text("action = 'documents_attached' OR (action = 'state_changed' AND after = 'closed')")
_SERVED_INCLUDE = ["registered_at", "channel", "complainant_key", "in_person_events"]


def _channel() -> str:
    # The channel an event's JSON data names (NULL without one).
    if op.get_bind().dialect.name == "postgresql":
        return "(event.data ->> 'channel')"
    return "json_extract(event.data, '$.channel')"


# Plain ADD/DROP COLUMN (SQLite has both): a batch copy of ``complaint`` would break the
# search view that reads it (migration 0003).
def upgrade() -> None:
    op.add_column(
        "complaint",
        sa.Column("in_person_events", sa.Integer(), nullable=False, server_default="0"),
    )
    channel = _channel()
    op.execute(
        f"""
        UPDATE complaint SET in_person_events = (
            SELECT count(*) FROM event WHERE event.complaint_id = complaint.id AND (
                (event.action = 'documents_attached'
                    AND COALESCE({channel}, 'in-person') = 'in-person')
                OR (event.action = 'state_changed' AND event.after = 'closed'
                    AND {channel} = 'in-person')))
        WHERE complaint.id IN (
            SELECT event.complaint_id FROM event WHERE event.action = 'documents_attached'
                OR (event.action = 'state_changed' AND event.after = 'closed'))
        """
    )
    # registry.complaints.complainant_key, for the complaints made before it was kept.
    op.add_column(
        "complaint",
        sa.Column("complainant_key", sa.String(40), nullable=False, server_default=""),
    )
    op.execute(
        """
        UPDATE complaint SET complainant_key = (
            SELECT complainant.kind || ':'
                   || COALESCE(complainant.national_id, complainant.foreign_id, '')
            FROM complainant WHERE complainant.id = complaint.complainant_id)
        """
    )
    op.drop_index("ix_event_visit", table_name="event")
    op.drop_index("ix_complaint_served_at", table_name="complaint")
    op.create_index(
        "ix_complaint_served_at",
        "complaint",
        ["served_at"],
        unique=False,
        postgresql_include=_SERVED_INCLUDE,
    )
    op.create_index(
        "ix_letter_referral_due_date",
        "letter",
        ["due_date"],
        unique=False,
        postgresql_include=["agency_id", "replied_at"],
        postgresql_where=_REFERRAL,
        sqlite_where=_REFERRAL,
    )


def downgrade() -> None:
    op.drop_index("ix_letter_referral_due_date", table_name="letter")
    op.drop_index("ix_complaint_served_at", table_name="complaint")
    op.create_index("ix_complaint_served_at", "complaint", ["served_at"], unique=False)
    op.create_index(
        "ix_event_visit",
        "event",
        ["complaint_id"],
        unique=False,
        postgresql_where=_VISIT,
        sqlite_where=_VISIT,
    )
    op.drop_column("complaint", "complainant_key")
    op.drop_column("complaint", "in_person_events")
