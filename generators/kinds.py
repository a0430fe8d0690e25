"""Each letter kind as the generators render it: one row of ``RENDERING`` per kind.

A row names the kind's facts model (its schema), the builder of its ``details`` (what
only this kind's templates print), the «رونوشت» line the kind always adds, and its
template folder under ``letter_templates`` (``letter.docx``, ``letter.html``,
``wording.j2``).  The kind's title and who receives it come from the registry's
``KIND_SPECS``; nothing else in the generators lists the kinds.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from generators.cleaning import addressee_view, clean, fa, ref_view, sentence
from generators.errors import UnknownKind
from generators.facts import (
    Addressee,
    CarbonCopy,
    EscalationFacts,
    FinalAnswerFacts,
    InspectionAssignmentFacts,
    InspectionReportFacts,
    LetterFactsBase,
    MissingDocumentsFacts,
    ReceiptFacts,
    ReferralFacts,
    RejectionFacts,
    ReminderFacts,
)
from registry.kinds import KIND_SPECS, DocumentKind, LetterKind, Recipient

F = TypeVar("F", bound=LetterFactsBase)


@dataclass(frozen=True)
class KindRendering(Generic[F]):
    """How one kind is rendered: facts model, details builder, fixed copy, templates."""

    kind: LetterKind
    model: type[F]
    details: Callable[[F], dict[str, Any]]
    extra_copy: Callable[[F], CarbonCopy] | None = None

    @property
    def folder(self) -> str:
        """The kind's folder under ``letter_templates``."""
        return self.kind.value

    @property
    def docx(self) -> str:
        return f"{self.folder}/letter.docx"

    @property
    def html(self) -> str:
        return f"{self.folder}/letter.html"

    @property
    def wording(self) -> str:
        return f"{self.folder}/wording.j2"


FULL_TEXT = DocumentKind.COMPLAINT_TEXT.label_fa


def _referral(facts: ReferralFacts) -> dict[str, Any]:
    return {
        "answer_within_days": fa(facts.answer_within_days),
        # The complainant's full text goes with the referral (never an anonymous one's).
        "full_text_attached": not facts.complaint.anonymous
        and any(a.kind == FULL_TEXT for a in facts.attachments),
    }


ORDINALS_FA = ("اول", "دوم", "سوم", "چهارم", "پنجم")


def _ordinal(n: int) -> str:
    return ORDINALS_FA[n - 1] if 1 <= n <= len(ORDINALS_FA) else fa(n)


def _reminder(facts: ReminderFacts) -> dict[str, Any]:
    return {
        "referral": ref_view(facts.referral),
        "ordinal": _ordinal(facts.ordinal),
        "previous": [ref_view(r) for r in facts.previous],
        "answer_within_days": fa(facts.answer_within_days),
    }


def _escalation(facts: EscalationFacts) -> dict[str, Any]:
    return {
        "superior": addressee_view(facts.superior),
        "referral": ref_view(facts.referral),
        "reminders": [ref_view(r) for r in facts.reminders],
        "answer_within_days": fa(facts.answer_within_days),
    }


def _agency_copy(addressee: Addressee, description: str) -> CarbonCopy:
    """The fixed «رونوشت» line to an agency (or its superior) the letter names."""
    return CarbonCopy(recipient=addressee.title, description=description, audience="agency")


def _superior_copy(facts: EscalationFacts) -> CarbonCopy:
    return _agency_copy(facts.superior, "جهت استحضار و صدور دستور اقدام لازم")


def _missing_documents(facts: MissingDocumentsFacts) -> dict[str, Any]:
    return {
        "missing": [clean(m) for m in facts.missing],
        "deliver_within_days": fa(facts.deliver_within_days),
    }


def _rejection(facts: RejectionFacts) -> dict[str, Any]:
    authority = facts.competent_authority
    return {
        "reason": sentence(clean(facts.reason, multiline=True)),
        "competent_authority": clean(authority) if authority and authority.strip() else None,
    }


def _inspection_assignment(facts: InspectionAssignmentFacts) -> dict[str, Any]:
    return {
        "agency": addressee_view(facts.agency),
        "inspection_date": fa(facts.inspection_date),
        "report_within_days": fa(facts.report_within_days),
    }


