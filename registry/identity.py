"""Identity checks: national ID, legal-person ID, phone numbers, postal code, foreign IDs.

Every function takes what staff typed (Persian, Arabic-Indic or ASCII digits, with spaces,
dashes and stray direction marks) and returns the canonical ASCII form that is stored and
compared, or raises :class:`~registry.errors.InvalidInput` with a stable code and the value
as typed in ``params["value"]``.  Pure functions: no I/O, no settings.
"""

from __future__ import annotations

import re

from registry.errors import InvalidInput
from registry.text import strip_bidi_marks, to_ascii_digits

__all__ = [
    "company_id_check_digit",
    "national_id_check_digit",
    "normalize_landline",
    "normalize_mobile",
    "validate_company_id",
    "validate_foreign_id",
    "validate_national_id",
    "validate_postal_code",
]

# Separators people type inside numbers: white space (including NBSP) and dashes
# (hyphen-minus, hyphen, non-breaking hyphen, figure dash, en and em dash, minus sign).
_SEPARATORS = re.compile(r"[\s\-\u2010\u2011\u2012\u2013\u2014\u2212]+")
_DIGITS = re.compile(r"[0-9]+")

_NATIONAL_ID_WEIGHTS = tuple(range(10, 1, -1))  # 10, 9, …, 2 over digits 0..8
_COMPANY_ID_WEIGHTS = (29, 27, 23, 19, 17, 29, 27, 23, 19, 17)


def _compact(value: str) -> str:
    """Digits to ASCII; separators and direction marks removed; nothing else touched."""
    return _SEPARATORS.sub("", strip_bidi_marks(to_ascii_digits(value)))


def _ascii_digits(value: str, code: str) -> str:
    """The compact form of ``value``, which must then be ASCII digits only."""
    compact = _compact(value)
    if not _DIGITS.fullmatch(compact):
        raise InvalidInput(code, value=value)
    return compact


def _all_same(text: str) -> bool:
    return len(set(text)) == 1


def national_id_check_digit(first_nine: str) -> int:
    """The check digit of a national ID whose first nine ASCII digits are given.

    s = Σ dᵢ·(10−i) for i = 0..8, r = s mod 11; the check digit is r if r < 2, else 11 − r.
    """
    if len(first_nine) != 9 or not _DIGITS.fullmatch(first_nine):
        raise ValueError(f"need nine ASCII digits, got {first_nine!r}")
    r = sum(int(d) * w for d, w in zip(first_nine, _NATIONAL_ID_WEIGHTS, strict=True)) % 11
    return r if r < 2 else 11 - r


def validate_national_id(value: str) -> str:
    """An Iranian national ID (کد ملی) as ten ASCII digits.

    8 or 9 digits are left-padded with zeros (spreadsheets drop the leading zeros of IDs
    issued in Tehran, for example); any other length is refused.  Refused too: digits 4–9
    all zero, all ten digits the same (those pass the checksum), and a wrong check digit.
    """
    code = "invalid_national_id"
    digits = _ascii_digits(value, code)
    if not 8 <= len(digits) <= 10:
        raise InvalidInput(code, value=value)
    digits = digits.zfill(10)
    if digits[3:9] == "000000" or _all_same(digits):
        raise InvalidInput(code, value=value)
    if int(digits[9]) != national_id_check_digit(digits[:9]):
        raise InvalidInput(code, value=value)
    return digits


def company_id_check_digit(first_ten: str) -> int:
    """The check digit of a legal person's national ID (شناسه ملی) from its first ten digits.

    d = digit₉ + 2; r = Σ (digitᵢ + d)·wᵢ mod 11 with w = 29, 27, 23, 19, 17 repeated;
    r = 0 when r is 10.
    """
    if len(first_ten) != 10 or not _DIGITS.fullmatch(first_ten):
        raise ValueError(f"need ten ASCII digits, got {first_ten!r}")
    d = int(first_ten[9]) + 2
    r = sum((int(c) + d) * w for c, w in zip(first_ten, _COMPANY_ID_WEIGHTS, strict=True)) % 11
    return 0 if r == 10 else r


