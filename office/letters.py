"""The register of numbered letters: list, show, void, and export a letter's archived file.

A letter is named as staff type its number (Persian or ASCII digits, parts in either order,
``registry.register.parse_letter_number``).  What leaves here are the letter records of
``registry.records.letter_record`` and, for an export, the archived bytes themselves,
re-hashed on the way out.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from office.access import Action, Actor, require, visible_levels
from office.runtime import Runtime
from registry.complaint_queries import visible_condition
from registry.db import transaction
from registry.errors import InvalidInput, NotFound, Refused
from registry.kinds import Classification, LetterState
from registry.models import ArchiveObject, Complaint, Letter
from registry.records import letter_record
from registry.register import find_letter, void_letter

ExportFormat = Literal["pdf", "docx"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("pdf", "docx")
# The catalogue's role of each format (archive/letters.py stores them so).
_ROLES: dict[str, str] = {"pdf": "record", "docx": "editable"}


def letter_by_number(
    runtime: Runtime,
    session: Session,
    number: str,
    levels: Collection[Classification] | None = None,
) -> Letter:
    """The letter whose number staff typed (Persian or ASCII digits, either order), or
    NotFound (exit 3); a malformed number is InvalidInput (exit 2).  With ``levels`` (the
    reader's, ``visible_levels``), a letter of a case classified at another level is not
    found either, as a number never given."""
    office = runtime.settings.office
    letter = find_letter(session, number, set(office.series.values()), office.number_format)
    complaint = letter.complaint
    if levels is not None and complaint is not None and complaint.classification not in levels:
        raise NotFound("letter_not_found", number=number)
    return letter


def list_letters(
    runtime: Runtime, actor: Actor, *, series: str | None = None, year: int | None = None
) -> list[dict[str, Any]]:
    """Every letter in register order (year, series, sequence), optionally of one series
    and one Jalali year; none of a case ``actor`` may not see."""
    query = select(Letter).options(selectinload(Letter.complaint))
    hidden = visible_condition(visible_levels(actor, runtime.settings))
    if hidden is not None:
        query = query.outerjoin(Complaint, Complaint.id == Letter.complaint_id).where(
            or_(Letter.complaint_id.is_(None), hidden)
        )
    if series:
        query = query.where(Letter.series == series)
    if year:
        query = query.where(Letter.year == year)
    query = query.order_by(Letter.year, Letter.series, Letter.seq)
    zone = runtime.clock.zone
    with runtime.sessions() as session:
        return [letter_record(letter, zone) for letter in session.scalars(query)]


def show_letter(runtime: Runtime, actor: Actor, number: str) -> dict[str, Any]:
    """One letter's record (NotFound for a letter of a case ``actor`` may not see)."""
    levels = visible_levels(actor, runtime.settings)
    with runtime.sessions() as session:
        letter = letter_by_number(runtime, session, number, levels)
        return letter_record(letter, runtime.clock.zone)


def void(runtime: Runtime, actor: Actor, number: str, *, reason: str) -> dict[str, Any]:
    """Mark a letter «باطل»: it keeps its number and its chaser ladder stops.  A reason is
    required (exit 2); a letter already void is refused (exit 4)."""
    levels = visible_levels(actor, runtime.settings)
    actor = require(actor, Action.VOID_LETTER)
    with transaction(runtime.sessions) as session:
        letter = letter_by_number(runtime, session, number, levels)
        void_letter(session, letter, reason=reason, actor=actor, at=runtime.clock.now())
        return letter_record(letter, runtime.clock.zone)


@dataclass(frozen=True)
class ExportedLetter:
    """A letter's archived file: its bytes, verified against the catalogue's SHA-256."""

    number: str
    format: ExportFormat
    data: bytes
    sha256: str
    media_type: str
    original_name: str | None

    @property
    def size(self) -> int:
        return len(self.data)


def export(runtime: Runtime, actor: Actor, number: str, *, fmt: str = "pdf") -> ExportedLetter:
    """The archived PDF (the record) or DOCX (the editable copy) of a letter, read from the
    archive store and re-hashed on read.

    Refused (exit 4) for a void letter and for one numbered but not yet rendered and
    stored.  A file whose catalogue row is missing or names other bytes than the letter
    does, or whose bytes no longer hash to their name, is a verification failure (exit 5);
    an object the store lacks is ObjectMissing (exit 3).  A letter of a case ``actor`` may
    not see is not found.
    """
    from archive.errors import FixityFailed, ObjectAltered
    from archive.store import sha256_of

    if fmt not in EXPORT_FORMATS:
        raise InvalidInput("invalid_option", field="format", value=fmt, allowed="pdf, docx")
    kind: ExportFormat = "pdf" if fmt == "pdf" else "docx"
    levels = visible_levels(actor, runtime.settings)
    with runtime.sessions() as session:
        letter = letter_by_number(runtime, session, number, levels)
        if letter.state is LetterState.VOID:
            raise Refused("letter_void", number=letter.number)
        expected = letter.pdf_sha256 if kind == "pdf" else letter.docx_sha256
        if letter.state is LetterState.NUMBERED or expected is None:
            raise Refused("letter_not_rendered", number=letter.number)
        row = session.scalars(
            select(ArchiveObject)
            .where(ArchiveObject.letter_id == letter.id, ArchiveObject.role == _ROLES[kind])
            .order_by(ArchiveObject.id)
        ).first()
        if row is None or row.sha256 != expected:
            raise FixityFailed(
                "letter_file_uncatalogued",
                number=letter.number,
                value=kind.upper(),
                sha256=expected,
            )
        letter_number, media_type, name = letter.number, row.media_type, row.original_name
    data = runtime.store.get(expected, verify=False)
    actual = sha256_of(data)
    if actual != expected:
        raise ObjectAltered("archive_object_altered", sha256=expected, actual=actual)
    return ExportedLetter(letter_number, kind, data, actual, media_type, name)
