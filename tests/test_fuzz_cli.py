"""Fuzzing the commands staff type into: ``complaint register``, ``reply record`` and
``search`` with arbitrary text (NUL, bidi marks, digits of every script, huge strings) and
arbitrary files, through the real command line in this process (issue 17).

Whatever comes in: the exit code is one of the contract's (0, 2, 3, 4, 5), never 1; nothing
prints a traceback; and a refused command (non-zero) leaves the registry's rows and the
archive's objects exactly as they were.  One registry is shared by every example (built once
for the module); the examples are derandomized, so CI runs the same ones every time.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from archive.store import ArchiveStore
from cli.main import main
from registry import holidays
from registry.db import make_engine, session_factory
from registry.kinds import ComplaintState
from registry.snapshot import describe
from registry.states import transition
from registry.tracking import parse_tracking_code
from tests.factories import national_id, pdf_file, png_bytes
from tests.replies_support import THU_FRI, sent

ALLOWED = {0, 2, 3, 4, 5}
FUZZ = settings(
    max_examples=25,
    deadline=None,  # a command takes 0.05-0.5 s, more on a busy machine: no flaky deadline
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


class Office:
    """One data folder, initialised once, and a way to run a command in it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = root / "data"
        self.url = f"sqlite:///{self.home / 'registry.sqlite3'}"
        self._names = itertools.count()

    def run(self, *args: str) -> tuple[int, str]:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["--home", str(self.home), *args])
        return code, out.getvalue() + err.getvalue()

    def file(self, data: bytes, suffix: str) -> Path:
        path = self.root / f"input-{next(self._names)}{suffix}"
        path.write_bytes(data)
        return path

    def state(self) -> tuple[dict[str, int], frozenset[str]]:
        """Rows of every table and every archived object."""
        objects = frozenset(ArchiveStore(str(self.home / "archive")).iter_objects())
        return describe(self.url).counts, objects


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    with pytest.MonkeyPatch.context() as patch:
        import os

        for key in list(os.environ):
            if key.startswith("RESIDEGI_"):
                patch.delenv(key)
        patch.setenv("RESIDEGI_TODAY", "1405/09/04")
        made = Office(tmp_path_factory.mktemp("fuzz"))
        assert made.run("init", "--sample")[0] == 0
        yield made


@pytest.fixture(scope="module")
def letter(office: Office) -> str:
    """A referral sent to Qazvin's municipality: the letter replies cite."""
    evidence = pdf_file(office.root / "evidence.pdf")
    code, out = office.run(*register(national_id(7), "علی", "شکایت", "متن", evidence, "--json"))
    assert code == 0, out
    engine = make_engine(office.url)
    with session_factory(engine)() as session, session.begin():
        from sqlalchemy import select

        from registry.models import Complaint

        tracking = parse_tracking_code(json.loads(out)["tracking_code"])
        complaint = session.scalars(
            select(Complaint).where(Complaint.tracking_code == tracking)
        ).one()
        for target in (ComplaintState.ACCEPTED, ComplaintState.AWAITING_REPLY):
            transition(session, complaint, target, actor="t", at=complaint.registered_at)
        calendar = holidays.working_calendar(session, THU_FRI)
        number = sent(session, calendar, on="1405/08/20", complaint=complaint).number
    engine.dispose()
    return number


def register(nid: str, name: str, subject: str, text: str, scan: Path, *extra: str) -> list[str]:
    return [
        "complaint",
        "register",
        "--first-name",
        name,
        "--last-name",
        name,
        "--national-id",
        nid,
        "--mobile",
        "09121234567",
        "--address",
        name,
        "--agency",
        "شهرداری قزوین",
        "--subject",
        subject,
        "--text",
        text,
        "--attach",
        f"evidence={scan}",
        *extra,
    ]


