"""A case's correspondence as a chain: for each of its letters, what it cites (پیرو /
عطف), the papers received that answer it, and how it left and arrived (the dispatch book).

Read-only; the case page shows it beside each letter.  Letters numbered before references
were recorded cite nothing in ``letter_reference``: a reminder's or escalation's chain is
then read from the referral it chases (``Letter.chases``), which it followed all the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.jalali import format_jalali
from registry.kinds import DispatchMethod, LetterKind, ReferenceKind
from registry.models import IncomingLetter, Letter, LetterDispatch
from registry.records import dispatch_record
from registry.references import references_of

__all__ = ["chain"]

_CHASERS = (LetterKind.REMINDER, LetterKind.ESCALATION)


def _ours(kind: ReferenceKind, letter: Letter) -> dict[str, Any]:
    return {
        "kind": kind.value,
        "label": kind.label_fa,
        "letter_id": letter.id,
        "number": letter.number,
        "date": format_jalali(letter.date),
        "sender": None,
        "incoming_number": None,
    }


def _received(kind: ReferenceKind, paper: IncomingLetter) -> dict[str, Any]:
    return {
        "kind": kind.value,
        "label": kind.label_fa,
        "letter_id": None,
        "number": paper.their_number,
        "date": format_jalali(paper.their_date),
        "sender": paper.sender,
        "incoming_number": paper.number,
    }


def chain(session: Session, letters: Sequence[Letter]) -> dict[int, dict[str, Any]]:
    """For each letter's id: ``references`` (what it cites, in its box's order),
    ``answered_by`` (papers received citing it: the incoming register's عطف) and
    ``dispatch`` (its row of the dispatch book, with ``method_fa``, or None)."""
    ids = [letter.id for letter in letters]
    cited = references_of(session, ids)
    answers: dict[int, list[dict[str, Any]]] = {letter_id: [] for letter_id in ids}
    dispatches: dict[int, LetterDispatch] = {}
    if ids:
        papers = session.scalars(
            select(IncomingLetter)
            .where(IncomingLetter.cites_letter_id.in_(ids))
            .order_by(IncomingLetter.received_at, IncomingLetter.id)
        )
        for paper in papers:
            answers[paper.cites_letter_id or 0].append(_received(ReferenceKind.ANSWERS, paper))
        rows = session.scalars(select(LetterDispatch).where(LetterDispatch.letter_id.in_(ids)))
        dispatches = {row.letter_id: row for row in rows}
    found: dict[int, dict[str, Any]] = {}
    for letter in letters:
        references = []
        for row in cited[letter.id]:
            if row.cites_letter is not None:
                references.append(_ours(row.kind, row.cites_letter))
            elif row.cites_incoming is not None:
                references.append(_received(row.kind, row.cites_incoming))
        if not references and letter.kind in _CHASERS and letter.chases is not None:
            references.append(_ours(ReferenceKind.FOLLOWS, letter.chases))
        record = dispatch_record(dispatches.get(letter.id))
        if record is not None:
            record["method_fa"] = DispatchMethod(record["method"]).label_fa
        found[letter.id] = {
            "references": references,
            "answered_by": answers[letter.id],
            "dispatch": record,
        }
    return found
