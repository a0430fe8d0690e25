"""The case page's chain and dispatch book: each letter with what it cites (linked) and
the papers that answered it, and the secretariat's small forms recording how a sent letter
left and when it was received, their refusals beside the field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import partial

import pytest

from office import pipeline
from office.incoming import incoming_terms
from registry import complaints
from registry.db import transaction
from registry.kinds import DocumentKind, LetterKind, Role
from registry.letter_facts import reminder_facts
from registry.models import Letter
from registry.references import chaser_references
from registry.replies import record_reply
from tests.web_samples_dispatchrec16 import sent_referral
from tests.web_support import DeskUnderTest, desk_fixture


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeskUnderTest]:
    yield from desk_fixture(tmp_path_factory)


def _chased_and_answered(desk: DeskUnderTest) -> dict[str, str]:
    """A referral sent today, a reminder that follows it, and the agency's reply to it
    registered in the incoming register."""
    case = sent_referral(desk)
    runtime = desk.runtime
    batch = pipeline.Batch(runtime, "tester")
    today = runtime.clock.today()
    with transaction(runtime.sessions) as session:
        referral = session.get_one(Letter, int(case["letter"]))
        assert referral.complaint is not None and referral.agency is not None
        reminder = pipeline.number_case_letter(
            batch,
            session,
            LetterKind.REMINDER,
            referral.complaint,
            recipient=referral.agency.name,
            agency=referral.agency,
            chases=referral,
            facts=partial(
                reminder_facts,
                referral,
                office=runtime.settings.office,
                ordinal=1,
                answer_within_days=5,
                zone=runtime.clock.zone,
            ),
            references=chaser_references(referral, []),
        )
        record_reply(
            session,
            referral,
            their_number="۴۵۶/ش",
            their_date=today,
            document=complaints.NewDocument(
                kind=DocumentKind.AGENCY_REPLY,
                sha256="b" * 64,
                original_name="reply.pdf",
                media_type="application/pdf",
                size=1,
            ),
            at=runtime.clock.now(),
            actor="tester",
            today=today,
            register=incoming_terms(runtime, today),
        )
        return case | {"reminder": str(reminder.id)}


def test_the_case_page_shows_each_letter_with_what_it_cites_and_what_answered_it(
    desk: DeskUnderTest,
) -> None:
    case = _chased_and_answered(desk)
    page = desk.client(Role.INSPECTOR).get(f"/complaints/{case['tracking']}")
    assert page.status_code == 200
    html = page.text
    assert f'<tr id="letter-{case["letter"]}">' in html
    assert f'<tr id="letter-{case["reminder"]}">' in html
    reminder_row = html.split(f'<tr id="letter-{case["reminder"]}">')[1].split("<tr id=")[0]
    assert "<b>پیرو:</b>" in reminder_row
    assert f'href="#letter-{case["letter"]}"' in reminder_row
    referral_row = html.split(f'<tr id="letter-{case["letter"]}">')[1].split("<tr id=")[0]
    assert "پاسخ واصله (عطف به این نامه):" in referral_row and "۴۵۶/ش" in referral_row
    # The inspector reads the chain; the dispatch book's forms are the secretariat's.
    assert "/left" not in html and "ثبت ارسال نامه" not in html


def test_the_secretariat_records_how_a_letter_left_and_when_it_arrived(
    desk: DeskUnderTest,
) -> None:
    case = sent_referral(desk)
    client, token = desk.client(Role.SECRETARIAT), desk.token(Role.SECRETARIAT)
    page = f"/complaints/{case['tracking']}"
    base = f"{page}/letters/{case['letter']}"
    assert f'action="{base}/left"' in client.get(page).text

    refused = client.post(
        f"{base}/left", data={"csrf_token": token, "method": "post", "on": "۱۴۰۵/۱۳/۴۰"}
    )
    assert refused.status_code == 400
    assert 'aria-invalid="true"' in refused.text and "۱۴۰۵/۱۳/۴۰" in refused.text
    assert '<details class="action dispatch" open>' in refused.text
    refused = client.post(
        f"{base}/left", data={"csrf_token": token, "method": "hand", "tracking": "12"}
    )
    assert refused.status_code == 400 and "شماره پیگیری ندارد" in refused.text

    done = client.post(
        f"{base}/left",
        data={"csrf_token": token, "method": "post", "on": "", "tracking": "۹۸۷۶۵"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"{page}#letter-{case['letter']}"
    html = client.get(page).text
    assert "<b>ارسال:</b> پست" in html and "۹۸۷۶۵" in html
    assert f'action="{base}/received"' in html and f'action="{base}/left"' not in html

    yesterday = desk.runtime.clock.today() - dt.timedelta(days=1)
    from registry.jalali import format_jalali

    early = client.post(
        f"{base}/received", data={"csrf_token": token, "on": format_jalali(yesterday)}
    )
    assert early.status_code == 400 and "پیش از تاریخ ارسال نامه" in early.text
    got = client.post(
        f"{base}/received",
        data={"csrf_token": token, "on": "", "received_by": "دبیرخانه شهرداری"},
        follow_redirects=False,
    )
    assert got.status_code == 303
    html = client.get(page).text
    assert "<b>دریافت:</b>" in html and "(دبیرخانه شهرداری)" in html
    assert f'action="{base}/received"' not in html
    again = client.post(f"{base}/received", data={"csrf_token": token})
    assert again.status_code == 409 and "پیش‌تر با تاریخ" in again.text
