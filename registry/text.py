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
