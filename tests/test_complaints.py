"""Registering and reviewing complaints: validation first, nothing half-written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from registry import complaint_queries, complaints
from registry.errors import InvalidInput, NotFound, Refused
from registry.kinds import ComplainantKind, ComplaintState, DocumentKind
from registry.models import Complainant, Complaint, Document, Event
from registry.tracking import is_valid_tracking_code
from tests.factories import (
    AT,
    complainant_input,
    complaint_input,
    national_id,
    new_document,
    registered,
    seed_agencies,
)


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as session:
        seed_agencies(session)
        session.commit()
        yield session


def count(session: Session, model: type[object]) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_registration_records_everything_and_an_event(session: Session) -> None:
    data = complaint_input(agencies=("شهرداري قزوين", "فرمانداری قزوین", "شهرداری قزوین"))
    complaint = complaints.register_complaint(
        session, data, actor="دبیرخانه", at=AT, duplicate_window_days=90
    ).complaint
    assert complaint.state is ComplaintState.REGISTERED
    assert is_valid_tracking_code(complaint.tracking_code)
    # matched after normalization (Arabic Yeh/Kaf typed), each agency once, in order
    assert [link.agency.name for link in complaint.agencies] == ["شهرداری قزوین", "فرمانداری قزوین"]
    assert {d.kind for d in complaint.documents} == {DocumentKind.EVIDENCE, DocumentKind.FOLLOWUP}
    assert complaint.text_norm and "‌" not in complaint.text_norm
    event = session.scalars(select(Event).where(Event.complaint_id == complaint.id)).one()
    assert (event.action, event.actor, event.after) == (
        "complaint_registered",
        "دبیرخانه",
        "registered",
    )


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"subject": "  "}, "field_required"),
        ({"text": ""}, "field_required"),
        ({"subject": "م" * 301}, "field_too_long"),
        ({"agencies": ()}, "agency_required"),
        ({"complainant": complainant_input(national_id="1111111111")}, "invalid_national_id"),
        ({"complainant": complainant_input(mobile="0912")}, "invalid_mobile"),
        ({"complainant": complainant_input(first_name=" ")}, "field_required"),
        ({"complainant": complainant_input(postal_code="12345")}, "invalid_postal_code"),
        (
            {"complainant": complainant_input(kind=ComplainantKind.LEGAL, company_name="شرکت")},
            "invalid_company_id",
        ),
        (
            {"complainant": complainant_input(kind=ComplainantKind.FOREIGN, national_id=None)},
            "field_required",
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    session: Session, changes: dict[str, object], code: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        complaints.register_complaint(
            session, complaint_input(**changes), actor="x", at=AT, duplicate_window_days=90
        )
    assert refused.value.code == code
    session.rollback()
    assert (count(session, Complaint), count(session, Complainant), count(session, Document)) == (
        0,
        0,
        0,
    )


def test_unknown_agency_is_not_found_with_hints(session: Session) -> None:
    with pytest.raises(NotFound) as missing:
        complaints.register_complaint(
            session,
            complaint_input(agencies=("قزوین",)),
            actor="x",
            at=AT,
            duplicate_window_days=90,
        )
    assert missing.value.code == "agency_not_found"
    assert "شهرداری قزوین" in missing.value.params["hints"]


def test_legal_and_foreign_complainants(session: Session) -> None:
    from registry.identity import company_id_check_digit

    first_ten = "1038028479"
    legal = complainant_input(
        kind=ComplainantKind.LEGAL,
        national_id=first_ten + str(company_id_check_digit(first_ten)),
        company_name="شرکت ساختمانی البرز",
    )
    complaint = registered(session, complainant=legal)
    assert complaint.complainant.company_name == "شرکت ساختمانی البرز"
    foreign = complainant_input(
        kind=ComplainantKind.FOREIGN, national_id=None, foreign_id="p1234567"
    )
    assert registered(session, complainant=foreign).complainant.foreign_id == "P1234567"


def test_same_person_same_agency_within_the_window_is_flagged(session: Session) -> None:
    first = registered(session)
    later = AT + dt.timedelta(days=30)
    result = complaints.register_complaint(
        session, complaint_input(), actor="x", at=later, duplicate_window_days=90
    )
    assert result.possible_duplicates == [first]
    assert result.complaint.possible_duplicate_of_id == first.id
    # another agency, or outside the window, or another person: not flagged
    other_agency = complaint_input(agencies=("شهرداری آبیک",))
    far = AT + dt.timedelta(days=200)
    other_person = complaint_input(complainant=complainant_input(national_id=national_id(7)))
    for data, at in ((other_agency, later), (complaint_input(), far), (other_person, later)):
        flagged = complaints.register_complaint(
            session, data, actor="x", at=at, duplicate_window_days=90
        ).possible_duplicates
        assert first not in flagged


def test_accept_needs_evidence_or_a_reason(session: Session) -> None:
    bare = registered(session, documents=())
    with pytest.raises(Refused) as refused:
        complaints.accept(session, bare, actor="x", at=AT)
    assert refused.value.code == "evidence_missing"
    assert bare.state is ComplaintState.REGISTERED
    outcome = complaints.accept(session, bare, actor="x", at=AT, note="مستندات در سامانه سامد است")
    assert outcome.state is ComplaintState.ACCEPTED
    assert outcome.warnings == ["followup_missing"]


def test_accept_warns_when_an_anonymous_text_names_the_complainant(session: Session) -> None:
    text = "اینجانب زهرا كريمي با شماره ۰۹۱۲۱۲۳۴۵۶۷ شکایت دارم."
    complaint = registered(session, anonymous=True, text=text)
    summary = "شاکی از شهرداری شکایت دارد."
    outcome = complaints.accept(session, complaint, actor="x", at=AT, summary=summary)
    assert outcome.warnings == ["anonymous_text_names_name", "anonymous_text_names_mobile"]
    quiet = registered(session, anonymous=True)
    assert complaints.accept(session, quiet, actor="x", at=AT, summary=summary).warnings == []


def test_incomplete_then_attach_returns_to_review(session: Session) -> None:
    complaint = registered(session, documents=(new_document(DocumentKind.FOLLOWUP, 3),))
    with pytest.raises(InvalidInput):
        complaints.mark_incomplete(session, complaint, missing=[], actor="x", at=AT)
    complaints.mark_incomplete(
        session, complaint, missing=[DocumentKind.EVIDENCE], actor="x", at=AT
    )
    assert (complaint.state, complaint.missing_kinds) == (ComplaintState.INCOMPLETE, ["evidence"])
    complaints.attach(
        session, complaint, [new_document(DocumentKind.EVIDENCE, 4)], actor="x", at=AT
    )
    assert (complaint.state, complaint.missing_kinds) == (ComplaintState.REGISTERED, None)
    assert len(complaint.documents) == 2


def test_the_complaint_text_is_the_offices_to_make_not_to_file_or_ask_for(
    session: Session,
) -> None:
    text = new_document(DocumentKind.COMPLAINT_TEXT, 5)
    with pytest.raises(InvalidInput) as filed:
        registered(session, documents=(new_document(DocumentKind.EVIDENCE, 6), text))
    assert (filed.value.code, filed.value.params["field"]) == (
        "document_kind_made_by_office",
        "complaint_text",
    )
    complaint = registered(session)
    filed_kinds = [d.kind for d in complaint.documents]
    assert DocumentKind.COMPLAINT_TEXT not in filed_kinds
    with pytest.raises(InvalidInput) as asked:
        complaints.mark_incomplete(
            session, complaint, missing=[DocumentKind.COMPLAINT_TEXT], actor="x", at=AT
        )
    assert (asked.value.code, asked.value.params["field"]) == (
        "document_kind_made_by_office",
        "missing",
    )
    with pytest.raises(InvalidInput, match="document_kind_made_by_office"):
        complaints.attach(session, complaint, [text], actor="x", at=AT)
    assert complaint.state is ComplaintState.REGISTERED
    assert [d.kind for d in complaint.documents] == filed_kinds
    # The acceptance's own copy: filed, no state change, and no visit in person.
    complaints.file_made_document(session, complaint, text, actor="x", at=AT)
    session.flush()
    made = session.scalars(select(Event).where(Event.action == "document_made")).one()
    assert made.data == {"documents": [{"kind": "complaint_text", "name": text.original_name}]}
    assert [d.kind for d in complaint.documents] == [*filed_kinds, DocumentKind.COMPLAINT_TEXT]
    assert (complaint.state, complaint.in_person_events) == (ComplaintState.REGISTERED, 0)


def test_reject_withdraw_reopen_close_need_their_reasons(session: Session) -> None:
    complaint = registered(session)
    with pytest.raises(InvalidInput):
        complaints.reject(session, complaint, reason=" ", actor="x", at=AT)
    complaints.reject(session, complaint, reason="خارج از صلاحیت", actor="x", at=AT)
    complaints.close(session, complaint, actor="x", at=AT)
    with pytest.raises(InvalidInput):
        complaints.reopen(session, complaint, reason="", actor="x", at=AT)
    complaints.reopen(session, complaint, reason="مدارک تازه", actor="x", at=AT)
    complaints.withdraw(session, complaint, reason="انصراف شاکی", actor="x", at=AT)
    assert complaint.state is ComplaintState.WITHDRAWN
    with pytest.raises(Refused):
        complaints.attach(session, complaint, [new_document(n=9)], actor="x", at=AT)
    actions = session.scalars(
        select(Event.after).where(Event.complaint_id == complaint.id).order_by(Event.id)
    ).all()
    assert actions == ["registered", "rejected", "closed", "accepted", "withdrawn"]


def test_get_complaint_accepts_typed_forms(session: Session) -> None:
    complaint = registered(session)
    code = complaint.tracking_code
    typed = f"{code[:4]}-{code[4:8]} {code[8:]}".translate(
        str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
    )
    assert complaint_queries.get_complaint(session, typed) is complaint
    wrong = code[:-1] + str((int(code[-1]) + 1) % 10)
    with pytest.raises(InvalidInput):
        complaint_queries.get_complaint(session, wrong)


def test_list_filters_by_state(session: Session) -> None:
    a = registered(session)
    b = registered(session, at=AT + dt.timedelta(hours=1))
    complaints.accept(session, b, actor="x", at=AT)
    assert complaint_queries.list_complaints(session) == [b, a]
    assert complaint_queries.list_complaints(session, ComplaintState.ACCEPTED) == [b]
