"""Approval and signature before the number for the kinds beside the referral (office
functions, no Prefect): the review's rejection, the chase's reminders and escalation, the
inspection report and the final answer.  With approval on, each path drafts and numbers
nothing; the head's signature numbers, seals and sends the letter with the next number; a
rejected draft gets none; the register refuses the kind unsigned; numbers stay gapless."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from office import casework, chasing, complaints, inspection, pipeline
from office import drafts as office
from office.access import Staff
from office.runtime import Runtime
from office.setup import install_trial_key_if_missing
from registry import complaint_queries
from registry import complaints as registry_complaints
from registry.db import transaction
from registry.errors import Refused
from registry.holidays import working_calendar
from registry.kinds import ComplaintState, DocumentKind, LetterKind, LetterState, Role
from registry.models import Complaint, Letter, LetterCounter, LetterDraft
from registry.outstanding import outstanding_replies
from registry.replies import record_reply
from tests.factories import (
    LETTERHEAD,
    accepted,
    complainant_input,
    national_id,
    office_runtime,
    registered,
    seed_agencies,
)

TEHRAN = dt.timezone(dt.timedelta(hours=3, minutes=30))
NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=TEHRAN)
KINDS = ["referral", "reminder", "escalation", "rejection", "inspection_report", "final_answer"]
STRICT = {**LETTERHEAD, "approval_required_kinds": KINDS}
INSPECTOR = Staff("reza", "رضا کریمی", frozenset({Role.INSPECTOR}))
HEAD = Staff("head", "محمد احمدی", frozenset({Role.HEAD}))
FINDINGS = "در بازدید میدانی مشخص شد معبر آسفالت نشده است.\n\nنتیجه: شکایت وارد است."
CHASED = "شهرداری تاکستان"
DECISION = "شهرداری موظف شد معبر را تا پایان سال آسفالت کند."


class Office:
    """One registry seen by two runtimes: ``plain`` (no approval: the referrals and the
    assignment letter as before) and ``strict`` (approval of every kind), each at ``at``."""

    def __init__(self, url: str, home: Path) -> None:
        self.url, self.home = url, home
        self.made: dict[tuple[bool, dt.datetime], Runtime] = {}
        self.today = ""  # the shells' day, as the data folder's settings say it

    def runtime(self, *, strict: bool = True, at: dt.datetime = NOW) -> Runtime:
        if (strict, at) not in self.made:
            office = STRICT if strict else LETTERHEAD
            self.made[strict, at] = office_runtime(self.url, self.home, at=at, office=office)
        return self.made[strict, at]

    def close(self) -> None:
        for runtime in self.made.values():
            runtime.close()

    def tracking(self, n: int) -> str:
        with self.runtime().sessions() as session:
            query = select(Complaint.tracking_code).order_by(Complaint.id)
            return list(session.scalars(query))[n]


@pytest.fixture
def desk(migrated_url: str, tmp_path: Path) -> Iterator[Office]:
    desk = Office(migrated_url, tmp_path)
    four_cases(desk)
    yield desk
    desk.close()


def four_cases(desk: Office) -> None:
    """Four complaints: 0 replied (to answer), 1 under inspection with findings (to
    report), 2 registered (to reject), 3 referred with no reply (to chase).  Letters 1–4
    are the three referrals and the inspection's assignment, numbered without approval."""
    plain = desk.runtime(strict=False)
    install_trial_key_if_missing(plain)
    with transaction(plain.sessions) as session:
        seed_agencies(session)
        for n, agency in enumerate(["شهرداری قزوین", "شهرداری آبیک", None, "شهرداری تاکستان"]):
            person = complainant_input(national_id=national_id(n + 1))
            if agency is None:
                registered(session, NOW, complainant=person, duplicate_window_days=0)
            else:
                accepted(
                    session, NOW, agencies=(agency,), complainant=person, duplicate_window_days=0
                )
    batch = pipeline.Batch(plain, "دبیرخانه")
    ids = pipeline.number_referrals(batch, pipeline.pending_referrals(batch, None))
    pipeline.deliver(batch, ids, pipeline.move_complaint_when_referred(batch))
    with transaction(plain.sessions) as session:  # the first agency answers
        document = registry_complaints.NewDocument(
            kind=DocumentKind.AGENCY_REPLY,
            sha256="a" * 64,
            original_name="r.pdf",
            media_type="application/pdf",
            size=1,
        )
        record_reply(
            session,
            session.get_one(Letter, ids[0]),
            their_number="7788/ش",
            their_date=NOW.date(),
            document=document,
            at=NOW,
            actor="test",
            today=NOW.date(),
            summary="در دست اقدام است.",
        )
    inspection.inspect(
        plain,
        "t",
        desk.tracking(1),
        inspector="حسن موسوی",
        inspection_date=NOW.date(),
        agency_name=None,
        findings=FINDINGS,
    )
    assert numbers(desk) == ["1405/ص/1", "1405/ص/2", "1405/ص/3", "1405/ص/4"]


