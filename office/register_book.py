"""The register book (دفتر اندیکاتور): the outgoing and incoming registers of a day or of a
Jalali month, as records and as the printable Persian book.

Each register lists its entries in number order, every number of the period once: a void
letter stays, marked «باطل», as the register keeps it.  Outgoing: number, date,
recipient, subject, the letter it follows (پیرو) and its attachments.  Incoming: number,
date, sender, the sender's number and date, subject, the letter of ours it answers (عطف)
and its enclosures.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from office.access import Action, Actor, require, visible_levels
from office.runtime import Runtime
from registry.errors import InvalidInput
from registry.jalali import (
    format_jalali,
    from_jalali,
    jalali_month_name,
    jalali_parts,
    jalali_weekday_name,
    parse_jalali_date,
)
from registry.kinds import Classification, LetterState
from registry.models import Complaint, IncomingLetter, Letter
from registry.text import to_ascii_digits

__all__ = ["REGISTERS", "RegisterBook", "book_pdf", "month_bounds", "register_book"]

REGISTERS: tuple[str, ...] = ("outgoing", "incoming")
TITLES_FA = {"outgoing": "نامه‌های صادره", "incoming": "نامه‌های وارده"}


@dataclass(frozen=True)
class RegisterBook:
    """The registers of one period: ``period`` is ``day`` or ``month``, from ``first`` to
    ``last`` (the same day for a day); ``registers`` maps each register asked for to its
    code and its entries in number order."""

    period: str
    first: dt.date
    last: dt.date
    registers: dict[str, dict[str, Any]]

    @property
    def label(self) -> str:
        """The period as a heading prints it: ``1405/09/15`` or ``1405/09`` (ASCII digits)."""
        text = format_jalali(self.first)
        return text if self.period == "day" else text[:7]

    def as_json(self) -> dict[str, Any]:
        """The ``--json`` document: the period and each register with its entries."""
        return {
            "period": self.period,
            "from": format_jalali(self.first),
            "to": format_jalali(self.last),
            "registers": [
                {"register": name, "code": book["code"], "entries": book["entries"]}
                for name, book in self.registers.items()
            ],
        }


def month_bounds(text: str) -> tuple[dt.date, dt.date]:
    """The first and last day of the Jalali month typed as ``1405/09`` (any digits), or
    InvalidInput (``invalid_jalali_month``)."""
    match = re.fullmatch(r"\s*(\d{4})\s*[/\-]\s*(\d{1,2})\s*", to_ascii_digits(text))
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise InvalidInput("invalid_jalali_month", value=text)
    year, month = int(match.group(1)), int(match.group(2))
    first = from_jalali(year, month, 1)
    following = from_jalali(year + 1, 1, 1) if month == 12 else from_jalali(year, month + 1, 1)
    return first, following - dt.timedelta(days=1)


# A row of a case the reader may not see keeps its number, date and correspondent (the
# register stays gapless, as on paper) and shows this instead of the subject and the case.
CLASSIFIED_ROW = "طبقه‌بندی‌شده"


def _hidden(complaint: Complaint | None, levels: Collection[Classification]) -> bool:
    return complaint is not None and complaint.classification not in levels


def _outgoing(
    session: Session, first: dt.date, last: dt.date, code: str, levels: Collection[Classification]
) -> list[dict[str, Any]]:
    letters = session.scalars(
        select(Letter)
        .where(Letter.series == code, Letter.date >= first, Letter.date <= last)
        .options(selectinload(Letter.complaint), selectinload(Letter.chases))
        .order_by(Letter.year, Letter.seq)
    )
    entries = []
    for row, letter in enumerate(letters, start=1):
        subject = letter.kind.label_fa
        hidden = _hidden(letter.complaint, levels)
        if letter.complaint is not None:
            shown = CLASSIFIED_ROW if hidden else letter.complaint.subject
            subject = f"{subject}: {shown}"
        identity = letter.facts.get("letter") if isinstance(letter.facts, dict) else None
        count = identity.get("attachments_count") if isinstance(identity, dict) else None
        entries.append(
            {
                "row": row,
                "number": letter.number,
                "date": format_jalali(letter.date),
                "recipient": letter.recipient,
                "subject": subject,
                "follows": letter.chases.number if letter.chases else None,
                "attachments": count if isinstance(count, int) else 0,
                "kind": letter.kind.value,
                "void": letter.state is LetterState.VOID,
                "tracking_code": (
                    letter.complaint.tracking_code if letter.complaint and not hidden else None
                ),
            }
        )
    return entries


def _incoming(
    session: Session, first: dt.date, last: dt.date, code: str, levels: Collection[Classification]
) -> list[dict[str, Any]]:
    papers = session.scalars(
        select(IncomingLetter)
        .where(
            IncomingLetter.series == code,
            IncomingLetter.date >= first,
            IncomingLetter.date <= last,
        )
        .options(selectinload(IncomingLetter.cites), selectinload(IncomingLetter.complaint))
        .order_by(IncomingLetter.year, IncomingLetter.seq)
    )
    return [
        {
            "row": row,
            "number": paper.number,
            "date": format_jalali(paper.date),
            "sender": paper.sender,
            "their_number": paper.their_number,
            "their_date": format_jalali(paper.their_date),
            "subject": CLASSIFIED_ROW if _hidden(paper.complaint, levels) else paper.subject,
            "answers": paper.cites.number if paper.cites else None,
            "enclosures": paper.enclosures,
            "tracking_code": (
                paper.complaint.tracking_code
                if paper.complaint and not _hidden(paper.complaint, levels)
                else None
            ),
        }
        for row, paper in enumerate(papers, start=1)
    ]


def register_book(
    runtime: Runtime,
    actor: Actor,
    *,
    day: str | None = None,
    month: str | None = None,
    registers: Sequence[str] = REGISTERS,
) -> RegisterBook:
    """The registers (outgoing and incoming by default) of the Jalali ``day``
    (``1405/09/15``) or ``month`` (``1405/09``); exactly one of them (InvalidInput
    otherwise; with neither, today).  A row of a case ``actor`` may not see keeps its
    number, date and correspondent but not its subject or case (``CLASSIFIED_ROW``)."""
    require(actor, Action.READ_REGISTER)
    levels = visible_levels(actor, runtime.settings)
    unknown = [name for name in registers if name not in REGISTERS]
    if unknown or not registers:
        allowed = ", ".join(REGISTERS)
        value = ", ".join(unknown)
        raise InvalidInput("invalid_option", field="register", value=value, allowed=allowed)
    if day and month:
        raise InvalidInput("day_or_month", field="day")
    if month:
        first, last = month_bounds(month)
        period = "month"
    else:
        first = last = parse_jalali_date(day) if day else runtime.clock.today()
        period = "day"
    codes = runtime.settings.office.series
    read = {"outgoing": _outgoing, "incoming": _incoming}
    with runtime.sessions() as session:
        books = {
            name: {
                "code": codes[name],
                "entries": read[name](session, first, last, codes[name], levels),
            }
            for name in registers
        }
    return RegisterBook(period=period, first=first, last=last, registers=books)


def book_pdf(runtime: Runtime, book: RegisterBook) -> bytes:
    """The printable Persian register book of ``book``, under the office's heading: one
    part per register, each starting on its own page."""
    from generators.register_book import render_register_book

    office = runtime.settings.office
    year, _, _ = jalali_parts(book.first)
    if book.period == "day":
        when = f"{jalali_weekday_name(book.first)} {format_jalali(book.first)}"
    else:
        when = f"{jalali_month_name(book.first)} {year}"
    data = {
        "office": {
            "ministry": office.ministry,
            "governorate": office.governorate,
            "office": office.name,
        },
        "period": book.period,
        "label": book.label,
        "from": format_jalali(book.first),
        "to": format_jalali(book.last),
        "when": when,
        "registers": [
            {
                "register": name,
                "title": TITLES_FA[name],
                "code": part["code"],
                "entries": [
                    {key: ("" if value is None else value) for key, value in entry.items()}
                    for entry in part["entries"]
                ],
            }
            for name, part in book.registers.items()
        ],
    }
    return render_register_book(data)
