"""Every message staff read, in Persian, keyed by the stable error codes of the packages.

A code missing here falls back to a generic sentence naming the code (a test checks that
every code raised in the code base has its message).
"""

from __future__ import annotations

from typing import Any

MESSAGES: dict[str, str] = {
    # input and identity
    "field_required": "فیلد «{field_fa}» خالی است.",
    "field_too_long": "فیلد «{field_fa}» بیش از {limit} نویسه است.",
    "invalid_national_id": "کد ملی «{value}» معتبر نیست.",
    "invalid_company_id": "شناسه ملی شخص حقوقی «{value}» معتبر نیست.",
    "invalid_mobile": "شماره همراه «{value}» معتبر نیست (نمونه: ۰۹۱۲۱۲۳۴۵۶۷).",
    "invalid_landline": "شماره تلفن ثابت «{value}» معتبر نیست (با پیش‌شماره، نمونه: ۰۲۸۳۳۳۳۴۴۵۵).",
    "invalid_postal_code": "کد پستی «{value}» معتبر نیست (ده رقم).",
    "invalid_foreign_id": "شماره گذرنامه یا فیدای «{value}» معتبر نیست.",
    "invalid_tracking_code": "کد رهگیری «{value}» معتبر نیست؛ رقم‌ها را دوباره بررسی کنید.",
    "invalid_jalali_date": "تاریخ «{value}» معتبر نیست (نمونه: ۱۴۰۵/۰۹/۰۴).",
    "invalid_time_zone": "منطقه زمانی «{value}» شناخته نیست.",
    "invalid_letter_number": "شماره نامه «{value}» معتبر نیست (نمونه: ۱۴۰۵/ص/۱۲۳).",
    "invalid_deadline_days": "مهلت پاسخ باید دست‌کم یک روز کاری باشد.",
    "invalid_option": "مقدار «{value}» برای «{field_fa}» پذیرفته نیست؛ مقدارهای مجاز: {allowed}.",
    "invalid_attach_spec": "پیوست «{value}» باید به شکل نوع=مسیر باشد، مثلاً evidence=scan.pdf.",
    "invalid_settings": "تنظیمات نادرست است: {detail}",
    "reason_required": "علت را بنویسید (گزینه --reason).",
    "agency_required": "دست‌کم یک دستگاه (گزینه --agency) لازم است.",
    "agency_name_required": "نام دستگاه خالی است.",
    "head_title_required": "عنوان مقام مسئول دستگاه خالی است.",
    "agency_parent_self": "دستگاه نمی‌تواند بالادست خودش باشد.",
    "missing_kinds_required": "نوع مدارک ناقص را با گزینه --missing بنویسید.",
    "attachment_required": "دست‌کم یک پیوست (گزینه --attach) لازم است.",
    "review_decision_required": "یکی از گزینه‌های --accept یا --reject یا --incomplete را بزنید.",
    # attachments
    "attachment_missing": "پرونده پیوست «{path}» پیدا نشد.",
    "attachment_unreadable": "پرونده پیوست «{path}» خوانده نشد یا خراب است.",
    "attachment_too_large": "پرونده پیوست «{path}» بزرگ‌تر از حد مجاز ({limit_mb} مگابایت) است.",
    "attachment_type_refused": "پرونده پیوست «{path}» از نوع PDF، JPEG، PNG یا TIFF نیست.",
    # not found
    "agency_not_found": "دستگاهی با نام «{name}» پیدا نشد.{hints_fa}",
    "complaint_not_found": "شکایتی با کد رهگیری «{tracking_code}» پیدا نشد.",
    "letter_not_found": "نامه‌ای با شماره «{number}» پیدا نشد.",
    "object_missing": "سند {sha256} در بایگانی پیدا نشد.",
    "database_not_initialized": "پایگاه داده در «{home}» آماده نیست؛ نخست «residegi init» را اجرا کنید.",
    # refused by a rule
    "illegal_transition": "شکایت {tracking_code} در وضعیت «{from_fa}» است و نمی‌توان آن را به «{to_fa}» برد.",
    "evidence_missing": "مستندات شکایت پیوست نشده است؛ برای پذیرش بدون آن، علت را با --note بنویسید.",
    "agency_exists": "دستگاهی با نام «{name}» از پیش ثبت شده است.",
    "complaint_closed": "پرونده {tracking_code} مختومه یا منصرف‌شده است.",
    "demo_needs_fresh_home": "پوشه داده «{home}» از پیش شکایت دارد؛ نمایش را در پوشه‌ای تازه اجرا کنید (--home).",
    "letter_already_void": "نامه {number} پیش‌تر باطل شده است.",
}

FIELD_NAMES_FA: dict[str, str] = {
    "first_name": "نام",
    "last_name": "نام خانوادگی",
    "national_id": "کد ملی / شناسه ملی",
    "foreign_id": "شماره گذرنامه / فیدا",
    "company_name": "نام شخص حقوقی",
    "mobile": "تلفن همراه",
    "address": "نشانی",
    "subject": "موضوع",
    "text": "متن شکایت",
    "reason": "علت",
    "agency": "دستگاه",
    "name": "نام",
    "head_title": "عنوان مقام",
    "kind": "نوع",
    "state": "وضعیت",
    "channel": "شیوه دریافت",
    "honorific": "عنوان",
    "missing": "مدارک ناقص",
}

REVIEW_WARNINGS_FA = {
    "followup_missing": "مستندات پیگیری قبلی شاکی از دستگاه پیوست نشده است.",
    "anonymous_text_names_name": "شاکی خواسته ناشناس بماند، اما نامش در متن شکایت آمده است.",
    "anonymous_text_names_last_name": "شاکی خواسته ناشناس بماند، اما نام خانوادگی‌اش در متن شکایت آمده است.",
    "anonymous_text_names_national_id": "شاکی خواسته ناشناس بماند، اما کد ملی‌اش در متن شکایت آمده است.",
    "anonymous_text_names_mobile": "شاکی خواسته ناشناس بماند، اما شماره همراهش در متن شکایت آمده است.",
    "anonymous_text_names_mobile_short": "شاکی خواسته ناشناس بماند، اما شماره همراهش در متن شکایت آمده است.",
}

GENERIC = "درخواست انجام نشد (کد خطا: {code})."
UNEXPECTED = "خطای پیش‌بینی‌نشده‌ای رخ داد؛ جزئیات در گزارش فنی ثبت شد. ({detail})"


def staff_message(code: str, params: dict[str, Any]) -> str:
    """The Persian sentence for ``code``, filled with ``params``; never raises."""
    from registry.kinds import ComplaintState  # local: only needed for state labels

    values: dict[str, Any] = {key: _fa(value) for key, value in params.items()}
    if "field" in params:
        values["field_fa"] = FIELD_NAMES_FA.get(str(params["field"]), str(params["field"]))
    for key in ("from_state", "to_state"):
        if key in params:
            try:
                label = ComplaintState(params[key]).label_fa
            except ValueError:
                label = str(params[key])
            values[key.replace("_state", "_fa")] = label
    if "limit" in params and isinstance(params["limit"], int):
        values["limit_mb"] = _fa(round(params["limit"] / (1024 * 1024), 1))
    hints = params.get("hints")
    values["hints_fa"] = f" شاید منظور شما: {hints}" if hints else ""
    template = MESSAGES.get(code, GENERIC)
    try:
        return template.format(code=code, **values)
    except (KeyError, IndexError, ValueError):
        return GENERIC.format(code=code)


def _fa(value: Any) -> str:
    from registry.text import to_persian_digits

    return to_persian_digits(value) if isinstance(value, int | float) else str(value)
