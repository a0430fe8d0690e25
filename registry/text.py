"""Persian text helpers: digits both ways, and the normalized form used for search.

Names and texts are stored as typed; a normalized shadow is what searches compare, and
queries are normalized the same way so that «علي» typed with Arabic Yeh finds «علی».
"""

from __future__ import annotations

import re
import unicodedata

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
ASCII_DIGITS = "0123456789"

_TO_ASCII = str.maketrans(PERSIAN_DIGITS + ARABIC_INDIC_DIGITS, ASCII_DIGITS * 2)
_TO_PERSIAN = str.maketrans(ASCII_DIGITS + ARABIC_INDIC_DIGITS, PERSIAN_DIGITS * 2)

ZWNJ = "\u200c"
# Marks that change how text is shown, never what it says.
BIDI_MARKS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_ARABIC_TO_PERSIAN_LETTERS = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ئ": "ی",
        "ك": "ک",
        "ە": "ه",
        "ۀ": "ه",
        "ة": "ه",
        "أ": "ا",
        "إ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
    }
)
_TATWEEL = "\u0640"
_SPACES = re.compile(r"\s+")


def to_ascii_digits(text: str) -> str:
    """Persian and Arabic-Indic digits become ASCII; everything else is kept."""
    return text.translate(_TO_ASCII)


def to_persian_digits(value: object) -> str:
    """``str(value)`` with ASCII and Arabic-Indic digits written as Persian digits."""
    return str(value).translate(_TO_PERSIAN)


def strip_bidi_marks(text: str) -> str:
    """Remove directional marks and isolates (they carry no meaning)."""
    return "".join(ch for ch in text if ch not in BIDI_MARKS)


def normalize_for_search(text: str) -> str:
    """The form in which stored text and queries are compared.

    Arabic Yeh/Kaf and their variants become Persian letters, diacritics (harakat),
    tatweel and bidi marks go, ZWNJ becomes a space (so «می‌روم» and «می روم» match),
    digits become ASCII, Latin is lower-cased, runs of space collapse.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(
        ch
        for ch in decomposed
        if not unicodedata.combining(ch) and ch != _TATWEEL and ch not in BIDI_MARKS
    )
    folded = unicodedata.normalize("NFC", kept).translate(_ARABIC_TO_PERSIAN_LETTERS)
    folded = to_ascii_digits(folded).replace(ZWNJ, " ").casefold()
    return _SPACES.sub(" ", folded).strip()


# -- the one normalisation of displayed text (docs/letters.md, "Displayed text") ----------

LRI = "\u2066"  # left-to-right isolate
PDI = "\u2069"  # pop directional isolate
PERSIAN_THOUSANDS = "\u066c"  # «٬»
PERSIAN_DECIMAL = "\u066b"  # «٫»
# Only the letters a Persian keyboard types differently from an Arabic one: ي ى → ی,
# ك → ک.  Hamza forms and «ة» are kept: they are spelling, not keyboard.
_DISPLAY_LETTERS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک"})
# A Latin run: a word that starts with a Latin letter (an e-mail, a URL, a plate code, a
# product name), with the digits and punctuation glued to it and further Latin words
# after single spaces: «ISO 9001», «info@qazvin.ir», «BMW X5».
_LATIN_RUN = re.compile(
    r"[A-Za-z][A-Za-z0-9@._:/+#&\-]*(?: [A-Za-z0-9][A-Za-z0-9@._:/+#&\-]*)*(?<![.:,\-])"
)
_GROUPED_NUMBER = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?![\d,])")
_DECIMAL_NUMBER = re.compile(r"(?<=\d)\.(?=\d)")
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")


def _persian_run(text: str) -> str:
    """A stretch of Persian text: grouped numbers with «٬», decimals with «٫», digits in
    Persian."""
    text = _GROUPED_NUMBER.sub(lambda m: m.group(0).replace(",", PERSIAN_THOUSANDS), text)
    text = _DECIMAL_NUMBER.sub(PERSIAN_DECIMAL, text)
    return to_persian_digits(text)


def for_display(text: str) -> str:
    """Text as a Persian letter prints it; the registry keeps what was typed.

    Arabic Yeh and Kaf become Persian ی and ک; in Persian context (text with any Arabic-
    script letter) digits become Persian, a comma-grouped number takes «٬» and a decimal
    point «٫»; Latin runs keep their ASCII digits and are isolated (LRI … PDI) so the
    bidi algorithm cannot scramble them with the Persian around them.  Idempotent.
    """
    text = strip_bidi_marks(text).translate(_DISPLAY_LETTERS)
    if not _ARABIC_SCRIPT.search(text):
        return text  # no Persian context: a Latin name or a bare code stays as typed
    out: list[str] = []
    last = 0
    for match in _LATIN_RUN.finditer(text):
        out.append(_persian_run(text[last : match.start()]))
        out.append(f"{LRI}{match.group(0)}{PDI}")
        last = match.end()
    out.append(_persian_run(text[last:]))
    return "".join(out)
