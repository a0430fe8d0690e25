"""The office's search box: tracking codes, letter numbers, national IDs and words."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from office.access import Actor, visible_levels
from office.runtime import Runtime
from registry import search as searching
from registry.kinds import ComplaintState
from registry.records import search_hit_record
from registry.text import normalize_for_search

__all__ = ["DEFAULT_LIMIT", "Found", "highlight", "search"]

DEFAULT_LIMIT = searching.DEFAULT_LIMIT


@dataclass(frozen=True)
class Found:
    """What a search found: how the text was read (``query_kind``: tracking_code,
    letter_number, national_id or words), the hits' records best first, and whether
    hits beyond the limit were left off (``more``); for words, the normalized ``words``
    and whether the last one matched as a ``prefix`` (what :func:`highlight` marks)."""

    query_kind: str
    records: list[dict[str, Any]]
    more: bool
    words: tuple[str, ...] = ()
    prefix: bool = False


def search(
    runtime: Runtime,
    actor: Actor,
    text: str,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    state: ComplaintState | None = None,
    limit: int = DEFAULT_LIMIT,
    timeout: float = searching.SEARCH_TIMEOUT,
) -> Found:
    """Cases found by ``text``: exact codes first, then name, agency and subject before body,
    newest first (``registry.search.search``), as ``search_hit_record`` records.  The
    letter numbers are read in the office's series; dates are the office's.  The text is
    bounded (``search_query_too_long``, ``search_query_too_many_words``, exit 2, before
    any SQL) and each statement runs under ``timeout`` seconds (``search_too_slow``,
    exit 4), so that no request can hold the database.  Only cases ``actor`` may see are
    found (``visible_levels``), not even a hidden one's own code.  Reads only."""
    zone = runtime.clock.zone
    with runtime.sessions() as session:
        result = searching.search(
            session,
            text,
            series_codes=set(runtime.settings.office.series.values()),
            zone=zone,
            date_from=date_from,
            date_to=date_to,
            state=state,
            limit=limit,
            timeout=timeout,
            levels=visible_levels(actor, runtime.settings),
        )
        records = [
            search_hit_record(hit.complaint, [m.value for m in hit.matched], hit.letter, zone)
            for hit in result.hits
        ]
    query = result.query
    return Found(query.kind.value, records, result.more, query.words, query.prefix)


# A word as shown: letters and digits with the marks and tatweel that normalizing drops
# (so «عَلي» is one word), never a ZWNJ or bidi mark (normalizing splits or drops them,
# as the index does).
_SHOWN_WORD = re.compile(r"(?:[^\W_]|[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640])+")


def highlight(text: str, words: Sequence[str], prefix: bool = False) -> list[tuple[str, bool]]:
    """``text`` as it is stored, cut into (part, matched) pieces: a word is matched when its
    normalized form is one of the query's ``words`` (the last of them also as the beginning
    of a word with ``prefix``), as the search compared them, so an Arabic Yeh in the text
    or the query changes nothing.  The pieces are plain text: whoever shows them escapes
    each one before marking the matched ones."""
    wanted = set(words)
    last = words[-1] if prefix and words else None
    pieces: list[tuple[str, bool]] = []

    def add(part: str, matched: bool) -> None:
        if not part:
            return
        if pieces and pieces[-1][1] == matched:
            pieces[-1] = (pieces[-1][0] + part, matched)
        else:
            pieces.append((part, matched))

    at = 0
    for found in _SHOWN_WORD.finditer(text):
        word = normalize_for_search(found.group())
        matched = word in wanted or (last is not None and word.startswith(last))
        add(text[at : found.start()], False)
        add(found.group(), matched)
        at = found.end()
    add(text[at:], False)
    return pieces
