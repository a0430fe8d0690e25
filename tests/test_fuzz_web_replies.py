"""Fuzzing the replies pages' forms (replies14) as tests/test_fuzz_web.py fuzzes intake:
the reply form (each field, and the scan), the deadline form and the outstanding filters,
with arbitrary text and files.  Whatever comes in: a page, never a server error, and a
refused submission leaves the registry's rows and the archive's objects as they were."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.kinds import Role
from tests.test_fuzz_web import FUZZ, TEXT, _checked, _state
from tests.web_samples_replies14 import Referral, referral, reply_form
from tests.web_support import DeskUnderTest, desk_fixture

pytestmark = pytest.mark.xdist_group("fuzz_web_replies")


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeskUnderTest]:
    yield from desk_fixture(tmp_path_factory)


@pytest.fixture(scope="module")
def letter(desk: DeskUnderTest) -> Referral:
    return referral(desk, days_ago=5)


@FUZZ
@given(field=st.sampled_from(["number", "their_number", "their_date", "outcome", "summary",
                              "reason", "supersede"]),
       value=TEXT, scan=st.binary(max_size=2000) | st.just(b"%PDF-1.4 broken"))  # fmt: skip
def test_the_reply_form(
    desk: DeskUnderTest, letter: Referral, field: str, value: str, scan: bytes
) -> None:
    before = _state(desk)
    response = desk.client(Role.SECRETARIAT).post(
        f"/complaints/{letter.tracking}/reply",
        data={
            **reply_form(desk, letter, **{field: value}),
            "csrf_token": desk.token(Role.SECRETARIAT),
        },
        files={"agency_reply": ("reply.pdf", scan, "application/pdf")},
    )
    _checked(desk, before, response)


@FUZZ
@given(letter_id=TEXT, change=st.sampled_from(["extend", "pause", "resume", "", "x"]),
       days=TEXT, day=TEXT, reason=TEXT)  # fmt: skip
def test_the_deadline_form(
    desk: DeskUnderTest,
    letter: Referral,
    letter_id: str,
    change: str,
    days: str,
    day: str,
    reason: str,
) -> None:
    before = _state(desk)
    response = desk.client(Role.INSPECTOR).post(
        f"/complaints/{letter.tracking}/deadline",
        data={
            "letter": letter_id,
            "change": change,
            "days": days,
            "day": day,
            "reason": reason,
            "csrf_token": desk.token(Role.INSPECTOR),
        },
    )
    _checked(desk, before, response)


# A query string is bounded by what a URL may hold (servers stop at 8 kB or so).
QUERY = st.text(max_size=300) | st.sampled_from(["", "\x00", "۱۲۳۴", "٤٥٦", "\u202e", "x" * 1000])


@FUZZ
@given(agency=QUERY, county=QUERY, overdue=QUERY, page=QUERY)
def test_the_outstanding_filters(
    desk: DeskUnderTest, agency: str, county: str, overdue: str, page: str
) -> None:
    params = {"agency": agency, "county": county, "overdue": overdue, "page": page}
    for path in ("/replies/outstanding", "/replies/outstanding.csv"):
        response = desk.client(Role.INSPECTOR).get(path, params=params)
        assert response.status_code in {200, 400}, (path, response.status_code)
        assert "Traceback" not in response.text
