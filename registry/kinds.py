"""The vocabulary every part shares: kinds and states as string enums.

Their values are the stable snake_case words of the CLI's ``--json`` output and of the
database; Persian labels for print live beside them.
"""

from __future__ import annotations

import enum


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


class DocumentKind(enum.StrEnum):
    EVIDENCE = "evidence"  # evidence of the complaint
    FOLLOWUP = "followup"  # the complainant's earlier follow-up with the agency
    AGENCY_REPLY = "agency_reply"  # the agency's earlier written reply
    OTHER = "other"

    @property
    def label_fa(self) -> str:
        return DOCUMENT_KIND_FA[self]


DOCUMENT_KIND_FA = {
    DocumentKind.EVIDENCE: "مستندات شکایت",
    DocumentKind.FOLLOWUP: "مستندات پیگیری قبلی از دستگاه",
    DocumentKind.AGENCY_REPLY: "تصویر پاسخ کتبی دستگاه",
    DocumentKind.OTHER: "سایر مدارک",
}


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
    def label_fa(self) -> str:
        return LETTER_KIND_FA[self]


LETTER_KIND_FA = {
    LetterKind.REFERRAL: "ارجاع شکایت",
    LetterKind.REMINDER: "پیگیری",
    LetterKind.ESCALATION: "تذکر و گزارش به مقام مافوق",
    LetterKind.MISSING_DOCUMENTS: "نقص مدارک",
    LetterKind.REJECTION: "عدم صلاحیت رسیدگی",
    LetterKind.INSPECTION_ASSIGNMENT: "ابلاغ بازرسی",
    LetterKind.INSPECTION_REPORT: "گزارش بازرسی",
    LetterKind.FINAL_ANSWER: "پاسخ نهایی",
    LetterKind.RECEIPT: "رسید ثبت شکایت",
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
