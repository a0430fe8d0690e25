"""Letters for the replies-and-deadlines tests, made without the letter generators.

A letter is numbered by the register with a small frozen dict, marked stored (as the
dispatch flow does once its PDF is archived) and sent with ``deadlines.mark_sent``.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry import complaints, deadlines
from registry.calendar import FRIDAY, THURSDAY, Holiday, WorkingCalendar
from registry.jalali import jalali_year, parse_jalali_date
from registry.kinds import ComplaintState, LetterKind, LetterState
from registry.models import Agency, Complaint, Letter
from registry.models import Holiday as HolidayRow
from registry.register import LetterIdentity, number_letter
from registry.states import transition
from tests.factories import AT, complaint_input, seed_agencies

TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")
THU_FRI = frozenset({THURSDAY, FRIDAY})
FRI_ONLY = frozenset({FRIDAY})
QAZVIN = "شهرداری قزوین"
TAKESTAN = "شهرداری تاکستان"


def J(text: str) -> dt.date:
    return parse_jalali_date(text)


def at_noon(day: str | dt.date) -> dt.datetime:
    """Noon of a Jalali day in Tehran (an aware datetime)."""
    date = J(day) if isinstance(day, str) else day
    return dt.datetime.combine(date, dt.time(12, 0), tzinfo=TEHRAN)


# The official days off around Nowruz 1405 and the lunar ones of spring 1405 (the seed's).
HOLIDAYS_1405 = [
    Holiday(J("1404/12/29"), "روز ملی شدن صنعت نفت ایران"),
    Holiday(J("1405/01/01"), "جشن نوروز"),
    Holiday(J("1405/01/02"), "عیدنوروز"),
    Holiday(J("1405/01/03"), "عیدنوروز"),
    Holiday(J("1405/01/04"), "عیدنوروز"),
    Holiday(J("1405/01/12"), "روز جمهوری اسلامی"),
    Holiday(J("1405/01/13"), "روز طبیعت"),
    Holiday(J("1405/01/25"), "شهادت امام جعفر صادق علیه السلام"),
    Holiday(J("1405/03/06"), "عید سعید قربان"),
    Holiday(J("1405/03/14"), "رحلت حضرت امام خمینی، عید سعید غدیر خم"),
    Holiday(J("1405/03/15"), "قیام ۱۵ خرداد"),
    Holiday(J("1405/04/03"), "تاسوعای حسینی", estimated=True),
    Holiday(J("1405/04/04"), "عاشورای حسینی"),
]


def put_holidays(session: Session, holidays: Sequence[Holiday] = HOLIDAYS_1405) -> None:
    """Write holidays straight into the table (no recomputation: nothing is sent yet)."""
    session.add_all(
        HolidayRow(day=h.date, name=h.name, estimated=h.estimated, source="test") for h in holidays
    )
    session.flush()


def agency(session: Session, name: str = QAZVIN) -> Agency:
    return session.scalars(select(Agency).where(Agency.name == name)).one()


def awaiting_complaint(session: Session, agencies: Sequence[str] = (QAZVIN,)) -> Complaint:
    """A complaint accepted and awaiting replies from ``agencies`` (agencies seeded first)."""
    if session.scalars(select(Agency.id)).first() is None:
        seed_agencies(session)
    complaint = complaints.register_complaint(
        session,
        complaint_input(agencies=tuple(agencies)),
        actor="test",
        at=AT,
        duplicate_window_days=0,
    ).complaint
    complaints.accept(session, complaint, actor="test", at=AT)
    transition(session, complaint, ComplaintState.AWAITING_REPLY, actor="test", at=AT)
    return complaint


def numbered(
    session: Session,
    *,
    kind: LetterKind,
    on: dt.date,
    complaint: Complaint | None = None,
    to: Agency | None = None,
    chases: Letter | None = None,
) -> Letter:
    """A letter numbered on ``on`` and marked stored (its PDF would be archived)."""

    def freeze(identity: LetterIdentity) -> dict[str, object]:
        return {"kind": kind.value, "number": identity.number}

    letter = number_letter(
        session,
        kind=kind,
        series="ص",
        number_template="{year}/{series}/{seq}",
        issued_at=at_noon(on),
        jalali_year=jalali_year(on),
        date=on,
        recipient=to.name if to is not None else "شاکی",
        actor="test",
        freeze=freeze,
        complaint=complaint,
        agency=to,
        chases=chases,
    )
    letter.state = LetterState.STORED
    return letter


def sent(
    session: Session,
    calendar: WorkingCalendar,
    *,
    on: str | dt.date,
    kind: LetterKind = LetterKind.REFERRAL,
    complaint: Complaint | None = None,
    to: Agency | None = None,
    chases: Letter | None = None,
    days: int | None = None,
) -> Letter:
    """A letter numbered and sent on ``on`` (noon, Tehran), its deadline from the settings'
    defaults (10 working days for a referral, 5 for a chaser) unless ``days`` is given."""
    day = J(on) if isinstance(on, str) else on
    if chases is not None:
        complaint, to = chases.complaint, chases.agency
    if complaint is None:
        complaint = awaiting_complaint(session)
    if to is None:
        to = agency(session)
    letter = numbered(session, kind=kind, on=day, complaint=complaint, to=to, chases=chases)
    if days is None:
        days = deadlines.reply_deadline_days(letter, dict.fromkeys(list(type(to.kind)), 10), 5)
    deadlines.mark_sent(
        session,
        letter,
        at=at_noon(day),
        zone=TEHRAN,
        calendar=calendar,
        deadline_days=days,
        actor="test",
    )
    return letter
