"""The search box cannot run away (issue 17): the text is bounded before any SQL, every
statement runs under a time bound, and no date or number typed in it reaches the
database in a form that breaks it; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from office import search as office_search
from office.messages import staff_message
from office.runtime import Runtime
from registry import search as searching
from registry.db import transaction
from registry.errors import InvalidInput, Refused
from registry.search_query import MAX_QUERY_CHARS, MAX_QUERY_WORDS
from registry.text import to_persian_digits
from registry.time_bound import time_bounded
from tests.cli_support import Cli
from tests.factories import AT, complainant_input, national_id, registered, seeded_runtime

# A runaway query must be refused well within this, measured around the call itself.
QUICK = 2.0
WORD = "کریمی"
# Counting without end on SQLite (closed with ")" or with a WHERE and ")").
COUNT = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"


@pytest.fixture
def runtime(migrated_url: str, tmp_path: Path) -> Iterator[Runtime]:
    runtime = seeded_runtime(migrated_url, tmp_path, at=AT)
    with transaction(runtime.sessions) as session:
        person = complainant_input(first_name="علی", last_name="کریمی", national_id=national_id(7))
        registered(session, complainant=person, subject="سد معبر")
    yield runtime
    runtime.close()


@pytest.fixture
def statements(runtime: Runtime) -> Iterator[list[str]]:
    """The SQL statements the runtime's engine runs from here on."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(runtime.engine, "before_cursor_execute", record)
    yield seen
    event.remove(runtime.engine, "before_cursor_execute", record)


@pytest.mark.parametrize(
    ("typed", "code", "size"),
    [
        (" ".join([WORD] * 40_000), "search_query_too_long", 40_000 * 6 - 1),
        (" ".join([WORD] * 1_000), "search_query_too_long", 1_000 * 6 - 1),
        (" ".join(["آب"] * (MAX_QUERY_WORDS + 1)), "search_query_too_many_words", 13),
    ],
    ids=["40000-words", "1000-words", "13-short-words"],
)
def test_runaway_queries_are_refused_before_any_sql(
    runtime: Runtime, statements: list[str], typed: str, code: str, size: int
) -> None:
    started = time.monotonic()
    with pytest.raises(InvalidInput) as raised:
        office_search.search(runtime, "tester", typed)
    elapsed = time.monotonic() - started
    assert elapsed < QUICK, elapsed
    assert raised.value.code == code
    assert raised.value.params["size"] == size
    assert statements == []
    limit = MAX_QUERY_CHARS if code == "search_query_too_long" else MAX_QUERY_WORDS
    assert raised.value.params["limit"] == limit
    assert f" {to_persian_digits(limit)} " in staff_message(code, raised.value.params)


def test_queries_at_the_bounds_are_answered(runtime: Runtime) -> None:
    twelve = " ".join(["علی"] * (MAX_QUERY_WORDS - 1) + ["کریمی"])
    assert [r["subject"] for r in office_search.search(runtime, "tester", twelve).records] == [
        "سد معبر"
    ]
    padded = "  " + "کریمی" + " " * MAX_QUERY_CHARS  # spaces around the text do not count
    assert len(office_search.search(runtime, "tester", padded).records) == 1
    longest = ("کریمی " * 40)[:MAX_QUERY_CHARS]  # 34 words: refused for its words only
    with pytest.raises(InvalidInput) as raised:
        office_search.search(runtime, "tester", longest)
    assert raised.value.code == "search_query_too_many_words"


@pytest.mark.parametrize(
    ("options", "found"),
    [
        ({"date_to": dt.date.max}, 1),
        ({"date_from": dt.date.min}, 1),
        ({"date_from": dt.date.min, "date_to": dt.date.max}, 1),
        ({"date_from": dt.date.max}, 0),
        ({"date_to": dt.date.min}, 0),
    ],
    ids=["to-max", "from-min", "min-max", "from-max", "to-min"],
)
def test_extreme_dates_bound_nothing_and_break_nothing(
    runtime: Runtime, options: dict[str, Any], found: int
) -> None:
    assert len(office_search.search(runtime, "tester", "کریمی", **options).records) == found
    assert office_search.search(runtime, "tester", "1405/ص/1", **options).records == []  # no letter


@pytest.mark.parametrize(
    "typed", ["1405/ص/99999999999999999999", "99999999999999999999/ص/1", "1405/ص/2147483648"]
)
def test_letter_numbers_no_letter_can_have_find_nothing(runtime: Runtime, typed: str) -> None:
    found = office_search.search(runtime, "tester", typed)
    assert (found.query_kind, found.records) == ("letter_number", [])


