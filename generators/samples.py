"""Sample facts for every kind: what ``templates check``, ``letter preview`` and the tests use.

Fixed values (date 1405/09/04 = 2026-11-25, Tehran time), so the same sample always
renders to the same bytes.
"""

from __future__ import annotations

from typing import Any

from generators.facts import LetterFacts
from generators.kinds import FACTS_MODELS, KINDS
from registry.kinds import ReplyOutcome

OFFICE: dict[str, Any] = {
    "ministry": "وزارت کشور",
    "governorate": "استانداری قزوین",
    "office": "دفتر بازرسی، مدیریت عملکرد و امور حقوقی",
    "address": "قزوین، خیابان آزادی، ساختمان استانداری قزوین",
    "phone": "028-33330000",
    "signatory_name": "دکتر سعید نوروزی",
    "signatory_title": "مدیرکل دفتر بازرسی، مدیریت عملکرد و امور حقوقی",
}

COMPLAINANT: dict[str, Any] = {
    "honorific": "آقای",
    "first_name": "محمدرضا",
    "last_name": "حسینی",
    "national_id": "0012345679",
    "mobile": "09121234567",
    "address": "قزوین، بلوار نوروزیان، کوچه لاله، پلاک ۱۲",
    "kind": "person",
}

COMPLAINT: dict[str, Any] = {
    "tracking_code": "14050907919",
    "subject": "تأخیر در صدور پروانه ساختمانی",
    "text": (
        "اینجانب در تاریخ ۱۴۰۵/۰۵/۱۰ درخواست صدور پروانه ساختمانی برای ملک واقع در منطقهٔ دو "
        "را به شهرداری قزوین تسلیم کرده‌ام. با وجود تکمیل مدارک و پرداخت عوارض، پس از بیش از ۹۰ "
        "روز هنوز پاسخی دریافت نکرده‌ام و مراجعات مکرر من نتیجه‌ای نداشته است.\n"
        "خواهشمندم دستور فرمایید موضوع بررسی و نتیجه اعلام شود."
    ),
    "registered_on": "1405/08/13",
    "complainant": COMPLAINANT,
    "anonymous": False,
    "agencies": ["شهرداری قزوین"],
}

AGENCY: dict[str, Any] = {
    "organisation": "شهرداری قزوین",
    "title": "شهردار محترم قزوین",
    "name": "جناب آقای مهندس احمدی",
}

REFERRAL = {"number": "1405/ص/98", "date": "1405/08/15"}
REMINDERS = [
    {"number": "1405/ص/104", "date": "1405/08/25"},
    {"number": "1405/ص/111", "date": "1405/08/30"},
]
ASSIGNMENT = {"number": "1405/ص/118", "date": "1405/09/01"}
# What each kind's sample cites in its box (پیرو / عطف), as numbering freezes it.
REFERENCES: dict[str, list[dict[str, Any]]] = {
    "reminder": [{"kind": "follows", **REFERRAL}],
    "escalation": [{"kind": "follows", **ref} for ref in (REFERRAL, *REMINDERS)],
    "inspection_report": [{"kind": "follows", **ASSIGNMENT}],
    "final_answer": [
        {"kind": "answers", "number": "8/45612", "date": "1405/08/28", "sender": "شهرداری قزوین"}
    ],
}

VERIFICATION: dict[str, Any] = {"base_url": "http://127.0.0.1:8000", "qr": "address"}
"""The office's defaults: the QR leads to the letter's page on the demo's desk."""


def _letter(seq: int) -> dict[str, Any]:
    return {
        "number": f"1405/ص/{seq}",
        "issued_at": "2026-11-25T10:30:00+03:30",
        "jalali_date": "1405/09/04",
        "guid": f"3f2b8c1e-9d4a-4b7e-8a61-{seq:012d}",
        "verification_code": f"7K4Q-{seq:04d}",
        "attachments_count": 0,
    }


