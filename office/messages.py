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
    "search_query_empty": "چیزی برای جست‌وجو نوشته نشده است؛ کد رهگیری، شماره نامه، کد ملی، نام یا واژه‌ای از موضوع و متن را بنویسید.",
    "search_dates_reversed": "تاریخ آغاز جست‌وجو ({start}) پس از تاریخ پایان آن ({end}) است.",
    "search_limit_invalid": "تعداد نتیجه‌ها باید از ۱ تا {limit} باشد، نه {value}.",
    "text_file_unreadable": "پرونده متن «{path}» خوانده نشد (باید متن UTF-8 باشد).",
    "preview_unavailable": "پیش‌نمایش نامه «{kind}» هنوز ممکن نیست.",
    "reason_required": "علت را بنویسید (گزینه --reason).",
    "agency_required": "دست‌کم یک دستگاه (گزینه --agency) لازم است.",
    "agency_name_required": "نام دستگاه خالی است.",
    "head_title_required": "عنوان مقام مسئول دستگاه خالی است.",
    "agency_parent_self": "دستگاه نمی‌تواند بالادست خودش باشد.",
    "missing_kinds_required": "نوع مدارک ناقص را با گزینه --missing بنویسید.",
    "attachment_required": "دست‌کم یک پیوست (گزینه --attach) لازم است.",
    "document_kind_made_by_office": "«{kind}» را سامانه هنگام پذیرش با خلاصه می‌سازد؛ آن را پیوست نکنید و از شاکی نخواهید.",
    "review_decision_required": "یکی از گزینه‌های --accept یا --reject یا --incomplete را بزنید.",
    "invalid_weekend": "تنظیم روزهای تعطیل آخر هفته نادرست است؛ دست‌کم یک روز هفته باید کاری بماند.",
    "invalid_working_days": "تعداد روزهای کاری مهلت نمی‌تواند منفی باشد ({value}).",
    "invalid_pause_interval": "پایان توقف مهلت ({end}) پیش از آغاز آن ({start}) است.",
    "invalid_jalali_year": "سال «{value}» معتبر نیست.",
    "invalid_extension_days": "تمدید مهلت باید دست‌کم یک روز کاری باشد.",
    "date_in_future": "تاریخ «{value}» هنوز نرسیده است.",
    "reply_before_letter": "تاریخ پاسخ ({value}) پیش از ارسال نامه {number} در {sent} است.",
    "pause_before_sent": "توقف مهلت از {value} پیش از تاریخ ارسال نامه ({sent}) است.",
    "resume_before_pause": "ازسرگیری مهلت ({value}) باید پس از آغاز توقف ({since}) باشد.",
    "signatory_required": "نام امضاکننده نامه‌ها در تنظیمات نیامده است (RESIDEGI_OFFICE__SIGNATORY_NAME یا residegi.toml).",
    "unknown_letter_kind": "نوع نامه «{kind}» شناخته نیست.",
    "invalid_letter_facts": "اطلاعات نامه «{kind}» ناقص یا نادرست است: {fields}",
    "archive_bad_sha256": "شناسه سند «{value}» معتبر نیست؛ شناسه باید ۶۴ نویسه شانزده‌شانزدهی باشد.",
    "archive_not_local": "بایگانی روی این رایانه نیست ({url})؛ مسیر پرونده را نمی‌توان نشان داد.",
    "signing_key_unreadable": "کلید امضای «{path}» باز نشد: گذرواژه (RESIDEGI_SIGNING_KEY_PASSPHRASE) نادرست است یا پرونده آسیب دیده است.",
    "certificate_name_invalid": "نام «{value}» برای گواهی امضا مناسب نیست: هر بخش نام باید یکسره فارسی یا یکسره لاتین باشد، با حرف فارسی آغاز و تمام شود و بیش از ۶۴ بایت نباشد.",
    "archive_meta_invalid": "مشخصات سند برای بایگانی نادرست است (فیلد {field}).",
    "archive_derivation_failed": "تبدیل تصویر پیوست به PDF ممکن نشد؛ پرونده تصویر را بررسی کنید. چیزی ذخیره نشد.",
    "dossier_output_refused": "در «{path}» نمی‌توان نوشت: پوشه مقصد باید وجود داشته باشد و پوشه بسته BagIt باید تازه یا خالی باشد. چیزی نوشته نشد.",
    # attachments
    "attachment_missing": "پرونده پیوست «{path}» پیدا نشد.",
    "attachment_unreadable": "پرونده پیوست «{path}» خوانده نشد یا خراب است.",
    "attachment_too_large": "پرونده پیوست «{path}» بزرگ‌تر از حد مجاز ({limit_mb} مگابایت) است.",
    "attachment_type_refused": "پرونده پیوست «{path}» از نوع PDF، JPEG، PNG یا TIFF نیست.",
    # not found
    "agency_not_found": "دستگاهی با نام «{name}» پیدا نشد.{hints_fa}",
    "complaint_not_found": "شکایتی با کد رهگیری «{tracking_code}» پیدا نشد.",
    "preview_needs_referral": "برای پیش‌نمایش این نامه، پرونده {tracking_code} باید نامه ارجاعِ ارسال‌شده داشته باشد.",
    "inspection_not_found": "برای پرونده {tracking_code} بازرسی‌ای ثبت نشده است.",
    "letter_not_found": "نامه‌ای با شماره «{number}» پیدا نشد.",
    "archive_object_missing": "سند {sha256} در بایگانی یافت نشد.",
    "signing_key_missing": "کلید امضای دفتر در «{path}» نیست؛ برای آزمایش «residegi keys init» را اجرا کنید یا مسیر کلید را در RESIDEGI_SIGNING_KEY_PATH بنویسید.",
    "file_not_found": "پرونده «{path}» پیدا نشد.",
    "holiday_not_found": "تعطیل رسمی در روز {date} ثبت نشده است.",
    "database_not_initialized": "پایگاه داده در «{home}» آماده نیست؛ نخست «residegi init» را اجرا کنید.",
    "database_behind": "پایگاه داده در «{home}» از نسخه پیشین residegi است (طرح {current}، این نسخه {head})؛ نخست «residegi upgrade» را اجرا کنید.",
    "database_ahead": "پایگاه داده در «{home}» را نسخه‌ای تازه‌تر از residegi ساخته است (طرح {current}، این نسخه {head})؛ residegi را به‌روز کنید.",
    # refused by a rule
    "illegal_transition": "شکایت {tracking_code} در وضعیت «{from_fa}» است و نمی‌توان آن را به «{to_fa}» برد.",
    "evidence_missing": "مستندات شکایت پیوست نشده است؛ برای پذیرش بدون آن، علت را با --note بنویسید.",
    "agency_exists": "دستگاهی با نام «{name}» از پیش ثبت شده است.",
    "complaint_closed": "پرونده {tracking_code} مختومه یا منصرف‌شده است.",
    "demo_needs_fresh_home": "پوشه داده «{home}» از پیش شکایت دارد؛ نمایش را در پوشه‌ای تازه اجرا کنید (--home).",
    "anonymous_copy_to_agency": "شاکی ناشناس است؛ ارسال رونوشت این نامه به «{recipient}» مجاز نیست.",
    "template_problem": "قالب «{template}» خطا دارد ({where}، متغیر «{variable}»).",
    "template_missing": "پرونده قالب «{template}» پیدا نشد.",
    "templates_failing": "قالب نامه‌ها خطا دارد و ارسال آغاز نشد: {problems}",
    "render_warning": "هنگام ساخت PDF نامه «{kind}» هشدار داده شد؛ نامه ساخته نشد: {messages}",
    "asset_refused": "قالب به نشانی مجاز نیست: {url}",
    "signing_key_exists": "کلید یا گواهی «{path}» از پیش وجود دارد و هرگز بازنویسی نمی‌شود؛ اگر کلید تازه می‌خواهید، پرونده کنونی را به جای دیگری منتقل کنید.",
    "pdf_not_pdfa3": "اطلاعات پرونده فقط در PDF/A-3 جاسازی می‌شود و این پرونده {value} است.",
    "case_data_exists": "پرونده PDF از پیش پیوستی به نام «{name}» دارد.",
    "signing_failed": "امضای پاسخ انجام نشد و چیزی امضا یا بایگانی نشد: {detail}",
    "archive_catalogue_conflict": "این سند پیش‌تر با مشخصات دیگری در فهرست بایگانی ثبت شده است.",
    "reply_exists": "برای نامه {number} پیش‌تر پاسخ شماره «{their_number}» مورخ {their_date} ثبت شده است؛ برای جایگزینی، گزینه --supersede را بزنید.",
    "reply_to_wrong_kind": "نامه {number} از نوعی نیست که پاسخ دستگاه داشته باشد.",
    "letter_void": "نامه {number} باطل شده است.",
    "letter_not_sent": "نامه {number} هنوز ارسال نشده است.",
    "letter_not_stored": "نامه {number} هنوز در بایگانی ذخیره نشده و نمی‌توان آن را ارسال‌شده ثبت کرد.",
    "letter_already_sent": "نامه {number} پیش‌تر ارسال شده است.",
    "letter_replied": "نامه {number} پاسخ داده شده و مهلت آن بسته است.",
    "letter_without_agency": "نامه {number} دستگاه گیرنده ندارد.",
    "letter_without_complaint": "نامه {number} به پرونده‌ای وابسته نیست.",
    "chaser_without_referral": "نامه پیگیری {number} به نامه ارجاعی وصل نیست.",
    "no_reply_deadline": "نامه {number} مهلت پاسخ ندارد.",
    "deadline_already_paused": "مهلت نامه {number} از {since} متوقف است.",
    "deadline_not_paused": "مهلت نامه {number} متوقف نیست.",
    "deadline_passed": "سررسید نامه {number} ({due_date}) گذشته است و مهلت را نمی‌توان متوقف کرد.",
    "deadline_clock_stopped": "مهلت این نامه از {since} متوقف است و {remaining} روز کاری از آن مانده؛ سررسید پس از ازسرگیری معلوم می‌شود.",
    "pause_overlaps": "توقف از {value} با توقف پیشین مهلت نامه {number} هم‌پوشانی دارد.",
    "holiday_exists": "روز {date} پیش‌تر تعطیل رسمی ثبت شده است («{name}»).",
    "dossier_layout_unstable": "شماره صفحه‌های فهرست پرونده {tracking_code} ثابت نشد و پرونده ساخته نشد؛ به پشتیبانی فنی اطلاع دهید.",
    # verification failed
    "archive_object_altered": "سند {sha256} در بایگانی با اثر انگشت دیجیتال خود نمی‌خواند و ممکن است آسیب دیده یا دست‌کاری شده باشد؛ به مسئول بایگانی اطلاع دهید.",
    "archive_fixity_failed": "وارسی بایگانی نشان داد همه اسناد سالم و در فهرست نیستند ({detail})؛ به مسئول بایگانی اطلاع دهید.",
    "pdf_unreadable": "پرونده PDF خوانده نشد و درستی آن را نمی‌توان نشان داد: {detail}",
    "signature_missing": "پرونده «{path}» امضای دیجیتال ندارد.",
    "signature_invalid": "امضای پرونده «{path}» با محتوای آن نمی‌خواند: پرونده پس از امضا تغییر کرده یا آسیب دیده است.",
    "signature_modified": "پس از امضای پرونده «{path}» چیزی به آن افزوده شده است (به‌روزرسانی افزایشی)؛ بخش افزوده‌شده زیر امضا نیست.",
    "signature_untrusted": "امضای پرونده «{path}» سالم است اما گواهی امضاکننده مورد اعتماد این دفتر نیست.",
    "signature_not_in_archive": "پرونده «{path}» همان سندی نیست که بایگانی نگه می‌دارد (یا بایگانی در این رایانه راه‌اندازی نشده است).",
    "findings_missing": "یافته‌های بازرسی ({inspector}) ثبت نشده است؛ نخست با residegi inspect و --findings-file آن‌ها را ثبت کنید.",
    "conclusion_missing": "نتیجه‌گیری گزارش معلوم نیست؛ آن را با --conclusion بنویسید یا بند پایانی یافته‌ها را با «نتیجه» آغاز کنید.",
    "letter_already_void": "نامه {number} پیش‌تر باطل شده است.",
    # letters: export (office/letters.py, cli/letter_cmd.py)
    "letter_not_rendered": "نامه {number} شماره گرفته اما هنوز ساخته و در بایگانی ذخیره نشده است؛ پس از ساخته‌شدن آن (اجرای دوباره ارسال) دوباره بکوشید.",
    "letter_file_uncatalogued": "پرونده {value} نامه {number} در فهرست بایگانی نیست یا با اثر انگشت ثبت‌شده نامه نمی‌خواند؛ به مسئول بایگانی اطلاع دهید.",
    "output_unwritable": "در «{path}» نمی‌توان نوشت: پوشه مقصد باید وجود داشته باشد و مقصد خود پوشه نباشد. چیزی نوشته نشد.",
    # bounded reads of files named by staff (registry/files.py, issue 17)
    "not_a_regular_file": "«{path}» پرونده معمولی نیست (پوشه، لوله، دستگاه یا سوکت است) و خوانده نشد؛ چیزی ثبت نشد.",
    "file_too_large": "پرونده «{path}» بزرگ‌تر از حد مجاز ({limit_mb} مگابایت) است و خوانده نشد.",
    "file_unreadable": "پرونده «{path}» خوانده نشد: {detail}",
    "text_and_text_file": "«{field_fa}» را یا با --text بنویسید یا با --text-file بدهید، نه با هر دو؛ چیزی ثبت نشد.",
    # search: bounds on the box and on its time (registry/search_query.py, registry/search.py)
    "search_query_too_long": "متن جست‌وجو {size} نویسه است و بیش از {limit} نویسه پذیرفته نمی‌شود؛ کد رهگیری، شماره نامه، کد ملی یا چند واژه از نام، دستگاه یا موضوع را بنویسید.",
    "search_query_too_many_words": "جست‌وجو {size} واژه دارد و بیش از {limit} واژه پذیرفته نمی‌شود؛ چند واژه از نام، دستگاه یا موضوع را بنویسید.",
    "search_too_slow": "جست‌وجو در {limit} ثانیه به پایان نرسید و متوقف شد؛ واژه‌های دقیق‌تر بنویسید یا بازه تاریخ را کوتاه‌تر کنید و دوباره بکوشید.",
    # users, roles and logins (registry/users.py, office/users.py, office/access.py)
    "role_required": "این کار تنها از {roles} برمی‌آید و نقش شما آن را اجازه نمی‌دهد.",
    "unknown_role": "نقش «{role}» شناخته نیست؛ نقش‌ها: secretariat، inspector، head، archivist، admin.",
    "role_missing": "دست‌کم یک نقش برای کاربر بدهید (--role).",
    "invalid_username": "نام کاربری «{username}» پذیرفته نیست: با حرف لاتین کوچک آغاز شود و تنها حرف و رقم لاتین و . _ - داشته باشد (۲ تا ۵۰ نویسه).",
    "full_name_missing": "نام و نام خانوادگی کاربر خالی است.",
    "username_taken": "نام کاربری «{username}» پیش‌تر گرفته شده است.",
    "user_not_found": "کاربری به نام «{username}» نیست.",
    "cannot_disable_self": "نمی‌توانید حساب خودتان را غیرفعال کنید؛ از مدیر سامانه دیگری بخواهید.",
    "password_too_short": "گذرواژه باید دست‌کم {minimum} نویسه باشد.",
    "passwords_differ": "دو گذرواژه یکسان نیستند.",
    "login_failed": "نام کاربری یا گذرواژه درست نیست.",
    "login_throttled": "تلاش‌های ناموفق بسیار بود؛ {seconds} ثانیه دیگر دوباره بکوشید.",
    "too_many_workers": "بیش از {limit} پردازه کارگر پذیرفته نیست.",
    # the desk's intake and case pages (issue 13, web13a): files of a case, and the
    # desk's wording of refusals whose command-line wording names an option
    "document_not_found": "سندی با این شناسه در پرونده {tracking_code} نیست.",
    "receipt_not_found": "برای پرونده {tracking_code} رسید ثبتی صادر نشده است.",
    "desk.agency_required": "دست‌کم یک دستگاه را برگزینید.",
    "desk.evidence_missing": "مستندات شکایت پیوست نشده است؛ برای پذیرش بدون آن، علت را در یادداشت بررسی بنویسید.",
    "desk.missing_kinds_required": "دست‌کم یک نوع مدرک ناقص را برگزینید.",
    "desk.attachment_required": "دست‌کم یک پرونده برگزینید.",
    "desk.review_decision_required": "یکی از تصمیم‌ها را برگزینید: پذیرش، نقص مدارک یا رد.",
    # the desk's archive, public and admin pages (office/public.py, office/verify.py, web/)
    "track_refused": "کد رهگیری و چهار رقم آخر همراه با هم پیدا نشدند، یا تلاش‌ها بیش از اندازه بوده است؛ رقم‌ها را بررسی کنید و اندکی بعد دوباره بکوشید.",
    "track_last4_invalid": "چهار رقم آخر شماره همراهی را که در شکایت داده‌اید بنویسید (نمونه: ۴۵۶۷).",
    "letter_guid_not_found": "نامه‌ای با شناسه «{value}» در دبیرخانه این دفتر ثبت نشده است.",
    "verify_file_missing": "پرونده PDF امضاشده را برای وارسی برگزینید.",
    "holiday_name_required": "نام تعطیل رسمی را بنویسید.",
    "date_required": "تاریخ را بنویسید (نمونه: ۱۴۰۵/۰۹/۰۴).",
    "invalid_number": "«{value}» عدد درستی نیست.",
    "roles_not_chosen": "دست‌کم یک نقش برای کاربر برگزینید.",
    # hardening (issue 17): backup and restore (office/backup.py, registry/snapshot.py),
    # one error path for failures of the system, signatures, workers, images, active content
    "target_not_empty": "«{path}» باید پوشه‌ای تازه یا خالی در پوشه‌ای موجود باشد؛ چیزی نوشته نشد.",
    "backup_no_private_key": "کلید خصوصی دفتر در «{path}» نیست و در پشتیبان گذاشته نشد؛ پشتیبان ساخته نشد.",
    "backup_unreadable": "«{path}» پوشه پشتیبان residegi نیست یا فهرست آن (manifest.json) خوانده نشد؛ چیزی بازگردانده نشد.",
    "backup_damaged": "پشتیبان با فهرست خود نمی‌خواند ({what}): آسیب دیده یا دست‌کاری شده است؛ چیزی بازگردانده نشد. پشتیبان دیگری را به کار ببرید.",
    "restore_mismatch": "آنچه بازگردانده شد با فهرست پشتیبان نمی‌خواند ({what})؛ پوشه داده تازه ساخته نشد. پشتیبان را با «residegi restore» در جای دیگری بیازمایید و به پشتیبانی فنی اطلاع دهید.",
    "restore_archive_elsewhere": "بازگردانی فقط به بایگانی درون پوشه داده تازه ممکن است، نه «{url}»؛ RESIDEGI_ARCHIVE_URL را برای این فرمان بردارید.",
    "restore_database_mismatch": "این پشتیبان از پایگاه داده {backup} است و مقصد {target}؛ برای پشتیبان PostgreSQL پایگاه داده خالی را با --database-url بدهید و برای پشتیبان SQLite هیچ‌کدام را.",
    "restore_database_not_empty": "پایگاه داده «{url}» خالی نیست؛ پشتیبان فقط در پایگاه داده‌ای تازه و خالی بازگردانده می‌شود.",
    "tool_missing": "ابزار «{tool}» روی این رایانه نصب نیست؛ بسته postgresql-client را نصب کنید و دوباره بکوشید.",
    "tool_failed": "ابزار «{tool}» کار را به پایان نبرد ({detail})؛ چیزی نوشته نشد. دسترسی به پایگاه داده و جای خالی دیسک را بررسی کنید.",
    "home_not_a_folder": "«{path}» پرونده است نه پوشه و نمی‌تواند پوشه داده residegi باشد؛ پوشه داده درست را با --home یا RESIDEGI_HOME بدهید. چیزی نوشته نشد.",
    "disk_full": "دیسکِ «{path}» پر است و کار انجام نشد؛ چیزی در پایگاه داده ثبت نشد. جا باز کنید و دوباره بکوشید.",
    "disk_full_before": "دیسکِ «{path}» تنها {free_mb} مگابایت جای خالی دارد و کار آغاز نشد (دست‌کم {need_mb} مگابایت لازم است)؛ جا باز کنید و دوباره بکوشید.",
    "folder_read_only": "پوشه «{path}» فقط‌خواندنی است و کار انجام نشد؛ residegi حتی برای خواندن در پوشه داده می‌نویسد (پرونده‌های کناری پایگاه داده). پوشه را نوشتنی کنید یا رونوشتی از آن را در جای نوشتنی به کار ببرید.",
    "permission_denied": "این کاربر به «{path}» دسترسی ندارد و کار انجام نشد؛ فرمان را با کاربر سرویس residegi اجرا کنید یا دسترسی پوشه را درست کنید.",
    "disk_io": "خواندن یا نوشتن در «{path}» با خطای دیسک روبه‌رو شد و کار انجام نشد؛ جای خالی و سلامت دیسک را بررسی کنید و دوباره بکوشید.",
    "os_failure": "سیستم عامل کار روی «{path}» را نپذیرفت ({detail})؛ کار انجام نشد. مسیر و دسترسی‌ها را بررسی کنید و دوباره بکوشید.",
    "registry_damaged": "پایگاه داده «{path}» آسیب دیده است یا پرونده SQLite نیست و خوانده نشد؛ چیزی تغییر نکرد. آن را از واپسین پشتیبان بازگردانید (residegi restore) و به پشتیبانی فنی اطلاع دهید.",
    "database_unreachable": "به پایگاه داده «{url}» وصل نشد و کار انجام نشد؛ روشن‌بودن کارساز PostgreSQL و نشانی RESIDEGI_DATABASE_URL را بررسی کنید.",
    "prefect_unavailable": "کارساز محلی Prefect در «{path}» راه نیفتاد و کار آغاز نشد؛ جای خالی دیسک و نوشتنی‌بودن پوشه داده را بررسی کنید و دوباره بکوشید.",
    "text_has_nul": "فیلد «{field_fa}» نویسه تهی (NUL) دارد که در متن پذیرفته نیست؛ متن را دوباره بنویسید یا پرونده متن را بررسی کنید. چیزی ثبت نشد.",
    "attachment_too_many_pixels": "تصویر پیوست «{path}» بیش از {limit_pixels} پیکسل (همه صفحه‌ها با هم) دارد و پذیرفته نشد؛ آن را با وضوح کمتر (۳۰۰ نقطه در اینچ بس است) دوباره اسکن کنید. چیزی ثبت نشد.",
    "workers_too_many": "شمار پردازه‌های ساخت نامه ({value}) بیش از حد مجاز این رایانه ({limit}) است؛ عددی از ۱ تا {limit} بدهید (هر پردازه حدود ۱۱۰ مگابایت حافظه می‌گیرد).",
    "signing_passphrase_required": "کلید امضای دفتر بدون گذرواژه ساخته نمی‌شود؛ گذرواژه‌ای استوار را در RESIDEGI_SIGNING_KEY_PASSPHRASE بگذارید و «residegi keys init» را دوباره اجرا کنید. چیزی در «{path}» نوشته نشد.",
    # scale-out: deployments on a Prefect server (flows/deploy.py, cli/deploy_cmd.py, issue 15)
    "deploy_needs_server": "نشانی سرور Prefect تعیین نشده است: پیش از residegi deploy متغیر PREFECT_API_URL را برابر نشانی سرور (مثلاً http://127.0.0.1:4200/api) بگذارید. چیزی ثبت نشد.",
    "deploy_server_unreachable": "سرور Prefect در {url} پاسخ نداد ({detail})؛ سرور را راه بیندازید و دوباره بکوشید. چیزی ثبت نشد.",
    # letter content: summaries, forwarded documents, competent bodies, chaser previews (issue 12, content)
    "summary_required_anonymous": "شکایت {tracking_code} ناشناس است؛ پذیرش آن بدون خلاصه بررسی‌کننده (--summary) ممکن نیست، زیرا متن خود شاکی برای دستگاه فرستاده نمی‌شود. چیزی ثبت نشد.",
    "summary_too_long": "خلاصه شکایت {size} نویسه است و بیش از {limit} نویسه پذیرفته نمی‌شود؛ خلاصه کوتاه‌تری بنویسید.",
    "anonymous_summary_names": "شکایت {tracking_code} ناشناس است، اما خلاصه شما مشخصات شاکی ({detail}) را دارد؛ خلاصه برای دستگاه فرستاده می‌شود، آن را بی‌نام بنویسید. چیزی ثبت نشد.",
    "forward_unknown_document": "سند شماره {value} در پرونده {tracking_code} نیست؛ شماره اسناد را با «complaint show» ببینید. چیزی ثبت نشد.",
    "forward_needs_anonymous": "اسناد شکایت غیرناشناس همه برای دستگاه فرستاده می‌شوند؛ --forward فقط برای شکایت ناشناس است.",
    "unknown_competent_body": "مرجع «{value}» در جدول مراجع صالح (تنظیم office.competent_bodies) نیست؛ یکی از این‌ها: {allowed}",
    "preview_already_replied": "پاسخ دستگاه به نامه {number} ثبت شده است؛ نامه پیگیری یا تذکری که بگوید پاسخی نرسیده نوشته نمی‌شود.",
    # incoming16: the incoming register and the register book (issue 16)
    "incoming_not_found": "نامه وارده‌ای با شماره «{number}» پیدا نشد.",
    "incoming_already_attached": "نامه وارده {number} پیش‌تر به پرونده {tracking_code} پیوست شده است؛ چیزی تغییر نکرد.",
    "invalid_enclosures": "شمار پیوست‌ها («{value}») باید عددی از ۰ تا ۹۹۹ باشد. چیزی ثبت نشد.",
    "invalid_jalali_month": "ماه «{value}» معتبر نیست (نمونه: ۱۴۰۵/۰۹).",
    "day_or_month": "دفتر یک روز (--day) یا یک ماه (--month) را می‌توان خواست، نه هر دو را با هم.",
    # verify16: public verification of letters (office/letter_check.py, /verify/{guid}, issue 16)
    "verify_code_required": "برای دیدن مشخصات این نامه، کد صحتی را که کنار کد QR نامه چاپ شده است وارد کنید. کد نادرست یا تلاش‌های پیاپی پذیرفته نمی‌شود؛ در این صورت نشانی و کد را با نامه بسنجید و چند دقیقه بعد دوباره بکوشید.",
    "verify_copy_missing": "پرونده PDF نامه را برای سنجش با نسخه بایگانی برگزینید.",
    "verify_not_archived": "نامه {number} هنوز در بایگانی دفتر نگهداری نمی‌شود؛ سنجش پرونده پس از بایگانی آن ممکن است.",
    # replies14 (issue 14): the desk's replies, deadlines and chasing pages
    "desk.reply_exists": "برای نامه {number} پیش‌تر پاسخ شماره «{their_number}» مورخ {their_date} ثبت شده است؛ برای جایگزینی، «جایگزینی پاسخ پیشین» را بزنید و علت آن را بنویسید.",
    "desk.reason_required": "علت را بنویسید.",
    "reply_scan_required": "پرونده اسکن یا PDF پاسخ دستگاه را برگزینید.",
    "deadline_change_required": "یکی از کارها را برگزینید: تمدید، توقف یا ازسرگیری مهلت.",
    "deadline_letter_required": "نامه‌ای را که مهلتش تغییر می‌کند برگزینید.",
    # stats14: the service's figures (/stats, residegi stats)
    "invalid_period": "دوره «{value}» پذیرفته نیست: ماه از ۱ تا ۱۲ است و فصل از ۱ تا ۴؛ برای نمونه ماه ۱۴۰۵/۰۹ یا سال ۱۴۰۵.",
    # dispatchrec16: the dispatch book (دفتر ارسال) and the letters' references (issue 16)
    "tracking_not_for_method": "نامه‌ای که به شیوه «{method}» می‌رود شماره پیگیری ندارد؛ نام تحویل‌گیرنده را هنگام ثبت دریافت بنویسید. چیزی ثبت نشد.",
    "left_before_letter": "تاریخ ارسال ({value}) پیش از تاریخ خود نامه ({date}) است. چیزی ثبت نشد.",
    "dispatch_already_recorded": "ارسال نامه {number} پیش‌تر در دفتر ارسال ثبت شده است؛ چیزی تغییر نکرد.",
    "dispatch_not_recorded": "ارسال نامه {number} هنوز در دفتر ارسال ثبت نشده است؛ نخست شیوه و تاریخ ارسال را ثبت کنید.",
    "receipt_already_recorded": "دریافت نامه {number} پیش‌تر با تاریخ {date} ثبت شده است؛ چیزی تغییر نکرد.",
    "received_before_left": "تاریخ دریافت ({value}) پیش از تاریخ ارسال نامه ({date}) است. چیزی ثبت نشد.",
    # approval16: approval and signature before the number (office/drafts.py, issue 16)
    "letter_unsigned": "نامه «{kind}» بدون پاراف و امضا شماره نمی‌خورد: تنظیمات دفتر برای این نوع نامه تأیید می‌خواهد. پیش‌نویس آن را پاراف و امضا کنید (residegi letter drafts). شماره‌ای گرفته نشد.",
    "draft_not_found": "پیش‌نویس شماره {draft} پیدا نشد؛ فهرست را با «residegi letter drafts» ببینید.",
    "draft_not_waiting": "پیش‌نویس {draft} «{state}» است و در انتظار این تصمیم نیست. چیزی ثبت نشد.",
    "draft_not_approved": "پیش‌نویس {draft} هنوز پاراف نشده است؛ پیش از امضا، کارشناس یا مدیر باید آن را پاراف کند. چیزی ثبت نشد.",
    "drafts_not_named": "پیش‌نویسی نام برده نشد: شناسه پیش‌نویس، --batch یا --all بدهید.",
    "desk.drafts_not_named": "پیش‌نویسی برگزیده نشد.",
    # classify16: priority and classification (issue 16)
    "classification_above_clearance": "شما تنها برای طبقه‌بندی تا «{clearance}» مجوز دارید و شکایت را «{level}» نمی‌توانید طبقه‌بندی کنید؛ پس از آن خودتان هم آن را نمی‌دیدید. چیزی ثبت نشد.",
    # answer14: inspection and the final answer from the case page (office/answer_desk.py, issue 14)
    "answer_draft_missing": "برای پرونده {tracking_code} پیش‌نویس پاسخ نهایی نوشته نشده است؛ نخست کارشناس متن تصمیم را بنویسد. چیزی امضا نشد.",
    "answer_draft_changed": "پیش‌نویس پاسخ پرونده {tracking_code} پس از پیش‌نمایش شما دوباره نوشته شده است؛ پیش‌نمایش تازه را ببینید و دوباره امضا کنید. چیزی امضا نشد.",
    "desk.signing_key_unreadable": "کلید امضای دفتر با این گذرواژه باز نشد: گذرواژه نادرست است یا کلید آسیب دیده است. چیزی امضا نشد.",
    "desk.signing_key_missing": "کلید امضای دفتر در پوشه داده‌ها نیست؛ سرپرست سامانه باید «residegi keys init» را اجرا کند. چیزی امضا نشد.",
}

