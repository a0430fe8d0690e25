"""One search box for archivists and the inspection office.

What was typed decides what is looked up:

* 12 digits (any digits, dashes or spaces between groups): a tracking code, exactly;
* a letter number such as ``۱۴۰۵/ص/۱۲۳`` or ``1405/123/ص``: that letter, and its case;
* 10 digits: a national ID; 11 digits: a legal person's national ID (complainant, exactly);
* anything else: words.  Every word must occur in the complainant's name, the name of
  an agency concerned, the subject or the body (AND across words; the last word may be
  the beginning of a word).

Both sides are compared in the normalized form of :func:`registry.text.normalize_for_search`
(Arabic Yeh/Kaf, digits, ZWNJ, diacritics, tatweel), and a word is a run of letters and
digits of that form.  Words are looked up in an index built by migration 0003: FTS5 on
SQLite, tsvector GIN indexes on PostgreSQL (see docs/search.md).
"""

from __future__ import annotations

import datetime as dt
import enum
import zoneinfo
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Select,
    TextClause,
    func,
    select,
    text,
)
from sqlalchemy.orm import Session, joinedload, selectinload

from registry.complaint_queries import visible_condition
from registry.errors import InvalidInput
from registry.jalali import format_jalali
from registry.kinds import Classification, ComplaintState
from registry.models import Complainant, Complaint, ComplaintAgency, Letter
from registry.search_query import (
    ParsedQuery,
    QueryKind,
    normalized_words,
    parse_query,
)
from registry.time_bound import time_bounded

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "SEARCH_INDEX_OBJECTS",
    "SEARCH_TIMEOUT",
    "Match",
    "SearchHit",
    "SearchResult",
    "autogenerate_include_name",
    "is_search_index_object",
    "search",
]

DEFAULT_LIMIT = 20
MAX_LIMIT = 1000

# Seconds a search's statement may run (issue 17).  A bounded query answers in
# milliseconds (docs/search.md, "Speed"); the bound is the second line of defence, for a
# search that the word and length bounds of registry/search_query.py let through but a
# busy or huge registry makes slow, so that one request cannot hold a database backend.
SEARCH_TIMEOUT = 5.0

# Office dates outside these are clamped to them: no case is registered or letter dated
# outside, so the answer is the same, and the times built from date.min or date.max would
# overflow (a Jalali date up to 9378 is typed as readily as 1405).
_EARLIEST = dt.date(1900, 1, 1)
_LATEST = dt.date(2200, 1, 1)
# A letter's year and number are 32-bit integers in the registry; a larger number typed
# in the box names no letter (and must not reach the database, which would refuse it).
_MAX_LETTER_PART = 2**31 - 1

# Objects that migrations 0003 and 0012 create outside the ORM metadata; autogenerate and the
# models-versus-migrations check must leave them alone.
SEARCH_INDEX_OBJECTS = frozenset(
    {
        "complaint_fts",
        "complaint_search_doc",
        "heading_norm",  # a column of complaint, on PostgreSQL only
        "ix_complaint_heading_norm_tsv",
        "ix_complaint_subject_norm_tsv",
        "ix_complaint_text_norm_tsv",
        "ix_complainant_name_norm_tsv",
    }
)


def is_search_index_object(name: str | None) -> bool:
    """Whether ``name`` is one of the search index's tables, views or indexes (including
    FTS5's shadow tables ``complaint_fts_data`` and the like)."""
    return name is not None and (name in SEARCH_INDEX_OBJECTS or name.startswith("complaint_fts_"))


