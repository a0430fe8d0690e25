"""One context builder for every kind: facts in, the dict the templates render.

It validates the facts against the kind's schema, cleans every user-supplied string
(untrusted text), prints structured numbers in Persian digits, and applies the anonymity
rule (docs/letters.md, "Rendering") before any template sees the data, so no template can
leak what it never receives.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote

from pydantic import ValidationError

from generators.cleaning import addressed, clean, fa, join_agencies, tracking_view
from generators.errors import AnonymityViolation, InvalidFacts
from generators.facts import (
    Addressee,
    CarbonCopy,
    Complainant,
    ForwardedAttachment,
    LetterFacts,
    LetterFactsBase,
    Office,
    Reference,
)
from generators.kinds import COMPLAINANT_KINDS, FULL_TEXT, KIND_TITLES, rendering
from registry.anonymity import Identifiers, identifying_mentions
from registry.kinds import Classification, Priority
from registry.text import normalize_for_search

ARTICLE_22 = "ماده ۲۲ قانون ارتقای سلامت نظام اداری و مقابله با فساد"
CITIZENS_CHARTER = "منشور حقوق شهروندی"

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


def signature_block(office: Office) -> dict[str, str]:
    """The signature block's name and title: the signatory's, or, for a letter a deputy
    signed, the deputy's name over their title «از طرف» the signatory's title (one line,
    so that both formats print it under the name)."""
    if not office.deputy_name:
        return {"name": clean(office.signatory_name), "title": clean(office.signatory_title)}
    behalf = f"از طرف {clean(office.signatory_title)}"
    title = clean(office.deputy_title or "")
    return {"name": clean(office.deputy_name), "title": f"{title}، {behalf}" if title else behalf}


def complainant_name(person: Complainant) -> str:
    """The complainant as a letter names them: «آقای محمدرضا حسینی», or the company."""
    if person.kind == "legal" and person.company_name:
        return clean(person.company_name)
    full = " ".join(p for p in (person.first_name.strip(), person.last_name.strip()) if p)
    if not full:
        return ""
    return clean(f"{person.honorific} {full}" if person.honorific else full)


def anonymity_warnings(text: str, person: Complainant) -> list[str]:
    """Which identifying facts of ``person`` appear in ``text``: ``name`` or ``last_name``,
    ``national_id``, ``mobile``, ``company_name``; empty when none does
    (``registry.anonymity.identifying_mentions``, the rule every anonymity check uses).
    """
    return identifying_mentions(
        text,
        Identifiers(
            first_name=person.first_name,
            last_name=person.last_name,
            national_id=person.national_id,
            mobile=person.mobile,
            company_name=person.company_name,
        ),
    )


DRAFT_MARK = "پیش‌نویس"
"""What a preview prints where a numbered letter prints its number."""


def complainant_addressed(person: Complainant) -> str:
    """The complainant as a letter to somebody else names them: «جناب آقای محمدرضا حسینی»,
    «سرکار خانم …», a company by its name; empty when no name was recorded."""
    if person.kind == "legal" and person.company_name:
        return clean(person.company_name)
    full = " ".join(p for p in (person.first_name.strip(), person.last_name.strip()) if p)
    return addressed(person.honorific, full) if full else ""


def _addressee_lines(who: Addressee) -> list[str]:
    title = clean(who.title)
    named = who.name and who.name.strip()
    first = f"{addressed(who.honorific, who.name)}، {title}" if named and who.name else title
    lines = [first]
    organisation = clean(who.organisation)
    if organisation and normalize_for_search(organisation) not in normalize_for_search(first):
        lines.append(organisation)
    return lines


def _complainant_view(person: Complainant, hidden: bool) -> dict[str, str | None]:
    if hidden:
        return dict.fromkeys(("name", "addressed", "you", "national_id", "mobile", "address"))
    name = complainant_name(person)
    if person.kind == "legal":
        you = "آن شرکت"
    else:
        you = {"آقای": "جنابعالی", "خانم": "سرکار عالی"}.get(person.honorific, "شما")
    return {
        "name": name or None,
        "addressed": complainant_addressed(person) or None,
        "you": you,
        "national_id": fa(person.national_id) if person.national_id else None,
        "mobile": fa(person.mobile) if person.mobile else None,
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


def _copy_line(copy: CarbonCopy, person: Complainant) -> dict[str, str]:
    """One «رونوشت» line; the complainant named with their honorific and «(شاکی)»."""
    recipient = clean(copy.recipient)
    if copy.audience == "complainant":
        recipient = f"{complainant_addressed(person) or recipient} (شاکی)"
    return {"recipient": recipient, "description": clean(copy.description)}


def _copies(facts: LetterFacts, hidden: bool) -> list[CarbonCopy]:
    copies = list(facts.copies)
    extra_copy = rendering(facts.kind).extra_copy
    if extra_copy is not None:
        copies.insert(0, extra_copy(facts))
    if hidden:
        # No «رونوشت» to the complainant on a letter an agency reads.
        return [c for c in copies if c.audience != "complainant"]
    if facts.complaint.anonymous and facts.kind in COMPLAINANT_KINDS:
        for c in copies:
            if c.audience == "agency":
                raise AnonymityViolation(facts.kind, c.recipient)
    return copies


REFERENCE_LABELS = {"follows": "پیرو", "answers": "عطف"}


def _reference_view(reference: Reference) -> dict[str, str]:
    """One «پیرو» / «عطف» line: label, number and date in Persian digits, the sender."""
    return {
        "kind": reference.kind,
        "label": REFERENCE_LABELS[reference.kind],
        "number": fa(clean(reference.number)),
        "date": fa(reference.date),
        "sender": clean(reference.sender),
    }


def validate_facts(kind: str, facts: LetterFacts | Mapping[str, Any]) -> LetterFacts:
    """The facts checked against ``kind``'s schema (a model or its JSON form)."""
    model: type[LetterFactsBase] = rendering(kind).model
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