def numbers(desk: Office) -> list[str]:
    """Every number in the register, checked gapless against its counter."""
    with desk.runtime().sessions() as session:
        seqs = list(session.scalars(select(Letter.seq).order_by(Letter.seq)))
        last = int(session.scalar(select(func.max(LetterCounter.last_seq))) or 0)
        found = list(session.scalars(select(Letter.number).order_by(Letter.seq)))
    assert seqs == list(range(1, last + 1))
    return found


def letter(desk: Office, kind: LetterKind) -> Letter:
    with desk.runtime().sessions() as session:
        return session.scalars(select(Letter).where(Letter.kind == kind)).one()


def draft_of(desk: Office, draft_id: int) -> LetterDraft:
    with desk.runtime().sessions() as session:
        return session.get_one(LetterDraft, draft_id)


def signatures(desk: Office, found: Letter) -> int:
    runtime = desk.runtime()
    return runtime.store.get(found.pdf_sha256 or "").count(b"/ByteRange")


def state(desk: Office, tracking: str) -> ComplaintState:
    with desk.runtime().sessions() as session:
        return complaint_queries.get_complaint(session, tracking).state


def sign(desk: Office, draft_id: int, at: dt.datetime = NOW) -> dict[str, object]:
    runtime = desk.runtime(at=at)
    office.approve(runtime, INSPECTOR, [draft_id])
    (record,) = office.sign(runtime, HEAD, [draft_id])
    return record


def test_the_setting_names_every_kind_a_path_drafts(tmp_path: Path) -> None:
    from registry.settings import Settings

    assert Settings(home=tmp_path, office=STRICT).office.approval_required_kinds == KINDS
    with pytest.raises(ValueError, match="final_answer"):
        Settings(home=tmp_path, office={"approval_required_kinds": ["receipt"]})


CASE_KINDS = [
    LetterKind.REMINDER,
    LetterKind.ESCALATION,
    LetterKind.REJECTION,
    LetterKind.INSPECTION_REPORT,
    LetterKind.FINAL_ANSWER,
]


@pytest.mark.parametrize("kind", CASE_KINDS)
def test_the_register_refuses_each_kind_unsigned(desk: Office, kind: LetterKind) -> None:
    """Whatever office function asks for the number without the signed draft."""
    batch = pipeline.Batch(desk.runtime(), "t")
    with pytest.raises(Refused) as refused, transaction(batch.runtime.sessions) as session:
        complaint = session.scalars(select(Complaint)).first()
        assert complaint is not None
        pipeline.number_case_letter(
            batch, session, kind, complaint, recipient="x", facts=lambda identity: {}
        )
    assert refused.value.code == "letter_unsigned"
    assert len(numbers(desk)) == 4


def test_a_rejection_waits_for_its_signature_and_leaves_with_it(desk: Office) -> None:
    tracking = desk.tracking(2)
    runtime = desk.runtime()
    reviewed = complaints.review(
        runtime, "t", tracking, complaints.Decision.REJECT, reason="خارج از صلاحیت"
    )
    # The complaint is rejected; its letter waits as a draft, with nothing numbered.
    assert reviewed.state is ComplaintState.REJECTED and reviewed.letter_number is None
    assert reviewed.draft is not None and len(numbers(desk)) == 4
    assert draft_of(desk, reviewed.draft).params == {
        "reason": "خارج از صلاحیت",
        "competent_authority": None,
    }
    # Approved is not signed: still nothing.
    office.approve(runtime, INSPECTOR, [reviewed.draft])
    assert len(numbers(desk)) == 4
    record = office.sign(runtime, HEAD, [reviewed.draft])[0]
    # Signed: numbered with the next number, sealed by the office, sent.
    assert (record["state"], record["number"]) == ("numbered", "1405/ص/5")
    sent = letter(desk, LetterKind.REJECTION)
    assert sent.state is LetterState.SENT and sent.facts["letter"]["sealed"] is True
    assert signatures(desk, sent) == 1
    assert "خارج از صلاحیت" in str(sent.facts)


def test_a_rejected_draft_never_gets_a_number(desk: Office) -> None:
    runtime = desk.runtime()
    tracking = desk.tracking(2)
    reviewed = complaints.review(
        runtime, "t", tracking, complaints.Decision.REJECT, reason="خارج از صلاحیت"
    )
    assert reviewed.draft is not None
    office.reject(runtime, HEAD, reviewed.draft, reason="ارجاع به مرجع صالح لازم است")
    with pytest.raises(Refused):
        office.sign(runtime, HEAD, [reviewed.draft])
    assert len(numbers(desk)) == 4
    assert draft_of(desk, reviewed.draft).letter_id is None


