"""the desk's speed (issue 13): a case's search heading in one indexed column on PostgreSQL,
and the state index extended to the order the work queue reads

A word search looks first in the complainant's name, the agencies' names and the subject
(registry/search.py).  On PostgreSQL each word was a union of three GIN-indexed sets,
intersected across the words: 30-80 ms for a common name over 100,000 cases.  Here the
three live in one normalized column, ``complaint.heading_norm``, with one GIN index that
answers all the words of a search at once.  Like migration 0003's objects, the column is
outside the ORM metadata and kept in step by triggers on every table it reads (so it
follows a renamed agency as the SQLite index does); SQLite keeps its FTS5 index and has no
such column.  The separate name and subject indexes of 0003 are then unused and go.

``ix_complaint_state`` becomes ``(state, registered_at, id)`` on both engines: a shelf of
the work queue (a state's newest cases) is a walk of 20 index entries, and the count per
state is read from the index alone.

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-06 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Kept equal to registry.search.PG_PUNCTUATION / _pg_tsvector (a test compares them).
PG_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
PG_HEADING_INDEX = "ix_complaint_heading_norm_tsv"
# Migration 0003's indexes that the heading's index replaces.
PG_REPLACED = {
    "ix_complaint_subject_norm_tsv": ("complaint", "subject_norm"),
    "ix_complainant_name_norm_tsv": ("complainant", "name_norm"),
}


def _pg_tsvector(column: str) -> str:
    spaces = " " * len(PG_PUNCTUATION)
    quoted = PG_PUNCTUATION.replace("'", "''")
    return f"to_tsvector('simple'::regconfig, translate({column}, '{quoted}', '{spaces}'))"


# The heading of the complaints ``ids`` names: name, agencies in their order, subject.
_HEADING = """
UPDATE complaint AS c SET heading_norm = concat_ws(' ', p.name_norm,
    (SELECT string_agg(a.name_norm, ' ' ORDER BY ca.position) FROM complaint_agency AS ca
     JOIN agency AS a ON a.id = ca.agency_id WHERE ca.complaint_id = c.id),
    c.subject_norm)
FROM complainant AS p WHERE p.id = c.complainant_id AND c.id IN ({ids})
"""

# (function, trigger timing and table, the complaints to refresh).  The complaint's own
# trigger fires on the columns the heading reads, never on heading_norm itself, so the
# refresh does not fire it again.
PG_TRIGGERS: list[tuple[str, str, str]] = [
    ("complaint_heading_of_complaint",
     "AFTER INSERT OR UPDATE OF complainant_id, subject_norm ON complaint", "NEW.id"),
    ("complaint_heading_of_agency_link_new",
     "AFTER INSERT OR UPDATE ON complaint_agency", "NEW.complaint_id"),
    ("complaint_heading_of_agency_link_old",
     "AFTER UPDATE OR DELETE ON complaint_agency", "OLD.complaint_id"),
    ("complaint_heading_of_complainant", "AFTER UPDATE OF name_norm ON complainant",
     "SELECT id FROM complaint WHERE complainant_id = NEW.id"),
    ("complaint_heading_of_agency", "AFTER UPDATE OF name_norm ON agency",
     "SELECT complaint_id FROM complaint_agency WHERE agency_id = NEW.id"),
]  # fmt: skip


def upgrade() -> None:
    op.drop_index("ix_complaint_state", table_name="complaint")
    op.create_index(
        "ix_complaint_state_registered_at", "complaint", ["state", "registered_at", "id"]
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    op.add_column(
        "complaint", sa.Column("heading_norm", sa.Text(), nullable=False, server_default="")
    )
    for function, when, ids in PG_TRIGGERS:
        refresh = _HEADING.format(ids=ids)
        op.execute(
            f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {refresh}; RETURN NULL; END $$"
        )
        op.execute(f"CREATE TRIGGER {function} {when} FOR EACH ROW EXECUTE FUNCTION {function}()")
    # Cases registered before this revision.
    op.execute(_HEADING.format(ids="SELECT id FROM complaint"))
    op.execute(
        f"CREATE INDEX {PG_HEADING_INDEX} ON complaint USING gin ({_pg_tsvector('heading_norm')})"
    )
    for name in PG_REPLACED:
        op.execute(f"DROP INDEX {name}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, (table, column) in PG_REPLACED.items():
            op.execute(f"CREATE INDEX {name} ON {table} USING gin ({_pg_tsvector(column)})")
        for function, when, _ in PG_TRIGGERS:
            table = when.rsplit(" ON ", 1)[1]
            op.execute(f"DROP TRIGGER {function} ON {table}")
            op.execute(f"DROP FUNCTION {function}()")
        op.execute(f"DROP INDEX {PG_HEADING_INDEX}")
        op.drop_column("complaint", "heading_norm")
    op.drop_index("ix_complaint_state_registered_at", table_name="complaint")
    op.create_index("ix_complaint_state", "complaint", ["state"])
