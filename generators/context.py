"""One context builder for every kind: facts in, the dict the templates render.

It validates the facts against the kind's schema, cleans every user-supplied string
(untrusted text), prints structured numbers in Persian digits, and applies the anonymity
rule (docs/letters.md, "Rendering") before any template sees the data, so no template can
leak what it never receives.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from generators.environment import PARAGRAPH
from generators.errors import AnonymityViolation, InvalidFacts, UnknownKind
from generators.facts import (
    COMPLAINANT_KINDS,
    FACTS_MODELS,
    KINDS,
    Addressee,
    CarbonCopy,
    Complainant,
    EscalationFacts,
    FinalAnswerFacts,
    ForwardedAttachment,
    InspectionAssignmentFacts,
    InspectionReportFacts,
    LetterFacts,
    LetterRef,
    MissingDocumentsFacts,
    ReceiptFacts,
    ReferralFacts,
    RejectionFacts,
    ReminderFacts,
)
from generators.fonts import with_placeholders
from registry.text import normalize_for_search, strip_bidi_marks, to_persian_digits

ARTICLE_22 = "ماده ۲۲ قانون ارتقای سلامت نظام اداری و مقابله با فساد"
CITIZENS_CHARTER = "منشور حقوق شهروندی"

KIND_TITLES: dict[str, str] = {
    "referral": "ارجاع شکایت",
    "reminder": "پیگیری",
    "escalation": "تذکر و گزارش به مقام مافوق",
    "missing_documents": "نقص مدارک",
    "rejection": "عدم صلاحیت رسیدگی",
    "inspection_assignment": "ابلاغ بازرسی",
    "inspection_report": "گزارش بازرسی",
    "final_answer": "پاسخ نهایی",
    "receipt": "رسید ثبت شکایت",
}

CONTEXT_KEYS: frozenset[str] = frozenset(
    {
        "kind",
        "kind_title",
        "audience",
        "anonymous",
        "office",
        "signatory",
        "letter",
        "recipient",
        "complainant",
        "complaint",
        "copies",
        "attachments",
        "legal",
        "details",
        "qr",
    }
)
"""The top-level variables every template may use (the layouts add ``text`` and ``qr_image``)."""

# C0/C1 controls (our structure markers among them) are removed; newline survives.
_CONTROLS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_NEWLINES = re.compile(r"\s*\n\s*")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u3000]+")
_SEPARATORS = re.compile(r"[\s\-./]")


def clean(value: str, *, multiline: bool = False) -> str:
    """User text made safe to print: no controls or bidi overrides, placeholders for glyphs
    no shipped font has; newlines become paragraph breaks when ``multiline``."""
    text = strip_bidi_marks(value.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROLS.sub("", text)
    text = _SPACES.sub(" ", text)
    text = with_placeholders(text.strip())
    return _NEWLINES.sub(PARAGRAPH if multiline else " ", text)


def _fa(value: object) -> str:
    return to_persian_digits(value)


def complainant_name(person: Complainant) -> str:
    """The complainant as a letter names them: «آقای محمدرضا حسینی», or the company."""
    if person.kind == "legal" and person.company_name:
        return clean(person.company_name)
    full = " ".join(p for p in (person.first_name.strip(), person.last_name.strip()) if p)
    if not full:
        return ""
    return clean(f"{person.honorific} {full}" if person.honorific else full)


def anonymity_warnings(text: str, person: Complainant) -> list[str]:
    """Which identifying facts of ``person`` appear in ``text``: ``name``, ``national_id``,
    ``mobile``, ``company_name`` (after normalize_for_search); empty when none does.

    For the reviewer at acceptance: an anonymous complainant's own text may name them.
    """
    found: list[str] = []
    haystack = f" {normalize_for_search(text)} "
    full = normalize_for_search(f"{person.first_name} {person.last_name}")
    last = normalize_for_search(person.last_name)
    if (full and f" {full} " in haystack) or (len(last) >= 3 and f" {last} " in haystack):
        found.append("name")
    digits_only = _SEPARATORS.sub("", haystack)
    national_id = _SEPARATORS.sub("", normalize_for_search(person.national_id))
    if len(national_id) >= 8 and national_id in digits_only:
        found.append("national_id")
    mobile = _SEPARATORS.sub("", normalize_for_search(person.mobile))[-10:]
    if len(mobile) >= 10 and mobile in digits_only:
        found.append("mobile")
    company = normalize_for_search(person.company_name or "")
    if company and company in haystack:
        found.append("company_name")
    return found


def _addressee_lines(who: Addressee) -> list[str]:
    title = clean(who.title)
    first = f"{clean(who.name)}، {title}" if who.name and who.name.strip() else title
    lines = [first]
    organisation = clean(who.organisation)
    if organisation and normalize_for_search(organisation) not in normalize_for_search(first):
        lines.append(organisation)
    return lines


def _complainant_view(person: Complainant, hidden: bool) -> dict[str, str | None]:
    if hidden:
        return dict.fromkeys(("name", "you", "national_id", "mobile", "address"))
    name = complainant_name(person)
    if person.kind == "legal":
        you = "آن شرکت"
    else:
        you = {"آقای": "جنابعالی", "خانم": "سرکار عالی"}.get(person.honorific, "شما")
    return {
        "name": name or None,
        "you": you,
        "national_id": _fa(person.national_id) if person.national_id else None,
        "mobile": _fa(person.mobile) if person.mobile else None,
        "address": clean(person.address) if person.address.strip() else None,
    }


def _complainant_lines(person: Complainant) -> list[str]:
    name = complainant_name(person)
    if person.kind == "legal":
        lines = [f"مدیرعامل محترم {name}"]
    else:
        prefix = {"آقای": "جناب ", "خانم": "سرکار "}.get(person.honorific, "")
        lines = [f"{prefix}{name}" if name else "شاکی محترم"]
    if person.address.strip():
        lines.append(f"نشانی: {clean(person.address)}")
    return lines


def _identifies(attachment: ForwardedAttachment, person: Complainant) -> bool:
    return attachment.identifies_complainant or bool(anonymity_warnings(attachment.name, person))


def _ref(ref: LetterRef) -> dict[str, str]:
    return {"number": _fa(ref.number), "date": _fa(ref.date)}


def _addressee(who: Addressee) -> dict[str, str | None]:
    return {
        "organisation": clean(who.organisation),
        "title": clean(who.title),
        "name": clean(who.name) if who.name and who.name.strip() else None,
    }


def _copies(facts: LetterFacts, hidden: bool) -> list[CarbonCopy]:
    copies = list(facts.copies)
    if isinstance(facts, EscalationFacts):
        copies.insert(
            0,
            CarbonCopy(
                recipient=facts.superior.title,
                description="جهت استحضار و صدور دستور اقدام لازم",
                audience="agency",
            ),
        )
    if isinstance(facts, InspectionAssignmentFacts):
        copies.insert(
            0,
            CarbonCopy(
                recipient=facts.agency.title,
                description="جهت اطلاع و همکاری لازم",
                audience="agency",
            ),
        )
    if hidden:
        # No «رونوشت» to the complainant on a letter an agency reads.
        return [c for c in copies if c.audience != "complainant"]
    if facts.complaint.anonymous and facts.kind in COMPLAINANT_KINDS:
        for c in copies:
            if c.audience == "agency":
                raise AnonymityViolation(facts.kind, c.recipient)
    return copies


def _details(facts: LetterFacts) -> dict[str, Any]:
    if isinstance(facts, ReferralFacts):
        return {"answer_within_days": _fa(facts.answer_within_days)}
    if isinstance(facts, ReminderFacts):
        return {
            "referral": _ref(facts.referral),
            "ordinal": "اول" if facts.ordinal == 1 else "دوم",
            "answer_within_days": _fa(facts.answer_within_days),
        }
    if isinstance(facts, EscalationFacts):
        return {
            "superior": _addressee(facts.superior),
            "referral": _ref(facts.referral),
            "reminders": [_ref(r) for r in facts.reminders],
            "answer_within_days": _fa(facts.answer_within_days),
        }
    if isinstance(facts, MissingDocumentsFacts):
        return {
            "missing": [clean(m) for m in facts.missing],
            "deliver_within_days": _fa(facts.deliver_within_days),
        }
    if isinstance(facts, RejectionFacts):
        authority = facts.competent_authority
        return {
            "reason": clean(facts.reason, multiline=True),
            "competent_authority": clean(authority) if authority and authority.strip() else None,
        }
    if isinstance(facts, InspectionAssignmentFacts):
        return {
            "agency": _addressee(facts.agency),
            "inspection_date": _fa(facts.inspection_date),
            "report_within_days": _fa(facts.report_within_days),
        }
    if isinstance(facts, InspectionReportFacts):
        return {
            "inspector": _addressee(facts.inspector),
            "inspection_date": _fa(facts.inspection_date),
            "replies": [
                {
                    "letter": _ref(r.letter),
                    "agency": clean(r.agency),
                    "reply_number": _fa(clean(r.reply_number)) if r.reply_number else None,
                    "reply_date": _fa(r.reply_date) if r.reply_date else None,
                    "outcome": clean(r.outcome),
                    "summary": clean(r.summary) if r.summary.strip() else None,
                }
                for r in facts.replies
            ],
            "findings": [clean(f) for f in facts.findings],
            "conclusion": clean(facts.conclusion, multiline=True),
        }
    if isinstance(facts, FinalAnswerFacts):
        return {
            "decision": clean(facts.decision, multiline=True),
            "replies_summary": clean(facts.replies_summary, multiline=True),
        }
    if isinstance(facts, ReceiptFacts):
        return {
            "documents_received": [clean(d) for d in facts.documents_received],
            "expected_answer_days": _fa(facts.expected_answer_days),
        }
    raise UnknownKind(facts.kind)  # pragma: no cover - FACTS_MODELS covers every kind


def validate_facts(kind: str, facts: LetterFacts | Mapping[str, Any]) -> LetterFacts:
    """The facts checked against ``kind``'s schema (a model or its JSON form)."""
    if kind not in KINDS:
        raise UnknownKind(kind)
    model = FACTS_MODELS[kind]
    if isinstance(facts, model):
        return facts
    data = facts.model_dump(mode="json") if not isinstance(facts, Mapping) else dict(facts)
    data.setdefault("kind", kind)
    if data["kind"] != kind:
        raise InvalidFacts(kind, ["kind"], f"facts are for {data['kind']!r}")
    try:
        return model.model_validate(data)  # type: ignore[return-value]
    except ValidationError as exc:
        fields = [".".join(str(p) for p in err["loc"]) for err in exc.errors()]
        raise InvalidFacts(kind, fields, str(exc)) from None