@pytest.mark.parametrize(
    "migrated_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_a_statement_past_the_time_bound_is_refused_on_postgresql(runtime: Runtime) -> None:
    """A search waiting on a table another transaction holds is cancelled by the
    statement timeout given through the parameters, and refused in Persian."""
    assert runtime.engine.dialect.name == "postgresql"
    with runtime.engine.connect() as holder:
        holder.execute(text("LOCK TABLE complaint IN ACCESS EXCLUSIVE MODE"))
        started = time.monotonic()
        with pytest.raises(Refused) as raised:
            office_search.search(runtime, "tester", "کریمی", timeout=0.05)
        elapsed = time.monotonic() - started
        holder.rollback()
    assert elapsed < QUICK, elapsed
    assert raised.value.code == "search_too_slow"
    assert raised.value.kind.exit_code == 4
    assert "۰.۰۵ ثانیه" in staff_message("search_too_slow", raised.value.params)
    # The lock gone, the same search with the same session factory answers.
    assert len(office_search.search(runtime, "tester", "کریمی").records) == 1


def test_the_time_bound_is_for_the_search_only(runtime: Runtime) -> None:
    """PostgreSQL: the server's statement_timeout is back once the search is done, in the
    same transaction.  SQLite: the progress handler is removed."""
    with runtime.sessions() as session:
        if runtime.engine.dialect.name == "postgresql":
            before: str = session.execute(text("SHOW statement_timeout")).scalar_one()
            with time_bounded(session, 3, "search_too_slow"):
                inside: str = session.execute(text("SHOW statement_timeout")).scalar_one()
            after: str = session.execute(text("SHOW statement_timeout")).scalar_one()
            assert (inside, after) == ("3s", before)
        else:
            with time_bounded(session, 1e-6, "search_too_slow"):
                pass
            # Past that deadline: a statement of many steps runs to its end all the same.
            count = session.execute(text(COUNT + " WHERE i < 200000) SELECT count(*) FROM n"))
            assert count.scalar_one() == 200_000


@pytest.mark.parametrize("migrated_url", ["sqlite"], indirect=True)
def test_sqlite_interrupts_a_statement_past_the_time_bound(runtime: Runtime) -> None:
    """A statement still running at the deadline is interrupted by the progress handler
    and refused in Persian (a recursive count that never ends without the bound)."""
    assert runtime.engine.dialect.name == "sqlite"
    started = time.monotonic()
    with (
        runtime.sessions() as session,
        pytest.raises(Refused) as raised,
        time_bounded(session, 0.05, "search_too_slow"),
    ):
        session.execute(text(COUNT + ") SELECT count(*) FROM n"))
    assert time.monotonic() - started < QUICK
    assert raised.value.code == "search_too_slow"


def test_search_passes_its_timeout_down(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[float] = []
    real = time_bounded

    def spy(session: Any, seconds: float, code: str) -> Any:
        seen.append(seconds)
        return real(session, seconds, code)

    monkeypatch.setattr(searching, "time_bounded", spy)
    office_search.search(runtime, "tester", "کریمی")
    office_search.search(runtime, "tester", "کریمی", timeout=1.5)
    assert seen == [searching.SEARCH_TIMEOUT, 1.5]


# -- the command ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "code", "limit"),
    [
        (MAX_QUERY_WORDS + 1, "search_query_too_many_words", MAX_QUERY_WORDS),
        (40_000, "search_query_too_long", MAX_QUERY_CHARS),
    ],
)
def test_search_command_refuses_too_many_words_with_exit_2(
    cli: Cli, words: int, code: str, limit: int
) -> None:
    typed = " ".join(["آب"] * words)
    exit_code, out, err = cli("search", typed)
    assert exit_code == 2, (out, err)
    [line] = (out + err).strip().splitlines()
    assert f" {to_persian_digits(limit)} " in line and "Traceback" not in line
    exit_code, out, _ = cli("search", typed, "--json")
    assert exit_code == 2 and json.loads(out)["error"]["code"] == code


def test_search_command_takes_any_jalali_date(cli: Cli) -> None:
    """The first and last days a Jalali date can name (the web desk's Gregorian dates go
    further, to date.min and date.max: see the test of extreme dates above)."""
    for option in (["--to", "9377/12/29"], ["--from", "0001/01/01"], ["--from", "9377/12/29"]):
        exit_code, out, err = cli("search", "معبر", *option, "--json")
        assert exit_code == 0, (out, err)
        assert json.loads(out)["results"] == []  # nothing registered in the sample home
