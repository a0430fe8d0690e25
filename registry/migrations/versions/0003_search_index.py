"""search index: SQLite FTS5 over the normalized case text, PostgreSQL tsvector GIN indexes

What a word search compares is one document per complaint: the complainant's name, the
names of the agencies concerned, the subject and the body, all in the normalized form
(``*_norm`` columns, registry/text.py).  None of it is in the ORM metadata: the objects
live here, and registry/search.py names them (``SEARCH_INDEX_OBJECTS``) so that
autogenerate leaves them alone.

SQLite: an external-content FTS5 table over a view, kept in step by triggers on every
table the view reads.  FTS5 forgets a document only when told the exact values it
indexed, so each change deletes the document *before* the row changes (the view still
shows the old values) and indexes it again *after*.

PostgreSQL: expression GIN indexes on ``to_tsvector('simple', …)`` with ASCII punctuation
turned into spaces first, so that the parser sees words only (no hosts, paths or
decimals) and splits them where the query side (registry/search.py) does.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 09:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Kept equal to registry.search.PG_PUNCTUATION / _pg_tsvector (a test compares them).
PG_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"


def _pg_tsvector(column: str) -> str:
    spaces = " " * len(PG_PUNCTUATION)
    quoted = PG_PUNCTUATION.replace("'", "''")
    return f"to_tsvector('simple'::regconfig, translate({column}, '{quoted}', '{spaces}'))"


PG_INDEXES = {
    "ix_complaint_subject_norm_tsv": ("complaint", "subject_norm"),
    "ix_complaint_text_norm_tsv": ("complaint", "text_norm"),
    "ix_complainant_name_norm_tsv": ("complainant", "name_norm"),
}

SQLITE_VIEW = """
CREATE VIEW complaint_search_doc AS
SELECT c.id AS id,
       p.name_norm AS name,
       coalesce((SELECT group_concat(name_norm, ' ') FROM (
           SELECT a.name_norm AS name_norm FROM complaint_agency AS ca
           JOIN agency AS a ON a.id = ca.agency_id
           WHERE ca.complaint_id = c.id ORDER BY ca.position)), '') AS agencies,
       c.subject_norm AS subject,
       c.text_norm AS body
FROM complaint AS c JOIN complainant AS p ON p.id = c.complainant_id
"""

# unicode61 without diacritic removal: the text is already normalized, and the default
# (remove_diacritics 1) would fold Latin only.  Prefix indexes make «word*» cheap.
SQLITE_FTS = """
CREATE VIRTUAL TABLE complaint_fts USING fts5(
    name, agencies, subject, body,
    content='complaint_search_doc', content_rowid='id',
    tokenize='unicode61 remove_diacritics 0', prefix='2 3'
)
"""

_COLUMNS = "name, agencies, subject, body"


def _forget(where: str) -> str:
    return (
        f"INSERT INTO complaint_fts(complaint_fts, rowid, {_COLUMNS}) "
        f"SELECT 'delete', id, {_COLUMNS} FROM complaint_search_doc WHERE {where};"
    )


def _index(where: str) -> str:
    return (
        f"INSERT INTO complaint_fts(rowid, {_COLUMNS}) "
        f"SELECT id, {_COLUMNS} FROM complaint_search_doc WHERE {where};"
    )


_OF_AGENCY = "id IN (SELECT complaint_id FROM complaint_agency WHERE agency_id = {row}.id)"
_OF_COMPLAINANT = "id IN (SELECT id FROM complaint WHERE complainant_id = {row}.id)"

# (name, timing and event, statements): every way the view's rows can change.
SQLITE_TRIGGERS: list[tuple[str, str, str]] = [
    ("complaint_search_ai", "AFTER INSERT ON complaint", _index("id = new.id")),
    (
        "complaint_search_bu",
        "BEFORE UPDATE OF complainant_id, subject_norm, text_norm ON complaint",
        _forget("id = old.id"),
    ),
    (
        "complaint_search_au",
        "AFTER UPDATE OF complainant_id, subject_norm, text_norm ON complaint",
        _index("id = new.id"),
    ),
    ("complaint_search_bd", "BEFORE DELETE ON complaint", _forget("id = old.id")),
    ("complaint_agency_search_bi", "BEFORE INSERT ON complaint_agency",
     _forget("id = new.complaint_id")),
    ("complaint_agency_search_ai", "AFTER INSERT ON complaint_agency",
     _index("id = new.complaint_id")),
    ("complaint_agency_search_bu", "BEFORE UPDATE ON complaint_agency",
     _forget("id IN (old.complaint_id, new.complaint_id)")),
    ("complaint_agency_search_au", "AFTER UPDATE ON complaint_agency",
     _index("id IN (old.complaint_id, new.complaint_id)")),
    ("complaint_agency_search_bd", "BEFORE DELETE ON complaint_agency",
     _forget("id = old.complaint_id")),
    ("complaint_agency_search_ad", "AFTER DELETE ON complaint_agency",
     _index("id = old.complaint_id")),
    ("complainant_search_bu", "BEFORE UPDATE OF name_norm ON complainant",
     _forget(_OF_COMPLAINANT.format(row="old"))),
    ("complainant_search_au", "AFTER UPDATE OF name_norm ON complainant",
     _index(_OF_COMPLAINANT.format(row="new"))),
    ("agency_search_bu", "BEFORE UPDATE OF name_norm ON agency",
     _forget(_OF_AGENCY.format(row="old"))),
    ("agency_search_au", "AFTER UPDATE OF name_norm ON agency",
     _index(_OF_AGENCY.format(row="new"))),
]  # fmt: skip


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, (table, column) in PG_INDEXES.items():
            op.execute(f"CREATE INDEX {name} ON {table} USING gin ({_pg_tsvector(column)})")
        return
    op.execute(SQLITE_VIEW)
    op.execute(SQLITE_FTS)
    for name, when, body in SQLITE_TRIGGERS:
        op.execute(f"CREATE TRIGGER {name} {when} BEGIN {body} END")
    # Cases registered before this revision.
    op.execute("INSERT INTO complaint_fts(complaint_fts) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in PG_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
        return
    for name, _when, _body in SQLITE_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS complaint_fts")
    op.execute("DROP VIEW IF EXISTS complaint_search_doc")