def validate_company_id(value: str) -> str:
    """A legal person's national ID (شناسه ملی اشخاص حقوقی) as eleven ASCII digits.

    Exactly eleven digits (no padding), not all the same (33333333333 passes the
    checksum), and the check digit must match.
    """
    code = "invalid_company_id"
    digits = _ascii_digits(value, code)
    if len(digits) != 11 or _all_same(digits):
        raise InvalidInput(code, value=value)
    if int(digits[10]) != company_id_check_digit(digits[:10]):
        raise InvalidInput(code, value=value)
    return digits


def _national_number(value: str, code: str) -> str:
    """Strip the country code: ``+98…``, ``0098…`` and a bare ``98…`` of 12 digits become ``0…``.

    After ``+98`` or ``0098`` one trunk zero is tolerated (``+98 (0)912…``, often typed as
    ``+98 0912…``).  Parentheses are accepted as separators.
    """
    compact = _compact(value).replace("(", "").replace(")", "")
    international = False
    if compact.startswith("+"):
        if not compact.startswith("+98"):
            raise InvalidInput(code, value=value)
        compact, international = compact[3:], True
    elif compact.startswith("0098"):
        compact, international = compact[4:], True
    elif compact.startswith("98") and len(compact) == 12:
        compact, international = compact[2:], True
    if not _DIGITS.fullmatch(compact):
        raise InvalidInput(code, value=value)
    if international and compact.startswith("0") and len(compact) == 11:
        return compact
    if international:
        return "0" + compact
    return compact


_MOBILE = re.compile(r"09[0-9]{9}")
_LANDLINE = re.compile(r"0[1-8][0-9]{9}")


def normalize_mobile(value: str) -> str:
    """An Iranian mobile number as ``09XXXXXXXXX`` (eleven ASCII digits).

    Accepted: ``0912…``, ``912…`` (ten digits), ``+98912…``, ``0098912…``, ``98912…``, in any
    digits, with spaces, dashes or parentheses.  The operator prefix is not checked:
    new prefixes are issued more often than a list here would be updated.
    """
    code = "invalid_mobile"
    number = _national_number(value, code)
    if len(number) == 10 and number.startswith("9"):
        number = "0" + number
    if not _MOBILE.fullmatch(number):
        raise InvalidInput(code, value=value)
    return number


def normalize_landline(value: str) -> str:
    """An Iranian fixed-line number with its area code as eleven ASCII digits (``028…``).

    Eleven digits starting with ``0`` followed by 1–8 (``09`` is mobile, ``00`` is
    international); ``+98``, ``0098`` and a bare ``98`` (twelve digits) are accepted.
    A number without its area code is refused.
    """
    code = "invalid_landline"
    number = _national_number(value, code)
    if not _LANDLINE.fullmatch(number):
        raise InvalidInput(code, value=value)
    return number


def validate_postal_code(value: str) -> str:
    """An Iranian postal code (کد پستی) as ten ASCII digits.

    Ten digits, the first not zero, not all the same; ``12345-67890`` is accepted.
    """
    code = "invalid_postal_code"
    digits = _ascii_digits(value, code)
    if len(digits) != 10 or digits[0] == "0" or _all_same(digits):
        raise InvalidInput(code, value=value)
    return digits


_FOREIGN_ID = re.compile(r"[A-Z0-9]{6,12}")
_HAS_DIGIT = re.compile(r"[0-9]")


def validate_foreign_id(value: str) -> str:
    """A foreign national's passport number or FIDA number (فیدا), upper-cased ASCII.

    A passport number is 6–12 Latin letters and digits with at least one digit (which
    refuses placeholders such as «UNKNOWN»); a FIDA number is 12 digits, so it is one
    case of the same rule.  A value made of one repeated character is refused.
    """
    code = "invalid_foreign_id"
    compact = _compact(value)
    # Test for ASCII before upper-casing: "ﬁ".upper() is "FI".
    if not compact.isascii():
        raise InvalidInput(code, value=value)
    compact = compact.upper()
    if not _FOREIGN_ID.fullmatch(compact) or not _HAS_DIGIT.search(compact) or _all_same(compact):
        raise InvalidInput(code, value=value)
    return compact
