"""The letter register, one transaction at a time: numbers, series, years, freezing, voiding.

The concurrent and crash behaviour is in ``test_register_concurrency.py``; here each rule
is checked on its own, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from registry.db import transaction
from registry.errors import InvalidInput, NotFound, Refused
from registry.kinds import LetterKind, LetterState
from registry.models import Event, Letter, LetterCounter
from registry.register import (
    VERIFICATION_ALPHABET,
    LetterIdentity,
    LetterNumber,
    allocate_seq,
    find_letter,
    number_letter,
    parse_letter_number,
    void_letter,
)

SERIES_CODES = {"ص", "و"}
TEMPLATE = "{year}/{series}/{seq}"
AT = dt.datetime(2026, 5, 9, 8, 30, tzinfo=dt.UTC)


# --- parsing and printing numbers ------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "1405/ص/123",
        "1405/123/ص",
        "۱۴۰۵/ص/۱۲۳",  # Persian digits
        "۱۴۰۵/۱۲۳/ص",
        "١٤٠٥/ص/١٢٣",  # Arabic-Indic digits
        " 1405 / ص / 123 ",
        "1405-ص-123",
        "1405\\ص\\123",
        "123/ص/1405",  # copied right to left, or an office format with the year last
        "۱۲۳/۱۴۰۵/ص",
    ],
)
def test_parse_reads_every_way_staff_type_a_number(typed: str) -> None:
    assert parse_letter_number(typed, SERIES_CODES) == LetterNumber(1405, "ص", 123)


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "1405/123",  # no series
        "1405/ص/123/4",  # a part too many
        "1405/ب/123",  # not a series of this office
        "ص/ص/123",  # two codes
        "1405/123/456",  # no code at all
        "1405//ص",  # an empty part is not a number
        "1405/ص/12x",
        "1405/ص/12³",  # a digit to str.isdigit(), not to int()
        "①④⓪⑤/ص/123",
    ],
)
def test_parse_refuses_what_is_not_a_number_of_this_office(typed: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_letter_number(typed, SERIES_CODES)
    assert caught.value.code == "invalid_letter_number"
    assert caught.value.params == {"value": typed}


def test_format_follows_the_office_template_and_parses_back() -> None:
    number = LetterNumber(year=1405, series="ص", seq=7)
    assert number.format(TEMPLATE) == "1405/ص/7"
    assert number.format("{series}-{seq}/{year}") == "ص-7/1405"
    assert parse_letter_number(number.format(TEMPLATE), SERIES_CODES) == number
    assert parse_letter_number(number.format("{series}-{seq}/{year}"), SERIES_CODES) == number


def test_when_both_numbers_could_be_years_the_first_is_the_year() -> None:
    assert parse_letter_number("1405/ص/1406", SERIES_CODES) == LetterNumber(1405, "ص", 1406)
    assert parse_letter_number("1406/ص/1405", SERIES_CODES) == LetterNumber(1406, "ص", 1405)


# --- allocation --------------------------------------------------------------------------


def _allocate(sessions: sessionmaker[Session], series: str, year: int) -> int:
    with transaction(sessions) as session:
        return allocate_seq(session, series, year)


def test_allocate_counts_from_one_per_series_per_year(sessions: sessionmaker[Session]) -> None:
    assert [_allocate(sessions, "ص", 1404) for _ in range(3)] == [1, 2, 3]
    # A new Jalali year starts its register at 1, and the old year's goes on where it was.
    assert [_allocate(sessions, "ص", 1405) for _ in range(2)] == [1, 2]
    # Another series is another register.
    assert [_allocate(sessions, "و", 1405) for _ in range(2)] == [1, 2]
    assert _allocate(sessions, "ص", 1404) == 4
    assert _allocate(sessions, "ص", 1405) == 3
    with sessions() as session:
        counters = {(c.series, c.year): c.last_seq for c in session.scalars(select(LetterCounter))}
    assert counters == {("ص", 1404): 4, ("ص", 1405): 3, ("و", 1405): 2}


def test_a_rolled_back_allocation_gives_its_number_back(sessions: sessionmaker[Session]) -> None:
    assert _allocate(sessions, "ص", 1405) == 1
    with pytest.raises(RuntimeError), transaction(sessions) as session:
        assert allocate_seq(session, "ص", 1405) == 2
        raise RuntimeError("the letter could not be created")
    assert _allocate(sessions, "ص", 1405) == 2


# --- numbering a letter ----------------------------------------------------------------


def _number(session: Session, *, year: int = 1405, series: str = "ص", freeze: Any = None) -> Letter:
    return number_letter(
        session,
        kind=LetterKind.REFERRAL,
        series=series,
        number_template=TEMPLATE,
        issued_at=AT,
        jalali_year=year,
        date=AT.date(),
        recipient="شهردار محترم قزوین",
        actor="دبیرخانه",
        freeze=freeze or (lambda identity: {"number": identity.number}),
    )


def test_number_letter_freezes_the_facts_and_writes_the_event(
    sessions: sessionmaker[Session],
) -> None:
    seen: list[LetterIdentity] = []

    def freeze(identity: LetterIdentity) -> dict[str, Any]:
        seen.append(identity)
        return {"number": identity.number, "subject": "آسفالت معابر", "guid": identity.guid}

    with transaction(sessions) as session:
        _number(session)  # the register's first letter
        letter_id = _number(session, freeze=freeze).id

    # freeze saw the identity the letter keeps, once.
    [identity] = seen
    assert identity.number == "1405/ص/2"
    assert (identity.issued_at, identity.date) == (AT, AT.date())
    assert uuid.UUID(identity.guid).version == 4
    assert len(identity.verification_code) == 8
    assert set(identity.verification_code) <= set(VERIFICATION_ALPHABET)

    with sessions() as session:
        letter = session.get_one(Letter, letter_id)
        assert (letter.series, letter.year, letter.seq, letter.number) == ("ص", 1405, 2, "1405/ص/2")
        assert letter.state is LetterState.NUMBERED
        assert letter.kind is LetterKind.REFERRAL
        assert (letter.guid, letter.verification_code) == (
            identity.guid,
            identity.verification_code,
        )
        assert (letter.issued_at, letter.date) == (AT, AT.date())
        assert letter.facts == {
            "number": "1405/ص/2",
            "subject": "آسفالت معابر",
            "guid": letter.guid,
        }
        assert letter.created_by == "دبیرخانه"
        [event] = session.scalars(select(Event).where(Event.letter_id == letter_id))
        assert (event.action, event.actor, event.at) == ("letter_numbered", "دبیرخانه", AT)
        assert (event.before, event.after) == (None, "numbered")
        assert event.data == {"number": "1405/ص/2", "kind": "referral"}


def test_every_letter_gets_its_own_guid_and_code(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as session:
        letters = [_number(session) for _ in range(20)]
        assert [letter.seq for letter in letters] == list(range(1, 21))
        assert len({letter.guid for letter in letters}) == 20
        assert len({letter.verification_code for letter in letters}) == 20


def test_a_failed_freeze_leaves_no_letter_and_no_gap(sessions: sessionmaker[Session]) -> None:
    def broken(identity: LetterIdentity) -> dict[str, Any]:
        raise ValueError("the complaint lost its agency")

    with pytest.raises(ValueError), transaction(sessions) as session:
        _number(session, freeze=broken)
    with transaction(sessions) as session:
        assert _number(session).seq == 1
    with sessions() as session:
        assert len(session.scalars(select(Letter)).all()) == 1
        assert len(session.scalars(select(Event)).all()) == 1


def test_find_letter_by_its_number_as_typed(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as session:
        letter_id = _number(session).id
    with sessions() as session:
        assert find_letter(session, "۱۴۰۵/۱/ص", SERIES_CODES, TEMPLATE).id == letter_id
        with pytest.raises(NotFound):
            find_letter(session, "1405/ص/2", SERIES_CODES, TEMPLATE)
        with pytest.raises(InvalidInput):
            find_letter(session, "1405/ب/1", SERIES_CODES, TEMPLATE)


# --- voiding -----------------------------------------------------------------------------


def test_void_keeps_the_number_and_records_why(sessions: sessionmaker[Session]) -> None:
    later = AT + dt.timedelta(hours=2)
    with transaction(sessions) as session:
        letter = _number(session)
    with transaction(sessions) as session:
        letter = session.get_one(Letter, letter.id)
        void_letter(session, letter, reason="نشانی گیرنده اشتباه بود", actor="بازرس", at=later)

    with transaction(sessions) as session:
        voided = session.get_one(Letter, letter.id)
        assert (voided.state, voided.number, voided.seq) == (LetterState.VOID, "1405/ص/1", 1)
        assert voided.void_reason == "نشانی گیرنده اشتباه بود"
        event = session.scalars(select(Event).where(Event.action == "letter_voided")).one()
        assert (event.letter_id, event.actor, event.at) == (letter.id, "بازرس", later)
        assert (event.before, event.after, event.note) == (
            "numbered",
            "void",
            "نشانی گیرنده اشتباه بود",
        )
        # The number is never reused: the next letter takes the next one.
        assert _number(session).seq == 2


def test_void_refuses_a_second_void(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as session:
        letter = _number(session)
        void_letter(session, letter, reason="تکراری", actor="بازرس", at=AT)
        with pytest.raises(Refused) as caught:
            void_letter(session, letter, reason="باز هم", actor="بازرس", at=AT)
        assert caught.value.code == "letter_already_void"
        assert letter.void_reason == "تکراری"
    with sessions() as session:
        voids = session.scalars(select(Event).where(Event.action == "letter_voided")).all()
        assert len(voids) == 1


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_void_refuses_an_empty_reason(sessions: sessionmaker[Session], reason: str) -> None:
    with transaction(sessions) as session:
        letter = _number(session)
        with pytest.raises(InvalidInput) as caught:
            void_letter(session, letter, reason=reason, actor="بازرس", at=AT)
        assert caught.value.code == "reason_required"
        assert letter.state is LetterState.NUMBERED
        assert letter.void_reason is None
    with sessions() as session:
        assert session.scalars(select(Event).where(Event.action == "letter_voided")).all() == []
