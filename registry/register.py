"""The letter register (دفتر اندیکاتور): numbers per series per Jalali year.

Numbers are gapless and never reused.  A number is allocated by an atomic
``UPDATE … SET last_seq = last_seq + 1 … RETURNING`` in the same short transaction that
inserts the letter: the row lock (PostgreSQL) or the write lock taken at BEGIN IMMEDIATE
(SQLite) serialises concurrent batches, and a rollback gives the number back with the
letter, so no gap can appear and no number can be handed out twice.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from registry.drafts import check_signed
from registry.errors import InvalidInput, NotFound, Refused
from registry.events import record_event
from registry.kinds import DraftState, LetterKind, LetterState
from registry.models import Agency, Complaint, Letter, LetterCounter, LetterDraft
from registry.text import to_ascii_digits

VERIFICATION_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud safely


@dataclass(frozen=True)
class LetterNumber:
    """A letter's place in the register."""

    year: int
    series: str
    seq: int

    def format(self, template: str) -> str:
        """The number as printed, in ASCII digits (generators print Persian digits)."""
        return template.format(year=self.year, series=self.series, seq=self.seq)


def parse_letter_number(text: str, series_codes: set[str]) -> LetterNumber:
    """Read a number as staff type it: Persian or ASCII digits, parts in either order.

    ``۱۴۰۵/ص/۱۲۳``, ``1405/123/ص``, ``1405/ص/123`` and ``123/ص/1405`` are the same
    letter: the series is the part that is not a number, the year is the number that can be
    a Jalali year (13xx or 14xx; the first number when both can), the sequence the other.
    Staff copy a right-to-left number in either direction, and an office's number format
    may put the year last.
    """
    parts = [p.strip() for p in re.split(r"[/\\\-]", to_ascii_digits(text).strip()) if p.strip()]
    # ASCII decimals only: str.isdigit() also accepts "³" or "①", which int() then rejects
    # with a ValueError instead of the clear InvalidInput that bad input must get.
    numbers = [p for p in parts if p.isascii() and p.isdecimal()]
    codes = [p for p in parts if p not in numbers]
    if len(parts) != 3 or len(numbers) != 2 or len(codes) != 1 or codes[0] not in series_codes:
        raise InvalidInput("invalid_letter_number", value=text)
    first, second = (int(n) for n in numbers)
    if _could_be_year(second) and not _could_be_year(first):
        first, second = second, first
    return LetterNumber(year=first, series=codes[0], seq=second)


def _could_be_year(number: int) -> bool:
    return 1300 <= number <= 1499


def allocate_seq(session: Session, series: str, year: int) -> int:
    """The next number of ``series`` in ``year``, inside the caller's transaction."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(LetterCounter)
        .values(series=series, year=year, last_seq=0)
        .on_conflict_do_nothing(index_elements=["series", "year"])
    )
    seq = session.execute(
        update(LetterCounter)
        .where(LetterCounter.series == series, LetterCounter.year == year)
        .values(last_seq=LetterCounter.last_seq + 1)
        .returning(LetterCounter.last_seq)
    ).scalar_one()
    return int(seq)


@dataclass(frozen=True)
class LetterIdentity:
    """What a letter is given when it is numbered, and keeps for ever."""

    number: str
    issued_at: dt.datetime
    date: dt.date
    guid: str
    verification_code: str


def number_letter(
    session: Session,
    *,
    kind: LetterKind,
    series: str,
    number_template: str,
    issued_at: dt.datetime,
    jalali_year: int,
    date: dt.date,
    recipient: str,
    actor: str,
    freeze: Callable[[LetterIdentity], dict[str, Any]],
    complaint: Complaint | None = None,
    agency: Agency | None = None,
    chases: Letter | None = None,
    approval_kinds: Collection[LetterKind] = (),
    draft: LetterDraft | None = None,
) -> Letter:
    """Allocate the next number and create the letter with its data frozen by ``freeze``.

    Runs inside the caller's short transaction; the caller commits.  ``freeze`` receives
    the letter's identity and returns the JSON-ready facts its documents are rendered from.
    A letter of a kind in ``approval_kinds`` (the office's setting) is numbered only from
    its signed ``draft``, which the letter then completes; anything else is refused
    ``letter_unsigned`` before a number is taken (registry/drafts.py).
    """
    check_signed(kind, approval_kinds, draft)
    seq = allocate_seq(session, series, jalali_year)
    number = LetterNumber(year=jalali_year, series=series, seq=seq).format(number_template)
    identity = LetterIdentity(
        number=number,
        issued_at=issued_at,
        date=date,
        guid=str(uuid.uuid4()),
        verification_code="".join(secrets.choice(VERIFICATION_ALPHABET) for _ in range(8)),
    )
    letter = Letter(
        series=series,
        year=jalali_year,
        seq=seq,
        number=number,
        kind=kind,
        state=LetterState.NUMBERED,
        complaint=complaint,
        agency=agency,
        recipient=recipient,
        chases=chases,
        issued_at=issued_at,
        date=date,
        guid=identity.guid,
        verification_code=identity.verification_code,
        facts=freeze(identity),
        created_by=actor,
    )
    session.add(letter)
    session.flush()
    if draft is not None:
        draft.letter, draft.state = letter, DraftState.NUMBERED
    record_event(
        session,
        at=issued_at,
        actor=actor,
        action="letter_numbered",
        complaint=complaint,
        letter=letter,
        after=LetterState.NUMBERED.value,
        data={"number": number, "kind": kind.value}
        | ({"draft": draft.id} if draft is not None else {}),
    )
    return letter


def find_letter(session: Session, text: str, series_codes: set[str], template: str) -> Letter:
    """The letter named by ``text`` as staff typed it, or NotFound."""
    number = parse_letter_number(text, series_codes).format(template)
    letter = session.scalars(select(Letter).where(Letter.number == number)).one_or_none()
    if letter is None:
        raise NotFound("letter_not_found", number=text)
    return letter


def void_letter(
    session: Session, letter: Letter, *, reason: str, actor: str, at: dt.datetime
) -> None:
    """Mark a letter «باطل»: it keeps its number, and its chaser ladder stops."""
    if not reason.strip():
        raise InvalidInput("reason_required", field="reason")
    if letter.state is LetterState.VOID:
        raise Refused("letter_already_void", number=letter.number)
    before = letter.state
    letter.state = LetterState.VOID
    letter.void_reason = reason
    record_event(
        session,
        at=at,
        actor=actor,
        action="letter_voided",
        complaint=letter.complaint,
        letter=letter,
        before=before.value,
        after=LetterState.VOID.value,
        note=reason,
    )
