"""The search box: what it understands, Persian normalization on both sides, ranking,
filters, the index kept in step with the cases, on SQLite (FTS5) and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import zoneinfo
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from registry import search as searching
from registry.db import transaction
from registry.errors import InvalidInput
from registry.jalali import from_jalali
from registry.kinds import ComplaintState, LetterKind
from registry.models import Agency, Complainant, Complaint, Letter
from registry.register import number_letter
from registry.search_query import QueryKind, parse_query, search_words
from registry.text import to_persian_digits
from tests.cli_support import Cli, register_args
from tests.factories import AT, complainant_input, national_id, registered, seed_agencies

ZONE = zoneinfo.ZoneInfo("Asia/Tehran")
SERIES = {"ص"}
TEXT = (
    "من هر روز از این خیابان می‌روم و چاله‌ها به خودرو آسیب زده است. "
    "تَشکیل پرونده در سامانه ۱۳۷ نتیجه‌ای نداشت."
)


def find(session: Session, typed: str, **options: Any) -> searching.SearchResult:
    return searching.search(session, typed, series_codes=SERIES, zone=ZONE, **options)


def codes(result: searching.SearchResult) -> list[str]:
    return [hit.complaint.tracking_code for hit in result.hits]


def _letter(session: Session, complaint: Complaint, date: dt.date) -> Letter:
    return number_letter(
        session,
        kind=LetterKind.REFERRAL,
        series="ص",
        number_template="{year}/{series}/{seq}",
        issued_at=AT,
        jalali_year=1405,
        date=date,
        recipient="شهردار محترم قزوین",
        actor="دبیرخانه",
        freeze=lambda identity: {"number": identity.number},
        complaint=complaint,
    )


@pytest.fixture
def case(sessions: sessionmaker[Session]) -> dict[str, str]:
    """One case by «علی کریمی» (Persian Yeh and Kaf) with a letter, and a second case."""
    with transaction(sessions) as session:
        seed_agencies(session)
        person = complainant_input(first_name="علی", last_name="کریمی", national_id=national_id(7))
        first = registered(session, complainant=person, subject="سد معبر", text=TEXT)
        letter = _letter(session, first, from_jalali(1405, 9, 5))
        other = registered(
            session,
            at=AT + dt.timedelta(hours=1),
            complainant=complainant_input(last_name="صادقی", national_id=national_id(8)),
            agencies=("فرمانداری تاکستان",),
            subject="جمع‌آوری نشدن پسماند",
            text="زباله‌های کوچه چند روز است جمع‌آوری نمی‌شود.",
        )
        return {
            "code": first.tracking_code,
            "letter": letter.number,
            "national_id": national_id(7),
            "other": other.tracking_code,
        }


# What staff type, and what must be found: (query, matched of the first hit).
TYPED = [
    ("علي كريمي", ["name"]),  # Arabic Yeh and Kaf
    ("كريمي", ["name"]),
    ("كـريمي", ["name"]),  # a tatweel
    ("عَلی", ["name"]),  # a fatha inside the word
    ("می روم", ["text"]),  # space where the text has a ZWNJ
    ("می‌روم", ["text"]),  # ZWNJ as in the text
    ("تشکیل", ["text"]),  # the text has a fatha, the query none
    ("137", ["text"]),  # Latin digits, the text Persian
    ("۱۳۷", ["text"]),
    ("کریمی چاله", ["name", "text"]),  # AND across fields
    ("معبر کری", ["name", "subject"]),  # the last word is a prefix
    ("شهرداري قزوين", ["agency"]),
    ("سد", ["subject"]),  # two letters: a whole word
]


@pytest.mark.parametrize(("typed", "matched"), TYPED)
def test_words_typed_any_way_find_the_case(
    sessions: sessionmaker[Session], case: dict[str, str], typed: str, matched: list[str]
) -> None:
    with sessions() as session:
        result = find(session, typed)
    assert result.query.kind is QueryKind.WORDS
    assert codes(result) == [case["code"]]
    assert [m.value for m in result.hits[0].matched] == matched


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("کریمی پسماند", False),  # each word must match in the same case
        ("کریم چاله", False),  # a word that is not the last must be whole
        ("چاله کریم", True),  # the last may be a beginning; «چاله» is a word of «چاله‌ها»
        ("کر", True),  # two letters are enough for a beginning
        ("ک", False),  # one letter is a whole word only
        ("روم می", True),  # word order does not matter
    ],
)
def test_every_word_must_match_the_last_may_be_a_beginning(
    sessions: sessionmaker[Session], case: dict[str, str], typed: str, found: bool
) -> None:
    with sessions() as session:
        assert codes(find(session, typed)) == ([case["code"]] if found else [])


def test_codes_typed_any_way(sessions: sessionmaker[Session], case: dict[str, str]) -> None:
    code = case["code"]
    year, series, seq = case["letter"].split("/")
    typed = [
        (code, QueryKind.TRACKING_CODE, "tracking_code"),
        (to_persian_digits(f"{code[:4]}-{code[4:8]}-{code[8:]}"), QueryKind.TRACKING_CODE,
         "tracking_code"),
        (f"{code[:4]} {code[4:8]} {code[8:]}", QueryKind.TRACKING_CODE, "tracking_code"),
        (to_persian_digits(case["national_id"]), QueryKind.NATIONAL_ID, "national_id"),
        (to_persian_digits(case["letter"]), QueryKind.LETTER_NUMBER, "letter_number"),
        (f"{year}/{seq}/{series}", QueryKind.LETTER_NUMBER, "letter_number"),
    ]  # fmt: skip
    with sessions() as session:
        for query, kind, matched in typed:
            result = find(session, query)
            assert result.query.kind is kind, query
            assert codes(result) == [code], query
            assert [m.value for m in result.hits[0].matched] == [matched]
        letter_hit = find(session, case["letter"]).hits[0]
        assert letter_hit.letter is not None and letter_hit.letter.number == case["letter"]


def test_names_and_subjects_rank_before_bodies_newest_first(
    sessions: sessionmaker[Session],
) -> None:
    with transaction(sessions) as session:
        seed_agencies(session)
        # Registered in this order (ids follow registration): newest first means last here.
        name = registered(
            session, at=AT - dt.timedelta(days=1),
            complainant=complainant_input(last_name="روشنایی", national_id=national_id(9)),
        )  # fmt: skip
        subject_old = registered(session, at=AT, subject="خاموشی روشنایی معابر")
        subject_new = registered(session, at=AT + dt.timedelta(days=1), subject="روشنایی")
        body_new = registered(session, at=AT + dt.timedelta(days=2), text="درباره روشنایی معبر")
        expected = [subject_new, subject_old, name, body_new]
        wanted = [c.tracking_code for c in expected]
    with sessions() as session:
        result = find(session, "روشنایی")
        assert codes(result) == wanted
        limited = find(session, "روشنایي", limit=2)
        assert codes(limited) == wanted[:2] and limited.more
        assert not result.more


def test_date_range_and_state_filter(sessions: sessionmaker[Session], case: dict[str, str]) -> None:
    day = from_jalali(1405, 9, 4)  # AT is 1405/09/04 in Tehran
    with sessions() as session:
        assert codes(find(session, "قزوین", date_from=day, date_to=day)) == [case["code"]]
        assert codes(find(session, "قزوین", date_from=day + dt.timedelta(days=1))) == []
        assert codes(find(session, "قزوین", date_to=day - dt.timedelta(days=1))) == []
        assert codes(find(session, case["other"], date_from=day)) == [case["other"]]
        assert codes(find(session, "قزوین", state=ComplaintState.REGISTERED)) == [case["code"]]
        assert codes(find(session, "قزوین", state=ComplaintState.CLOSED)) == []
        # A letter number is bounded by the letter's date (1405/09/05), not the case's.
        assert codes(find(session, case["letter"], date_from=day + dt.timedelta(days=1))) == [
            case["code"]
        ]
        assert codes(find(session, case["letter"], date_to=day)) == []


def test_the_index_follows_changes_to_names_and_agencies(
    sessions: sessionmaker[Session], case: dict[str, str]
) -> None:
    with transaction(sessions) as session:
        session.execute(
            update(Complainant).where(Complainant.first_name == "علی").values(name_norm="حسن کریمی")
        )
        session.execute(
            update(Agency).where(Agency.name_norm == "شهرداری قزوین").values(name_norm="شهرداری نو")
        )
    with sessions() as session:
        assert codes(find(session, "حسن")) == [case["code"]]
        assert codes(find(session, "علی کریمی")) == []
        assert codes(find(session, "شهرداری نو")) == [case["code"]]
        assert codes(find(session, "قزوین")) == []
    with transaction(sessions) as session:
        complaint = session.scalars(
            select(Complaint).where(Complaint.tracking_code == case["code"])
        ).one()
        session.delete(complaint.agencies[0])
    with sessions() as session:
        assert codes(find(session, "شهرداری نو")) == []
        assert codes(find(session, "حسن")) == [case["code"]]


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "search_query_empty"),
        (" ؟ ، ", "search_query_empty"),
        ("123456789012", "invalid_tracking_code"),  # the check digit does not match
        ("1234567890", "invalid_national_id"),
        ("12345678901", "invalid_company_id"),
        ("1405/ب/12", "invalid_letter_number"),  # no such series
    ],
)
def test_malformed_queries_are_refused(
    sessions: sessionmaker[Session], typed: str, code: str
) -> None:
    with sessions() as session, pytest.raises(InvalidInput) as raised:
        find(session, typed)
    assert raised.value.code == code


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ({"limit": 0}, "search_limit_invalid"),
        ({"limit": searching.MAX_LIMIT + 1}, "search_limit_invalid"),
        ({"date_from": dt.date(2026, 2, 1), "date_to": dt.date(2026, 1, 1)},
         "search_dates_reversed"),
    ],
)  # fmt: skip
def test_bad_options_are_refused(
    sessions: sessionmaker[Session], options: dict[str, Any], code: str
) -> None:
    with sessions() as session, pytest.raises(InvalidInput) as raised:
        find(session, "قزوین", **options)
    assert raised.value.code == code


@pytest.mark.parametrize(
    ("typed", "words", "prefix"),
    [
        ("  علي   كريمي ", ("علی", "کریمی"), True),
        ("«سد معبر»،", ("سد", "معبر"), True),
        ("1405/09/04", ("1405", "09", "04"), True),  # a date: three numbers, no series
        ("آب ع", ("اب", "ع"), False),  # one letter is never a prefix
    ],
)
def test_parse_query_words(typed: str, words: tuple[str, ...], prefix: bool) -> None:
    query = parse_query(typed, SERIES)
    assert (query.kind, query.words, query.prefix) == (QueryKind.WORDS, words, prefix)


def test_search_words_split_where_the_index_does() -> None:
    assert search_words("شهرداری‌ها_و x-y تَشکیل ۱۴۰۵") == ["شهرداری", "ها", "و", "x", "y",
                                                          "تشکیل", "1405"]  # fmt: skip


def test_the_index_is_used(engine: Engine) -> None:
    """The plans read the search index, not every complaint."""
    with Session(engine) as session:
        query = parse_query("کریمی", SERIES)
        session.execute(text("SELECT 1"))
        if engine.dialect.name == "postgresql":
            session.execute(text("SET LOCAL enable_seqscan = off"))
            for column, index in [
                ("heading_norm", "ix_complaint_heading_norm_tsv"),
                ("text_norm", "ix_complaint_text_norm_tsv"),
            ]:
                condition = searching._pg_matches(f"complaint.{column}", "q")
                plan = " ".join(
                    row[0]
                    for row in session.execute(
                        text(f"EXPLAIN SELECT id FROM complaint WHERE {condition}"),
                        {"q": query.words[0]},
                    )
                )
                assert index in plan
        else:
            plan = " ".join(
                str(row[-1])
                for row in session.execute(
                    text("EXPLAIN QUERY PLAN SELECT rowid FROM complaint_fts WHERE "
                         "complaint_fts MATCH :q ORDER BY rowid DESC LIMIT 5"),
                    {"q": query.words[0]},
                )
            )  # fmt: skip
            assert "VIRTUAL TABLE" in plan and "TEMP B-TREE" not in plan


def _migration(name: str) -> Any:
    path = Path(searching.__file__).parent / "migrations" / "versions" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"migration_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["0003_search_index", "0012_desk_speed"])
def test_migration_builds_the_index_expression_the_search_uses(name: str) -> None:
    module = _migration(name)
    assert module.PG_PUNCTUATION == searching.PG_PUNCTUATION
    assert module._pg_tsvector("x") == searching._pg_tsvector("x")


def test_the_search_index_objects_are_the_migrations_objects() -> None:
    made = set(_migration("0003_search_index").PG_INDEXES) | {
        _migration("0012_desk_speed").PG_HEADING_INDEX,
        "heading_norm",
    }
    assert made | {"complaint_fts", "complaint_search_doc"} == set(searching.SEARCH_INDEX_OBJECTS)


# -- the command ---------------------------------------------------------------------------


def test_search_command(cli: Cli, tmp_path: Path) -> None:
    code = cli.json(*register_args(tmp_path))["tracking_code"]  # «علی رضایی», «سد معبر»
    found = cli.json("search", "علي رضايي")
    assert found["query"] == {"text": "علي رضايي", "kind": "words"}
    assert found["more"] is False
    [row] = found["results"]
    assert row == {
        "tracking_code": code,
        "state": "registered",
        "agencies": ["شهرداری قزوین"],
        "subject": "سد معبر",
        "complainant": "علی رضایی",
        "registered_date": "1405/09/04",
        "matched": ["name"],
        "letter_number": None,
        "letter_date": None,
    }
    persian = to_persian_digits(code)
    assert cli.json("search", persian, "--from", "۱۴۰۵/۰۹/۰۴")["results"][0]["matched"] == [
        "tracking_code"
    ]
    assert cli.json("search", "معبر", "--to", "1405/09/03")["results"] == []
    exit_code, out, _ = cli("search", "معبر", "--state", "registered")
    assert exit_code == 0 and "سد معبر" in out and "موضوع" in out
    exit_code, out, _ = cli("search", "پسماند")
    assert exit_code == 0 and "نتیجه‌ای پیدا نشد" in out


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["search", "  "], "search_query_empty"),
        (["search", "123456789012"], "invalid_tracking_code"),
        (["search", "معبر", "--from", "1405/13/01"], "invalid_jalali_date"),
        (["search", "معبر", "--from", "1405/09/05", "--to", "1405/09/01"],
         "search_dates_reversed"),
        (["search", "معبر", "--limit", "0"], "search_limit_invalid"),
        (["search", "معبر", "--state", "lost"], "invalid_option"),
    ],
)  # fmt: skip
def test_search_command_refuses_bad_input_with_exit_2(cli: Cli, args: list[str], code: str) -> None:
    exit_code, out, _ = cli(*args, "--json")
    assert exit_code == 2
    error = json.loads(out)["error"]
    assert error["code"] == code and "{" not in error["message"]
