"""The vocabulary every part shares: kinds and states as string enums.

Their values are the stable snake_case words of the CLI's ``--json`` output and of the
database; Persian labels for print live beside them.
"""

from __future__ import annotations

import dataclasses
import enum
import types
from collections.abc import Mapping


class AgencyKind(enum.StrEnum):
    OFFICE = "office"
    GOVERNORATE = "governorate"
    COUNTY_GOVERNORATE = "county_governorate"
    MUNICIPALITY = "municipality"


class ComplainantKind(enum.StrEnum):
    PERSON = "person"  # Iranian national with a national ID
    FOREIGN = "foreign"  # passport or FIDA number
    LEGAL = "legal"  # company with an 11-digit national ID


class Honorific(enum.StrEnum):
    MR = "mr"
    MRS = "mrs"
    NONE = "none"

    @property
    def label_fa(self) -> str:
        return {"mr": "آقای", "mrs": "خانم", "none": ""}[self.value]


class Channel(enum.StrEnum):
    IN_PERSON = "in-person"
    WEB = "web"
    MAIL = "mail"
    PHONE = "phone"
    SAMAD = "samad"

    @property
    def label_fa(self) -> str:
        return CHANNEL_FA[self]


# How a complaint or a document came, as the desk offers it and the dossier prints it.
CHANNEL_FA = {
    Channel.IN_PERSON: "حضوری",
    Channel.MAIL: "پست",
    Channel.PHONE: "تلفن",
    Channel.WEB: "وب‌گاه",
    Channel.SAMAD: "سامانه سامد",
}


class DocumentKind(enum.StrEnum):
    EVIDENCE = "evidence"  # evidence of the complaint
    FOLLOWUP = "followup"  # the complainant's earlier follow-up with the agency
    AGENCY_REPLY = "agency_reply"  # the agency's earlier written reply
    OTHER = "other"
    # The complaint's full text as registered, made at acceptance when the reviewer wrote a
    # summary: referrals print the summary and carry the full text as this attachment.
    COMPLAINT_TEXT = "complaint_text"

    @property
    def label_fa(self) -> str:
        return DOCUMENT_KIND_FA[self]


DOCUMENT_KIND_FA = {
    DocumentKind.EVIDENCE: "مستندات شکایت",
    DocumentKind.FOLLOWUP: "مستندات پیگیری قبلی از دستگاه",
    DocumentKind.AGENCY_REPLY: "تصویر پاسخ کتبی دستگاه",
    DocumentKind.OTHER: "سایر مدارک",
    DocumentKind.COMPLAINT_TEXT: "متن کامل شکایت",
}
# The kinds a complainant brings and staff file, or ask for when documents are missing; the
# complaint's full text is the office's own, made at acceptance.
FILED_DOCUMENT_KINDS = tuple(k for k in DocumentKind if k is not DocumentKind.COMPLAINT_TEXT)


class ComplaintState(enum.StrEnum):
    REGISTERED = "registered"
    ACCEPTED = "accepted"
    INCOMPLETE = "incomplete"
    REJECTED = "rejected"
    AWAITING_REPLY = "awaiting_reply"
    REPLIED = "replied"
    UNDER_INSPECTION = "under_inspection"
    REPORT_READY = "report_ready"
    ANSWERED = "answered"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"

    @property
    def label_fa(self) -> str:
        return COMPLAINT_STATE_FA[self]


COMPLAINT_STATE_FA = {
    ComplaintState.REGISTERED: "ثبت‌شده",
    ComplaintState.ACCEPTED: "پذیرفته‌شده",
    ComplaintState.INCOMPLETE: "نقص مدارک",
    ComplaintState.REJECTED: "ردشده",
    ComplaintState.AWAITING_REPLY: "در انتظار پاسخ",
    ComplaintState.REPLIED: "پاسخ‌داده‌شده",
    ComplaintState.UNDER_INSPECTION: "در حال بازرسی",
    ComplaintState.REPORT_READY: "گزارش آماده",
    ComplaintState.ANSWERED: "پاسخ داده شد",
    ComplaintState.CLOSED: "مختومه",
    ComplaintState.WITHDRAWN: "منصرف‌شده",
}


class LetterKind(enum.StrEnum):
    """The nine letter kinds, in the order of a case's life; their office-level
    attributes are one row each of ``KIND_SPECS`` below."""

    REFERRAL = "referral"
    REMINDER = "reminder"
    ESCALATION = "escalation"
    MISSING_DOCUMENTS = "missing_documents"
    REJECTION = "rejection"
    INSPECTION_ASSIGNMENT = "inspection_assignment"
    INSPECTION_REPORT = "inspection_report"
    FINAL_ANSWER = "final_answer"
    RECEIPT = "receipt"

    @property
    def spec(self) -> KindSpec:
        return KIND_SPECS[self]

    @property
    def label_fa(self) -> str:
        return KIND_SPECS[self].label_fa


