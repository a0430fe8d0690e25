"""The registry's reads with a reader's classification levels, on SQLite and PostgreSQL:
a case at a hidden level is neither loaded, counted, shelved, listed nor found by any kind
of search (words, tracking code, national ID, letter number); every level shown, nothing
is filtered."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from sqlalchemy.orm import Session, sessionmaker

from registry import complaint_queries
from registry import search as searching
from registry.db import transaction
from registry.errors import NotFound
from registry.jalali import from_jalali
from registry.kinds import Classification, ComplaintState, LetterKind
from registry.register import number_letter
from tests.factories import AT, complainant_input, national_id, registered, seed_agencies

ZONE = zoneinfo.ZoneInfo("Asia/Tehran")
PLAIN = frozenset({Classification.NORMAL})
SECRET = Classification.SECRET.levels_up_to()


@pytest.fixture
def cases(sessions: sessionmaker[Session]) -> dict[str, str]:
    """A «سری» case with a letter, and a plain one; both registered, the same words."""
    with transaction(sessions) as session:
        seed_agencies(session)
        hidden = registered(
            session, complainant=complainant_input(national_id=national_id(41)), subject="دیوار"
        )
        hidden.classification = Classification.SECRET
        letter = number_letter(
            session,
            kind=LetterKind.REFERRAL,
            series="ص",
            number_template="{year}/{series}/{seq}",
            issued_at=AT,
            jalali_year=1405,
            date=from_jalali(1405, 9, 5),
            recipient="شهردار محترم قزوین",
            actor="دبیرخانه",
            freeze=lambda identity: {"number": identity.number},
            complaint=hidden,
        )
        plain = registered(
            session,
            at=AT + dt.timedelta(hours=1),
            complainant=complainant_input(national_id=national_id(42)),
            subject="دیوار",
        )
        return {
            "hidden": hidden.tracking_code,
            "plain": plain.tracking_code,
            "letter": letter.number,
            "national_id": national_id(41),
        }


def _found(session: Session, typed: str, levels: frozenset[Classification] | None) -> list[str]:
    result = searching.search(session, typed, series_codes={"ص"}, zone=ZONE, levels=levels)
    return [hit.complaint.tracking_code for hit in result.hits]


def test_a_hidden_level_is_never_read(
    sessions: sessionmaker[Session], cases: dict[str, str]
) -> None:
    hidden, plain = cases["hidden"], cases["plain"]
    registered_ = [ComplaintState.REGISTERED]
    with sessions() as session:
        with pytest.raises(NotFound) as missing:
            complaint_queries.get_complaint(session, hidden, PLAIN)
        assert missing.value.code == "complaint_not_found"
        assert complaint_queries.get_complaint(session, hidden, SECRET).tracking_code == hidden
        assert complaint_queries.count_by_state(session, registered_, PLAIN)[registered_[0]] == 1
        assert complaint_queries.count_by_state(session, registered_, SECRET)[registered_[0]] == 2
        shelf = complaint_queries.newest_by_state(session, registered_, 20, PLAIN)[registered_[0]]
        assert [c.tracking_code for c in shelf] == [plain]
        wanted = complaint_queries.ComplaintFilter(levels=PLAIN)
        listed = complaint_queries.filtered_complaints(session, wanted, offset=0, limit=None)
        assert [c.tracking_code for c in listed] == [plain]
        assert complaint_queries.visible_tracking_codes(session, {hidden, plain}, PLAIN) == {plain}
        for typed in ("دیوار", "دیو", hidden, cases["national_id"], cases["letter"]):
            assert hidden not in _found(session, typed, PLAIN), typed
            assert hidden in _found(session, typed, SECRET), typed
            # Every level (or none given): no condition at all.
            assert hidden in _found(session, typed, frozenset(Classification)), typed
            assert hidden in _found(session, typed, None), typed
        # A state filter and a level together (SQLite joins the complaint once for both).
        only = searching.search(
            session,
            "دیوار",
            series_codes={"ص"},
            zone=ZONE,
            state=ComplaintState.REGISTERED,
            levels=PLAIN,
        )
        assert [h.complaint.tracking_code for h in only.hits] == [plain]
    assert complaint_queries.visible_condition(frozenset(Classification)) is None
    assert complaint_queries.visible_condition(None) is None


def test_the_top_subjects_are_of_the_cases_the_reader_may_see(
    sessions: sessionmaker[Session], cases: dict[str, str]
) -> None:
    """The figures count every case, but a subject is a case's own words: a hidden case's
    subject is not among the reader's top subjects."""
    from registry.figure_sql import Bounds
    from registry.figures import top_subjects

    month = Bounds(first=dt.date(2026, 11, 22), last=dt.date(2026, 12, 21), zone="Asia/Tehran")
    with sessions() as session:
        assert top_subjects(session, month, PLAIN) == [("دیوار", 1)]
        assert top_subjects(session, month, SECRET) == [("دیوار", 2)]
        assert top_subjects(session, month) == [("دیوار", 2)]