def autogenerate_include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's ``include_name`` hook: everything but the search index's objects."""
    return not is_search_index_object(name)


class Match(enum.StrEnum):
    """What made a case a hit (the ``matched`` key of a result)."""

    TRACKING_CODE = "tracking_code"
    LETTER_NUMBER = "letter_number"
    NATIONAL_ID = "national_id"
    NAME = "name"
    AGENCY = "agency"
    SUBJECT = "subject"
    TEXT = "text"


@dataclass(frozen=True)
class SearchHit:
    """A case found, with what matched, and the letter when a letter number was typed."""

    complaint: Complaint
    matched: tuple[Match, ...]
    letter: Letter | None = None


@dataclass(frozen=True)
class SearchResult:
    """The hits, best first; ``more`` says that hits beyond ``limit`` were left off."""

    query: ParsedQuery
    hits: list[SearchHit]
    more: bool


def search(
    session: Session,
    text: str,
    *,
    series_codes: set[str],
    zone: zoneinfo.ZoneInfo,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    state: ComplaintState | None = None,
    limit: int = DEFAULT_LIMIT,
    timeout: float = SEARCH_TIMEOUT,
    levels: frozenset[Classification] | None = None,
) -> SearchResult:
    """Find cases by whatever was typed (see :func:`parse_query`), best first.

    Exact codes give their case; words give cases whose name, agency or subject hold every
    word before cases that need the body for some word, each group newest first.
    ``date_from``/``date_to`` (inclusive, office dates in ``zone``) bound the registration
    date, or the letter's date for a letter number; ``state`` keeps cases in that state;
    ``levels`` keeps cases classified at one of them (None: any), so that a case the
    reader may not see is never found, not even by its own code.  At most ``limit`` hits
    (1..MAX_LIMIT, else ``search_limit_invalid``); reversed dates
    raise ``search_dates_reversed``; the text's bounds are :func:`parse_query`'s.  Every
    statement runs under ``timeout`` seconds (:func:`registry.time_bound.time_bounded`),
    past which ``Refused("search_too_slow")`` (on PostgreSQL the caller's transaction is
    then aborted).  All these checks come before any SQL.  Reads only.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput("search_limit_invalid", value=limit, limit=MAX_LIMIT)
    if date_from is not None and date_to is not None and date_from > date_to:
        raise InvalidInput(
            "search_dates_reversed", start=format_jalali(date_from), end=format_jalali(date_to)
        )
    query = parse_query(text, series_codes)
    date_from = None if date_from is None else min(max(date_from, _EARLIEST), _LATEST)
    date_to = None if date_to is None else min(max(date_to, _EARLIEST), _LATEST)
    with time_bounded(session, timeout, "search_too_slow"):
        return _search(session, query, zone, date_from, date_to, state, limit, levels)


def _search(
    session: Session,
    query: ParsedQuery,
    zone: zoneinfo.ZoneInfo,
    date_from: dt.date | None,
    date_to: dt.date | None,
    state: ComplaintState | None,
    limit: int,
    levels: frozenset[Classification] | None,
) -> SearchResult:
    filters = _filters(zone, date_from, date_to, state, levels)
    if query.kind is QueryKind.LETTER_NUMBER:
        return _letter_hits(session, query, filters, date_from, date_to, limit)
    if query.kind is QueryKind.TRACKING_CODE:
        ids = _ids(session, Complaint.tracking_code == query.code, filters, limit + 1)
        return _result(session, query, ids, limit, lambda _c: (Match.TRACKING_CODE,))
    if query.kind is QueryKind.NATIONAL_ID:
        person = select(Complainant.id).where(Complainant.national_id == query.code)
        ids = _ids(session, Complaint.complainant_id.in_(person), filters, limit + 1)
        return _result(session, query, ids, limit, lambda _c: (Match.NATIONAL_ID,))
    if session.get_bind().dialect.name == "postgresql":
        ids = _pg_word_ids(session, query, filters, limit + 1)
    else:
        ids = _fts_word_ids(session, query, filters, limit + 1)
    return _result(session, query, ids, limit, lambda c: _matched_words(c, query))


# -- exact codes ------------------------------------------------------------------------


def _letter_hits(
    session: Session,
    query: ParsedQuery,
    filters: _Filters,
    date_from: dt.date | None,
    date_to: dt.date | None,
    limit: int,
) -> SearchResult:
    number = query.letter
    assert number is not None  # parse_query sets it for LETTER_NUMBER
    if max(number.year, number.seq) > _MAX_LETTER_PART:
        return SearchResult(query, [], more=False)
    statement = select(Letter).where(
        Letter.series == number.series, Letter.year == number.year, Letter.seq == number.seq
    )
    if date_from is not None:
        statement = statement.where(Letter.date >= date_from)
    if date_to is not None:
        statement = statement.where(Letter.date <= date_to)
    letter = session.scalars(statement).one_or_none()
    if letter is None or letter.complaint_id is None:
        return SearchResult(query, [], more=False)
    complaint = _load(session, [letter.complaint_id])[0]
    if filters.state is not None and complaint.state is not filters.state:
        return SearchResult(query, [], more=False)
    if filters.levels is not None and complaint.classification not in filters.levels:
        return SearchResult(query, [], more=False)
    hit = SearchHit(complaint, (Match.LETTER_NUMBER,), letter=letter)
    return SearchResult(query, [hit][:limit], more=False)


