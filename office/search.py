"""The office's search box: tracking codes, letter numbers, national IDs and words."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from office.runtime import Runtime
from registry import search as searching
from registry.kinds import ComplaintState
from registry.records import search_hit_record

__all__ = ["DEFAULT_LIMIT", "Found", "search"]

DEFAULT_LIMIT = searching.DEFAULT_LIMIT


@dataclass(frozen=True)
class Found:
    """What a search found: how the text was read (``query_kind``: tracking_code,
    letter_number, national_id or words), the hits' records best first, and whether
    hits beyond the limit were left off (``more``)."""

    query_kind: str
    records: list[dict[str, Any]]
    more: bool


def search(
    runtime: Runtime,
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
    exit 4), so that no request can hold the database.  Reads only."""
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
        )
        records = [
            search_hit_record(hit.complaint, [m.value for m in hit.matched], hit.letter, zone)
            for hit in result.hits
        ]
    return Found(result.query.kind.value, records, result.more)