class Recipient(enum.StrEnum):
    """Who a letter of a kind is addressed to."""

    AGENCY = "agency"  # the agency's head (an escalation copies its superior)
    COMPLAINANT = "complainant"
    INSPECTOR = "inspector"  # one of the office's inspectors
    INTERNAL = "internal"  # the office's own head


class DeadlineRule(enum.StrEnum):
    """Whether a sent letter of a kind gets a reply due date, and on what rule
    (``registry.deadlines.reply_deadline_days_for`` applies it)."""

    NONE = "none"  # expects no reply: no due date
    AGENCY = "agency"  # the agency's own working days, else the setting for its kind
    CHASER = "chaser"  # chases a referral: setting ``reminder_deadline_days``


@dataclasses.dataclass(frozen=True)
class KindSpec:
    """A letter kind as the office sees it: its Persian title (the letter prints it), who
    receives it, and its reply deadline rule."""

    label_fa: str
    recipient: Recipient
    deadline: DeadlineRule

    @property
    def expects_reply(self) -> bool:
        return self.deadline is not DeadlineRule.NONE

    @property
    def chases_referral(self) -> bool:
        return self.deadline is DeadlineRule.CHASER


KIND_SPECS: Mapping[LetterKind, KindSpec] = types.MappingProxyType(
    {
        LetterKind.REFERRAL: KindSpec("ارجاع شکایت", Recipient.AGENCY, DeadlineRule.AGENCY),
        LetterKind.REMINDER: KindSpec("پیگیری", Recipient.AGENCY, DeadlineRule.CHASER),
        LetterKind.ESCALATION: KindSpec(
            "تذکر و گزارش به مقام مافوق", Recipient.AGENCY, DeadlineRule.CHASER
        ),
        LetterKind.MISSING_DOCUMENTS: KindSpec(
            "نقص مدارک", Recipient.COMPLAINANT, DeadlineRule.NONE
        ),
        LetterKind.REJECTION: KindSpec(
            "عدم صلاحیت رسیدگی", Recipient.COMPLAINANT, DeadlineRule.NONE
        ),
        LetterKind.INSPECTION_ASSIGNMENT: KindSpec(
            "ابلاغ بازرسی", Recipient.INSPECTOR, DeadlineRule.NONE
        ),
        LetterKind.INSPECTION_REPORT: KindSpec(
            "گزارش بازرسی", Recipient.INTERNAL, DeadlineRule.NONE
        ),
        LetterKind.FINAL_ANSWER: KindSpec("پاسخ نهایی", Recipient.COMPLAINANT, DeadlineRule.NONE),
        LetterKind.RECEIPT: KindSpec("رسید ثبت شکایت", Recipient.COMPLAINANT, DeadlineRule.NONE),
    }
)
"""Every letter kind's office-level attributes, in one place."""

LETTER_KIND_FA: Mapping[LetterKind, str] = {
    kind: spec.label_fa for kind, spec in KIND_SPECS.items()
}


class LetterState(enum.StrEnum):
    """A letter's life-cycle: numbered -> stored -> sent; void keeps the number.

    DESIGN's "rendered" and "stored" are one recorded step: rendered bytes exist only in
    memory until the archive holds them, so a letter is either still to render or stored.
    """

    NUMBERED = "numbered"
    STORED = "stored"
    SENT = "sent"
    VOID = "void"

    @property
    def label_fa(self) -> str:
        """The state as staff read it in the register."""
        return {
            LetterState.NUMBERED: "شماره‌خورده",
            LetterState.STORED: "بایگانی‌شده",
            LetterState.SENT: "ارسال‌شده",
            LetterState.VOID: "باطل",
        }[self]


class DraftState(enum.StrEnum):
    """A draft letter's life-cycle before its number (DESIGN: letter life-cycle):
    draft -> approved (پاراف) -> signed -> numbered; rejected ends it without a number."""

    DRAFT = "draft"
    APPROVED = "approved"
    SIGNED = "signed"
    NUMBERED = "numbered"
    REJECTED = "rejected"

    @property
    def label_fa(self) -> str:
        """The state as staff read it on the drafts page."""
        return {
            DraftState.DRAFT: "پیش‌نویس",
            DraftState.APPROVED: "پاراف‌شده",
            DraftState.SIGNED: "امضاشده",
            DraftState.NUMBERED: "شماره‌خورده",
            DraftState.REJECTED: "ردشده",
        }[self]

    @property
    def open(self) -> bool:
        """Still waiting for a decision or for its number."""
        return self in (DraftState.DRAFT, DraftState.APPROVED, DraftState.SIGNED)


DRAFTED_KINDS: frozenset[LetterKind] = frozenset(
    {
        LetterKind.REFERRAL,
        LetterKind.REMINDER,
        LetterKind.ESCALATION,
        LetterKind.REJECTION,
        LetterKind.INSPECTION_REPORT,
        LetterKind.FINAL_ANSWER,
    }
)
"""The kinds whose letters can wait as drafts for approval and signature: the ones a
path drafts when the office's settings ask for it (the dispatch batch's referrals, the
chase's reminders and escalations, the review's rejection, the inspection report, the
final answer).  The numbering step refuses an unsigned letter of any kind the settings
name, whatever path."""


