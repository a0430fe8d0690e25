"""Whether a text names a complainant: the one test behind every anonymity check.

A complainant may ask to stay anonymous towards the agency.  Their own complaint text
(warned to the reviewer at acceptance) and the names of their attachments (never forwarded
to an agency) may still name them; both are checked here, with one rule and one threshold.
Pure functions over plain values: the generators use it on a letter's facts, the registry
on its rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from registry.text import normalize_for_search

__all__ = ["MIN_NEEDLE_LENGTH", "Identifiers", "identifying_mentions"]

# The one threshold: an identifier shorter than this (after normalising) is too common a
# string to point at anyone, and is not looked for.
MIN_NEEDLE_LENGTH = 3
# How many trailing digits of a mobile number are looked for: «912…» and «0912…» both count.
_MOBILE_DIGITS = 10

# Between words: anything that is not a letter or a digit (underscores of file names too).
_NOT_WORD = re.compile(r"[\W_]+")
# Inside numbers: white space, dashes, dots and slashes people type between groups.
_SEPARATORS = re.compile(r"[\s\-./_()\u2010-\u2015\u2212]+")


@dataclass(frozen=True)
class Identifiers:
    """What identifies a complainant, as recorded (any digits, any spacing)."""

    first_name: str = ""
    last_name: str = ""
    national_id: str | None = None  # or the foreign ID, or a legal person's national ID
    mobile: str | None = None
    company_name: str | None = None


def _words(text: str) -> str:
    """``text`` normalised for search, as space-separated words with a space at each end."""
    return f" {_NOT_WORD.sub(' ', normalize_for_search(text)).strip()} "


def _compact(text: str) -> str:
    return _SEPARATORS.sub("", normalize_for_search(text))


def _has_words(haystack: str, needle: str) -> bool:
    words = _words(needle).strip()
    return len(words) >= MIN_NEEDLE_LENGTH and f" {words} " in haystack


def _has_number(compact_haystack: str, needle: str) -> bool:
    return len(needle) >= MIN_NEEDLE_LENGTH and needle in compact_haystack


def identifying_mentions(text: str, person: Identifiers) -> list[str]:
    """Which identifiers of ``person`` occur in ``text``, in this order: ``name`` (first and
    last name together) or else ``last_name``, ``national_id``, ``mobile``, ``company_name``.

    Names match as whole words and numbers whatever their spacing and digits, both after
    ``normalize_for_search`` (Arabic or Persian letters, any digits, ZWNJ or space).  An
    identifier shorter than ``MIN_NEEDLE_LENGTH`` is not looked for.  Empty: no mention.
    """
    haystack = _words(text)
    compact = _compact(text)
    found: list[str] = []
    if _has_words(haystack, f"{person.first_name} {person.last_name}"):
        found.append("name")
    elif _has_words(haystack, person.last_name):
        found.append("last_name")
    if _has_number(compact, _compact(person.national_id or "")):
        found.append("national_id")
    if _has_number(compact, _compact(person.mobile or "")[-_MOBILE_DIGITS:]):
        found.append("mobile")
    if _has_words(haystack, person.company_name or ""):
        found.append("company_name")
    return found
