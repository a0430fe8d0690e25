"""Migration 0014 (the dispatch book and the letters' references) on a registry that has
letters already: they stay as they were, citing nothing; the new tables keep their rules
(one dispatch row a letter, a reference cites exactly one paper); and it comes down."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from registry import migrate
from registry.db import make_engine

_LETTER = text(
    "INSERT INTO letter (series, year, seq, number, kind, state, recipient, issued_at, date, "
    "guid, verification_code, facts, created_by) VALUES ('ص', 1405, :seq, :number, "
    "'referral', 'sent', 'شهرداری قزوین', '2026-11-25 07:00:00+00:00', '2026-11-25', :guid, "
    "'ABCDEFGH', '{\"kind\": \"referral\"}', 'test')"
)


def test_letters_before_0014_stay_and_the_new_tables_keep_their_rules(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate.upgrade(engine, "0012")
    with engine.begin() as connection:
        for seq in (1, 2):
            connection.execute(
                _LETTER,
                {
                    "seq": seq,
                    "number": f"1405/ص/{seq}",
                    "guid": f"00000000-0000-4000-8000-00000000000{seq}",
                },
            )
    migrate.upgrade(engine, "0014")
    tables = set(inspect(engine).get_table_names())
    assert {"letter_dispatch", "letter_reference"} <= tables
    with engine.begin() as connection:
        assert connection.execute(text("SELECT facts FROM letter WHERE seq = 1")).scalar() in (
            '{"kind": "referral"}',
            {"kind": "referral"},
        )
        assert connection.execute(text("SELECT count(*) FROM letter_reference")).scalar() == 0
        connection.execute(
            text(
                "INSERT INTO letter_reference (letter_id, kind, cites_letter_id, position) "
                "SELECT b.id, 'follows', a.id, 1 FROM letter a, letter b "
                "WHERE a.seq = 1 AND b.seq = 2"
            )
        )
        connection.execute(
            text(
                "INSERT INTO letter_dispatch (letter_id, method, left_on, recorded_by, "
                "recorded_at) SELECT id, 'post', '2026-11-26', 't', '2026-11-26 07:00:00+00:00' "
                "FROM letter WHERE seq = 1"
            )
        )
    for statement in (
        # A reference that cites nothing, and one a second dispatch row of the same letter.
        "INSERT INTO letter_reference (letter_id, kind, position) "
        "SELECT id, 'follows', 1 FROM letter WHERE seq = 2",
        "INSERT INTO letter_dispatch (letter_id, method, left_on, recorded_by, recorded_at) "
        "SELECT id, 'hand', '2026-11-27', 't', '2026-11-27 07:00:00+00:00' FROM letter "
        "WHERE seq = 1",
    ):
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(text(statement))
    migrate.downgrade(engine, "0012")
    tables = set(inspect(engine).get_table_names())
    assert not {"letter_dispatch", "letter_reference"} & tables
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM letter")).scalar() == 2
    engine.dispose()
