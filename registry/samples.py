"""Realistic sample complaints for the demo, the benchmarks and training, from a fixed seed.

Names, streets and complaint texts are invented but typical of what the office receives
about Qazvin's municipalities and county governorates; identity numbers are synthetic and
pass their checksums.  The same seed always gives the same complaints and the same files.
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from registry.complaints import ComplainantInput, ComplaintInput
from registry.identity import company_id_check_digit, national_id_check_digit
from registry.kinds import Channel, ComplainantKind, DocumentKind, Honorific
from registry.text import to_persian_digits

MEN = ["علی", "محمد", "حسین", "رضا", "مهدی", "امیر", "حمید", "مجید", "سعید", "جواد", "علیرضا",
       "ابوالفضل", "مصطفی", "مرتضی", "بهروز", "کاوه", "یوسف", "داوود"]  # fmt: skip
WOMEN = ["زهرا", "فاطمه", "مریم", "زینب", "معصومه", "سمیرا", "نرگس", "الهام", "لیلا", "سارا",
         "مهسا", "فرشته", "طاهره", "شیرین", "آزاده"]  # fmt: skip
SURNAMES = ["احمدی", "محمدی", "حسینی", "رضایی", "کریمی", "موسوی", "جعفری", "قاسمی", "صادقی",
            "رحیمی", "اکبری", "یوسفی", "نوری", "کاظمی", "شریفی", "طاهری", "عباسی", "افشار",
            "قزوینی", "باقری", "سلطانی", "امینی", "حیدری", "نجفی"]  # fmt: skip
COMPANIES = ["شرکت ساختمانی البرز قزوین", "شرکت حمل‌ونقل کوثر", "تعاونی مسکن فرهنگیان تاکستان",
             "شرکت صنایع غذایی آبیک", "شرکت خدمات شهری سپیدرود"]  # fmt: skip
STREETS = ["خیابان فردوسی", "خیابان طالقانی", "بلوار نوروزیان", "خیابان راه‌آهن", "خیابان عدل",
           "بلوار شهید بابایی", "خیابان پیغمبریه", "خیابان نادری", "بلوار معلم", "خیابان مولوی"]  # fmt: skip

# (subject, opening, details, request): a complaint is an opening, some details, a request.
TOPICS: list[tuple[str, str, list[str], str]] = [
    (
        "آسفالت نشدن معابر محله",
        "معابر محله ما در {street} بیش از سه سال است آسفالت نشده است.",
        [
            "در فصل بارندگی گل‌ولای عبور عابران و به‌ویژه سالمندان و دانش‌آموزان را دشوار می‌کند.",
            "بارها به واحد عمران شهرداری مراجعه کرده‌ایم و هر بار وعده داده شده که در برنامه است.",
            "چاله‌های عمیق به خودروهای ساکنان آسیب زده و خسارت‌هایی به بار آورده است.",
            "سایر محله‌های مجاور آسفالت شده‌اند و تنها کوچه ما از این خدمات محروم مانده است.",
        ],
        "خواهشمند است دستور فرمایید آسفالت معابر محله در اولویت قرار گیرد.",
    ),
    (
        "تأخیر در صدور پروانه ساختمانی",
        "پرونده درخواست پروانه ساختمانی اینجانب در شهرداری بیش از شش ماه بلاتکلیف مانده است.",
        [
            "همه مدارک خواسته‌شده و گواهی‌های لازم را در مهلت مقرر تحویل داده‌ام.",
            "عوارض تعیین‌شده را پرداخت کرده‌ام و رسید آن پیوست است.",
            "هر بار به بهانه‌ای تازه، مانند استعلام دوباره یا نبود کارشناس، کار به تعویق افتاده است.",
            "این تأخیر موجب افزایش هزینه‌های ساخت و زیان مالی جدی شده است.",
        ],
        "تقاضای رسیدگی و صدور پروانه در مهلت قانونی را دارم.",
    ),
    (
        "جمع‌آوری نشدن پسماند",
        "پسماند خانگی در {street} چند روز است جمع‌آوری نمی‌شود.",
        [
            "انباشت زباله بوی نامطبوع و حضور حیوانات ولگرد را در پی داشته است.",
            "با سامانه ۱۳۷ تماس گرفته‌ایم اما مشکل برطرف نشده است.",
            "مخازن زباله محله فرسوده و شکسته است و جابه‌جا نشده است.",
        ],
        "خواهشمند است دستور جمع‌آوری منظم پسماند و تعویض مخازن صادر شود.",
    ),
    (
        "ساخت‌وساز غیرمجاز مجاور ملک",
        "همسایه مجاور ملک اینجانب در {street} بدون پروانه طبقه اضافه احداث می‌کند.",
        [
            "این ساخت‌وساز نور و حریم ملک ما را از بین برده است.",
            "گزارش آن را به شهرداری منطقه داده‌ایم ولی عملیات ساختمانی متوقف نشده است.",
            "بیم آن می‌رود که به دیوار مشترک آسیب سازه‌ای وارد شود.",
        ],
        "تقاضای توقف عملیات و رسیدگی طبق ماده صد قانون شهرداری‌ها را دارم.",
    ),
    (
        "سد معبر و اشغال پیاده‌رو",
        "پیاده‌روی {street} با کالای مغازه‌داران اشغال شده است.",
        [
            "عابران ناچارند از سواره‌رو عبور کنند که خطر تصادف دارد.",
            "عبور ویلچر و کالسکه از این مسیر ممکن نیست.",
        ],
        "خواهشمند است دستور رفع سد معبر صادر شود.",
    ),
    (
        "اعتراض به عوارض نوسازی",
        "عوارض نوسازی ملک اینجانب چند برابر سال گذشته تعیین شده است.",
        [
            "در محاسبه، مساحت ملک بیش از مساحت سند در نظر گرفته شده است.",
            "اعتراض کتبی به واحد درآمد شهرداری داده‌ام و پاسخی دریافت نکرده‌ام.",
            "تصویر سند مالکیت و فیش عوارض سال‌های پیش پیوست است.",
        ],
        "تقاضای بررسی و اصلاح مبلغ عوارض را دارم.",
    ),
    (
        "خاموشی روشنایی معابر",
        "چراغ‌های روشنایی {street} ماه‌هاست خاموش است.",
        [
            "تاریکی معبر موجب ناامنی و نگرانی ساکنان به‌ویژه بانوان شده است.",
            "پیگیری از شهرداری به نتیجه نرسیده و گفته‌اند موضوع به اداره برق مربوط است.",
        ],
        "خواهشمند است دستور هماهنگی و رفع مشکل روشنایی صادر شود.",
    ),
    (
        "بی‌پاسخ ماندن درخواست در فرمانداری",
        "درخواست کتبی اینجانب درباره مشکل آب‌رسانی روستا در فرمانداری بی‌پاسخ مانده است.",
        [
            "بیش از دو ماه از ثبت درخواست گذشته است.",
            "دهیاری و شورای روستا نیز موضوع را پیگیری کرده‌اند.",
            "اهالی در تابستان با کم‌آبی شدید روبه‌رو بوده‌اند.",
        ],
        "خواهشمند است به درخواست رسیدگی و نتیجه اعلام شود.",
    ),
]


# The reviewer's summary of each topic (``complaint review --accept --summary``), in the
# office's third-person voice: what the referral prints under «خلاصه شکایت».  Written as a
# reviewer writes one, the complaint's facts and its request, not cut short.
SUMMARIES: dict[str, str] = {
    "آسفالت نشدن معابر محله": (
        "شاکی اعلام کرده است معابر محله واقع در {street} بیش از سه سال آسفالت نشده و در فصل "
        "بارندگی تردد ساکنان، به‌ویژه سالمندان و دانش‌آموزان، با دشواری همراه است؛ به گفته وی "
        "مراجعات مکرر به واحد عمران شهرداری تنها به وعده انجامیده است. خواسته شاکی قرار گرفتن "
        "آسفالت معابر محله در اولویت برنامه عمرانی شهرداری است."
    ),
    "تأخیر در صدور پروانه ساختمانی": (
        "شاکی اظهار داشته است پرونده درخواست پروانه ساختمانی وی با وجود تحویل کامل مدارک و "
        "پرداخت عوارض تعیین‌شده، بیش از شش ماه در شهرداری بلاتکلیف مانده و هر بار به دلیلی "
        "تازه به تعویق افتاده است. خواسته شاکی رسیدگی به پرونده و صدور پروانه در مهلت قانونی است."
    ),
    "جمع‌آوری نشدن پسماند": (
        "شاکی اعلام کرده است پسماند خانگی در {street} چند روز است جمع‌آوری نمی‌شود و انباشت "
        "زباله بوی نامطبوع و حضور حیوانات ولگرد را در پی داشته و تماس با سامانه ۱۳۷ نیز نتیجه‌ای "
        "نداشته است. خواسته شاکی جمع‌آوری منظم پسماند و تعویض مخازن فرسوده محله است."
    ),
    "ساخت‌وساز غیرمجاز مجاور ملک": (
        "شاکی اعلام کرده است مالک ملک مجاور وی در {street} بدون پروانه طبقه اضافه احداث می‌کند "
        "و با وجود گزارش به شهرداری منطقه، عملیات ساختمانی متوقف نشده و بیم آسیب به دیوار "
        "مشترک می‌رود. خواسته شاکی توقف عملیات و رسیدگی طبق ماده ۱۰۰ قانون شهرداری‌ها است."
    ),
    "سد معبر و اشغال پیاده‌رو": (
        "شاکی اعلام کرده است پیاده‌روی {street} با کالای مغازه‌داران اشغال شده و عابران، از جمله "
        "افراد دارای ویلچر و کالسکه، ناچار به عبور از سواره‌رو هستند. خواسته شاکی صدور دستور رفع "
        "سد معبر است."
    ),
    "اعتراض به عوارض نوسازی": (
        "شاکی به عوارض نوسازی ملک خود که چند برابر سال گذشته تعیین شده اعتراض دارد و اظهار "
        "می‌دارد در محاسبه، مساحتی بیش از مساحت سند منظور شده و اعتراض کتبی وی به واحد درآمد "
        "شهرداری بی‌پاسخ مانده است. خواسته شاکی بررسی و اصلاح مبلغ عوارض است."
    ),
    "خاموشی روشنایی معابر": (
        "شاکی اعلام کرده است چراغ‌های روشنایی {street} ماه‌هاست خاموش است و تاریکی معبر موجب "
        "ناامنی و نگرانی ساکنان شده، و شهرداری موضوع را به اداره برق مربوط دانسته است. خواسته "
        "شاکی هماهنگی میان دستگاه‌های مسئول و رفع مشکل روشنایی است."
    ),
    "بی‌پاسخ ماندن درخواست در فرمانداری": (
        "شاکی اعلام کرده است درخواست کتبی وی درباره مشکل آب‌رسانی روستا بیش از دو ماه در "
        "فرمانداری بی‌پاسخ مانده، در حالی که دهیاری و شورای روستا نیز موضوع را پیگیری کرده‌اند "
        "و اهالی در تابستان با کم‌آبی شدید روبه‌رو بوده‌اند. خواسته شاکی رسیدگی به درخواست و "
        "اعلام نتیجه است."
    ),
}
_FOLLOWUP_NOTE = " مستندات پیگیری قبلی شاکی از دستگاه پیوست شکایت است."


def reviewer_summary(subject: str, street: str, followed_up: bool) -> str:
    """The summary a reviewer writes for a sample complaint of ``subject``."""
    text = SUMMARIES[subject].format(street=street)
    return text + _FOLLOWUP_NOTE if followed_up else text


@dataclass(frozen=True)
class SampleFile:
    kind: DocumentKind
    name: str
    data: bytes


@dataclass(frozen=True)
class SampleComplaint:
    """One complaint as staff would type it, its files, and what the reviewer will decide."""

    data: ComplaintInput
    files: tuple[SampleFile, ...]
    review: str  # accept | incomplete | reject
    summary: str = ""  # the reviewer's summary at acceptance


def _national_id(rng: random.Random) -> str:
    while True:
        first = f"{rng.randrange(10**8, 10**9):09d}"
        value = first + str(national_id_check_digit(first))
        if len(set(value)) > 1:
            return value


def _company_id(rng: random.Random) -> str:
    first = f"1{rng.randrange(10**8, 10**9):09d}"
    return first + str(company_id_check_digit(first))


def scan_png(rng: random.Random, lines: int) -> bytes:
    """A small grey "scanned page" with ruled lines: an image, as citizens bring them."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (320, 452), 236 + rng.randrange(12))
    draw = ImageDraw.Draw(image)
    for i in range(lines):
        y = 40 + i * 22
        draw.line((30 + rng.randrange(40), y, 290, y), fill=70 + rng.randrange(60), width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def scan_jpeg(rng: random.Random, lines: int) -> bytes:
    from PIL import Image

    png = Image.open(io.BytesIO(scan_png(rng, lines)))
    buffer = io.BytesIO()
    png.convert("RGB").save(buffer, format="JPEG", quality=70)
    return buffer.getvalue()


def _pdf(rng: random.Random) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(1 + rng.randrange(2)):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Producer": "residegi samples"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def sample_complaints(
    count: int, agencies: Sequence[str], *, seed: int = 1405
) -> Iterator[SampleComplaint]:
    """``count`` varied complaints against ``agencies`` (names as registered).

    About one in six is anonymous, one in eight from a legal person, one in ten from a
    foreign national, one in five names two agencies; about one in eight lacks evidence
    (reviewed incomplete) and one in twelve is outside the office's remit (rejected).
    """
    rng = random.Random(seed)
    for index in range(count):
        woman = rng.random() < 0.45
        first = rng.choice(WOMEN if woman else MEN)
        last = rng.choice(SURNAMES)
        roll = rng.random()
        kind = ComplainantKind.PERSON
        national: str | None = _national_id(rng)
        foreign: str | None = None
        company: str | None = None
        if roll < 0.125:
            kind, national, company = ComplainantKind.LEGAL, _company_id(rng), rng.choice(COMPANIES)
        elif roll < 0.225:
            kind, national, foreign = (
                ComplainantKind.FOREIGN,
                None,
                f"{rng.randrange(10**11, 10**12)}",
            )
        street = rng.choice(STREETS)
        subject, opening, details, request = rng.choice(TOPICS)
        body = [opening.format(street=street)]
        body += rng.sample(details, k=1 + rng.randrange(len(details)))
        body.append(request)
        text = " ".join(body)
        if rng.random() < 0.15:  # some complaints run long, over several paragraphs
            text = "\n\n".join([text] + [" ".join(rng.sample(details, k=len(details)))] * 3)
        targets = [rng.choice(agencies)]
        if rng.random() < 0.2:
            other = rng.choice(agencies)
            if other not in targets:
                targets.append(other)
        review = "accept"
        files = [SampleFile(DocumentKind.EVIDENCE, f"مستندات-{index + 1}.pdf", _pdf(rng))]
        if rng.random() < 0.7:
            files.append(
                SampleFile(DocumentKind.FOLLOWUP, f"پیگیری-{index + 1}.jpg", scan_jpeg(rng, 8))
            )
        if rng.random() < 0.25:
            files.append(
                SampleFile(
                    DocumentKind.AGENCY_REPLY, f"پاسخ-قبلی-{index + 1}.png", scan_png(rng, 12)
                )
            )
        decision = rng.random()
        if decision < 0.125:
            review = "incomplete"
            files = [f for f in files if f.kind is not DocumentKind.EVIDENCE]
        elif decision < 0.21:
            review = "reject"
        data = ComplaintInput(
            complainant=ComplainantInput(
                kind=kind,
                honorific=Honorific.MRS if woman else Honorific.MR,
                first_name=first,
                last_name=last,
                father_name=rng.choice(MEN) if rng.random() < 0.5 else None,
                national_id=national,
                foreign_id=foreign,
                company_name=company,
                mobile=f"09{rng.choice(['12', '19', '35', '36', '01', '10'])}{rng.randrange(10**7):07d}",
                # Typed as a Persian user types it: letters print the complainant's text as given.
                address=to_persian_digits(
                    f"قزوین، {street}، کوچه {rng.randrange(1, 40)}، پلاک {rng.randrange(1, 120)}"
                ),
                postal_code=f"34{rng.randrange(10**7, 10**8)}",
            ),
            agencies=tuple(targets),
            subject=subject,
            text=text,
            channel=rng.choice(list(Channel)),
            anonymous=rng.random() < 0.17,
        )
        # Drawn from no random numbers, so the complaints stay those of the same seed.
        followed_up = any(f.kind is DocumentKind.FOLLOWUP for f in files)
        summary = reviewer_summary(subject, street, followed_up)
        yield SampleComplaint(data=data, files=tuple(files), review=review, summary=summary)
