"""the complaint's full text, which the office makes at acceptance, is no visit in person

Accepting with a summary files the complaint's full text on the case.  It was filed as
documents attached at the desk, so each such acceptance counted one visit in person in
``complaint.in_person_events`` (migration 0018) and in the service's figures.  It is now
recorded as ``document_made`` (``registry.complaints.file_made_document``).  This migration
takes the visits that the events already recorded counted (an attach of the complaint's
text alone, which only the acceptance made) back off their cases; the events themselves
stay as they were recorded, the audit trail being append-only.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 01:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# An attach of the complaint's text alone, as the acceptance recorded it, that migration
# 0018 counted as a visit (a channel of in-person, or none: at the desk).
def _counted_text() -> str:
    if op.get_bind().dialect.name == "postgresql":
        return (
            "event.action = 'documents_attached'"
            " AND json_array_length(event.data -> 'documents') = 1"
            " AND event.data -> 'documents' -> 0 ->> 'kind' = 'complaint_text'"
            " AND COALESCE(event.data ->> 'channel', 'in-person') = 'in-person'"
        )
    return (
        "event.action = 'documents_attached'"
        " AND json_array_length(json_extract(event.data, '$.documents')) = 1"
        " AND json_extract(event.data, '$.documents[0].kind') = 'complaint_text'"
        " AND COALESCE(json_extract(event.data, '$.channel'), 'in-person') = 'in-person'"
    )


def _count(sign: str) -> None:
    counted = _counted_text()
    op.execute(
        f"""
        UPDATE complaint SET in_person_events = in_person_events {sign} (
            SELECT count(*) FROM event WHERE event.complaint_id = complaint.id AND {counted})
        WHERE complaint.id IN (SELECT event.complaint_id FROM event WHERE {counted})
        """
    )


def upgrade() -> None:
    _count("-")


def downgrade() -> None:
    _count("+")