def qr_payload(facts: LetterFacts) -> str:
    """What the QR code carries, in the spirit of شمس: number, ISO time, GUID, code."""
    letter = facts.letter
    return (
        "RESIDEGI-LETTER/1\n"
        f"number={letter.number}\n"
        f"issued_at={letter.issued_at}\n"
        f"guid={letter.guid}\n"
        f"verification={letter.verification_code}"
    )


def build_context(kind: str, facts: LetterFacts | Mapping[str, Any]) -> dict[str, Any]:
    """The template context of one letter of ``kind``.

    Promises: facts valid for the kind (else InvalidFacts), every user string cleaned,
    structured numbers and dates in Persian digits, and for an anonymous complainant in a
    letter an agency reads: no name, national ID, phone or address, no «رونوشت» to the
    complainant and no attachment that identifies them.  JSON-serialisable.
    """
    checked = validate_facts(kind, facts)
    complaint = checked.complaint
    person = complaint.complainant
    audience = "complainant" if kind in COMPLAINANT_KINDS else "agency"
    hidden = complaint.anonymous and audience == "agency"
    attachments = [a for a in checked.attachments if not (hidden and _identifies(a, person))]
    count = len(attachments) if checked.attachments else checked.letter.attachments_count
    office = checked.office
    recipient = getattr(checked, "recipient", None)
    letter = checked.letter
    return {
        "kind": kind,
        "kind_title": KIND_TITLES[kind],
        "audience": audience,
        "anonymous": hidden,
        "office": {
            "ministry": clean(office.ministry),
            "governorate": clean(office.governorate),
            "office": clean(office.office),
            "address": clean(office.address),
            "phone": _fa(office.phone),
        },
        "signatory": {"name": clean(office.signatory_name), "title": clean(office.signatory_title)},
        "letter": {
            "number": _fa(letter.number),
            "date": _fa(letter.jalali_date),
            "attachments": f"{_fa(count)} مورد" if count else "ندارد",
            "guid": letter.guid,
            "verification_code": letter.verification_code,  # a code to type: printed as given
            "issued_at": letter.issued_at,
        },
        "recipient": {
            "lines": (
                _addressee_lines(recipient)
                if isinstance(recipient, Addressee)
                else _complainant_lines(person)
            )
        },
        "complainant": _complainant_view(person, hidden),
        "complaint": {
            "tracking_code": _fa(complaint.tracking_code),
            "subject": clean(complaint.subject),
            "text": clean(complaint.text, multiline=True),
            "registered_on": _fa(complaint.registered_on),
            "agencies": [clean(a) for a in complaint.agencies],
        },
        "copies": [
            {"recipient": clean(c.recipient), "description": clean(c.description)}
            for c in _copies(checked, hidden)
        ],
        "attachments": [
            {
                "name": clean(a.name),
                "kind": clean(a.kind),
                "pages": _fa(a.pages) if a.pages else None,
            }
            for a in attachments
        ],
        "legal": {"article22": ARTICLE_22, "charter": CITIZENS_CHARTER},
        "details": _details(checked),
        "qr": {"payload": qr_payload(checked)},
    }
