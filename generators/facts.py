"""What the registry hands over to render a letter: frozen, JSON-serialisable facts.

The registry freezes these at numbering time and stores them as JSON
(``facts.model_dump(mode="json")``); the same JSON renders the same letter to the same
bytes years later.  Digits arrive in ASCII; the generators print them in Persian.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from registry.text import to_ascii_digits

_JALALI = re.compile(r"^1[34]\d\d/(0[1-9]|1[0-2])/(0[1-9]|[12]\d|3[01])$")
_NUMBER = re.compile(r"^\d{4}/[^\d/\s]{1,8}/\d{1,7}$")


def _jalali(value: str) -> str:
    value = to_ascii_digits(value.strip())
    if not _JALALI.match(value):
        raise ValueError("expected a Jalali date YYYY/MM/DD")
    return value


def _letter_number(value: str) -> str:
    value = to_ascii_digits(value.strip())
    if not _NUMBER.match(value):
        raise ValueError("expected a letter number YEAR/SERIES/SEQ, e.g. 1405/ص/123")
    return value


def _aware_iso(value: str) -> str:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("issued_at must carry its UTC offset (Asia/Tehran)")
    return moment.isoformat()


def _guid(value: str) -> str:
    return str(uuid.UUID(value))


def _text(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    return value


JalaliDate = Annotated[str, AfterValidator(_jalali)]
LetterNumber = Annotated[str, AfterValidator(_letter_number)]
Text = Annotated[str, AfterValidator(_text)]
Digits = Annotated[str, AfterValidator(lambda v: to_ascii_digits(v.strip()))]


class Facts(BaseModel):
    """Base of every facts model: frozen, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Office(Facts):
    """The sending office as its letterhead and signature block print it."""

    ministry: Text = "وزارت کشور"
    governorate: Text = "استانداری قزوین"
    office: Text = "دفتر بازرسی، مدیریت عملکرد و امور حقوقی"
    address: Text
    phone: Digits
    signatory_name: Text
    signatory_title: Text
    # A deputy who signed «از طرف» the signatory (a draft signed by the head's deputy);
    # None when the signatory signed, as on every letter numbered without approval.
    deputy_name: str | None = None
    deputy_title: str | None = None


class LetterIdentity(Facts):
    """What numbering fixed: number (ASCII digits), time, Jalali date, GUID, verification code."""

    number: LetterNumber
    issued_at: Annotated[str, AfterValidator(_aware_iso)]
    jalali_date: JalaliDate
    guid: Annotated[str, AfterValidator(_guid)]
    verification_code: Annotated[str, AfterValidator(_text)]
    attachments_count: int = Field(default=0, ge=0)
    # A preview (never numbered): its number box says «پیش‌نویس» instead of a number.
    draft: bool = False
    # Numbered from its signed draft: its archived PDF carries the office's PAdES seal,
    # whose visible stamp goes in the signature block (generators/sealing.py seal_letter).
    sealed: bool = False


class Addressee(Facts):
    """An agency head, a superior, an inspector or an internal manager."""

    organisation: Text
    title: Text  # e.g. «شهردار محترم قزوین»
    name: str | None = None  # e.g. «مهندس احمدی»
    # «آقای» or «خانم»: printed «جناب آقای» / «سرکار خانم» before the name.  Facts frozen
    # before the field existed have none (their name may carry it already).
    honorific: Literal["آقای", "خانم", ""] = ""


class Complainant(Facts):
    """The person (or company) who filed the complaint."""

    honorific: Literal["آقای", "خانم", ""] = ""
    first_name: str = ""
    last_name: str = ""
    national_id: Digits = ""
    mobile: Digits = ""
    address: str = ""
    kind: Literal["person", "foreign", "legal"] = "person"
    company_name: str | None = None