VERIFY_LINE = (
    "برای اطمینان از اصالت این نامه، کد QR را با تلفن همراه بخوانید "
    "یا به نشانی زیر بروید و کد صحت را وارد کنید:"
)
"""What is printed beside the QR when it carries the verification address."""
VERIFY_LINE_NATIONAL = "برای اطمینان از اصالت این نامه به نشانی زیر بروید و کد صحت را وارد کنید:"
"""The same when the QR carries the national document-ID fields (it leads to no page)."""


def verification_address(base_url: str, guid: str, code: str | None = None) -> str:
    """The public page of the letter ``guid``: ``{base_url}/verify/{guid}``, with
    ``?c={code}`` when the code is given (what the QR carries)."""
    address = f"{base_url}/verify/{guid}"
    return f"{address}?c={quote(code, safe='')}" if code is not None else address


def national_payload(facts: LetterFacts) -> str:
    """The national document-ID fields (شناسه ملی سند، شمس) in the order of the circular,
    separated by ``|`` (docs/letters.md): number, the time of issue (ISO 8601, the office's
    local time to the second: 19 characters), GUID, the signatory's national code, the
    office's e-mail and national ID."""
    letter, check = facts.letter, facts.verification
    assert check is not None
    moment = datetime.fromisoformat(letter.issued_at).replace(tzinfo=None)
    return "|".join(
        (
            letter.number,
            moment.isoformat(timespec="seconds"),
            letter.guid,
            check.signatory_national_code,
            check.office_email,
            check.office_national_id,
        )
    )


def qr_payload(facts: LetterFacts) -> str:
    """What the QR code carries: the letter's verification address with its code (the
    default), or the national document-ID fields, as the letter's frozen verification
    settings say.  A letter frozen before verification existed keeps its old payload, a
    text of number, ISO time, GUID and code, so it renders to the same bytes."""
    letter, check = facts.letter, facts.verification
    if check is None:
        return (
            "RESIDEGI-LETTER/1\n"
            f"number={letter.number}\n"
            f"issued_at={letter.issued_at}\n"
            f"guid={letter.guid}\n"
            f"verification={letter.verification_code}"
        )
    if check.qr == "national":
        return national_payload(facts)
    return verification_address(check.base_url, letter.guid, letter.verification_code)


def _qr_view(facts: LetterFacts) -> dict[str, Any]:
    """The QR's payload and, for a letter that can be checked, what is printed beside it:
    the sentence and the page's address, cut after ``/verify/`` (the GUID on its own line
    fits the narrow column)."""
    check = facts.verification
    view: dict[str, Any] = {"payload": qr_payload(facts), "check": None}
    if check is not None:
        view["check"] = {
            "line": VERIFY_LINE_NATIONAL if check.qr == "national" else VERIFY_LINE,
            "page": f"{check.base_url}/verify/",
            "address": verification_address(check.base_url, facts.letter.guid),
        }
    return view


def _mark(value: Priority | Classification) -> str:
    """The Persian mark a letter prints for a priority or classification; none for «عادی»."""
    return "" if value.value == "normal" else value.label_fa


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
    # An anonymous complainant's own words never reach the agency, not even as a file.
    attachments = [
        a
        for a in checked.attachments
        if not (hidden and (_identifies(a, person) or a.kind == FULL_TEXT))
    ]
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
            "phone": fa(office.phone),
        },
        "signatory": signature_block(office),
        "letter": {
            "number": DRAFT_MARK if letter.draft else fa(letter.number),
            "draft": letter.draft,
            "sealed": letter.sealed,
            "date": fa(letter.jalali_date),
            "attachments": f"{fa(count)} مورد" if count else "ندارد",
            "guid": letter.guid,
            "verification_code": letter.verification_code,  # a code to type: printed as given
            "issued_at": letter.issued_at,
            "references": [_reference_view(r) for r in checked.references],
            "follows": [_reference_view(r) for r in checked.references if r.kind == "follows"],
            "answers": [_reference_view(r) for r in checked.references if r.kind == "answers"],
            # What the letter is marked with (empty for «عادی»: nothing is printed).
            "priority": _mark(Priority(complaint.priority)),
            "classification": _mark(Classification(complaint.classification)),
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
            "tracking_code": tracking_view(complaint.tracking_code),
            "subject": clean(complaint.subject),
            "text": clean(complaint.text, multiline=True),
            # The reviewer's summary; the complaint's own text when none was written (a
            # case accepted before summaries existed).
            "summary": clean(complaint.summary or complaint.text, multiline=True),
            "has_summary": bool(complaint.summary.strip()),
            "registered_on": fa(complaint.registered_on),
            "agencies": [clean(a) for a in complaint.agencies],
            "agencies_joined": join_agencies([clean(a) for a in complaint.agencies]),
        },
        "copies": [_copy_line(c, person) for c in _copies(checked, hidden)],
        "attachments": [
            {
                "name": clean(a.name),
                "kind": clean(a.kind),
                "pages": fa(a.pages) if a.pages else None,
                "title": clean(a.title or a.name),
                "file_name": clean(a.name) if a.title and a.print_name else None,
                "sheets": fa(a.pages) if a.pages else "—",
            }
            for a in attachments
        ],
        "legal": {"article22": ARTICLE_22, "charter": CITIZENS_CHARTER},
        "details": rendering(kind).details(checked),
        "qr": _qr_view(checked),
    }
