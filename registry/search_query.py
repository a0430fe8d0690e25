"""The search box's text, understood: a tracking code, a letter number, a national ID, or
words in the normalized form the search index holds (see registry/search.py)."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from registry.errors import InvalidInput
from registry.identity import validate_company_id, validate_national_id
from registry.register import LetterNumber, parse_letter_number
from registry.text import normalize_for_search, strip_bidi_marks, to_ascii_digits
from registry.tracking import TRACKING_CODE_LENGTH, parse_tracking_code

__all__ = [
    "MAX_QUERY_CHARS",
    "MAX_QUERY_WORDS",
    "MIN_PREFIX",
    "ParsedQuery",
    "QueryKind",
    "normalized_words",
    "parse_query",
    "search_words",
]

# The last word is a prefix only from this length on: «ع*» would match half the archive.
MIN_PREFIX = 2

# Bounds on the box, checked before any SQL (issue 17).  On PostgreSQL each word adds four
# sub-queries to each of two statements, and the planner's work grows much faster than
# the words: 12 words plan in about 60 ms, 24 in half a second, 300 took 100 s and
# kept the backend busy after the client had gone.  Staff type a code, a name, or a few
# words of a subject or agency; a name, an agency and a subject together are 6-8 words
# (a ZWNJ splits «چاله‌ها» into two), and the longest code typed with separators is under
# 20 characters.  So 12 words and 200 characters are never reached by a real search and
# stop a pasted page (or a hostile request on the web desk) at the door.
MAX_QUERY_WORDS = 12
MAX_QUERY_CHARS = 200


class QueryKind(enum.StrEnum):
    """What the typed text was understood to be."""

    TRACKING_CODE = "tracking_code"
    LETTER_NUMBER = "letter_number"
    NATIONAL_ID = "national_id"
    WORDS = "words"


@dataclass(frozen=True)
class ParsedQuery:
    """The typed text, understood: a code in its stored form, or normalized words."""

    kind: QueryKind
    code: str | None = None
    letter: LetterNumber | None = None
    words: tuple[str, ...] = ()
    prefix: bool = False  # the last word matches the beginning of a word


# A word: a run of letters and digits (``\w`` without the underscore), which is where
# FTS5's unicode61 tokenizer splits too.
_WORD = re.compile(r"[^\W_]+")
_DIGIT_SEPARATORS = re.compile(r"[\s\-\u2010\u2011\u2012\u2013\u2014\u2212]+")
_LETTER_PARTS = re.compile(r"[/\\\-]")


def search_words(text: str) -> list[str]:
    """The words of ``text`` as the index holds them: normalized, in order, repeats kept."""
    return normalized_words(normalize_for_search(text))


def normalized_words(normalized: str) -> list[str]:
    """The words of text already in the index's normalized form (a ``*_norm`` column)."""
    return _WORD.findall(normalized)


def _looks_like_letter_number(cleaned: str) -> bool:
    parts = [p.strip() for p in _LETTER_PARTS.split(cleaned) if p.strip()]
    numbers = [p for p in parts if p.isascii() and p.isdecimal()]
    return len(parts) == 3 and len(numbers) == 2


def parse_query(text: str, series_codes: set[str]) -> ParsedQuery:
    """Understand the search box.

    Digits only (any digits, dashes and spaces allowed): 12 → tracking code, 10 →
    national ID, 11 → legal person's ID; a malformed one of these is refused with the
    same error its registration would give (``invalid_tracking_code``,
    ``invalid_national_id``, ``invalid_company_id``), since a mistyped code must not
    quietly find something else.  Three parts split by ``/`` of which two are numbers:
    a letter number (``invalid_letter_number`` for an unknown series).  Anything else
    is words; no word at all raises ``search_query_empty``.  Text longer than
    MAX_QUERY_CHARS (spaces around it aside) raises ``search_query_too_long``, more than
    MAX_QUERY_WORDS words ``search_query_too_many_words``, before anything else is done.
    """
    if len(text.strip()) > MAX_QUERY_CHARS:
        raise InvalidInput("search_query_too_long", limit=MAX_QUERY_CHARS, size=len(text.strip()))
    cleaned = strip_bidi_marks(to_ascii_digits(text)).strip()
    compact = _DIGIT_SEPARATORS.sub("", cleaned)
    if compact.isascii() and compact.isdecimal():
        if len(compact) == TRACKING_CODE_LENGTH:
            return ParsedQuery(QueryKind.TRACKING_CODE, code=parse_tracking_code(text))
        if len(compact) == 10:
            return ParsedQuery(QueryKind.NATIONAL_ID, code=validate_national_id(compact))
        if len(compact) == 11:
            return ParsedQuery(QueryKind.NATIONAL_ID, code=validate_company_id(compact))
    if _looks_like_letter_number(cleaned):
        # The series code as typed may carry an Arabic Kaf or Yeh: compare normalized.
        by_norm = {normalize_for_search(code): code for code in series_codes}
        try:
            number = parse_letter_number(normalize_for_search(cleaned), set(by_norm))
        except InvalidInput:
            raise InvalidInput("invalid_letter_number", value=text) from None
        series = by_norm[number.series]
        return ParsedQuery(
            QueryKind.LETTER_NUMBER,
            letter=LetterNumber(year=number.year, series=series, seq=number.seq),
        )
    words = tuple(search_words(cleaned))
    if not words:
        raise InvalidInput("search_query_empty", value=text)
    if len(words) > MAX_QUERY_WORDS:
        raise InvalidInput("search_query_too_many_words", limit=MAX_QUERY_WORDS, size=len(words))
    return ParsedQuery(QueryKind.WORDS, words=words, prefix=len(words[-1]) >= MIN_PREFIX)
