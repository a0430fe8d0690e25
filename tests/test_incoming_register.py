"""The incoming register in the registry (issue 16): its own series per Jalali year from the
letters' counter, the upgrade from 0007 with replies already recorded, and its settings."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, sessionmaker

from registry import holidays, migrate, replies
from registry.db import make_engine, session_factory, transaction
from registry.incoming import IncomingTerms, Scan, register_incoming
from registry.kinds import DocumentKind
from registry.models import IncomingLetter, Letter, LetterCounter, Reply
from registry.records import reply_record
from registry.settings import OfficeProfile
from tests.factories import new_document
from tests.replies_support import THU_FRI, J, at_noon, put_holidays, sent

SCAN = Scan("0" * 64, "circular.pdf", "application/pdf")


def _terms(day: str) -> IncomingTerms:
    date = J(day)
    return IncomingTerms("و", "{year}/{series}/{seq}", date, int(day[:4]))


def _paper(session: Session, day: str) -> IncomingLetter:
    return register_incoming(
        session,
        _terms(day),
        sender="وزارت کشور",
        their_number="۱۲/ب",
        their_date=J(day),
        subject="بخشنامه",
        scan=SCAN,
        at=at_noon(day),
        actor="دبیرخانه",
    )


def test_numbers_restart_at_1_each_jalali_year_beside_the_outgoing_register(
    sessions: sessionmaker[Session],
) -> None:
    with transaction(sessions) as session:
        put_holidays(session)
        sent(session, holidays.working_calendar(session, THU_FRI), on="1405/12/20")
        numbers = [_paper(session, day).number for day in ("1405/12/27", "1405/12/28")]
        numbers += [_paper(session, day).number for day in ("1406/01/05", "1406/01/06")]
    assert numbers == ["1405/و/1", "1405/و/2", "1406/و/1", "1406/و/2"]
    with sessions() as session:
        counters = session.execute(
            select(LetterCounter.series, LetterCounter.year, LetterCounter.last_seq).order_by(
                LetterCounter.series, LetterCounter.year
            )
        ).all()
    assert [tuple(c) for c in counters] == [("ص", 1405, 1), ("و", 1405, 2), ("و", 1406, 2)]


def test_a_rolled_back_registration_gives_its_number_back(
    sessions: sessionmaker[Session],
) -> None:
    with pytest.raises(RuntimeError), transaction(sessions) as session:
        assert _paper(session, "1405/09/04").number == "1405/و/1"
        raise RuntimeError("the scan could not be stored")
    with transaction(sessions) as session:
        assert _paper(session, "1405/09/04").number == "1405/و/1"


def _old_reply(session: Session, letter: Letter) -> Reply:
    """A reply recorded as before the incoming register: no terms, no number."""
    return replies.record_reply(
        session,
        letter,
        their_number="۸۸/1",
        their_date=J("1405/02/05"),
        document=new_document(DocumentKind.AGENCY_REPLY, 1),
        at=at_noon("1405/02/05"),
        actor="دبیرخانه",
        today=J("1405/02/10"),
    )


def test_upgrading_from_0007_keeps_the_replies_without_a_number(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    sessions = session_factory(engine)
    with transaction(sessions) as session:
        put_holidays(session)
        calendar = holidays.working_calendar(session, THU_FRI)
        old, new = (
            sent(session, calendar, on="1405/02/01"),
            sent(session, calendar, on="1405/02/01"),
        )
        _old_reply(session, old)
        new_id = new.id
    migrate.downgrade(engine, "0007")
    assert "incoming_letter" not in inspect(engine).get_table_names()
    assert "incoming_id" not in {c["name"] for c in inspect(engine).get_columns("reply")}

    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.HEAD
    with transaction(sessions) as session:
        (kept,) = session.scalars(select(Reply)).all()
        assert kept.incoming_id is None
        assert reply_record(kept, {})["incoming_number"] is None
        reply = replies.record_reply(
            session,
            session.get_one(Letter, new_id),
            their_number="۸۸/2",
            their_date=J("1405/02/06"),
            document=new_document(DocumentKind.AGENCY_REPLY, 2),
            at=at_noon("1405/02/10"),
            actor="دبیرخانه",
            today=J("1405/02/10"),
            register=_terms("1405/02/10"),
            enclosures=1,
        )
        record = reply_record(reply, {})
        paper = reply.incoming
        assert paper is not None
        assert (paper.sender, paper.cites_letter_id, paper.complaint_id) == (
            "شهرداری قزوین",
            new_id,
            reply.letter.complaint_id,
        )
        assert paper.document_id == reply.document_id and paper.enclosures == 1
    assert record["incoming_number"] == "1405/و/1"
    migrate.downgrade(engine, "0007")  # and down again, with a numbered reply in it
    assert "incoming_letter" not in inspect(engine).get_table_names()
    engine.dispose()


def test_the_office_keeps_both_registers_with_their_own_codes() -> None:
    assert OfficeProfile().series == {"outgoing": "ص", "incoming": "و"}
    # An office that named only its outgoing series before the incoming register existed.
    assert OfficeProfile(series={"outgoing": "ص"}).series["incoming"] == "و"
    assert OfficeProfile(series={"incoming": "وارده"}).series == {
        "outgoing": "ص",
        "incoming": "وارده",
    }
    for bad in ({"incoming": "ص"}, {"incoming": " "}, {"incoming": "1/2"}):
        with pytest.raises(ValidationError):
            OfficeProfile(series=bad)
