"""One current reply per referral, kept by the database (issue 17, migration 0005).

The lock in ``record_reply`` queues replies to one referral; the partial unique index is
what holds when something gets past it: a second current reply is refused as
``reply_exists``, never an IntegrityError.  A registry that already holds two current
replies for one referral keeps the newest when upgraded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

from registry import holidays, migrate, replies
from registry.db import make_engine, session_factory, transaction
from registry.errors import Refused
from registry.kinds import DocumentKind
from registry.models import Letter, Reply
from tests.factories import new_document
from tests.replies_support import THU_FRI, J, at_noon, put_holidays, sent

TODAY = J("1405/02/10")


def _record(session: Session, letter: Letter, n: int, on: str = "1405/02/05") -> Reply:
    return replies.record_reply(
        session,
        letter,
        their_number=f"۸۸/{n}",
        their_date=J(on),
        document=new_document(DocumentKind.AGENCY_REPLY, n),
        at=at_noon(on),
        actor="دبیرخانه",
        today=TODAY,
    )


def _sent(session: Session) -> Letter:
    return sent(session, holidays.working_calendar(session, THU_FRI), on="1405/02/01")


def _blind_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The next look for a current reply finds none (as a racing process would have)."""
    real = replies.current_reply
    calls = iter([lambda session, referral: None])

    def looking(session: Session, referral: Letter) -> Reply | None:
        find: Callable[[Session, Letter], Reply | None] = next(calls, real)
        return find(session, referral)

    monkeypatch.setattr(replies, "current_reply", looking)


def test_a_second_current_reply_past_the_check_is_refused_not_an_integrity_error(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    with transaction(sessions) as session:
        put_holidays(session)
        letter = _sent(session)
        _record(session, letter, 1)
        letter_id = letter.id
    _blind_once(monkeypatch)
    with pytest.raises(Refused) as refused, transaction(sessions) as session:
        _record(session, session.get_one(Letter, letter_id), 2, on="1405/02/06")
    assert refused.value.code == "reply_exists"
    assert refused.value.params["their_number"] == "۸۸/1"
    with sessions() as session:
        assert session.scalars(select(Reply.their_number)).all() == ["۸۸/1"]


def test_the_index_allows_one_current_reply_and_any_superseded_ones(
    sessions: sessionmaker[Session],
) -> None:
    with transaction(sessions) as session:
        put_holidays(session)
        letter = _sent(session)
        _record(session, letter, 1)
        for n in (2, 3):
            replies.record_reply(
                session,
                letter,
                their_number=f"۸۸/{n}",
                their_date=J("1405/02/06"),
                document=new_document(DocumentKind.AGENCY_REPLY, n),
                at=at_noon("1405/02/06"),
                actor="دبیرخانه",
                today=TODAY,
                supersede=True,
            )
    with sessions() as session:
        rows = session.execute(select(Reply.id, Reply.superseded_by_id).order_by(Reply.id)).all()
    assert [tuple(row) for row in rows] == [(1, 2), (2, 3), (3, None)]


def test_the_index_is_partial_on_both_databases(engine: Engine) -> None:
    index = next(
        index
        for index in inspect(engine).get_indexes("reply")
        if index["name"] == "uq_reply_current_letter_id"
    )
    assert index["unique"]
    assert index["column_names"] == ["letter_id"]
    options = index.get("dialect_options", {})
    where = options.get("postgresql_where") or options.get("sqlite_where")
    assert "superseded_by_id IS NULL" in str(where)


@pytest.fixture
def at_head_without_the_constraint(db_url: str) -> Iterator[str]:
    """A registry at HEAD whose one-current-reply index is a plain one, as if 0005 had
    never made it unique: the rows a registry before 0005 could hold are written with
    today's models, then the schema is taken down to 0004 with them."""
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP INDEX uq_reply_current_letter_id"))
        connection.execute(
            text(
                "CREATE INDEX uq_reply_current_letter_id ON reply (letter_id)"
                " WHERE superseded_by_id IS NULL"
            )
        )
    engine.dispose()
    yield db_url


def test_upgrading_a_registry_with_two_current_replies_keeps_the_newest(
    at_head_without_the_constraint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(at_head_without_the_constraint)
    sessions = session_factory(engine)
    # Before 0005 nothing stopped it: three current replies to one referral (recorded on
    # three days, not in id order), one reply to another.
    monkeypatch.setattr(replies, "current_reply", lambda session, referral: None)
    with transaction(sessions) as session:
        put_holidays(session)
        twice, once = _sent(session), _sent(session)
        _record(session, twice, 1, on="1405/02/05")
        _record(session, twice, 2, on="1405/02/08")
        _record(session, twice, 3, on="1405/02/06")
        _record(session, once, 4)
        twice_id, once_id = twice.id, once.id
    monkeypatch.undo()
    migrate.downgrade(engine, "0004")

    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.HEAD
    with sessions() as session:
        rows = session.execute(
            select(Reply.letter_id, Reply.their_number, Reply.superseded_by_id).order_by(Reply.id)
        ).all()
        newest = session.scalars(select(Reply.id).where(Reply.their_number == "۸۸/2")).one()
    assert [tuple(row) for row in rows] == [
        (twice_id, "۸۸/1", newest),
        (twice_id, "۸۸/2", None),
        (twice_id, "۸۸/3", newest),
        (once_id, "۸۸/4", None),
    ]
    # ... and from here the database refuses another current one.
    with pytest.raises(Refused) as refused, transaction(sessions) as session:
        _blind_once(monkeypatch)
        _record(session, session.get_one(Letter, twice_id), 5)
    assert refused.value.params["their_number"] == "۸۸/2"
    migrate.downgrade(engine, "0004")
    assert "uq_reply_current_letter_id" not in {
        index["name"] for index in inspect(engine).get_indexes("reply")
    }
    engine.dispose()
