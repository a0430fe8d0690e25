"""What each letter cites (پیرو / عطف): chosen when it is numbered, kept as rows, frozen in
its facts and printed in its box (PDF and DOCX) and, where it fits, in its wording.

One case is carried through the whole correspondence on short deadlines: the referral,
two reminders and an escalation (the chase, day after day), the agency's reply registered
in the incoming register, the inspection's assignment and report, and the final answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from generators import build_context, render_docx
from office import casework, chasing, inspection, pipeline
from office.cases import case_view
from office.incoming import incoming_terms
from office.runtime import Runtime
from registry import complaints, migrate
from registry.clock import Clock
from registry.db import transaction
from registry.jalali import format_jalali, from_jalali
from registry.kinds import DocumentKind, LetterKind, ReferenceKind
from registry.models import Complaint, Letter, LetterReference
from registry.replies import record_reply
from registry.settings import Settings
from tests.factories import accepted, seed_agencies
from tests.letters_support import docx_text, pdf_pages, pdf_text, squash

pytestmark = pytest.mark.slow

TEHRAN = dt.timezone(dt.timedelta(hours=3, minutes=30))
START = from_jalali(1405, 9, 1)  # a Saturday; no holiday until Dey
SHORT = {
    "reply_deadline_days": dict.fromkeys(
        ("office", "governorate", "county_governorate", "municipality"), 1
    ),
    "reminder_deadline_days": 1,
    "chase_first_after": 0,
    "chase_second_after": 2,
    "chase_escalate_after": 2,
}


def moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(8, 30), TEHRAN)


@dataclass
class Office:
    """The office on one registry, its clock moved to any day."""

    url: str
    home: Path
    runtimes: list[Runtime]

    def on(self, day: dt.date) -> pipeline.Batch:
        settings = Settings(
            home=self.home,
            database_url=self.url,
            office={"signatory_name": "محمد احمدی"},
            **SHORT,  # type: ignore[arg-type]
        )
        runtime = Runtime(settings, fixed_clock=Clock(fixed_now=moment(day)))
        self.runtimes.append(runtime)
        return pipeline.Batch(runtime, "بازرس")


@dataclass(frozen=True)
class Case:
    tracking: str
    letters: dict[LetterKind, list[Letter]]
    the_office: Office
    last: pipeline.Batch


def _letters(batch: pipeline.Batch) -> dict[LetterKind, list[Letter]]:
    found: dict[LetterKind, list[Letter]] = {}
    with batch.runtime.sessions() as session:
        for letter in session.scalars(select(Letter).order_by(Letter.seq)):
            found.setdefault(letter.kind, []).append(letter)
        session.expunge_all()
    return found


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Case]:
    home = tmp_path_factory.mktemp("references")
    the_office = Office(f"sqlite:///{home / 'registry.sqlite3'}", home, [])
    batch = the_office.on(START)
    migrate.upgrade(batch.runtime.engine)
    with transaction(batch.runtime.sessions) as session:
        seed_agencies(session)
        tracking = accepted(session, moment(START), duplicate_window_days=0).tracking_code
    ids = pipeline.number_referrals(batch, pipeline.pending_referrals(batch, None))
    pipeline.deliver(batch, ids, pipeline.move_complaint_when_referred(batch))
    day = START
    for _ in range(20):  # the chase, day after day, up to the escalation
        day += dt.timedelta(days=1)
        batch = the_office.on(day)
        chasing.chase(batch)
        if LetterKind.ESCALATION in _letters(batch):
            break
    with transaction(batch.runtime.sessions) as session:  # the agency answers at last
        referral = session.get_one(Letter, ids[0])
        record_reply(
            session,
            referral,
            their_number="7788/ش",
            their_date=day,
            document=complaints.NewDocument(
                kind=DocumentKind.AGENCY_REPLY,
                sha256="a" * 64,
                original_name="r.pdf",
                media_type="application/pdf",
                size=1,
            ),
            at=moment(day),
            actor="دبیرخانه",
            today=day,
            register=incoming_terms(batch.runtime, day),
        )
    run, who = batch.runtime, "حسن موسوی"
    assigned = {"inspection_date": day, "agency_name": None, "findings": None}
    inspection.inspect(run, "بازرس", tracking, inspector=who, **assigned)  # type: ignore[arg-type]
    found = {"inspection_date": None, "agency_name": None, "findings": "معبر آسفالت نشده است."}
    inspection.inspect(run, "بازرس", tracking, inspector=who, **found)  # type: ignore[arg-type]
    inspection.report(run, "بازرس", tracking, conclusion="شکایت وارد است.")
    casework.answer(batch, tracking, decision="شهرداری موظف شد.", seal=lambda facts, pdf: pdf)
    yield Case(tracking, _letters(batch), the_office, batch)
    for runtime in the_office.runtimes:
        runtime.engine.dispose()


def _cited(case: Case, letter: Letter) -> list[tuple[str, str]]:
    with case.last.runtime.sessions() as session:
        rows = session.scalars(
            select(LetterReference)
            .where(LetterReference.letter_id == letter.id)
            .order_by(LetterReference.position)
        ).all()
        return [
            (row.kind.value, row.cites_letter.number if row.cites_letter else "incoming")
            for row in rows
        ]


def _box(letter: Letter) -> list[tuple[str, str, str]]:
    return [(r["kind"], r["number"], r["date"]) for r in letter.facts.get("references", [])]


def _ref(letter: Letter) -> tuple[str, str, str]:
    return ("follows", letter.number, format_jalali(letter.date))


def test_chasers_follow_their_referral_and_the_reminders_before_them(case: Case) -> None:
    (referral,) = case.letters[LetterKind.REFERRAL]
    first, second = case.letters[LetterKind.REMINDER]
    (escalation,) = case.letters[LetterKind.ESCALATION]
    assert _box(referral) == [] and "references" not in referral.facts
    assert _box(first) == [_ref(referral)]
    assert _box(second) == [_ref(referral), _ref(first)]
    assert _box(escalation) == [_ref(referral), _ref(first), _ref(second)]
    assert _cited(case, escalation) == [
        ("follows", referral.number),
        ("follows", first.number),
        ("follows", second.number),
    ]


def test_the_report_follows_the_assignment_and_the_answer_answers_the_reply(case: Case) -> None:
    (assignment,) = case.letters[LetterKind.INSPECTION_ASSIGNMENT]
    (report,) = case.letters[LetterKind.INSPECTION_REPORT]
    (answer,) = case.letters[LetterKind.FINAL_ANSWER]
    assert _box(assignment) == []
    assert _box(report) == [_ref(assignment)]
    assert _cited(case, report) == [("follows", assignment.number)]
    (reply,) = answer.facts["references"]
    assert (reply["kind"], reply["number"], reply["sender"]) == (
        "answers",
        "7788/ش",
        "شهرداری قزوین",
    )
    assert _cited(case, answer) == [("answers", "incoming")]


def test_the_box_and_the_wording_print_them_in_pdf_and_docx(case: Case) -> None:
    store = case.last.runtime.store
    (escalation,) = case.letters[LetterKind.ESCALATION]
    (report,) = case.letters[LetterKind.INSPECTION_REPORT]
    (answer,) = case.letters[LetterKind.FINAL_ANSWER]
    (assignment,) = case.letters[LetterKind.INSPECTION_ASSIGNMENT]

    def fa(text: str) -> str:
        return text.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))

    # pdftotext reads the box's labels column before its values column: each is looked for.
    for letter, label, cited in (
        (escalation, "پیرو", [(fa(r[1]), fa(r[2])) for r in _box(escalation)]),
        (report, "پیرو", [(fa(assignment.number), fa(format_jalali(assignment.date)))]),
        (answer, "عطف", [("۷۷۸۸/ش", fa(answer.facts["references"][0]["date"]))]),
    ):
        pdf = store.get(letter.pdf_sha256 or "")
        docx = docx_text(store.get(letter.docx_sha256 or ""))
        text = squash(pdf_text(pdf))
        assert pdf_pages(pdf) == 1, letter.kind
        assert squash(label * len(cited)) in text, letter.kind
        for number, date in cited:
            assert squash(f"{number} مورخ {date}") in text, (letter.kind, number)
            assert squash(f"{label}: {number} مورخ {date}") in squash(docx), (letter.kind, number)
    wording = (
        f"پیرو ابلاغ بازرسی شماره {fa(assignment.number)} مورخ {fa(format_jalali(assignment.date))}"
    )
    assert squash(wording) in squash(pdf_text(store.get(report.pdf_sha256 or "")))


def test_letters_frozen_before_references_render_as_before(case: Case) -> None:
    (first, _second) = case.letters[LetterKind.REMINDER]
    older = {k: v for k, v in first.facts.items() if k != "references"}
    context = build_context("reminder", older)
    assert context["letter"]["references"] == []
    assert "پیرو:" not in docx_text(render_docx("reminder", context))


def test_the_case_page_shows_the_chain(case: Case) -> None:
    view = case_view(case.last.runtime, "test", case.tracking)
    by_number = {letter["number"]: letter for letter in view.letters}
    (referral,) = case.letters[LetterKind.REFERRAL]
    (escalation,) = case.letters[LetterKind.ESCALATION]
    shown = by_number[escalation.number]["references"]
    assert (shown[0]["label"], shown[0]["letter_id"]) == ("پیرو", referral.id)
    answered = by_number[referral.number]["answered_by"]
    assert [(a["label"], a["number"], a["sender"]) for a in answered] == [
        (ReferenceKind.ANSWERS.label_fa, "7788/ش", "شهرداری قزوین")
    ]
    assert answered[0]["incoming_number"].startswith("1405/و/")
    with case.last.runtime.sessions() as session:
        assert session.scalars(select(Complaint.state)).one().value == "answered"
