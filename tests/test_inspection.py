"""Inspection and report: assigned with its letter, findings added, the report assembled."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from office import inspection, pipeline
from registry import complaints
from registry.db import transaction
from registry.errors import Refused
from registry.jalali import from_jalali
from registry.kinds import ComplaintState, DocumentKind, LetterKind, LetterState
from registry.models import Complaint, Letter
from registry.replies import record_reply
from tests.factories import accepted, office_runtime, seed_agencies

TEHRAN = dt.timezone(dt.timedelta(hours=3, minutes=30))
NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=TEHRAN)
FINDINGS = (
    "در بازدید میدانی مشخص شد معبر یادشده آسفالت نشده است.\n\n"
    "شهرداری برای آن در بودجه امسال ردیفی پیش‌بینی کرده اما قرارداد نبسته است.\n\n"
    "نتیجه: شکایت وارد است و شهرداری باید تا پایان سال آسفالت را انجام دهد."
)


@pytest.fixture
def batch(migrated_url: str, tmp_path: Path) -> Iterator[pipeline.Batch]:
    runtime = office_runtime(migrated_url, tmp_path, at=NOW)
    with transaction(runtime.sessions) as session:
        seed_agencies(session)
        accepted(session, NOW, duplicate_window_days=0, agencies=("شهرداری قزوین", "شهرداری آبیک"))

    batch = pipeline.Batch(runtime, "بازرس")
    ids = pipeline.number_referrals(batch, pipeline.pending_referrals(batch, None))
    pipeline.deliver(batch, ids, pipeline.move_complaint_when_referred(batch))
    with transaction(runtime.sessions) as session:  # the first agency answers
        referral = session.get_one(Letter, ids[0])
        document = complaints.NewDocument(
            kind=DocumentKind.AGENCY_REPLY,
            sha256="a" * 64,
            original_name="r.pdf",
            media_type="application/pdf",
            size=1,
        )
        record_reply(
            session,
            referral,
            their_number="7788/ش",
            their_date=NOW.date(),
            document=document,
            at=NOW,
            actor="test",
            today=NOW.date(),
            summary="در دست اقدام است.",
        )
    yield pipeline.Batch(runtime, "بازرس")
    runtime.engine.dispose()


def tracking_of(batch: pipeline.Batch) -> str:
    with batch.runtime.sessions() as session:
        return session.scalars(select(Complaint.tracking_code)).one()


def inspect(
    batch: pipeline.Batch, tracking: str, *, on: dt.date | None, findings: str | None
) -> inspection.InspectionDone:
    """The inspector حسن موسوی assigned (on a day), or his findings added."""
    return inspection.inspect(
        batch.runtime,
        batch.actor,
        tracking,
        inspector="حسن موسوی",
        inspection_date=on,
        agency_name=None,
        findings=findings,
    )


def test_inspection_then_report(batch: pipeline.Batch) -> None:
    tracking = tracking_of(batch)
    day = from_jalali(1405, 9, 10)
    assigned = inspect(batch, tracking, on=day, findings=None)
    assert assigned.state is ComplaintState.UNDER_INSPECTION
    assert assigned.letter_number == "1405/ص/3"
    with pytest.raises(Refused) as refused:
        inspection.report(batch.runtime, batch.actor, tracking)
    assert refused.value.code == "findings_missing"
    again = inspect(batch, tracking, on=None, findings=FINDINGS)
    assert again.letter_number is None  # findings added; no second assignment
    done = inspection.report(batch.runtime, batch.actor, tracking)
    assert (done.state, done.letter_number) == (ComplaintState.REPORT_READY, "1405/ص/4")
    with batch.runtime.sessions() as session:
        letters = {letter.kind: letter for letter in session.scalars(select(Letter))}
        assignment = letters[LetterKind.INSPECTION_ASSIGNMENT]
        assert assignment.facts["agency"]["organisation"] == "شهرداری آبیک"  # not yet replied
        assert assignment.facts["inspection_date"] == "1405/09/10"
        report = letters[LetterKind.INSPECTION_REPORT]
        assert report.state is LetterState.SENT
        facts = report.facts
        assert len(facts["findings"]) == 2
        assert facts["conclusion"].startswith("شکایت وارد است")
        replies = {r["agency"]: r for r in facts["replies"]}
        assert replies["شهرداری قزوین"]["reply_number"] == "7788/ش"
        assert replies["شهرداری آبیک"]["outcome"] == "پاسخی واصل نشده است"
        assert batch.runtime.store.get(report.pdf_sha256 or "").startswith(b"%PDF-")


def test_report_needs_an_inspection_under_way(batch: pipeline.Batch) -> None:
    with pytest.raises(Refused) as refused:
        inspection.report(batch.runtime, batch.actor, tracking_of(batch))
    assert refused.value.code == "illegal_transition"
