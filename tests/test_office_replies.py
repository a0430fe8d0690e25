"""office.replies.record: a reply recorded as ``reply record`` does it, its scan stored with
the PDF derived from it; a refused reply writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from archive.dossier import dossier_entries
from archive.errors import AttachmentRefused
from office import deadlines, replies
from office.runtime import Runtime
from registry import holidays
from registry.db import transaction
from registry.errors import NotFound, Refused
from registry.kinds import ComplaintState, ReplyOutcome
from registry.models import ArchiveObject, Complaint, Reply
from registry.settings import Settings
from tests.factories import png_bytes
from tests.replies_support import THU_FRI, J, sent


@pytest.fixture
def runtime(migrated_url: str, tmp_path: Path) -> Runtime:
    return Runtime(Settings(home=tmp_path, database_url=migrated_url, today="1405/09/04"))


def _referral(runtime: Runtime) -> str:
    with transaction(runtime.sessions) as session:
        letter = sent(session, holidays.working_calendar(session, THU_FRI), on="1405/09/01")
        return letter.number


def _counts(runtime: Runtime) -> tuple[int, int]:
    with runtime.sessions() as session:
        return (
            session.scalar(select(func.count()).select_from(Reply)) or 0,
            session.scalar(select(func.count()).select_from(ArchiveObject)) or 0,
        )


def test_a_scanned_reply_is_stored_with_its_derived_pdf(runtime: Runtime, tmp_path: Path) -> None:
    number = _referral(runtime)
    scan = tmp_path / "reply.png"
    scan.write_bytes(png_bytes())
    recorded = replies.record(
        runtime,
        "دبیرخانه",
        number,
        file=scan,
        their_number="۱۲۳/ش",
        their_date=J("1405/09/02"),
        outcome=ReplyOutcome.PARTIAL,
        summary="در دست اقدام",
    )
    assert recorded["number"] == recorded["cited"] == number
    assert recorded["agency"] == "شهرداری قزوین"
    assert (recorded["their_date"], recorded["outcome"]) == ("1405/09/02", "partial")
    assert recorded["complaint_state"] == ComplaintState.REPLIED.value
    assert recorded["superseded"] is False
    with runtime.sessions() as session:
        reply = session.scalars(select(Reply)).one()
        original = reply.document.sha256
        objects = {
            (o.role, o.media_type, o.kind, o.derived_from)
            for o in session.scalars(select(ArchiveObject))
        }
    assert objects == {
        ("original", "image/png", "document:agency_reply", None),
        ("derived", "application/pdf", "document:agency_reply", original),
    }
    with runtime.sessions() as session:
        complaint = session.scalars(select(Complaint)).one()
        (entry,) = [
            e for e in dossier_entries(session, complaint, runtime.clock.zone) if e.group == "reply"
        ]
        assert entry.pdf_sha256 is not None and entry.note is None
    runtime.close()


def test_a_refused_reply_writes_nothing(runtime: Runtime, tmp_path: Path) -> None:
    number = _referral(runtime)
    scan = tmp_path / "reply.png"
    scan.write_bytes(png_bytes())
    day = J("1405/09/02")
    replies.record(runtime, "t", number, file=scan, their_number="1/ش", their_date=day)
    before = _counts(runtime)
    with pytest.raises(Refused) as refused:
        replies.record(runtime, "t", number, file=scan, their_number="2/ش", their_date=day)
    assert refused.value.code == "reply_exists"
    text = tmp_path / "reply.txt"
    text.write_text("not a scan", encoding="utf-8")
    with pytest.raises(AttachmentRefused) as invalid:
        replies.record(
            runtime, "t", number, file=text, their_number="2/ش", their_date=day, supersede=True
        )
    assert invalid.value.code == "attachment_type_refused"
    assert _counts(runtime) == before
    runtime.close()


def test_outstanding_and_deadlines_by_number(runtime: Runtime) -> None:
    number = _referral(runtime)
    report = replies.outstanding_replies(runtime, "tester")
    assert [rec["number"] for rec in report.letters] == [number]
    assert report.csv_rows()[0] == replies.CSV_KEYS and report.csv_rows()[1][0] == number
    (worded,) = report.in_words()
    assert worded["last_chaser_fa"] is None and worded["next_step_fa"].startswith("پیگیری اول")
    extended = deadlines.extend(runtime, "t", number, days=2, reason="درخواست دستگاه")
    assert extended["due_date_before"] != extended["due_date"]
    explained = deadlines.explain(runtime, "tester", number)
    assert [c["kind"] for c in explained.changes] == ["start", "extension"]
    with pytest.raises(NotFound) as missing:
        deadlines.explain(runtime, "tester", "1405/ص/999")
    assert missing.value.code == "letter_not_found"
    runtime.close()
