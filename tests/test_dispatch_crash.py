"""A real dispatch of 120 letters killed at each dangerous point, and at a random moment,
then run again: every letter exists exactly once, on SQLite and on PostgreSQL.

The dispatch is the real command (``residegi letter dispatch``, Prefect and the render
pool included) in its own process group; a failpoint makes it SIGKILL itself at the
chosen step, or the test kills the group after a random number of letters went out
(read from its progress lines: no clock is involved).  The commands talk to one Prefect
API server started for this module (server mode, as past one machine): a temporary
server per command would cost each of the sixteen runs its start-up.
"""

from __future__ import annotations

import contextlib
import os
import random
import selectors
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from archive.store import ArchiveStore
from flows.prefect_setup import configure_prefect
from registry import complaints
from registry.agencies import find_agency
from registry.db import make_engine, session_factory, transaction
from registry.kinds import ComplaintState, LetterKind, LetterState
from registry.models import ArchiveObject, Complaint, Event, Letter
from tests.factories import AT, complainant_input, complaint_input, national_id, seed_agencies

pytestmark = pytest.mark.slow

LETTERS = 120  # past the render pool's window many times over, and past every failpoint
TWO_AGENCIES = 50  # 70 complaints: 20 to one agency, 50 to two
AGENCIES = ["شهرداری قزوین", "شهرداری آبیک", "فرمانداری تاکستان", "شهرداری الوند"]
RESIDEGI = str(Path(sys.executable).with_name("residegi"))


def prepare(home: Path, url: str) -> None:
    home.mkdir()
    (home / "residegi.toml").write_text(
        f'database_url = "{url}"\ntoday = "1405/09/04"\n'
        '[office]\nsignatory_name = "محمد احمدی"\nphone = "02833330000"\n',
        encoding="utf-8",
    )
    engine = make_engine(url)
    with transaction(session_factory(engine)) as session:
        seed_agencies(session)
        for agency in AGENCIES:
            find_agency(session, agency)
        for n in range(LETTERS - TWO_AGENCIES):
            targets = AGENCIES[n % 4 : n % 4 + 1]
            if n < TWO_AGENCIES:
                targets = [AGENCIES[n % 4], AGENCIES[(n + 1) % 4]]
            data = complaint_input(
                agencies=tuple(targets),
                complainant=complainant_input(national_id=national_id(n)),
                documents=(),
            )
            complaint = complaints.register_complaint(
                session, data, actor="test", at=AT, duplicate_window_days=0
            ).complaint
            complaints.accept(session, complaint, actor="test", at=AT, note="نمونه آزمون")
    engine.dispose()


@pytest.fixture(scope="module")
def prefect_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Prefect API server for the module's commands (Prefect's own start waits for it)."""
    configure_prefect(tmp_path_factory.mktemp("prefect-server"))
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    server.start(timeout=180)
    yield server.api_url
    server.stop()


def dispatch(home: Path, api_url: str, failpoints: str = "", kill_after: int | None = None) -> int:
    """Run the real command; returns its exit code (negative: killed by that signal)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RESIDEGI_", "PREFECT_"))}
    env["RESIDEGI_FAILPOINTS"] = failpoints
    env["PREFECT_API_URL"] = api_url
    process = subprocess.Popen(
        [RESIDEGI, "--home", str(home), "letter", "dispatch"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert process.stderr is not None
    lines: list[str] = []
    # Prefect's temporary server inherits stderr, so the pipe stays open after the command
    # itself dies: read while it lives, never to an end of file that may not come.
    watch = selectors.DefaultSelector()
    watch.register(process.stderr, selectors.EVENT_READ)
    try:
        while process.poll() is None:
            if not watch.select(timeout=1.0):
                continue
            line = process.stderr.readline()
            lines.append(line)
            if kill_after is not None and line.startswith(f"send {kill_after}/"):
                os.killpg(process.pid, signal.SIGKILL)
        code = process.wait(timeout=60)
    finally:
        # The render workers and Prefect's temporary server die with their group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        watch.close()
        process.stderr.close()
    if code not in (0, -signal.SIGKILL):
        pytest.fail(f"dispatch exited {code}:\n{''.join(lines[-40:])}")
    return code


def check_exactly_once(home: Path, url: str) -> None:
    engine = make_engine(url)
    with session_factory(engine)() as session:
        letters = session.scalars(select(Letter).order_by(Letter.seq)).all()
        assert [letter.seq for letter in letters] == list(range(1, LETTERS + 1))
        assert {letter.kind for letter in letters} == {LetterKind.REFERRAL}
        assert {letter.state for letter in letters} == {LetterState.SENT}
        pairs = Counter((letter.complaint_id, letter.agency_id) for letter in letters)
        assert max(pairs.values()) == 1
        states = session.scalars(select(Complaint.state)).all()
        assert set(states) == {ComplaintState.AWAITING_REPLY}
        numbered = session.scalar(
            select(func.count()).select_from(Event).where(Event.action == "letter_numbered")
        )
        assert numbered == LETTERS
        catalogued = set(session.scalars(select(ArchiveObject.sha256)))
        for letter in letters:
            assert {letter.pdf_sha256, letter.docx_sha256} <= catalogued
    engine.dispose()
    stored = set(ArchiveStore(str(home / "archive")).iter_objects())
    assert stored == catalogued  # nothing missing, nothing unreferenced


KILLS = [
    pytest.param("after_number_commit=37", None, id="after-number-commit"),
    pytest.param("after_pdf_stored=23", None, id="after-pdf-stored"),
    pytest.param("before_state_commit=61", None, id="before-state-commit"),
    # Early enough that the rerun, not the killed run, renders most of the letters.
    pytest.param("", random.Random(1405).randrange(5, 60), id="random-moment"),
]


@pytest.mark.parametrize(("failpoints", "kill_after"), KILLS)
def test_killed_dispatch_reruns_to_every_letter_exactly_once(
    migrated_url: str, tmp_path: Path, prefect_api: str, failpoints: str, kill_after: int | None
) -> None:
    home = tmp_path / "home"
    prepare(home, migrated_url)
    assert dispatch(home, prefect_api, failpoints, kill_after) == -signal.SIGKILL
    assert dispatch(home, prefect_api) == 0
    check_exactly_once(home, migrated_url)
