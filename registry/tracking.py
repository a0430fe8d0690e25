"""The complaint tracking code (کد رهگیری) that the complainant keeps.

Twelve digits: eleven drawn at random (the first not zero) and one Damm check digit.
Random, from the operating system's generator, so that knowing one code (or the date, or
the number of complaints) tells nothing about another.  Digits only, so that it can be
read over the phone and typed on any keyboard; the Damm check digit catches every
single-digit mistake and every swap of two neighbouring digits, so a mistyped code is
refused instead of finding somebody else's complaint.

Eleven random digits give 9·10¹⁰ codes: an even chance of one clash comes only after some
350,000 complaints, but the database still keeps the column unique and the caller draws
again on a clash.
"""

from __future__ import annotations

import random
import re
import secrets

from registry.errors import InvalidInput
from registry.text import strip_bidi_marks, to_ascii_digits

__all__ = [
    "DAMM_TABLE",
    "TRACKING_CODE_LENGTH",
    "damm_check_digit",
    "format_tracking_code",
    "is_valid_tracking_code",
    "new_tracking_code",
    "parse_tracking_code",
]

TRACKING_CODE_LENGTH = 12

# The totally anti-symmetric quasigroup of order 10 published by H. Michael Damm (2004),
# with zeros on the diagonal: row = interim digit, column = next digit.
DAMM_TABLE: tuple[tuple[int, ...], ...] = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)

_CODE = re.compile(r"[1-9][0-9]{11}")
# White space (including NBSP) and dashes (hyphen-minus to minus sign) between digit groups.
_SEPARATORS = re.compile(r"[\s\-\u2010\u2011\u2012\u2013\u2014\u2212]+")


def _damm_interim(digits: str) -> int:
    interim = 0
    for ch in digits:
        interim = DAMM_TABLE[interim][ord(ch) - 48]
    return interim


def damm_check_digit(digits: str) -> str:
    """The Damm check digit of a string of ASCII digits.

    Because the table has zeros on its diagonal, the check digit is the interim digit
    itself, and a string followed by its check digit runs back to 0.
    """
    if not digits.isascii() or not digits.isdigit():
        raise ValueError(f"need ASCII digits, got {digits!r}")
    return str(_damm_interim(digits))


def new_tracking_code(rng: random.Random | None = None) -> str:
    """A fresh tracking code: 11 random digits (the first not zero) and the check digit.

    ``rng`` is for tests (a seeded :class:`random.Random`); by default the operating
    system's generator is used, as :mod:`secrets` does.
    """
    source = rng if rng is not None else secrets.SystemRandom()
    body = str(source.randrange(10**10, 10**11))
    return body + damm_check_digit(body)


def is_valid_tracking_code(code: str) -> bool:
    """Whether ``code`` is a tracking code in its stored form: 12 ASCII digits that check.

    Text typed by a person goes through :func:`parse_tracking_code` instead.
    """
    return bool(_CODE.fullmatch(code)) and _damm_interim(code) == 0


def parse_tracking_code(text: str) -> str:
    """The stored form of a tracking code as typed or read out: Persian, Arabic-Indic or
    ASCII digits, grouped by spaces or dashes.  Raises ``invalid_tracking_code``."""
    compact = _SEPARATORS.sub("", strip_bidi_marks(to_ascii_digits(text)))
    if not is_valid_tracking_code(compact):
        raise InvalidInput("invalid_tracking_code", value=text)
    return compact


def format_tracking_code(code: str) -> str:
    """The printed form, in groups of four: ``1234-5678-9012`` (ASCII digits; a template
    that prints Persian digits converts them itself).  Accepts whatever
    :func:`parse_tracking_code` accepts, so formatting twice changes nothing."""
    digits = parse_tracking_code(code)
    return "-".join(digits[i : i + 4] for i in range(0, TRACKING_CODE_LENGTH, 4))