FIELD_NAMES_FA: dict[str, str] = {
    # dispatchrec16: the dispatch book's fields
    "method": "شیوه ارسال",
    "tracking": "شماره پیگیری",
    "received_by": "تحویل‌گیرنده",
    "on": "تاریخ",
    "first_name": "نام",
    "last_name": "نام خانوادگی",
    "national_id": "کد ملی / شناسه ملی",
    "foreign_id": "شماره گذرنامه / فیدا",
    "company_name": "نام شخص حقوقی",
    "father_name": "نام پدر",
    "actor": "نام کاربر (--as)",
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
    "their_number": "شماره نامه دستگاه",
    "days": "روز",
    "deadline_days": "مهلت",
    "outcome": "نتیجه",
    "format": "قالب",
    "signatory_name": "نام امضاکننده",
    "decision": "متن تصمیم",
    "inspector": "نام بازرس",
    "findings": "یافته‌های بازرسی",
    "output": "پرونده خروجی (-o)",
    "password": "گذرواژه",
    "full_name": "نام و نام خانوادگی",
    "landline": "تلفن ثابت",
    "postal_code": "کد پستی",
    "note": "یادداشت",
    "summary": "خلاصه شکایت",
    # replies14: the desk's reply form
    "number": "شماره نامه",
    "their_date": "تاریخ نامه دستگاه",
    # stats14
    "period": "دوره",
    "collected": "شیوه دریافت پاسخ",
    "level": "طبقه‌بندی",
    "priority": "فوریت",
    "classification": "طبقه‌بندی",
}

