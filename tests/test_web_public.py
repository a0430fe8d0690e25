"""The public pages: ``/track`` (the state and its dates for the right code and mobile
digits, one refusal for a wrong pair and for too many tries, nothing personal) and
``/verify/{guid}`` (with the letter's code: its register entry, nothing of the complainant;
one page asking for the code otherwise; the archived PDF handed in verified, one changed
byte refused)."""

from __future__ import annotations

import hashlib
import itertools
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from office.letter_check import VERIFY_THROTTLE
from office.letters import void
from office.public import TRACK_THROTTLE
from registry.kinds import LetterKind
from registry.models import Letter
from registry.public import complaint_by_code
from registry.text import to_persian_digits
from registry.tracking import format_tracking_code
from tests.web13b_support import filed_case, referral_letter
from tests.web_support import DeskUnderTest, csrf_of, desk_fixture

pytestmark = pytest.mark.xdist_group("web_public")

_ADDRESSES = (f"10.13.0.{n}" for n in itertools.count(1))
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
PERSONAL = ("ستاره", "نیک‌اندیش", "09121234567", "۰۹۱۲۱۲۳۴۵۶۷", "قزوین، خیابان فردوسی")


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeskUnderTest]:
    yield from desk_fixture(tmp_path_factory)


@pytest.fixture(scope="module")
def case(desk: DeskUnderTest) -> str:
    return filed_case(desk, first_name="ستاره", last_name="نیک‌اندیش", accept=True, receipt=True)


def visitor(desk: DeskUnderTest) -> TestClient:
    """An anonymous browser from an address of its own (the throttle counts per address)."""
    client = TestClient(desk.app, follow_redirects=False, client=(next(_ADDRESSES), 40000))
    client.__enter__()
    return client


def ask(client: TestClient, tracking: str, last4: str) -> tuple[int, str]:
    token = csrf_of(client.get("/track").text)
    response = client.post(
        "/track", data={"tracking": tracking, "mobile_last4": last4, "csrf_token": token}
    )
    return response.status_code, response.text


def _answer_part(html: str) -> str:
    """The page after the form (which echoes the typed code)."""
    return html.split("</form>", 1)[1]


def _page(html: str) -> str:
    """The page without its CSRF token (signed afresh with the time)."""
    return re.sub(r'value="[^"]*"', "", html.replace(csrf_of(html), ""))


def test_the_right_pair_shows_the_state_and_its_dates_in_persian(
    desk: DeskUnderTest, case: str
) -> None:
    client = visitor(desk)
    typed = to_persian_digits(format_tracking_code(case))  # as printed on the receipt
    status, html = ask(client, typed, "٤٥٦٧")  # Arabic-Indic digits
    assert status == 200
    answer = _answer_part(html)
    assert "پذیرفته‌شده" in answer and "ثبت‌شده" in answer
    assert to_persian_digits(format_tracking_code(case)) in answer
    today = desk.runtime.clock.today()
    from registry.jalali import format_jalali

    assert to_persian_digits(format_jalali(today)) in answer
    for personal in PERSONAL:
        assert personal not in html
    assert "آسفالت" not in html  # not even the subject


def test_a_wrong_pair_and_too_many_tries_get_one_and_the_same_answer(
    desk: DeskUnderTest, case: str
) -> None:
    client = visitor(desk)
    answers = set()
    for _ in range(TRACK_THROTTLE.free):
        status, html = ask(client, case, "0000")
        answers.add((status, _page(html)))
    # Throttled now: even the right pair gets the same answer.
    status, html = ask(client, case, "4567")
    answers.add((status, _page(html)))
    assert len(answers) == 1
    status, text = answers.pop()
    assert status == 400 and "پیدا نشدند، یا تلاش‌ها بیش از اندازه" in text
    assert "پذیرفته‌شده" not in text


def test_the_code_is_throttled_from_any_address(desk: DeskUnderTest) -> None:
    code = filed_case(desk)
    for _ in range(TRACK_THROTTLE.free):
        assert ask(visitor(desk), code, "1111")[0] == 400
    status, html = ask(visitor(desk), code, "4567")  # a new address, the right pair
    assert status == 400 and "پذیرفته‌شده" not in html and "ثبت‌شده" not in _answer_part(html)


def test_an_unknown_code_is_refused_like_a_wrong_pair(desk: DeskUnderTest, case: str) -> None:
    from registry.tracking import new_tracking_code

    client = visitor(desk)
    _, wrong = ask(client, case, "9999")
    status, unknown = ask(client, new_tracking_code(), "4567")
    assert status == 400 and _page(unknown) == _page(wrong)


def test_malformed_fields_are_named_beside_them(desk: DeskUnderTest) -> None:
    code = filed_case(desk)
    client = visitor(desk)
    status, html = ask(client, "12345", "4567")
    assert status == 400 and 'id="tracking-error"' in html and 'aria-invalid="true"' in html
    status, html = ask(client, code, "45")
    assert status == 400 and 'id="mobile_last4-error"' in html and "چهار رقم آخر" in html
    # Malformed fields reveal nothing and cost no try: the right pair still works.
    for _ in range(TRACK_THROTTLE.free + 1):
        ask(client, code, "4x")
    assert ask(client, code, "4567")[0] == 200


def _receipt(desk: DeskUnderTest, case: str) -> Letter:
    with desk.runtime.sessions() as session:
        complaint = complaint_by_code(session, case)
        assert complaint is not None
        receipt = (
            session.query(Letter)
            .filter_by(complaint_id=complaint.id, kind=LetterKind.RECEIPT)
            .one()
        )
        session.expunge(receipt)
    return receipt


