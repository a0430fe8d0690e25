"""Two ``letter dispatch`` at once on one office: the second shares the pending work (or
finds nothing left and says so), never a Prefect traceback; every letter exactly once.

The second starts while the first has letters numbered and not yet stored: it used to render
those too and then fail on «already sent» with Prefect's traceback (exit 4).
"""

from __future__ import annotations

import json
import os
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from registry import complaints
from registry.db import make_engine, session_factory, transaction
from registry.kinds import LetterState
from registry.models import Letter
from tests import dispatch_support
from tests.dispatch_support import RESIDEGI, dispatching, sent_so_far
from tests.factories import AT, complainant_input, complaint_input, national_id, seed_agencies

pytestmark = pytest.mark.slow

prefect_api = dispatch_support.prefect_api  # the module's Prefect server (a fixture)
LETTERS = 60


def prepare(home: Path, url: str, *, signatory: bool = True) -> None:
    home.mkdir()
    office = '[office]\nsignatory_name = "محمد احمدی"\n' if signatory else ""
    (home / "residegi.toml").write_text(
        f'database_url = "{url}"\ntoday = "1405/09/04"\n{office}', encoding="utf-8"
    )
    engine = make_engine(url)
    if url.startswith("sqlite"):
        from registry import migrate

        migrate.upgrade(engine)
    with transaction(session_factory(engine)) as session:
        seed_agencies(session)
        for n in range(LETTERS):
            data = complaint_input(
                complainant=complainant_input(national_id=national_id(n)), documents=()
            )
            complaint = complaints.register_complaint(
                session, data, actor="test", at=AT, duplicate_window_days=0
            ).complaint
            complaints.accept(session, complaint, actor="test", at=AT, note="نمونه آزمون")
    engine.dispose()


def test_a_second_dispatch_shares_the_work_without_a_traceback(
    migrated_url: str, tmp_path: Path, prefect_api: str
) -> None:
    home = tmp_path / "home"
    prepare(home, migrated_url)
    with dispatching(home, prefect_api) as (first, first_lines):
        seen_first = []
        for line in first_lines:
            seen_first.append(line)
            if sent_so_far(line) >= 3:
                break
        with dispatching(home, prefect_api) as (second, second_lines):
            seen_first += list(first_lines)
            seen_second = list(second_lines)
            assert second.wait(timeout=120) == 0, "".join(seen_second[-30:])
        assert first.wait(timeout=120) == 0, "".join(seen_first[-30:])
    for seen in (seen_first, seen_second):
        assert not any("Traceback" in line for line in seen), "".join(seen)
    engine = make_engine(migrated_url)
    with session_factory(engine)() as session:
        letters = session.scalars(select(Letter).order_by(Letter.seq)).all()
        assert [letter.seq for letter in letters] == list(range(1, LETTERS + 1))
        assert {letter.state for letter in letters} == {LetterState.SENT}
        assert max(Counter(letter.complaint_id for letter in letters).values()) == 1
    engine.dispose()


def test_a_refusal_inside_a_flow_is_one_line_not_prefects_traceback(
    tmp_path: Path, prefect_api: str
) -> None:
    home = tmp_path / "home"
    prepare(home, f"sqlite:///{tmp_path / 'registry.sqlite3'}", signatory=False)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RESIDEGI_", "PREFECT_"))}
    done = subprocess.run(
        [RESIDEGI, "--home", str(home), "letter", "dispatch", "--json"],
        env={**env, "PREFECT_API_URL": prefect_api},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # No signatory in the settings: the flow refuses before numbering anything, and only
    # the command says so; Prefect used to log the refusal again with its traceback.
    assert done.returncode == 2, done.stderr
    assert json.loads(done.stdout)["error"]["code"] == "signatory_required"
    assert done.stderr.strip() == "", done.stderr
