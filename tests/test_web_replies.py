"""The desk's replies pages (TestClient): outstanding replies with their filters, pages,
CSV and PDF; recording a reply from its page and from the case page with the refusals
beside their fields and nothing stored; superseding with a reason; the overdue shelf."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from office import replies
from office.cases import case_view
from registry.kinds import Role
from registry.models import Event, Reply
from registry.text import to_persian_digits
from tests.replies_support import TAKESTAN
from tests.web_samples_replies14 import Referral, referral, reply_form, scan_files
from tests.web_support import DeskUnderTest, desk_fixture
from web.routes import replies as pages

pytestmark = pytest.mark.xdist_group("web_replies")

INSPECTOR = "inspector"


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeskUnderTest]:
    yield from desk_fixture(tmp_path_factory)


@pytest.fixture(scope="module")
def late(desk: DeskUnderTest) -> dict[str, Referral]:
    """Two referrals long overdue (Qazvin's, Takestan's) and one sent today."""
    return {
        "qazvin": referral(desk, days_ago=40),
        "takestan": referral(desk, days_ago=30, to=TAKESTAN),
        "fresh": referral(desk),
    }


def _client(desk: DeskUnderTest, role: str) -> TestClient:
    return desk.client(Role(role))


def _beside(html: str, field: str) -> str:
    """The refusal shown beside ``field`` (its id with dots as dashes)."""
    found = re.search(rf'<p class="field-error" id="{field}-error"[^>]*>([^<]+)</p>', html)
    assert found, f"no message beside {field}"
    return found.group(1)


def _replies(desk: DeskUnderTest) -> int:
    with desk.runtime.sessions() as session:
        return int(session.scalar(select(func.count(Reply.id))) or 0)


# -- outstanding ----------------------------------------------------------------------------


def test_outstanding_lists_each_letter_with_days_waited_late_and_next_step(
    desk: DeskUnderTest, late: dict[str, Referral]
) -> None:
    response = _client(desk, INSPECTOR).get("/replies/outstanding")
    assert response.status_code == 200
    html = response.text
    report = replies.outstanding_replies(desk.runtime, "test")
    row = next(r for r in report.in_words() if r["number"] == late["qazvin"].number)
    assert row["working_days_late"] > 0 and row["working_days_waited"] > row["working_days_late"]
    # The row of the page, in Persian digits: the office's own figures.
    cells = re.search(rf"{re.escape(to_persian_digits(row['number']))}</td>(.*?)</tr>", html, re.S)
    assert cells, "the letter's row is missing"
    text = cells.group(1)
    for key in ("sent", "due_date", "working_days_waited", "working_days_late"):
        value = row[key]
        assert f">{to_persian_digits(value)}<" in text
    assert to_persian_digits(row["next_step_fa"]) in text
    assert "پیگیری" in row["next_step_fa"]
    # Per agency too; no ASCII digit shown in the letters' table.
    assert "به تفکیک دستگاه" in html and TAKESTAN in html
    table = html.split('class="list outstanding"')[1].split("</table>")[0]
    assert not re.search(r">[^<]*[0-9][^<]*<", re.sub(r'(href|id|class)="[^"]*"', "", table))


def test_outstanding_filters_by_agency_overdue_and_county(
    desk: DeskUnderTest, late: dict[str, Referral]
) -> None:
    client = _client(desk, INSPECTOR)
    numbers = {key: to_persian_digits(r.number) for key, r in late.items()}
    overdue = client.get("/replies/outstanding?overdue=1").text
    assert numbers["qazvin"] in overdue and numbers["fresh"] not in overdue
    only = client.get("/replies/outstanding", params={"agency": TAKESTAN}).text
    assert numbers["takestan"] in only and numbers["qazvin"] not in only
    county = client.get("/replies/outstanding", params={"county": "تاکستان"}).text
    assert numbers["takestan"] in county and numbers["qazvin"] not in county
    unknown = client.get("/replies/outstanding", params={"agency": "شهرداری ناموجود"})
    assert unknown.status_code == 400
    assert "پیدا نشد" in _beside(unknown.text, "agency")


def test_outstanding_pages_through_the_letters(
    desk: DeskUnderTest, late: dict[str, Referral], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages, "PAGE_SIZE", 2)
    client = _client(desk, INSPECTOR)
    total = len(replies.outstanding_replies(desk.runtime, "test").letters)
    first = client.get("/replies/outstanding").text
    last_page = -(-total // 2)
    assert f"صفحه ۱ از {to_persian_digits(last_page)}" in first
    assert 'href="/replies/outstanding?page=2"' in first
    last = client.get(f"/replies/outstanding?page={last_page + 5}").text  # past the end
    assert f"صفحه {to_persian_digits(last_page)} از" in last


def test_outstanding_csv_has_the_json_keys_and_the_filtered_letters(
    desk: DeskUnderTest, late: dict[str, Referral]
) -> None:
    response = _client(desk, "head").get("/replies/outstanding.csv?overdue=1")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == replies.CSV_KEYS
    by_number = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert late["qazvin"].number in by_number and late["fresh"].number not in by_number
    line = by_number[late["takestan"].number]
    assert line["agency"] == TAKESTAN and line["tracking_code"] == late["takestan"].tracking
    assert int(line["working_days_late"]) > 0 and line["next_step"] == "first_reminder"


def test_outstanding_pdf_is_the_printable_report(
    desk: DeskUnderTest, late: dict[str, Referral]
) -> None:
    client = _client(desk, INSPECTOR)
    response = client.get("/replies/outstanding.pdf", params={"county": "تاکستان"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    # The filter in the heading, the letter of that county's agency and no other.
    assert "شهرستان" in text and TAKESTAN in text
    assert to_persian_digits(late["takestan"].number.split("/")[-1]) in text
    everything = client.get("/replies/outstanding.pdf")
    assert everything.status_code == 200 and everything.content != response.content


# -- recording a reply ----------------------------------------------------------------------


def _post_reply(
    desk: DeskUnderTest, form: dict[str, Any], files: dict[str, Any] | None, url: str = ""
) -> httpx2.Response:
    client = _client(desk, "secretariat")
    token = desk.token(Role.SECRETARIAT)
    return client.post(url or "/replies/new", data={**form, "csrf_token": token}, files=files)


def test_a_reply_is_recorded_with_its_scan_and_the_case_moves_on(desk: DeskUnderTest) -> None:
    letter = referral(desk)
    form_page = _client(desk, "secretariat").get(f"/replies/new?number={letter.number}")
    assert form_page.status_code == 200
    assert to_persian_digits(letter.number) in form_page.text
    assert "data-jdp" in form_page.text
    response = _post_reply(desk, reply_form(desk, letter), scan_files())
    assert response.status_code == 303
    assert response.headers["location"] == f"/complaints/{letter.tracking}"
    view = case_view(desk.runtime, "test", letter.tracking)
    assert view.state.value == "replied"
    (reply,) = view.replies
    assert (reply["their_number"], reply["outcome"]) == ("۴۵۶۷/ش", "accepted")
    page = _client(desk, "secretariat").get(response.headers["location"]).text
    assert "ثبت شد" in page and "پاسخ دستگاه‌ها" in page


@pytest.mark.parametrize(
    ("changes", "files", "field", "words"),
    [
        ({"number": ""}, True, "number", "شماره نامه"),
        ({"number": "۱۴۰۵/ص/۹۹۹۹"}, True, "number", "پیدا نشد"),
        ({"number": "نامه"}, True, "number", "معتبر نیست"),
        ({"their_number": " "}, True, "their_number", "شماره نامه دستگاه"),
        ({"their_date": ""}, True, "their_date", "تاریخ"),
        ({"their_date": "۱۴۰۵/۱۳/۰۱"}, True, "their_date", "معتبر نیست"),
        ({"their_date": "۱۴۹۹/۰۱/۰۱"}, True, "their_date", "هنوز نرسیده"),
        ({"their_date": "۱۳۹۹/۰۱/۰۱"}, True, "their_date", "پیش از ارسال"),
        ({"outcome": "maybe"}, True, "outcome", "پذیرفته نیست"),
        ({}, False, "agency_reply", "اسکن"),
    ],
)
def test_a_refused_reply_is_named_beside_its_field_and_nothing_is_stored(
    desk: DeskUnderTest, changes: dict[str, str], files: bool, field: str, words: str
) -> None:
    letter = referral(desk)
    before = _replies(desk)
    form = reply_form(desk, letter, **changes)
    response = _post_reply(desk, form, scan_files() if files else None)
    assert response.status_code == 400
    assert words in _beside(response.text, field)
    assert re.search(rf'id="r-{field}"[^>]*aria-invalid="true"', response.text, re.S)
    assert _replies(desk) == before
    assert "دستگاه انجام کار را پذیرفت." in response.text  # what was typed comes back
    # ... but a browser keeps no chosen file: the page says to choose it again.
    assert ("دوباره برگزینید" in response.text) is (field != "agency_reply")


def test_a_file_that_is_not_a_scan_is_refused_beside_the_file_input(desk: DeskUnderTest) -> None:
    letter = referral(desk)
    before = _replies(desk)
    files = {"agency_reply": ("notes.txt", b"just some text", "text/plain")}
    response = _post_reply(desk, reply_form(desk, letter), files)
    assert response.status_code == 400
    assert "notes.txt" in _beside(response.text, "agency_reply")
    assert _replies(desk) == before


def test_a_second_reply_needs_supersede_and_a_reason(desk: DeskUnderTest) -> None:
    letter = referral(desk)
    # The number as printed in ASCII digits this time, its parts in the other order.
    year, series, seq = letter.number.split("/")
    ascii_number = f"{seq}/{series}/{year}"
    first = _post_reply(desk, reply_form(desk, letter, number=ascii_number), scan_files())
    assert first.status_code == 303
    before = _replies(desk)
    again = _post_reply(desk, reply_form(desk, letter, their_number="۹۹/ش"), scan_files())
    assert again.status_code == 409
    beside = _beside(again.text, "supersede")
    assert "جایگزینی پاسخ پیشین" in beside and "--supersede" not in beside
    no_reason = _post_reply(
        desk, reply_form(desk, letter, their_number="۹۹/ش", supersede="1"), scan_files()
    )
    assert no_reason.status_code == 400
    assert "علت" in _beside(no_reason.text, "reason")
    assert _replies(desk) == before
    done = _post_reply(
        desk,
        reply_form(desk, letter, their_number="۹۹/ش", supersede="1", reason="نامه اصلاحی دستگاه"),
        scan_files(),
    )
    assert done.status_code == 303
    view = case_view(desk.runtime, "test", letter.tracking)
    assert [(r["their_number"], r["superseded"]) for r in view.replies] == [
        ("۴۵۶۷/ش", True),
        ("۹۹/ش", False),
    ]
    with desk.runtime.sessions() as session:
        notes = session.scalars(select(Event.note).where(Event.action == "reply_recorded"))
        assert "نامه اصلاحی دستگاه" in list(notes)


def test_the_case_page_offers_the_reply_form_and_shows_its_refusals(desk: DeskUnderTest) -> None:
    letter = referral(desk)
    client = _client(desk, "secretariat")
    page = client.get(f"/complaints/{letter.tracking}").text
    assert f'action="/complaints/{letter.tracking}/reply"' in page
    assert f'value="{to_persian_digits(letter.number)}"' in page  # the letter awaiting it
    # An inspector tracks replies but does not record them.
    assert "/reply" not in _client(desk, INSPECTOR).get(f"/complaints/{letter.tracking}").text
    url = f"/complaints/{letter.tracking}/reply"
    future = reply_form(desk, letter, their_date="۱۴۹۹/۰۱/۰۱")
    refused = _post_reply(desk, future, scan_files(), url)
    assert refused.status_code == 400
    assert "هنوز نرسیده" in _beside(refused.text, "reply-their_date")
    assert re.search(r'<details class="action" id="reply-action"\s+open', refused.text)
    done = _post_reply(desk, reply_form(desk, letter), scan_files(), url)
    assert done.status_code == 303
    assert case_view(desk.runtime, "test", letter.tracking).state.value == "replied"


# -- the work queue -------------------------------------------------------------------------


def test_the_inspector_has_a_shelf_of_overdue_replies(
    desk: DeskUnderTest, late: dict[str, Referral]
) -> None:
    queue = _client(desk, INSPECTOR).get("/").text
    assert 'id="shelf-overdue_replies"' in queue
    shelf = queue.split('id="shelf-overdue_replies"')[1].split("</section>")[0]
    assert f"/complaints/{late['qazvin'].tracking}" in shelf
    assert f"/complaints/{late['fresh'].tracking}" not in shelf
    assert 'href="/replies/outstanding?overdue=1"' in shelf
    assert 'id="shelf-overdue_replies"' not in _client(desk, "secretariat").get("/").text


def test_a_failure_of_the_system_is_not_shown_as_a_refused_field(
    desk: DeskUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    from registry.errors import SystemFailure

    def full_disk(*args: Any, **kwargs: Any) -> Any:
        raise SystemFailure("disk_full", path=str(desk.home))

    monkeypatch.setattr(replies, "record", full_disk)
    letter = referral(desk)
    response = _post_reply(desk, reply_form(desk, letter), scan_files())
    assert response.status_code == 503
    assert 'class="field-error"' not in response.text and "دیسک" in response.text
