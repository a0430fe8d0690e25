"""Fuzzing the desk's forms (issue 17): the intake form, the review form, search, the login
and the public tracking form, with arbitrary text (NUL, bidi marks, digits of every
script, huge strings) and arbitrary files, through the app as a browser sends them.

Whatever comes in: the answer is a page, never a server error (no 500, no traceback in the
page), and a refused submission (not a 303) leaves the registry's rows and the archive's
objects exactly as they were.  One desk is shared by every example; the examples are
derandomized, so CI runs the same ones every time.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.kinds import Role
from registry.snapshot import describe
from tests.factories import national_id, pdf_file
from tests.web_samples_web13a import new_complaint
from tests.web_support import DeskUnderTest, csrf_of, desk_fixture

pytestmark = pytest.mark.xdist_group("fuzz_web")

# What a page may answer: done (200, 303), refused (400, 401, 404, 409, 413, 429).
PAGES = {200, 303, 400, 401, 404, 409, 413, 429}
FUZZ = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TEXT = st.text(max_size=300) | st.sampled_from(["", "\x00", "۱۲۳۴", "٤٥٦", "\u202e", "x" * 60_000])


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeskUnderTest]:
    yield from desk_fixture(tmp_path_factory)


@pytest.fixture(scope="module")
def guesser(desk: DeskUnderTest) -> Iterator[TestClient]:
    """A stranger guessing logins from an address of their own: the desk slows that address,
    and the staff's logins from theirs stay free."""
    with TestClient(desk.app, follow_redirects=False, client=("198.51.100.7", 50000)) as client:
        yield client


def _state(desk: DeskUnderTest) -> tuple[dict[str, int], frozenset[str]]:
    from archive.store import ArchiveStore

    url = desk.runtime.settings.resolved_database_url
    objects = frozenset(ArchiveStore(desk.runtime.settings.resolved_archive_url).iter_objects())
    counts = dict(describe(url).counts)
    counts.pop("login_failure", None)  # a failed login is meant to be written
    return counts, objects


def _checked(desk: DeskUnderTest, before: Any, response: Any) -> None:
    assert response.status_code in PAGES, (response.status_code, response.text[:300])
    assert "Traceback" not in response.text
    if response.status_code != 303:
        assert _state(desk) == before


@FUZZ
@given(field=st.sampled_from(["first_name", "last_name", "national_id", "mobile", "address",
                              "subject", "text", "agency"]),
       value=TEXT, scan=st.binary(max_size=2000) | st.just(b"%PDF-1.4 broken"))  # fmt: skip
def test_the_intake_form(desk: DeskUnderTest, field: str, value: str, scan: bytes) -> None:
    form = {
        "first_name": "مهدی",
        "last_name": "کریمی",
        "national_id": national_id(hash(value) % 1000),
        "mobile": "09121234567",
        "address": "قزوین",
        "agency": "شهرداری قزوین",
        "subject": "آسفالت معابر",
        "text": "متن شکایت",
        field: value,
    }
    before = _state(desk)
    client = desk.client(Role.SECRETARIAT)
    response = client.post(
        "/complaints/new",
        data={**form, "csrf_token": desk.token(Role.SECRETARIAT)},
        files={"evidence": ("scan.pdf", scan, "application/pdf")},
    )
    _checked(desk, before, response)


@FUZZ
@given(decision=st.sampled_from(["accept", "reject", "incomplete", "", "x"]),
       summary=TEXT, reason=TEXT, missing=TEXT, forward=TEXT)  # fmt: skip
def test_the_review_form(
    desk: DeskUnderTest, decision: str, summary: str, reason: str, missing: str, forward: str
) -> None:
    tracking = new_complaint(desk)
    before = _state(desk)
    response = desk.client(Role.INSPECTOR).post(
        f"/complaints/{tracking}/review",
        data={
            "decision": decision,
            "summary": summary,
            "reason": reason,
            "missing": missing,
            "forward": forward,
            "csrf_token": desk.token(Role.INSPECTOR),
        },
    )
    _checked(desk, before, response)


@FUZZ
@given(query=TEXT)
def test_search(desk: DeskUnderTest, query: str) -> None:
    before = _state(desk)
    response = desk.client(Role.ARCHIVIST).get("/search", params={"q": query})
    _checked(desk, before, response)


@FUZZ
@given(username=TEXT, password=TEXT)
def test_the_login_form(
    desk: DeskUnderTest, guesser: TestClient, username: str, password: str
) -> None:
    before = _state(desk)
    token = csrf_of(guesser.get("/login").text)
    response = guesser.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )
    _checked(desk, before, response)


@FUZZ
@given(tracking=TEXT, last4=TEXT)
def test_the_tracking_form(desk: DeskUnderTest, tracking: str, last4: str) -> None:
    client = desk.client(None)
    before = _state(desk)
    response = client.post(
        "/track",
        data={"tracking": tracking, "mobile_last4": last4, "csrf_token": desk.token(None)},
    )
    # A try at the public page is counted among the failures (_state leaves those out).
    _checked(desk, before, response)


def test_a_real_scan_still_registers(desk: DeskUnderTest, tmp_path: Any) -> None:
    # The fuzzed form is the same one a clerk fills: with sound values it registers.
    scan = pdf_file(tmp_path / "scan.pdf").read_bytes()
    response = desk.client(Role.SECRETARIAT).post(
        "/complaints/new",
        data={
            "first_name": "مهدی",
            "last_name": "کریمی",
            "national_id": national_id(4242),
            "mobile": "09121234567",
            "address": "قزوین",
            "agency": "شهرداری قزوین",
            "subject": "آسفالت معابر",
            "text": "متن شکایت",
            "csrf_token": desk.token(Role.SECRETARIAT),
        },
        files={"evidence": ("scan.pdf", scan, "application/pdf")},
    )
    assert response.status_code == 303