def test_a_letter_with_its_code_shows_the_register_entry_and_nothing_personal(
    desk: DeskUnderTest, case: str
) -> None:
    letter = referral_letter(desk, case)
    client = visitor(desk)
    response = client.get(f"/verify/{letter.guid.upper()}?c={letter.verification_code.lower()}")
    assert response.status_code == 200
    html = response.text
    assert to_persian_digits(letter.number) in html
    assert "ارجاع شکایت" in html and "شهرداری قزوین" in html and "معتبر" in html
    assert letter.guid in html and "هنوز بایگانی نشده" in html
    for personal in PERSONAL:
        assert personal not in html

    void(desk.runtime, "tester", letter.number, reason="نامه اشتباه نوشته شد")
    html = client.get(f"/verify/{letter.guid}?c={letter.verification_code}").text
    assert "این نامه باطل شده است" in html
    assert "اشتباه" not in html  # not even the reason


def test_a_receipt_names_the_complainant_only_as_such(desk: DeskUnderTest, case: str) -> None:
    receipt = _receipt(desk, case)
    html = visitor(desk).get(f"/verify/{receipt.guid}?c={receipt.verification_code}").text
    assert "رسید ثبت شکایت" in html and "شاکی" in html
    assert "محمد احمدی" in html  # who signs it, as printed
    assert receipt.pdf_sha256 is not None and receipt.pdf_sha256 in html
    assert "دفتر بازرسی، مدیریت عملکرد و امور حقوقی، استانداری قزوین" in html  # the sender
    for personal in PERSONAL:
        assert personal not in html


def test_a_missing_code_a_wrong_one_an_unknown_guid_and_too_many_tries_get_one_page(
    desk: DeskUnderTest, case: str
) -> None:
    receipt = _receipt(desk, case)
    client = visitor(desk)
    pages = set()
    for url in (
        f"/verify/{receipt.guid}",
        f"/verify/{receipt.guid}?c=",
        f"/verify/{uuid.uuid4()}?c={receipt.verification_code}",
        *[f"/verify/{receipt.guid}?c=WRONG234"] * (VERIFY_THROTTLE.free - 1),
        f"/verify/{receipt.guid}?c={receipt.verification_code}",  # throttled now
    ):
        response = client.get(url)
        # The form names the GUID it was asked for; all else is one and the same page.
        token = re.sub(r'"X-CSRFToken": "[^"]*"', "", response.text)
        pages.add((response.status_code, _UUID.sub("", token)))
    assert len(pages) == 1
    status, html = pages.pop()
    assert status == 200 and "کد صحتی را که کنار کد QR" in html and 'name="c"' in html
    assert "رسید ثبت شکایت" not in html
    # Another address is not slowed by this one's guesses.
    assert (
        "رسید ثبت شکایت"
        in visitor(desk).get(f"/verify/{receipt.guid}?c={receipt.verification_code}").text
    )


def test_the_code_form_leads_to_the_letter(desk: DeskUnderTest, case: str) -> None:
    receipt = _receipt(desk, case)
    client = visitor(desk)
    form = client.get(f"/verify/{receipt.guid}").text
    assert f'action="/verify/{receipt.guid}"' in form and 'method="get"' in form
    typed = to_persian_digits(receipt.verification_code)  # a phone may type Persian digits
    assert "رسید ثبت شکایت" in client.get(f"/verify/{receipt.guid}", params={"c": typed}).text


def _upload(client: TestClient, letter: Letter, data: bytes, code: str | None = None) -> Any:
    page = client.get(f"/verify/{letter.guid}?c={letter.verification_code}").text
    return client.post(
        f"/verify/{letter.guid}",
        data={"c": code or letter.verification_code, "csrf_token": csrf_of(page)},
        files={"pdf": ("نامه.pdf", data, "application/pdf")},
    )


def test_the_archived_pdf_is_verified_and_one_changed_byte_refused(
    desk: DeskUnderTest, case: str
) -> None:
    receipt = _receipt(desk, case)
    archived = desk.runtime.store.get(receipt.pdf_sha256 or "")
    client = visitor(desk)
    response = _upload(client, receipt, archived)
    assert response.status_code == 200
    assert "همان نسخه بایگانی‌شده نامه است" in response.text
    assert "یکی نیست" not in response.text

    changed = bytearray(archived)
    changed[len(changed) // 3] ^= 0x20
    response = _upload(client, receipt, bytes(changed))
    assert response.status_code == 400
    assert "یکی نیست" in response.text and "همان نسخه بایگانی‌شده" not in response.text
    assert hashlib.sha256(changed).hexdigest() in response.text

    response = _upload(client, receipt, b"")
    assert response.status_code == 400 and 'id="pdf-error"' in response.text


def test_an_upload_needs_the_code_and_the_csrf_token(desk: DeskUnderTest, case: str) -> None:
    receipt = _receipt(desk, case)
    archived = desk.runtime.store.get(receipt.pdf_sha256 or "")
    client = visitor(desk)
    response = _upload(client, receipt, archived, code="WRONG234")
    assert response.status_code == 200 and "کد صحتی را که کنار کد QR" in response.text
    assert "همان نسخه بایگانی‌شده" not in response.text
    response = client.post(
        f"/verify/{receipt.guid}",
        data={"c": receipt.verification_code},
        files={"pdf": ("x.pdf", archived, "application/pdf")},
    )
    assert response.status_code == 403 and "فرم منقضی" in response.text
