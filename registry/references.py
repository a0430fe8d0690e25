"""What a letter cites (پیرو / عطف): the earlier letters of ours it follows and the papers
received that it answers.

The references are chosen when a letter is numbered, frozen into its facts (the box and
the wording print them) and kept as rows of ``letter_reference``, which the case page reads
to show the chain.  A paper received names the letter of ours it answers itself
(``IncomingLetter.cites``, the incoming register).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from registry.jalali import format_jalali
from registry.kinds import LetterKind, LetterState, ReferenceKind
from registry.models import Complaint, IncomingLetter, Letter, LetterReference, Reply

__all__ = [
    "Cited",
    "answers",
    "chaser_references",
    "follows",
    "record_references",
    "reference_facts",
    "references_of",
    "replies_answered",
]


@dataclass(frozen=True)
class Cited:
    """One paper a new letter cites: a letter of ours (پیرو) or a paper received (عطف)."""

    kind: ReferenceKind
    letter: Letter | None = None
    incoming: IncomingLetter | None = None


def follows(letter: Letter) -> Cited:
    """The new letter follows ``letter`` of ours (پیرو)."""
    return Cited(ReferenceKind.FOLLOWS, letter=letter)


def answers(paper: IncomingLetter) -> Cited:
    """The new letter answers ``paper`` received (عطف)."""
    return Cited(ReferenceKind.ANSWERS, incoming=paper)


def chaser_references(referral: Letter, earlier: Sequence[Letter]) -> list[Cited]:
    """A reminder's or escalation's: the referral it chases, then the earlier chasers of
    the same referral, oldest first."""
    return [follows(referral), *(follows(letter) for letter in earlier)]


def replies_answered(session: Session, complaint: Complaint) -> list[IncomingLetter]:
    """The incoming papers of the agencies' current replies to ``complaint``'s live
    referrals, in the referrals' order: what a final answer answers (replies recorded
    before the incoming register have no paper and are not cited)."""
    return list(
        session.scalars(
            select(IncomingLetter)
            .join(Reply, Reply.incoming_id == IncomingLetter.id)
            .join(Letter, Letter.id == Reply.letter_id)
            .where(
                Letter.complaint_id == complaint.id,
                Letter.kind == LetterKind.REFERRAL,
                Letter.state != LetterState.VOID,
                Reply.superseded_by_id.is_(None),
            )
            .order_by(Letter.seq, Reply.id)
        )
    )


def reference_facts(cited: Sequence[Cited]) -> list[dict[str, Any]]:
    """The references as the letter's facts freeze them: a letter of ours by its number and
    date; a paper received by its sender's own number and date, and the sender."""
    facts: list[dict[str, Any]] = []
    for item in cited:
        if item.letter is not None:
            letter = item.letter
            facts.append(
                {
                    "kind": item.kind.value,
                    "number": letter.number,
                    "date": format_jalali(letter.date),
                }
            )
        elif item.incoming is not None:
            paper = item.incoming
            facts.append(
                {
                    "kind": item.kind.value,
                    "number": paper.their_number,
                    "date": format_jalali(paper.their_date),
                    "sender": paper.sender,
                }
            )
    return facts


def record_references(session: Session, letter: Letter, cited: Sequence[Cited]) -> None:
    """Keep what ``letter`` cites as rows, in the order its box prints them (in the
    caller's transaction, the one that numbers it)."""
    for position, item in enumerate(cited, start=1):
        session.add(
            LetterReference(
                letter_id=letter.id,
                kind=item.kind,
                cites_letter_id=item.letter.id if item.letter is not None else None,
                cites_incoming_id=item.incoming.id if item.incoming is not None else None,
                position=position,
            )
        )
    session.flush()


def references_of(session: Session, letter_ids: Sequence[int]) -> dict[int, list[LetterReference]]:
    """The references of each of ``letter_ids``, in their printed order."""
    found: dict[int, list[LetterReference]] = {letter_id: [] for letter_id in letter_ids}
    if not letter_ids:
        return found
    rows = session.scalars(
        select(LetterReference)
        .where(LetterReference.letter_id.in_(list(letter_ids)))
        .options(
            selectinload(LetterReference.cites_letter),
            selectinload(LetterReference.cites_incoming),
        )
        .order_by(LetterReference.letter_id, LetterReference.position)
    )
    for row in rows:
        found[row.letter_id].append(row)
    return found