class Complaint(Facts):
    """The registered complaint a letter is about."""

    tracking_code: Digits
    subject: Text
    text: Text
    registered_on: JalaliDate
    complainant: Complainant
    anonymous: bool = False
    agencies: tuple[Text, ...] = ()
    # The reviewer's summary written at acceptance (``complaint review --summary``): what
    # letters to agencies print under «خلاصه شکایت»; empty on facts frozen before it.
    summary: str = ""
    # Chosen at review (``registry.kinds.Priority``, ``Classification``): the priority is
    # printed in the letter's box, the classification at the top and bottom of every
    # page; «عادی» prints nothing, and facts frozen before they existed are «عادی».
    priority: Literal["normal", "urgent", "very_urgent", "immediate"] = "normal"
    classification: Literal[
        "normal", "confidential", "highly_confidential", "secret", "top_secret"
    ] = "normal"


class CarbonCopy(Facts):
    """One «رونوشت» line: who gets a copy and why («جهت استحضار»)."""

    recipient: Text
    description: Text
    audience: Literal["internal", "agency", "complainant"] = "internal"


class ForwardedAttachment(Facts):
    """A document sent with the letter; ``identifies_complainant`` comes from its metadata.

    ``title`` is what the attachment table prints («تصویر مستندات شکایت»); without it (older
    facts) ``name`` is printed.  ``name`` (the file's own name) is printed beside the title
    only when ``print_name`` (the office's ``print_file_names`` setting).  ``pages`` is the
    sheet count (a PDF's pages, 1 for an image).
    """

    name: Text
    kind: Text
    title: Text | None = None
    print_name: bool = False
    pages: int | None = Field(default=None, ge=1)
    identifies_complainant: bool = False


class LetterRef(Facts):
    """An earlier letter of the case: its number and Jalali date."""

    number: LetterNumber
    date: JalaliDate


class FollowUp(Facts):
    """A reminder or escalation that chased a referral, as the inspection report lists it."""

    kind: Literal["reminder", "escalation"]
    letter: LetterRef
    ordinal: int = Field(default=1, ge=1)


class ReplyRecord(Facts):
    """An agency's reply to one of the office's letters, as the inspection report lists it."""

    letter: LetterRef
    agency: Text
    reply_number: str | None = None
    reply_date: JalaliDate | None = None
    outcome: Text  # e.g. «پاسخ داده شد»، «بی‌پاسخ»
    summary: str = ""
    # The reminders and escalations that chased this letter, oldest first.
    followups: tuple[FollowUp, ...] = ()


_BASE_URL = re.compile(r"^https?://[^\s/?#]+(/[^\s?#]*)?$")


def _base_url(value: str) -> str:
    value = value.strip().rstrip("/")
    if not _BASE_URL.match(value):
        raise ValueError("expected http(s)://host[:port][/path] without a query")
    return value


class Verification(Facts):
    """How a reader checks the letter, fixed when it is numbered: where the office's public
    verification page is, and what the QR carries (docs/letters.md, "Verification").  The
    national fields fill the QR only when ``qr`` is ``national``."""

    base_url: Annotated[str, AfterValidator(_base_url)]
    qr: Literal["address", "national"] = "address"
    signatory_national_code: Digits = ""
    office_email: str = ""
    office_national_id: Digits = ""


class Reference(Facts):
    """An earlier paper a letter cites, as its box prints it: a letter of ours it follows
    (پیرو: our number) or a paper received that it answers (عطف: the sender's own number
    and date, and the sender)."""

    kind: Literal["follows", "answers"]
    number: Text
    date: JalaliDate
    sender: str = ""


class _LetterFacts(Facts):
    office: Office
    letter: LetterIdentity
    complaint: Complaint
    copies: tuple[CarbonCopy, ...] = ()
    attachments: tuple[ForwardedAttachment, ...] = ()
    # Letters numbered before public verification existed have none: they render as they
    # always did (their QR a text of the letter's identity, no line under it).
    verification: Verification | None = None

    # What the letter cites (پیرو / عطف), frozen at numbering; none on facts frozen before
    # references existed, whose box prints none.
    references: tuple[Reference, ...] = ()