def check(office: Office, args: list[str]) -> int:
    """Run ``args``; the contract's exit code, no traceback, nothing written if refused."""
    before = office.state()
    code, said = office.run(*args)
    event(f"exit {code}")  # --hypothesis-show-statistics shows what the examples reached
    assert code in ALLOWED, (code, said)
    assert "Traceback" not in said, said
    if code != 0:
        assert office.state() == before, (code, said)
    return code


# Text as staff might paste it: any characters (NUL and bidi marks included), Persian and
# Arabic-Indic digits, or a run of one character far past every length bound.
TEXT = st.one_of(
    st.text(max_size=120),
    st.text(alphabet="۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩0123456789 /-‌\u200f\u202e\x00ك", max_size=40),
    st.integers(min_value=90, max_value=60_000).map(lambda n: "ش" * n),
)
FILE_BYTES = st.one_of(
    st.binary(max_size=3000),
    st.just(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"),  # a PDF header and nothing else
    st.builds(lambda w, h: png_bytes(w, h), st.integers(1, 60), st.integers(1, 60)),
)


VALID_PDF = pdf_file  # a real one-page PDF, written where asked


@FUZZ
@given(
    field=st.sampled_from(["name", "subject", "text", "national_id", "file", "all"]),
    value=TEXT,
    data=FILE_BYTES,
)
def test_complaint_register_never_fails_unexpectedly(
    office: Office, field: str, value: str, data: bytes
) -> None:
    # One field arbitrary at a time (or all of them), the others valid: the examples reach
    # past the first input check into storing, the registry and the archive.
    fuzzed = {key: field in (key, "all") for key in ("name", "subject", "text", "national_id")}
    if field in ("file", "all"):
        scan = office.file(data, ".pdf")
    else:
        scan = VALID_PDF(office.file(b"", ".pdf"))
    check(
        office,
        register(
            value if fuzzed["national_id"] else national_id(11),
            value if fuzzed["name"] else "علی",
            value if fuzzed["subject"] else "سد معبر",
            value if fuzzed["text"] else "پیاده‌رو بسته است.",
            scan,
            "--json",
        ),
    )


@FUZZ
@given(text=TEXT, data=FILE_BYTES)
def test_complaint_register_with_a_text_file_never_fails_unexpectedly(
    office: Office, text: str, data: bytes
) -> None:
    text_file = office.file(text.encode("utf-8", "surrogatepass") + data[:200], ".txt")
    scan = pdf_file(office.file(b"", ".pdf"))
    args = register(national_id(12), "زهرا", "موضوع", "x", scan, "--json")
    at = args.index("--text")
    args[at : at + 2] = ["--text-file", str(text_file)]
    check(office, args)


@FUZZ
@given(
    field=st.sampled_from(["number", "their_number", "date", "summary", "file"]),
    value=TEXT,
    data=FILE_BYTES,
)
def test_reply_record_never_fails_unexpectedly(
    office: Office, letter: str, field: str, value: str, data: bytes
) -> None:
    given_file = field == "file"
    scan = office.file(data, ".pdf") if given_file else VALID_PDF(office.file(b"", ".pdf"))
    values = {
        "number": letter,
        "their_number": "۱۲۳/ش",
        "date": "1405/08/25",
        "summary": "رسیدگی شد.",
    }
    if field != "file":
        values[field] = value
    check(
        office,
        [
            "reply",
            "record",
            values["number"],
            "--file",
            str(scan),
            "--their-number",
            values["their_number"],
            "--date",
            values["date"],
            "--summary",
            values["summary"],
            "--supersede",
            "--json",
        ],
    )


@FUZZ
@given(
    query=TEXT,
    start=st.one_of(st.none(), st.none(), st.just("1405/01/01"), TEXT),
    limit=st.one_of(st.none(), st.integers()),
)
def test_search_never_fails_unexpectedly(
    office: Office, query: str, start: str | None, limit: int | None
) -> None:
    args = ["search", query, "--json"]
    if start is not None:
        args += ["--from", start]
    if limit is not None:
        args += ["--limit", str(limit)]
    check(office, args)
