"""The desk's office functions, called directly on both databases: the filtered, paged
complaint list, uploads checked as files are, a case's view, timeline and files, and the
actions the state and the roles allow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from unittest.mock import patch

import pytest
from sqlalchemy import select

from archive.errors import AttachmentRefused
from office import cases, queue
from office import complaints as office
from office.access import Staff
from office.cases import CaseAction, available_actions
from office.complaints import Upload
from office.runtime import Runtime
from registry.calendar import WorkingCalendar
from registry.db import transaction
from registry.errors import NotFound
from registry.kinds import ComplaintState, DocumentKind, Role
from registry.models import Agency, Complaint
from tests.factories import (
    complainant_input,
    complaint_input,
    national_id,
    office_runtime,
    png_bytes,
)
from tests.replies_support import sent
from tests.web_samples_web13a import pdf_bytes

TEHRAN = dt.timezone(dt.timedelta(hours=3, minutes=30))
NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=TEHRAN)  # 1405/09/04
ACTOR = "دبیرخانه"


@pytest.fixture
def runtime(migrated_url: str, tmp_path: Path) -> Iterator[Runtime]:
    from tests.factories import seeded_runtime

    runtime = seeded_runtime(migrated_url, tmp_path, at=NOW)
    yield runtime
    runtime.close()


def _register(runtime: Runtime, seed: int, **changes: object) -> str:
    data = complaint_input(complainant=complainant_input(national_id=national_id(seed)), **changes)
    files = office.check_uploads(runtime, [Upload(DocumentKind.EVIDENCE, "e.pdf", pdf_bytes())])
    return str(office.register(runtime, ACTOR, data, files).record["tracking_code"])


def _register_at(runtime: Runtime, when: dt.datetime, seed: int) -> str:
    """Register as ``_register`` does, on a clock standing at ``when``."""
    other = office_runtime(runtime.settings.resolved_database_url, runtime.settings.home, at=when)
    try:
        return _register(other, seed)
    finally:
        other.close()


def test_the_list_filters_by_state_agency_and_dates_and_pages(runtime: Runtime) -> None:
    early = _register_at(runtime, NOW - dt.timedelta(days=10), 1)
    late = _register(runtime, 2, agencies=("شهرداری آبیک",))
    withdrawn = _register(runtime, 3)
    office.withdraw(runtime, ACTOR, withdrawn, reason="منصرف شد")

    everything = office.find_complaints(runtime, "tester")
    assert everything.total == 3 and everything.pages == 1
    assert [r["tracking_code"] for r in everything.records] == [withdrawn, late, early]
    assert office.find_complaints(runtime, "tester", state=ComplaintState.WITHDRAWN).total == 1
    with runtime.sessions() as session:
        abyek = session.scalars(select(Agency.id).where(Agency.name == "شهرداری آبیک")).one()
    only = office.find_complaints(runtime, "tester", agency_id=abyek)
    assert [r["tracking_code"] for r in only.records] == [late]
    today = NOW.date()
    assert office.find_complaints(runtime, "tester", since=today).total == 2
    assert office.find_complaints(runtime, "tester", until=today - dt.timedelta(days=1)).total == 1
    # A day is the office's day: a complaint at 00:10 Tehran time (20:40 UTC the day
    # before) belongs to today, not to yesterday.
    midnight = dt.datetime.combine(today, dt.time(0, 10), TEHRAN)
    _register_at(runtime, midnight, 4)
    assert office.find_complaints(runtime, "tester", since=today, until=today).total == 3

    paged = office.find_complaints(runtime, "tester", page=2, page_size=3)
    assert paged.total == 4 and paged.pages == 2 and paged.page == 2
    assert [r["tracking_code"] for r in paged.records] == [early]
    assert office.find_complaints(runtime, "tester", page=9, page_size=3).page == 2  # the last


def test_the_work_queue_shows_each_shelf_newest_first_with_its_count(runtime: Runtime) -> None:
    older = [_register_at(runtime, NOW - dt.timedelta(days=d), 10 + d) for d in (5, 4, 3)]
    newest = _register(runtime, 20)
    incomplete = _register(runtime, 21)
    office.review(
        runtime, ACTOR, incomplete, office.Decision.INCOMPLETE, missing=[DocumentKind.FOLLOWUP]
    )
    shelves = {s.key: s for s in queue.work_queue(runtime, _staff(Role.SECRETARIAT))}
    # The secretariat's shelves: to dispatch, incomplete (attach); not to review.
    assert list(shelves) == ["to_dispatch", "incomplete"]
    assert (shelves["incomplete"].total, shelves["to_dispatch"].total) == (1, 0)
    assert [r["tracking_code"] for r in shelves["incomplete"].complaints] == [incomplete]
    inspector = {s.key: s for s in queue.work_queue(runtime, _staff(Role.INSPECTOR))}
    to_review = inspector["to_review"]
    assert to_review.total == 4
    assert [r["tracking_code"] for r in to_review.complaints] == [newest, *reversed(older)]
    with patch.object(queue, "SHOWN", 2):
        shown = {s.key: s for s in queue.work_queue(runtime, _staff(Role.INSPECTOR))}
    assert shown["to_review"].total == 4
    assert [r["tracking_code"] for r in shown["to_review"].complaints] == [newest, older[2]]
    assert queue.work_queue(runtime, _staff(Role.ADMIN)) == []


def test_the_overdue_filter_finds_unanswered_referrals_past_due(runtime: Runtime) -> None:
    calendar = WorkingCalendar()
    with transaction(runtime.sessions) as session:
        late = sent(session, calendar, on="1405/08/01")  # due long before 1405/09/04
        on_time = sent(session, calendar, on="1405/09/03")
        codes = [
            session.get_one(Complaint, letter.complaint_id).tracking_code
            for letter in (late, on_time)
        ]
    overdue = office.find_complaints(runtime, "tester", overdue=True)
    assert [r["tracking_code"] for r in overdue.records] == [codes[0]]
    assert office.find_complaints(runtime, "tester").total == 2


def test_uploads_are_checked_by_content_and_a_refusal_names_its_input(runtime: Runtime) -> None:
    checked = office.check_uploads(
        runtime,
        [
            Upload(DocumentKind.EVIDENCE, "C:\\scans\\نامه.pdf", pdf_bytes()),
            Upload(DocumentKind.OTHER, "photo.png", png_bytes()),
        ],
    )
    assert [(kind, a.original_name, a.media_type) for kind, a in checked] == [  # type: ignore[union-attr]
        (DocumentKind.EVIDENCE, "نامه.pdf", "application/pdf"),
        (DocumentKind.OTHER, "photo.png", "image/png"),
    ]
    with pytest.raises(AttachmentRefused) as refused:
        office.check_uploads(runtime, [Upload(DocumentKind.FOLLOWUP, "a.pdf", b"MZ\x90\x00")])
    assert refused.value.code == "attachment_type_refused"
    assert refused.value.params["field"] == "followup"
    limit = runtime.settings.attachment_max_bytes
    with pytest.raises(AttachmentRefused) as too_large:
        office.check_uploads(runtime, [Upload(DocumentKind.OTHER, "b.pdf", b"%" * (limit + 1))])
    assert too_large.value.code == "attachment_too_large"


def test_the_case_view_timeline_and_files(runtime: Runtime) -> None:
    data = complaint_input(complainant=complainant_input(national_id=national_id(7)))
    files = office.check_uploads(
        runtime,
        [
            Upload(DocumentKind.EVIDENCE, "e.pdf", pdf_bytes()),
            Upload(DocumentKind.FOLLOWUP, "f.png", png_bytes()),
        ],
    )
    tracking = office.register(runtime, ACTOR, data, files, receipt=True).record["tracking_code"]
    office.review(runtime, "inspector", tracking, office.Decision.ACCEPT, note="کامل")
    view = cases.case_view(runtime, "tester", tracking)
    assert view.state is ComplaintState.ACCEPTED
    assert [d["view"] for d in view.documents] == ["pdf", "image"]
    assert view.receipt_number is not None
    assert [x["kind"] for x in view.letters] == ["receipt"]
    assert view.letters[0]["pdf"] and not view.letters[0]["deadline"]
    events = cases.case_events(runtime, "tester", tracking)
    assert events == view.events
    actions = [(e["action"], e["actor"]) for e in events]
    assert ("complaint_registered", ACTOR) in actions and ("state_changed", "inspector") in actions
    accepted = next(e for e in events if e["after"] == "پذیرفته‌شده")
    assert accepted["note"] == "کامل" and accepted["before"] == "ثبت‌شده"

    receipt = cases.receipt_file(runtime, "tester", tracking)
    assert receipt.media_type == "application/pdf"
    assert b"".join(receipt.chunks).startswith(b"%PDF")
    image = cases.document_file(runtime, "tester", tracking, view.documents[1]["id"])
    assert image.media_type == "image/png" and b"".join(image.chunks) == png_bytes()
    as_pdf = cases.document_file(runtime, "tester", tracking, view.documents[1]["id"], as_pdf=True)
    assert as_pdf.name == "f.pdf" and b"".join(as_pdf.chunks).startswith(b"%PDF")
    docx = cases.letter_file(runtime, "tester", tracking, view.letters[0]["id"], fmt="docx")
    assert b"".join(docx.chunks).startswith(b"PK")

    other = _register(runtime, 8)
    with pytest.raises(NotFound):
        cases.document_file(runtime, "tester", other, view.documents[0]["id"])
    with pytest.raises(NotFound):
        cases.letter_file(runtime, "tester", other, view.letters[0]["id"], fmt="pdf")
    with pytest.raises(NotFound) as no_receipt:
        cases.receipt_file(runtime, "tester", other)
    assert no_receipt.value.code == "receipt_not_found"


def _staff(*roles: Role) -> Staff:
    return Staff("someone", "کسی", frozenset(roles))


@pytest.mark.parametrize(
    ("state", "roles", "expected"),
    [
        (ComplaintState.REGISTERED, (Role.INSPECTOR,), {"review", "withdraw"}),
        (ComplaintState.REGISTERED, (Role.SECRETARIAT,), {"attach", "withdraw"}),
        (ComplaintState.INCOMPLETE, (Role.SECRETARIAT,), {"attach", "withdraw"}),
        (ComplaintState.INCOMPLETE, (Role.HEAD,), {"withdraw"}),
        (ComplaintState.ANSWERED, (Role.HEAD,), {"close", "withdraw"}),
        (ComplaintState.REJECTED, (Role.INSPECTOR,), {"close", "withdraw"}),
        (ComplaintState.CLOSED, (Role.INSPECTOR,), {"reopen"}),
        (ComplaintState.WITHDRAWN, (Role.SECRETARIAT,), set()),
        (ComplaintState.AWAITING_REPLY, (Role.ARCHIVIST,), set()),
        (ComplaintState.REGISTERED, (Role.ADMIN,), set()),
    ],
)
def test_available_actions_follow_the_state_machine_and_the_roles(
    state: ComplaintState, roles: tuple[Role, ...], expected: set[str]
) -> None:
    assert available_actions(state, _staff(*roles)) == expected
    assert CaseAction.REVIEW == "review"