def sample_data(kind: str, *, anonymous: bool = False) -> dict[str, Any]:
    """The JSON form of a realistic letter of ``kind`` (what the registry would store)."""
    complaint = dict(COMPLAINT, anonymous=anonymous)
    data: dict[str, Any] = {
        "kind": kind,
        "office": OFFICE,
        "letter": _letter(120 + KINDS.index(kind)),
        "complaint": complaint,
        "copies": [],
        "attachments": [],
        "verification": VERIFICATION,
    }
    if kind in REFERENCES:
        data["references"] = REFERENCES[kind]
    inspector = {
        "organisation": "دفتر بازرسی، مدیریت عملکرد و امور حقوقی",
        "title": "کارشناس محترم بازرسی",
        "name": "جناب آقای علی رضایی",
    }
    if kind in {"referral", "reminder", "escalation"}:
        data["recipient"] = AGENCY
        data["copies"] = [
            {
                "recipient": "معاون محترم هماهنگی امور عمرانی استانداری",
                "description": "جهت استحضار",
                "audience": "internal",
            },
            {
                "recipient": "آقای محمدرضا حسینی",
                "description": "جهت اطلاع",
                "audience": "complainant",
            },
        ]
    if kind == "referral":
        data["attachments"] = [
            {"name": "تصویر فرم شکایت ثبت‌شده", "kind": "فرم", "pages": 2},
            {"name": "تصویر درخواست پروانه ساختمانی", "kind": "سند", "pages": 3},
            {
                "name": "کارت ملی محمدرضا حسینی",
                "kind": "تصویر",
                "pages": 1,
                "identifies_complainant": True,
            },
        ]
    if kind == "reminder":
        data.update(referral=REFERRAL, ordinal=2)
    if kind == "escalation":
        data.update(
            superior={
                "organisation": "استانداری قزوین",
                "title": "معاون محترم هماهنگی امور عمرانی استانداری قزوین",
            },
            referral=REFERRAL,
            reminders=REMINDERS,
        )
    if kind == "missing_documents":
        data["missing"] = [
            "تصویر پیگیری قبلی شاکی نزد شهرداری",
            "تصویر پاسخ کتبی شهرداری (در صورت وجود)",
        ]
    if kind == "rejection":
        data["reason"] = (
            "موضوع شکایت اختلاف ملکی میان دو شخص است و رسیدگی به آن در صلاحیت مراجع قضایی است."
        )
        data["competent_authority"] = "شورای حل اختلاف شهرستان قزوین"
    if kind == "inspection_assignment":
        data.update(recipient=inspector, agency=AGENCY, inspection_date="1405/09/08")
    if kind == "inspection_report":
        data.update(
            recipient={
                "organisation": "استانداری قزوین",
                "title": "معاون محترم هماهنگی امور عمرانی استانداری قزوین",
            },
            inspector=inspector,
            inspection_date="1405/09/08",
            replies=[
                {
                    "letter": REFERRAL,
                    "agency": "شهرداری قزوین",
                    "reply_number": "8/45612",
                    "reply_date": "1405/08/28",
                    "outcome": ReplyOutcome.PARTIAL.short_fa,
                    "summary": "پرونده در کمیسیون ماده ۵ در دست بررسی است.",
                }
            ],
            findings=[
                "مدارک متقاضی از تاریخ ۱۴۰۵/۰۵/۱۰ کامل بوده است.",
                "پرونده بدون دلیل موجه بیش از ۹۰ روز در واحد شهرسازی مانده است.",
            ],
            conclusion=(
                "تأخیر شهرداری قزوین در صدور پروانه محرز است و پیشنهاد می‌شود "
                "دستور صدور فوری پروانه داده شود."
            ),
        )
    if kind == "final_answer":
        data.update(
            decision="شهرداری قزوین موظف شد ظرف ده روز کاری پروانه ساختمانی را صادر کند.",
            replies_summary="شهرداری قزوین اعلام کرد پرونده در کمیسیون ماده ۵ در دست بررسی است.",
        )
    if kind == "receipt":
        data["documents_received"] = ["تصویر درخواست پروانه ساختمانی", "تصویر فیش پرداخت عوارض"]
    return data


def sample_facts(kind: str, *, anonymous: bool = False) -> LetterFacts:
    """Validated sample facts of ``kind``."""
    return FACTS_MODELS[kind].model_validate(sample_data(kind, anonymous=anonymous))  # type: ignore[return-value]
