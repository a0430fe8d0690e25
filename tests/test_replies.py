"""Recording agencies' replies: refusals, the link to the referral, supersede, and the
complaint moving to ``replied`` when the last agency has answered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from registry import holidays
from registry.errors import InvalidInput, NotFound, Refused, ResidegiError
from registry.kinds import ComplaintState, DocumentKind, LetterKind, ReplyOutcome
from registry.models import Complaint, Event, Letter, Reply
from registry.register import find_letter, void_letter
from registry.replies import current_reply, record_reply
from registry.states import transition
from tests.factories import new_document
from tests.replies_support import (
    TAKESTAN,
    THU_FRI,
    J,
    agency,
    at_noon,
    awaiting_complaint,
    numbered,
    put_holidays,
    sent,
)

TODAY = J("1405/02/10")


def reply(
    session: Session, letter: Letter, *, date: str = "1405/02/05", supersede: bool = False
) -> Reply:
    return record_reply(
        session,
        letter,
        their_number="۱۴۰۵/۸۸۲",
        their_date=J(date),
        document=new_document(DocumentKind.AGENCY_REPLY, 9),
        at=at_noon(TODAY),
        actor="دبیرخانه",
        today=TODAY,
        outcome=ReplyOutcome.PARTIAL,
        summary="در دست اقدام",
        supersede=supersede,
    )


def _state(complaint: Complaint) -> ComplaintState:
    # A function call, so that the type checker does not pin the state after one assert.
    return complaint.state


def _sent(session: Session) -> Letter:
    put_holidays(session)
    return sent(session, holidays.working_calendar(session, THU_FRI), on="1405/02/01")


def _unknown(session: Session) -> None:
    _sent(session)
    find_letter(session, "۱۴۰۵/ص/۹۹۹", {"ص"}, "{year}/{series}/{seq}")


def _future(session: Session) -> None:
    reply(session, _sent(session), date="1405/02/11")


def _before_sent(session: Session) -> None:
    reply(session, _sent(session), date="1405/01/31")


def _second(session: Session) -> None:
    letter = _sent(session)
    reply(session, letter)
    reply(session, letter, date="1405/02/06")


def _void(session: Session) -> None:
    letter = _sent(session)
    void_letter(session, letter, reason="اشتباه", actor="t", at=at_noon("1405/02/02"))
    reply(session, letter)


def _reminder_of_void_referral(session: Session) -> None:
    letter = _sent(session)
    calendar = holidays.working_calendar(session, THU_FRI)
    reminder = sent(session, calendar, on="1405/02/03", kind=LetterKind.REMINDER, chases=letter)
    void_letter(session, letter, reason="اشتباه", actor="t", at=at_noon("1405/02/04"))
    reply(session, reminder)


def _never_sent(session: Session) -> None:
    letter = numbered(
        session,
        kind=LetterKind.REFERRAL,
        on=J("1405/02/01"),
        complaint=awaiting_complaint(session),
        to=agency(session),
    )
    reply(session, letter)


def _wrong_kind(session: Session) -> None:
    reply(session, numbered(session, kind=LetterKind.RECEIPT, on=J("1405/02/01")))


def _no_number(session: Session) -> None:
    record_reply(
        session,
        _sent(session),
        their_number=" ",
        their_date=J("1405/02/05"),
        document=new_document(),
        at=at_noon(TODAY),
        actor="t",
        today=TODAY,
    )


@pytest.mark.parametrize(
    ("make", "error", "code"),
    [
        (_unknown, NotFound, "letter_not_found"),
        (_future, InvalidInput, "date_in_future"),
        (_before_sent, InvalidInput, "reply_before_letter"),
        (_second, Refused, "reply_exists"),
        (_void, Refused, "letter_void"),
        (_reminder_of_void_referral, Refused, "letter_void"),
        (_never_sent, Refused, "letter_not_sent"),
        (_wrong_kind, Refused, "reply_to_wrong_kind"),
        (_no_number, InvalidInput, "field_required"),
    ],
)
def test_refusals_write_nothing(
    sessions: sessionmaker[Session],
    make: Callable[[Session], None],
    error: type[ResidegiError],
    code: str,
) -> None:
    with sessions() as session, session.begin():
        with pytest.raises(error) as raised:
            make(session)
        assert raised.value.code == code
        replies = session.scalars(select(Reply)).all()
        assert len(replies) == (1 if code == "reply_exists" else 0)


def test_reply_citing_a_reminder_is_filed_under_the_referral_and_supersede(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        referral = _sent(session)
        calendar = holidays.working_calendar(session, THU_FRI)
        reminder = sent(
            session, calendar, on="1405/02/03", kind=LetterKind.REMINDER, chases=referral
        )
        first = reply(session, reminder, date="1405/02/04")
        assert (first.letter_id, first.cited_letter_id) == (referral.id, reminder.id)
        assert first.document.kind is DocumentKind.AGENCY_REPLY
        assert first.document.complaint_id == referral.complaint_id
        with pytest.raises(Refused, match="reply_exists"):
            reply(session, referral)  # the same referral, cited directly
        second = reply(session, referral, date="1405/02/09", supersede=True)
        assert first.superseded_by_id == second.id
        assert current_reply(session, referral) is second
        event = session.scalars(
            select(Event).where(Event.action == "reply_recorded").order_by(Event.id.desc())
        ).first()
        assert event is not None and event.data is not None
        assert event.data["supersedes"] == first.id and event.actor == "دبیرخانه"


def test_complaint_moves_to_replied_when_the_last_agency_replies(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        put_holidays(session)
        calendar = holidays.working_calendar(session, THU_FRI)
        complaint = awaiting_complaint(session, agencies=("شهرداری قزوین", TAKESTAN))
        qazvin = sent(session, calendar, on="1405/02/01", complaint=complaint)
        # Takestan's first referral was voided and sent again.
        wrong = sent(
            session, calendar, on="1405/02/01", complaint=complaint, to=agency(session, TAKESTAN)
        )
        void_letter(session, wrong, reason="نشانی نادرست", actor="t", at=at_noon("1405/02/02"))
        takestan = sent(
            session, calendar, on="1405/02/02", complaint=complaint, to=agency(session, TAKESTAN)
        )
        reply(session, qazvin)
        assert _state(complaint) is ComplaintState.AWAITING_REPLY
        reply(session, takestan)
        assert _state(complaint) is ComplaintState.REPLIED
        moved = session.scalars(
            select(Event).where(
                Event.complaint_id == complaint.id,
                Event.action == "state_changed",
                Event.after == "replied",
            )
        ).one()
        assert moved.actor == "دبیرخانه"
        # A superseding reply in state replied changes nothing more.
        reply(session, takestan, date="1405/02/08", supersede=True)
        assert _state(complaint) is ComplaintState.REPLIED


def test_reply_in_another_state_is_only_recorded(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        letter = _sent(session)
        complaint = letter.complaint
        assert complaint is not None
        at = at_noon("1405/02/03")
        transition(session, complaint, ComplaintState.UNDER_INSPECTION, actor="t", at=at)
        reply(session, letter)
        assert _state(complaint) is ComplaintState.UNDER_INSPECTION
        assert current_reply(session, letter) is not None


def test_reply_on_the_day_the_letter_was_sent_is_accepted(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        letter = _sent(session)
        assert reply(session, letter, date="1405/02/01").their_date == dt.date(2026, 4, 21)