def test_a_final_answer_is_drafted_once_and_sealed_once_when_signed(desk: Office) -> None:
    tracking = desk.tracking(0)
    batch = pipeline.Batch(desk.runtime(), "t")
    seal = casework.answer_seal(batch)
    first = casework.answer(batch, tracking, decision=DECISION, seal=seal)
    assert (first.state, first.letter_number) == (ComplaintState.REPLIED, None)
    # Asked again before the signature: the same draft, not a second.
    again = casework.answer(batch, tracking, decision="دیگر", seal=seal)
    assert again.draft == first.draft is not None
    assert len(numbers(desk)) == 4 and state(desk, tracking) is ComplaintState.REPLIED
    record = sign(desk, first.draft)
    assert record["number"] == "1405/ص/5"
    assert state(desk, tracking) is ComplaintState.ANSWERED
    sent = letter(desk, LetterKind.FINAL_ANSWER)
    # Sealed once, by the answer's own seal (case data embedded), not twice.
    assert sent.state is LetterState.SENT and signatures(desk, sent) == 1
    assert sent.facts["letter"]["sealed"] is False and DECISION in str(sent.facts)


def test_an_answer_run_again_numbers_its_signed_draft(desk: Office) -> None:
    """A signature whose numbering did not finish: the next ``answer`` finishes it."""
    tracking = desk.tracking(0)
    batch = pipeline.Batch(desk.runtime(), "t")
    seal = casework.answer_seal(batch)
    draft = casework.answer(batch, tracking, decision=DECISION, seal=seal).draft
    assert draft is not None
    with transaction(batch.runtime.sessions) as session:  # signed, as a crash leaves it
        from registry import drafts

        row = drafts.get_draft(session, draft, lock=True)
        drafts.approve(session, row, actor="reza", at=NOW)
        drafts.sign(session, row, actor="head", at=NOW)
    done = casework.answer(batch, tracking, decision="نادیده", seal=seal)
    assert (done.letter_number, done.state) == ("1405/ص/5", ComplaintState.ANSWERED)
    assert DECISION in str(letter(desk, LetterKind.FINAL_ANSWER).facts)


def test_an_inspection_report_waits_for_its_signature(desk: Office) -> None:
    tracking = desk.tracking(1)
    runtime = desk.runtime()
    done = inspection.report(runtime, "t", tracking, conclusion="شکایت وارد است.")
    assert (done.state, done.letter_number) == (ComplaintState.UNDER_INSPECTION, None)
    assert done.draft is not None and len(numbers(desk)) == 4
    assert inspection.report(runtime, "t", tracking).draft == done.draft
    record = sign(desk, done.draft)
    assert record["number"] == "1405/ص/5"
    assert state(desk, tracking) is ComplaintState.REPORT_READY
    sent = letter(desk, LetterKind.INSPECTION_REPORT)
    assert sent.state is LetterState.SENT and signatures(desk, sent) == 1


def next_step_on(desk: Office) -> dt.datetime:
    """When the chased referral's next step falls due."""
    runtime = desk.runtime()
    settings = runtime.settings
    with runtime.sessions() as session:
        rows = outstanding_replies(
            session,
            today=NOW.date(),
            calendar=working_calendar(session, settings.weekend_python_days),
            zone=runtime.clock.zone,
            first_after=settings.chase_first_after,
            second_after=settings.chase_second_gap,
            escalate_after=settings.chase_escalate_gap,
        )
    (row,) = [r for r in rows if r.agency == CHASED]
    assert row.next_step is not None
    return dt.datetime.combine(row.next_step.date, dt.time(9), TEHRAN)


def chase_drafts(desk: Office, at: dt.datetime) -> list[int]:
    """A chase run at ``at``: it sends nothing; the ids of the drafts it made to the
    chased agency (the referral under inspection is late too, its drafts left waiting)."""
    runtime = desk.runtime(at=at)
    query = select(LetterDraft.id).where(LetterDraft.recipient == CHASED)
    with runtime.sessions() as session:
        before = set(session.scalars(query))
    result = chasing.chase(pipeline.Batch(runtime, "t"))
    assert result.sent == [] and CHASED in {p.agency for p in result.planned}
    # Run again the same day: the step is drafted once.
    assert chasing.chase(pipeline.Batch(runtime, "t")).sent == []
    with runtime.sessions() as session:
        return sorted(set(session.scalars(query)) - before)


def test_reminders_and_the_escalation_wait_for_their_signatures(desk: Office) -> None:
    """The whole ladder of the referral nobody answers, each step signed before it leaves;
    the second reminder's draft rejected once, drafted again at the next run."""
    made = []
    for step, kind in enumerate([LetterKind.REMINDER, LetterKind.REMINDER, LetterKind.ESCALATION]):
        at = next_step_on(desk)
        (draft,) = chase_drafts(desk, at)
        row = draft_of(desk, draft)
        assert (row.kind, row.recipient) == (kind, CHASED)
        assert len(numbers(desk)) == 4 + step
        if step == 1:
            office.reject(desk.runtime(at=at), HEAD, draft, reason="متن دوباره نوشته شود")
            assert len(numbers(desk)) == 4 + step
            (draft,) = chase_drafts(desk, at)
        record = sign(desk, draft, at)
        made.append(record["number"])
    assert made == ["1405/ص/5", "1405/ص/6", "1405/ص/7"]
    escalation = letter(desk, LetterKind.ESCALATION)
    assert escalation.state is LetterState.SENT and escalation.facts["letter"]["sealed"]
    assert signatures(desk, escalation) == 1
    assert escalation.chases_id is not None
