"""The intake form, the complaint list and the case page through the desk (TestClient):
refusals beside their field with nothing stored, Persian digits, the receipt and the
documents served with their headers, and only the actions the state and the role allow."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from office import complaints as office
from office.cases import case_view
from registry.kinds import Role
from registry.text import to_persian_digits
from registry.tracking import format_tracking_code
from tests.web_samples_web13a import intake_form, new_complaint, pdf_bytes, sent_case
from tests.web_support import DeskUnderTest, desk_fixture

pytestmark = pytest.mark.xdist_group("web_cases")


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeskUnderTest]:
    yield from desk_fixture(tmp_path_factory)


def _count(desk: DeskUnderTest) -> int:
    return office.find_complaints(desk.runtime, "tester").total


def _post_intake(
    desk: DeskUnderTest, changes: dict[str, Any], files: dict[str, Any] | None = None
) -> httpx2.Response:
    _, form, default_files = intake_form(desk)
    form.update(changes)
    client = desk.client(Role.SECRETARIAT)
    return client.post(
        "/complaints/new",
        data={**form, "csrf_token": desk.token(Role.SECRETARIAT)},
        files=default_files if files is None else files,
    )


def test_intake_registers_and_the_case_page_offers_the_receipt(desk: DeskUnderTest) -> None:
    before = _count(desk)
    response = _post_intake(desk, {})
    assert response.status_code == 303
    location = response.headers["location"]
    tracking = location.rsplit("/", 1)[1]
    assert _count(desk) == before + 1
    page = desk.client(Role.SECRETARIAT).get(location)
    assert page.status_code == 200
    assert "شکایت ثبت شد" in page.text
    assert to_persian_digits(format_tracking_code(tracking)) in page.text
    assert f"/complaints/{tracking}/receipt.pdf" in page.text
    receipt = desk.client(Role.SECRETARIAT).get(f"/complaints/{tracking}/receipt.pdf")
    assert receipt.status_code == 200
    assert receipt.headers["content-type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")
    assert receipt.headers["x-content-type-options"] == "nosniff"
    # The mobile was typed in Persian digits; the case stores it and shows it in Persian.
    view = case_view(desk.runtime, "tester", tracking)
    assert view.record["complainant_detail"]["mobile"] == "09121234567"
    assert "۰۹۱۲۱۲۳۴۵۶۷" in page.text


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"national_id": "1234567890"}, "national_id", "کد ملی"),
        ({"mobile": "12345"}, "mobile", "شماره همراه"),
        ({"first_name": "  "}, "first_name", "«نام»"),
        ({"agency": []}, "agency", "دستگاه"),
        ({"agency": ["شهرداری ناموجود"]}, "agency", "پیدا نشد"),
        ({"text": ""}, "text", "متن شکایت"),
    ],
)
def test_a_refused_field_is_named_beside_it_and_nothing_is_stored(
    desk: DeskUnderTest, changes: dict[str, object], field: str, words: str
) -> None:
    before = _count(desk)
    response = _post_intake(desk, changes)
    assert response.status_code == 400
    html = response.text
    beside = re.search(rf'<p class="field-error" id="{field}-error">([^<]+)</p>', html)
    assert beside, f"no message beside {field}"
    assert words in beside.group(1)
    assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', html, re.S)
    assert _count(desk) == before
    # What was typed comes back.
    assert "خیابان ما آسفالت نشده است." in html or field == "text"


def test_a_refused_upload_is_named_beside_its_input(desk: DeskUnderTest) -> None:
    before = _count(desk)
    files = {"followup": ("notes.txt", b"just some text", "text/plain")}
    response = _post_intake(desk, {}, files)
    assert response.status_code == 400
    html = response.text
    beside = re.search(r'<p class="field-error" id="followup-error">([^<]+)</p>', html)
    assert beside and "notes.txt" in beside.group(1) and "PDF" in beside.group(1)
    assert _count(desk) == before


def test_an_upload_past_the_limit_is_refused(desk: DeskUnderTest) -> None:
    limit = desk.runtime.settings.attachment_max_bytes
    big = pdf_bytes() + b"\n%" + b"x" * limit
    files = {"evidence": ("big.pdf", big, "application/pdf")}
    before = _count(desk)
    response = _post_intake(desk, {}, files)
    assert response.status_code == 400
    assert 'id="evidence-error"' in response.text
    assert _count(desk) == before


def test_the_duplicate_warning_is_shown(desk: DeskUnderTest) -> None:
    _, form, files = intake_form(desk)
    client = desk.client(Role.SECRETARIAT)
    token = desk.token(Role.SECRETARIAT)
    first = client.post("/complaints/new", data={**form, "csrf_token": token}, files=files)
    second = client.post("/complaints/new", data={**form, "csrf_token": token}, files=files)
    earlier = first.headers["location"].rsplit("/", 1)[1]
    page = client.get(second.headers["location"])
    assert "شکایت مشابهی" in page.text
    assert to_persian_digits(earlier) in page.text  # the warning names it as typed


def test_the_list_filters_pages_and_counts_in_persian(desk: DeskUnderTest) -> None:
    case = sent_case(desk)
    client = desk.client(Role.ARCHIVIST)
    everything = client.get("/complaints")
    assert everything.status_code == 200
    total = _count(desk)
    assert f"{to_persian_digits(total)} شکایت" in everything.text
    awaiting = client.get("/complaints?state=awaiting_reply")
    assert to_persian_digits(format_tracking_code(case["tracking"])) in awaiting.text
    assert "۱ شکایت" in awaiting.text
    # Not yet past its due date: the overdue filter leaves it out.
    overdue = client.get("/complaints?overdue=1")
    assert to_persian_digits(format_tracking_code(case["tracking"])) not in overdue.text
    bad = client.get("/complaints?since=1405/13/40")
    assert bad.status_code == 400
    assert 'id="since-error"' in bad.text
    persian_dates = client.get("/complaints?since=۱۴۰۰/۰۱/۰۱&until=۱۴۴۰/۰۱/۰۱")
    assert f"{to_persian_digits(total)} شکایت" in persian_dates.text


def test_the_case_page_shows_documents_letters_deadline_and_timeline(
    desk: DeskUnderTest,
) -> None:
    case = sent_case(desk)
    tracking = case["tracking"]
    page = desk.client(Role.INSPECTOR).get(f"/complaints/{tracking}")
    html = page.text
    assert page.status_code == 200
    assert f'<iframe src="/complaints/{tracking}/documents/{case["document"]}"' in html
    assert f'<img src="/complaints/{tracking}/documents/{case["image"]}"' in html
    assert f"/letters/{case['letter']}/letter.pdf" in html
    assert f"/letters/{case['letter']}/letter.docx" in html
    assert 'hx-get="/complaints/' in html
    assert "کاربر" not in html or "tester" in html  # events name who acted
    assert "ثبت شکایت" in html and "ارسال نامه" in html
    assert "۰۹۱۲۱۲۳۴۵۶۷" in html  # the inspector sees the complainant's contacts
    fragment = desk.client(Role.INSPECTOR).get(
        f"/complaints/{tracking}/letters/{case['letter']}/deadline", headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert "روز کاری ۱ از" in fragment.text and "سررسید پاسخ" in fragment.text


def test_documents_are_served_inline_with_their_type_and_nosniff(desk: DeskUnderTest) -> None:
    case = sent_case(desk)
    client = desk.client(Role.ARCHIVIST)
    base = f"/complaints/{case['tracking']}/documents"
    pdf = client.get(f"{base}/{case['document']}")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith("inline;")
    assert pdf.headers["x-content-type-options"] == "nosniff"
    png = client.get(f"{base}/{case['image']}")
    assert png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")
    assert "filename*=UTF-8''%D9%BE" in png.headers["content-disposition"]  # «پیگیری.png»
    converted = client.get(f"{base}/{case['image']}/document.pdf")
    assert converted.content.startswith(b"%PDF")
    docx = client.get(f"/complaints/{case['tracking']}/letters/{case['letter']}/letter.docx")
    assert docx.headers["content-disposition"].startswith("attachment;")
    assert docx.content.startswith(b"PK")
    # A document of another case is not found through this one.
    other = new_complaint(desk)
    assert client.get(f"/complaints/{other}/documents/{case['document']}").status_code == 404
    for wrong in ("abc", "۱", "1e3"):
        response = client.get(f"{base}/{wrong}")
        assert response.status_code == 404 and "سندی با این شناسه" in response.text


def test_the_admin_sees_no_personal_detail(desk: DeskUnderTest) -> None:
    case = sent_case(desk)
    html = desk.client(Role.ADMIN).get(f"/complaints/{case['tracking']}").text
    assert "۰۹۱۲۱۲۳۴۵۶۷" not in html
    assert "/receipt.pdf" not in html and "/documents/" not in html
    assert "جزئیات شاکی از نقش شما برنمی‌آید" in html


def _forms(html: str) -> set[str]:
    return set(re.findall(r'action="/complaints/\d+/(\w+)"', html))


def test_only_the_actions_state_and_role_allow_are_offered(desk: DeskUnderTest) -> None:
    tracking = new_complaint(desk)
    url = f"/complaints/{tracking}"
    assert _forms(desk.client(Role.INSPECTOR).get(url).text) == {"review", "withdraw"}
    assert _forms(desk.client(Role.SECRETARIAT).get(url).text) == {"attach", "withdraw"}
    assert _forms(desk.client(Role.ARCHIVIST).get(url).text) == set()
    office.withdraw(desk.runtime, "tester", tracking, reason="منصرف شد")
    assert _forms(desk.client(Role.INSPECTOR).get(url).text) == {"reopen"}
    assert _forms(desk.client(Role.SECRETARIAT).get(url).text) == set()


def test_review_accept_incomplete_and_reject(desk: DeskUnderTest) -> None:
    client = desk.client(Role.INSPECTOR)
    token = desk.token(Role.INSPECTOR)
    accepted = new_complaint(desk)
    done = client.post(
        f"/complaints/{accepted}/review",
        data={"decision": "accept", "note": "مدارک کامل", "csrf_token": token},
    )
    assert done.status_code == 303 and done.headers["location"] == f"/complaints/{accepted}"
    page = client.get(f"/complaints/{accepted}")
    assert "پیگیری قبلی" in page.text  # the review's warning, shown once
    assert case_view(desk.runtime, "tester", accepted).state.value == "accepted"

    incomplete = new_complaint(desk)
    refused = client.post(
        f"/complaints/{incomplete}/review", data={"decision": "incomplete", "csrf_token": token}
    )
    assert refused.status_code == 400
    assert 'id="review-missing-error"' in refused.text
    assert case_view(desk.runtime, "tester", incomplete).state.value == "registered"
    client.post(
        f"/complaints/{incomplete}/review",
        data={"decision": "incomplete", "missing": ["followup"], "csrf_token": token},
    )
    view = case_view(desk.runtime, "tester", incomplete)
    assert view.state.value == "incomplete" and view.missing_fa == ["مستندات پیگیری قبلی از دستگاه"]

    rejected = new_complaint(desk)
    no_reason = client.post(
        f"/complaints/{rejected}/review", data={"decision": "reject", "csrf_token": token}
    )
    assert no_reason.status_code == 400 and 'id="review-reason-error"' in no_reason.text
    assert case_view(desk.runtime, "tester", rejected).state.value == "registered"


def test_an_anonymous_complaint_is_accepted_with_a_summary_and_chosen_documents(
    desk: DeskUnderTest,
) -> None:
    response = _post_intake(desk, {"anonymous": "1"})
    assert response.status_code == 303
    tracking = response.headers["location"].rsplit("/", 1)[1]
    client = desk.client(Role.INSPECTOR)
    token = desk.token(Role.INSPECTOR)
    page = client.get(f"/complaints/{tracking}")
    assert "برای شکایت ناشناس الزامی" in page.text and 'name="forward" value="1"' in page.text
    refused = client.post(
        f"/complaints/{tracking}/review", data={"decision": "accept", "csrf_token": token}
    )
    assert refused.status_code == 400
    assert 'id="review-summary-error"' in refused.text
    assert case_view(desk.runtime, "tester", tracking).state.value == "registered"
    done = client.post(
        f"/complaints/{tracking}/review",
        data={
            "decision": "accept",
            "summary": "شاکی از آسفالت‌نشدن خیابان محل سکونت خود شکایت دارد.",
            "forward": ["1"],
            "csrf_token": token,
        },
    )
    assert done.status_code == 303
    assert case_view(desk.runtime, "tester", tracking).state.value == "accepted"


def test_accept_without_evidence_needs_a_note(desk: DeskUnderTest) -> None:
    tracking = new_complaint(desk, evidence=False)
    response = desk.client(Role.HEAD).post(
        f"/complaints/{tracking}/review",
        data={"decision": "accept", "csrf_token": desk.token(Role.HEAD)},
    )
    assert response.status_code == 409
    assert 'id="review-note-error"' in response.text and "یادداشت" in response.text
    assert "--note" not in response.text


def test_attach_withdraw_reopen_and_their_refusals(desk: DeskUnderTest) -> None:
    tracking = new_complaint(desk, evidence=False)
    secretariat, token = desk.client(Role.SECRETARIAT), desk.token(Role.SECRETARIAT)
    empty = secretariat.post(f"/complaints/{tracking}/attach", data={"csrf_token": token})
    assert empty.status_code == 400 and 'id="attach-attach-error"' in empty.text
    files = {"evidence": ("e.pdf", pdf_bytes(), "application/pdf")}
    added = secretariat.post(
        f"/complaints/{tracking}/attach", data={"csrf_token": token}, files=files
    )
    assert added.status_code == 303
    assert len(case_view(desk.runtime, "tester", tracking).documents) == 1

    no_reason = secretariat.post(f"/complaints/{tracking}/withdraw", data={"csrf_token": token})
    assert no_reason.status_code == 400 and 'id="withdraw-reason-error"' in no_reason.text
    assert case_view(desk.runtime, "tester", tracking).state.value == "registered"
    secretariat.post(
        f"/complaints/{tracking}/withdraw", data={"reason": "منصرف شد", "csrf_token": token}
    )
    assert case_view(desk.runtime, "tester", tracking).state.value == "withdrawn"

    head, head_token = desk.client(Role.HEAD), desk.token(Role.HEAD)
    closing = head.post(f"/complaints/{tracking}/close", data={"csrf_token": head_token})
    assert (
        closing.status_code == 409 and "مختومه" in closing.text and 'class="error"' in closing.text
    )
    head.post(
        f"/complaints/{tracking}/reopen", data={"reason": "پیگیری دوباره", "csrf_token": head_token}
    )
    view = case_view(desk.runtime, "tester", tracking)
    assert view.state.value == "accepted"
    assert any(e["note"] == "پیگیری دوباره" and e["actor"] == "head" for e in view.events)


def test_the_work_queue_links_to_the_case_pages(desk: DeskUnderTest) -> None:
    tracking = new_complaint(desk)
    html = desk.client(Role.INSPECTOR).get("/").text
    assert f'href="/complaints/{tracking}"' in html
    assert to_persian_digits(format_tracking_code(tracking)) in html