REVIEW_WARNINGS_FA = {
    "followup_missing": "مستندات پیگیری قبلی شاکی از دستگاه پیوست نشده است.",
    "anonymous_text_names_name": "شاکی خواسته ناشناس بماند، اما نامش در متن شکایت آمده است.",
    "anonymous_text_names_last_name": "شاکی خواسته ناشناس بماند، اما نام خانوادگی‌اش در متن شکایت آمده است.",
    "anonymous_text_names_national_id": "شاکی خواسته ناشناس بماند، اما کد ملی‌اش در متن شکایت آمده است.",
    "anonymous_text_names_mobile": "شاکی خواسته ناشناس بماند، اما شماره همراهش در متن شکایت آمده است.",
    "anonymous_text_names_mobile_short": "شاکی خواسته ناشناس بماند، اما شماره همراهش در متن شکایت آمده است.",
    "anonymous_text_names_company_name": "شاکی خواسته ناشناس بماند، اما نام شرکتش در متن شکایت آمده است.",
}

# A registration flagged as a possible duplicate; {days} is the duplicate_window_days setting.
POSSIBLE_DUPLICATE_FA = (
    "شکایت مشابهی از همین شخص درباره همین دستگاه در {days} روز گذشته ثبت شده است: {codes}"
)


def possible_duplicate_warning(days: int, codes: list[str]) -> str:
    """The staff's warning for a registration like another within ``days`` (Persian digits)."""
    return POSSIBLE_DUPLICATE_FA.format(days=_fa(days), codes="، ".join(codes))


# A filed PDF with active content (archive/sanitize.py): kept as filed, passed on sanitized.
ACTIVE_CONTENT_FA = (
    "پرونده «{name}» محتوای فعال داشت (اسکریپت، فرمان اجرایی هنگام باز شدن، پیوند یا پرونده "
    "جاسازی‌شده)؛ اصل آن دست‌نخورده و نشانه‌دار بایگانی شد و در پرونده‌ها و نامه‌ها تنها نسخه "
    "پاک‌شده آن به کار می‌رود."
)


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