def _inspected_agency_copy(facts: InspectionAssignmentFacts) -> CarbonCopy:
    return _agency_copy(facts.agency, "جهت اطلاع و همکاری لازم")


def _inspection_report(facts: InspectionReportFacts) -> dict[str, Any]:
    return {
        "inspector": addressee_view(facts.inspector),
        "inspection_date": fa(facts.inspection_date),
        "replies": [
            {
                "letter": ref_view(r.letter),
                "agency": clean(r.agency),
                "reply_number": fa(clean(r.reply_number)) if r.reply_number else None,
                "reply_date": fa(r.reply_date) if r.reply_date else None,
                "outcome": clean(r.outcome),
                "summary": sentence(clean(r.summary)) if r.summary.strip() else None,
                "followups": [
                    {
                        "label": (
                            f"پیگیری نوبت {_ordinal(f.ordinal)}"
                            if f.kind == "reminder"
                            else "تذکر و گزارش به مقام مافوق"
                        ),
                        **ref_view(f.letter),
                    }
                    for f in r.followups
                ],
            }
            for r in facts.replies
        ],
        "findings": [clean(f) for f in facts.findings],
        "conclusion": clean(facts.conclusion, multiline=True),
    }


def _final_answer(facts: FinalAnswerFacts) -> dict[str, Any]:
    return {
        "decision": sentence(clean(facts.decision, multiline=True)),
        "replies_summary": sentence(clean(facts.replies_summary, multiline=True)),
        "recourse": clean(facts.recourse) if facts.recourse.strip() else None,
    }


def _receipt(facts: ReceiptFacts) -> dict[str, Any]:
    return {
        "documents_received": [clean(d) for d in facts.documents_received],
        "expected_answer_days": (
            fa(facts.expected_answer_days) if facts.expected_answer_days else None
        ),
    }


_ROWS: tuple[KindRendering[Any], ...] = (
    KindRendering(LetterKind.REFERRAL, ReferralFacts, _referral),
    KindRendering(LetterKind.REMINDER, ReminderFacts, _reminder),
    KindRendering(LetterKind.ESCALATION, EscalationFacts, _escalation, _superior_copy),
    KindRendering(LetterKind.MISSING_DOCUMENTS, MissingDocumentsFacts, _missing_documents),
    KindRendering(LetterKind.REJECTION, RejectionFacts, _rejection),
    KindRendering(
        LetterKind.INSPECTION_ASSIGNMENT,
        InspectionAssignmentFacts,
        _inspection_assignment,
        _inspected_agency_copy,
    ),
    KindRendering(LetterKind.INSPECTION_REPORT, InspectionReportFacts, _inspection_report),
    KindRendering(LetterKind.FINAL_ANSWER, FinalAnswerFacts, _final_answer),
    KindRendering(LetterKind.RECEIPT, ReceiptFacts, _receipt),
)

RENDERING: Mapping[LetterKind, KindRendering[Any]] = types.MappingProxyType(
    {row.kind: row for row in _ROWS}
)
"""Every letter kind's rendering attributes, keyed by the registry's ``LetterKind``."""

KINDS: tuple[str, ...] = tuple(kind.value for kind in LetterKind if kind in RENDERING)
"""The nine letter kinds, in the order of a case's life."""

FACTS_MODELS: Mapping[str, type[LetterFactsBase]] = {
    kind.value: row.model for kind, row in RENDERING.items()
}
"""The schema of each kind: its required fields are required."""

KIND_TITLES: Mapping[str, str] = {kind.value: KIND_SPECS[kind].label_fa for kind in RENDERING}
"""The title a letter of each kind prints (the registry's label)."""

COMPLAINANT_KINDS: frozenset[str] = frozenset(
    kind.value for kind in RENDERING if KIND_SPECS[kind].recipient is Recipient.COMPLAINANT
)
"""Kinds addressed to the complainant; every other kind may reach an agency."""


def rendering(kind: str) -> KindRendering[Any]:
    """The rendering row of ``kind`` (a ``LetterKind`` or its value); UnknownKind if none."""
    try:
        return RENDERING[LetterKind(kind)]
    except (ValueError, KeyError):
        raise UnknownKind(kind) from None