class ReplyOutcome(enum.StrEnum):
    """What the agency's reply said, as recorded with it (``reply record --outcome``)."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"
    PARTIAL = "partial"
    NEEDS_INSPECTION = "needs-inspection"

    @property
    def label_fa(self) -> str:
        """The outcome as a letter states it («… اعلام کرده است که <label_fa>»)."""
        return REPLY_OUTCOME_FA[self][1]

    @property
    def short_fa(self) -> str:
        """The outcome in a word or two, for titles and lists (the dossier's index)."""
        return REPLY_OUTCOME_FA[self][0]


# The one table of the reply outcomes' Persian labels: (short, as a letter states it).
REPLY_OUTCOME_FA: dict[ReplyOutcome, tuple[str, str]] = {
    ReplyOutcome.ACCEPTED: ("پذیرش", "خواسته شاکی پذیرفته شده است"),
    ReplyOutcome.REJECTED: ("رد", "خواسته شاکی پذیرفته نشده است"),
    ReplyOutcome.PARTIAL: ("پاسخ ناقص", "خواسته شاکی در بخشی پذیرفته شده است"),
    ReplyOutcome.NEEDS_INSPECTION: ("نیازمند بازرسی", "موضوع نیازمند بازرسی است"),
}


class Role(enum.StrEnum):
    """A staff role (DESIGN: users, roles and the web desk); a user may hold several."""

    SECRETARIAT = "secretariat"
    INSPECTOR = "inspector"
    HEAD = "head"
    ARCHIVIST = "archivist"
    ADMIN = "admin"

    @property
    def label_fa(self) -> str:
        return {
            "secretariat": "دبیرخانه",
            "inspector": "کارشناس بازرسی",
            "head": "مدیر دفتر",
            "archivist": "بایگان",
            "admin": "مدیر سامانه",
        }[self.value]


class DispatchMethod(enum.StrEnum):
    """How a letter left the office (دفتر ارسال)."""

    HAND = "hand"  # delivered by hand (دستی), against a signature
    COURIER = "courier"  # پیک
    POST = "post"  # پست
    EMAIL = "email"  # پست الکترونیکی
    EXCHANGE = "exchange"  # the government's inter-agency exchange system (تبادل بین‌دستگاهی)

    @property
    def label_fa(self) -> str:
        return {
            "hand": "تحویل دستی",
            "courier": "پیک",
            "post": "پست",
            "email": "پست الکترونیکی",
            "exchange": "سامانه تبادل بین‌دستگاهی",
        }[self.value]

    @property
    def has_tracking(self) -> bool:
        """Whether the method gives a receipt or tracking number (a hand delivery is signed
        for by a person instead)."""
        return self is not DispatchMethod.HAND


class ReferenceKind(enum.StrEnum):
    """How a letter cites an earlier one: پیرو (it follows a letter of ours) or عطف (it
    answers a letter received)."""

    FOLLOWS = "follows"
    ANSWERS = "answers"

    @property
    def label_fa(self) -> str:
        return {"follows": "پیرو", "answers": "عطف"}[self.value]


class Priority(enum.StrEnum):
    """A case's priority (فوریت), chosen at review: printed in its letters' box, and its
    own reply deadline where the office's settings give one (``priority_reply_days``)."""

    NORMAL = "normal"
    URGENT = "urgent"
    VERY_URGENT = "very_urgent"
    IMMEDIATE = "immediate"

    @property
    def label_fa(self) -> str:
        return {
            "normal": "عادی",
            "urgent": "فوری",
            "very_urgent": "خیلی فوری",
            "immediate": "آنی",
        }[self.value]


class Classification(enum.StrEnum):
    """A case's classification (طبقه‌بندی), chosen at review, lowest first: printed at the
    top and bottom of every page of its letters; a classified case is seen only by staff
    cleared for its level (a user's clearance is one of these too)."""

    NORMAL = "normal"
    CONFIDENTIAL = "confidential"
    HIGHLY_CONFIDENTIAL = "highly_confidential"
    SECRET = "secret"
    TOP_SECRET = "top_secret"

    @property
    def label_fa(self) -> str:
        return {
            "normal": "عادی",
            "confidential": "محرمانه",
            "highly_confidential": "خیلی محرمانه",
            "secret": "سری",
            "top_secret": "به‌کلی سری",
        }[self.value]

    @property
    def rank(self) -> int:
        """Its place from the lowest (0, عادی) to the highest."""
        return list(Classification).index(self)

    def levels_up_to_ordered(self) -> list[Classification]:
        """The levels a holder of this clearance may see, lowest first."""
        return [level for level in Classification if level.rank <= self.rank]

    def levels_up_to(self) -> frozenset[Classification]:
        """The levels a holder of this clearance may see: this one and every lower one."""
        return frozenset(level for level in Classification if level.rank <= self.rank)