# -- words ------------------------------------------------------------------------------


def _fts_term(word: str, prefix: bool) -> str:
    # Words hold letters and digits only, but quote anyway: FTS5 syntax must never leak.
    quoted = '"' + word.replace('"', '""') + '"'
    return quoted + "*" if prefix else quoted


def _terms(query: ParsedQuery) -> list[str]:
    last = len(query.words) - 1
    return [_fts_term(w, query.prefix and i == last) for i, w in enumerate(query.words)]


def _fts_word_ids(session: Session, query: ParsedQuery, filters: _Filters, limit: int) -> list[int]:
    """SQLite: ids from the FTS5 index, name/agency/subject hits first, each newest first.

    FTS5 hands out its hits in rowid (= complaint id) order and stops at the LIMIT; the
    date range narrows the rowids it walks to those of the range, and only a state filter
    needs to read the complaint rows (for candidates only, in order, until the LIMIT).
    """
    bounds = _id_bounds(session, filters)
    if bounds is None:
        return []
    terms = " AND ".join(_terms(query))
    head = "{name agencies subject} : (" + terms + ")"
    ids = _fts_ids(session, head, bounds, filters, limit)
    if len(ids) < limit:
        rest = f"({terms}) NOT ({head})"
        ids += _fts_ids(session, rest, bounds, filters, limit - len(ids))
    return ids


def _fts_ids(
    session: Session,
    match: str,
    bounds: tuple[int, int] | None,
    filters: _Filters,
    limit: int,
) -> list[int]:
    state = filters.state
    levels = filters.hidden_levels()
    sql = "SELECT f.rowid FROM complaint_fts AS f"
    params: dict[str, object] = {"match": match, "limit": limit}
    if state is not None or levels is not None:
        sql += " JOIN complaint AS c ON c.id = f.rowid"
    sql += " WHERE complaint_fts MATCH :match"
    if bounds is not None:
        sql += " AND f.rowid BETWEEN :low AND :high"
        params |= {"low": bounds[0], "high": bounds[1]}
    if state is not None:
        sql += " AND c.state = :state"
        params["state"] = state.value
    if levels is not None:
        names = [f"level{i}" for i in range(len(levels))]
        sql += " AND c.classification IN (" + ", ".join(f":{n}" for n in names) + ")"
        params |= dict(zip(names, levels, strict=True))
    sql += " ORDER BY f.rowid DESC LIMIT :limit"
    return list(session.scalars(text(sql), params))


def _id_bounds(session: Session, filters: _Filters) -> tuple[int, int] | None:
    """The lowest and highest id registered in the date range, which every case of the
    range lies between whatever the order of registration; None when the range is empty.
    Without dates, every id."""
    if filters.start is None and filters.end is None:
        return (0, 2**62)
    low, high = session.execute(
        select(func.min(Complaint.id), func.max(Complaint.id)).where(*filters.dates())
    ).one()
    return None if low is None else (low, high)


# Kept equal to PG_PUNCTUATION and _pg_tsvector in migration 0003 (the index expression).
PG_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"


def _pg_tsvector(column: str) -> str:
    spaces = " " * len(PG_PUNCTUATION)
    quoted = PG_PUNCTUATION.replace("'", "''")
    return f"to_tsvector('simple'::regconfig, translate({column}, '{quoted}', '{spaces}'))"


def _pg_lexeme(word: str, prefix: bool) -> str:
    return "'" + word.replace("'", "''") + "'" + (":*" if prefix else "")


def _pg_matches(column: str, name: str) -> str:
    return f"{_pg_tsvector(column)} @@ to_tsquery('simple'::regconfig, :{name})"