class ReferralFacts(_LetterFacts):
    """ارجاع شکایت: the complaint sent to the agency for an answer within a deadline."""

    kind: Literal["referral"] = "referral"
    recipient: Addressee
    answer_within_days: int = Field(default=10, ge=1)


class ReminderFacts(_LetterFacts):
    """پیگیری: the first or second reminder of an unanswered referral."""

    kind: Literal["reminder"] = "reminder"
    recipient: Addressee
    referral: LetterRef
    ordinal: Literal[1, 2] = 1
    answer_within_days: int = Field(default=5, ge=1)
    # The earlier reminders of the same referral: a second reminder cites the first.
    previous: tuple[LetterRef, ...] = ()


class EscalationFacts(_LetterFacts):
    """تذکر / گزارش به مقام مافوق: the agency reminded once more, its superior in copy."""

    kind: Literal["escalation"] = "escalation"
    recipient: Addressee
    superior: Addressee
    referral: LetterRef
    reminders: tuple[LetterRef, ...] = ()  # none only in a preview before any reminder
    answer_within_days: int = Field(default=3, ge=1)


class MissingDocumentsFacts(_LetterFacts):
    """نقص مدارک: the complainant asked for the documents the complaint lacks."""

    kind: Literal["missing_documents"] = "missing_documents"
    missing: tuple[Text, ...] = Field(min_length=1)
    deliver_within_days: int = Field(default=10, ge=1)


class RejectionFacts(_LetterFacts):
    """عدم صلاحیت رسیدگی: the complainant told why the office cannot take the case."""

    kind: Literal["rejection"] = "rejection"
    reason: Text
    competent_authority: str | None = None  # where the complainant may turn instead


class InspectionAssignmentFacts(_LetterFacts):
    """ابلاغ بازرسی: an inspector assigned to inspect the agency on a date."""

    kind: Literal["inspection_assignment"] = "inspection_assignment"
    recipient: Addressee  # the inspector
    agency: Addressee  # the agency to be inspected
    inspection_date: JalaliDate
    report_within_days: int = Field(default=7, ge=1)


class InspectionReportFacts(_LetterFacts):
    """گزارش بازرسی: the complaint, each letter and reply, findings and conclusion."""

    kind: Literal["inspection_report"] = "inspection_report"
    recipient: Addressee
    inspector: Addressee
    inspection_date: JalaliDate
    replies: tuple[ReplyRecord, ...] = ()
    findings: tuple[Text, ...] = Field(min_length=1)
    conclusion: Text


class FinalAnswerFacts(_LetterFacts):
    """پاسخ نهایی: the office's answer to the complainant."""

    kind: Literal["final_answer"] = "final_answer"
    decision: Text
    replies_summary: Text
    # Where the complainant may turn if not satisfied (setting ``recourse_body``); empty on
    # facts frozen before the paragraph existed.
    recourse: str = ""


class ReceiptFacts(_LetterFacts):
    """رسید ثبت شکایت: what was received, the tracking code and when to expect an answer."""

    kind: Literal["receipt"] = "receipt"
    documents_received: tuple[Text, ...] = ()
    # Facts frozen before issue 12 promised a number of working days; new receipts do not
    # (the service card's average is no promise), so the field is None for them.
    expected_answer_days: int | None = Field(default=None, ge=1)


LetterFacts = (
    ReferralFacts
    | ReminderFacts
    | EscalationFacts
    | MissingDocumentsFacts
    | RejectionFacts
    | InspectionAssignmentFacts
    | InspectionReportFacts
    | FinalAnswerFacts
    | ReceiptFacts
)

LetterFactsBase = _LetterFacts
"""What every kind's facts share (``generators.kinds.RENDERING`` maps each kind to its model)."""