def _pg_word_ids(session: Session, query: ParsedQuery, filters: _Filters, limit: int) -> list[int]:
    """PostgreSQL: every word in the heading (name, agencies, subject) first, then every
    word anywhere, each newest first.

    The heading is one column with one GIN index (migration 0012), so the first query is
    one index lookup for all the words together (``w1 & w2:*``); the second asks, per
    word, the heading's index or the body's.  The conditions are SQL text, each in its
    own parentheses (SQLAlchemy cannot negate or group a text clause)."""
    last = len(query.words) - 1
    lexemes = [_pg_lexeme(w, query.prefix and i == last) for i, w in enumerate(query.words)]
    head = f"({_pg_matches('complaint.heading_norm', 'heading')})"
    heading = {"heading": " & ".join(lexemes)}
    ids = _ids(session, text(head).bindparams(**heading), filters, limit)
    if len(ids) < limit:
        anywhere = " AND ".join(
            f"({_pg_matches('complaint.heading_norm', f'h{i}')}"
            f" OR {_pg_matches('complaint.text_norm', f'b{i}')})"
            for i in range(len(lexemes))
        )
        words = {f"{side}{i}": lexeme for i, lexeme in enumerate(lexemes) for side in "hb"}
        condition = text(f"{anywhere} AND NOT {head}").bindparams(**heading, **words)
        ids += _ids(session, condition, filters, limit - len(ids))
    return ids


def _matched_words(complaint: Complaint, query: ParsedQuery) -> tuple[Match, ...]:
    """Which fields of ``complaint`` hold at least one of the query's words."""
    fields = [
        (Match.NAME, complaint.complainant.name_norm),
        (Match.AGENCY, " ".join(link.agency.name_norm for link in complaint.agencies)),
        (Match.SUBJECT, complaint.subject_norm),
        (Match.TEXT, complaint.text_norm),
    ]
    last = len(query.words) - 1
    found = []
    for field, value in fields:
        words = set(normalized_words(value))
        for i, wanted in enumerate(query.words):
            if wanted in words or (
                query.prefix and i == last and any(w.startswith(wanted) for w in words)
            ):
                found.append(field)
                break
    return tuple(found)


# -- shared -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Filters:
    start: dt.datetime | None
    end: dt.datetime | None  # exclusive
    state: ComplaintState | None
    levels: frozenset[Classification] | None = None

    def hidden_levels(self) -> list[str] | None:
        """The classifications the reader may see as stored, when some are hidden from
        them; None when none is."""
        if visible_condition(self.levels) is None or self.levels is None:
            return None
        return sorted(level.value for level in self.levels)

    def dates(self) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if self.start is not None:
            conditions.append(Complaint.registered_at >= self.start)
        if self.end is not None:
            conditions.append(Complaint.registered_at < self.end)
        return conditions

    def all(self) -> list[ColumnElement[bool]]:
        state = [] if self.state is None else [Complaint.state == self.state]
        visible = visible_condition(self.levels)
        return self.dates() + state + ([] if visible is None else [visible])


def _filters(
    zone: zoneinfo.ZoneInfo,
    date_from: dt.date | None,
    date_to: dt.date | None,
    state: ComplaintState | None,
    levels: frozenset[Classification] | None = None,
) -> _Filters:
    # Office dates are days in the office's zone: [from 00:00, to+1 00:00) there.
    start = end = None
    if date_from is not None:
        start = dt.datetime.combine(date_from, dt.time.min, tzinfo=zone)
    if date_to is not None:
        end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return _Filters(start, end, state, levels)


def _ids(
    session: Session, condition: ColumnElement[bool] | TextClause, filters: _Filters, limit: int
) -> list[int]:
    """Ids of complaints meeting ``condition`` and ``filters``, newest first.

    Newest first is registration order: ids are handed out as cases are registered, and
    ordering by the key keeps every search an ordered walk with a LIMIT.
    """
    statement: Select[int] = (
        select(Complaint.id)
        .where(condition, *filters.all())
        .order_by(Complaint.id.desc())
        .limit(limit)
    )
    return list(session.scalars(statement))


def _load(session: Session, ids: Sequence[int]) -> list[Complaint]:
    """The complaints ``ids`` with what a result row shows, in the order of ``ids``."""
    rows = session.scalars(
        select(Complaint)
        .where(Complaint.id.in_(ids))
        .options(
            joinedload(Complaint.complainant),
            selectinload(Complaint.agencies).joinedload(ComplaintAgency.agency),
        )
    ).unique()
    by_id = {c.id: c for c in rows}
    return [by_id[i] for i in ids]


def _result(
    session: Session,
    query: ParsedQuery,
    ids: list[int],
    limit: int,
    matched: Callable[[Complaint], tuple[Match, ...]],
) -> SearchResult:
    complaints = _load(session, ids[:limit])
    hits = [SearchHit(c, matched(c)) for c in complaints]
    return SearchResult(query, hits, more=len(ids) > limit)
