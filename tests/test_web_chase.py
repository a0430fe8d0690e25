"""The desk's chase page (TestClient): today's steps as a preview, «ارسال» starting the
chase flow in a process of its own without holding the page, a second press while it runs
starting nothing, and the run's end (done, failed, stopped) shown on the next load."""

from __future__ import annotations

import datetime as dt
import json
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from flows import chase_process
from registry.kinds import LetterKind, Role
from registry.models import Letter
from registry.text import to_persian_digits
from tests.web_samples_replies14 import Referral, referral
from tests.web_support import DeskUnderTest, desk_fixture

pytestmark = pytest.mark.xdist_group("web_chase")


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeskUnderTest]:
    yield from desk_fixture(tmp_path_factory)


@pytest.fixture(scope="module")
def overdue(desk: DeskUnderTest) -> Referral:
    """A referral long past its due date: its first reminder is due today."""
    return referral(desk, days_ago=40)


def _status(desk: DeskUnderTest, **data: Any) -> None:
    path = chase_process.status_path(desk.runtime.settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    base = {"actor": "inspector", "started": dt.datetime.now(dt.UTC).isoformat()}
    path.write_text(json.dumps({**base, **data}), encoding="utf-8")


def _press(desk: DeskUnderTest) -> Any:
    client = desk.client(Role.INSPECTOR)
    return client.post("/chase", data={"csrf_token": desk.token(Role.INSPECTOR)})


def test_the_preview_lists_todays_steps(desk: DeskUnderTest, overdue: Referral) -> None:
    fresh = referral(desk)
    page = desk.client(Role.HEAD).get("/chase")
    assert page.status_code == 200
    assert to_persian_digits(overdue.number) in page.text
    assert to_persian_digits(fresh.number) not in page.text
    assert "پیگیری اول" in page.text
    assert "residegi chase" in page.text  # the schedule stays the normal way


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"state": "done", "planned": 2, "sent": ["1405/ص/7", "1405/ص/8"]}, "۱۴۰۵/ص/۸"),
        ({"state": "failed", "error": "نام امضاکننده خالی است."}, "نام امضاکننده خالی است."),
        ({"state": "running", "pid": 0, "host": socket.gethostname()}, "ناتمام ماند"),
    ],
)
def test_the_last_run_is_shown_as_its_status_says(
    desk: DeskUnderTest, data: dict[str, Any], words: str
) -> None:
    if data.get("pid") == 0:
        # A process that has ended (and was waited for): its run never wrote its end.
        gone = subprocess.Popen(["true"])
        gone.wait()
        data = {**data, "pid": gone.pid}
    _status(desk, **data)
    page = desk.client(Role.INSPECTOR).get("/chase").text
    assert words in page
    assert 'hx-trigger="every 3s"' not in page  # nothing left to follow
    assert "disabled" not in page.split('action="/chase"')[1].split("</form>")[0]


@pytest.mark.slow
def test_send_starts_the_chase_flow_beside_the_server(
    desk: DeskUnderTest, overdue: Referral
) -> None:
    # An earlier run that failed: nothing of it is carried into the new one's status.
    _status(desk, state="failed", error="خطای اجرای پیشین", sent=["1405/ص/1"])
    started = time.monotonic()
    response = _press(desk)
    # The page answers at once: the flow (Prefect, the letters) runs in its own process.
    assert response.status_code == 303 and response.headers["location"] == "/chase"
    assert time.monotonic() - started < 5
    (child,) = chase_process._CHILDREN
    running = desk.client(Role.INSPECTOR).get("/chase").text
    assert "پیگیری آغاز شد" in running and "در کار است" in running
    assert 'hx-trigger="every 3s"' in running
    # A second press while it runs starts nothing.
    assert _press(desk).status_code == 303
    assert len(chase_process._CHILDREN) == 1 and chase_process._CHILDREN[0] is child
    assert "هنوز در کار است" in desk.client(Role.INSPECTOR).get("/chase").text

    assert child.wait(timeout=600) == 0, (
        desk.runtime.settings.home / "chase" / "last-run.log"
    ).read_text(encoding="utf-8")[-3000:]
    with desk.runtime.sessions() as session:
        reminders = list(
            session.scalars(
                select(Letter.number).where(
                    Letter.kind == LetterKind.REMINDER, Letter.chases_id == overdue.letter_id
                )
            )
        )
    assert len(reminders) == 1
    done = desk.client(Role.INSPECTOR).get("/chase").text
    assert "پایان یافت" in done and to_persian_digits(reminders[0]) in done
    run = chase_process.last_run(desk.runtime.settings)
    assert run is not None and run.state == "done" and run.actor == "inspector"
    assert run.sent == reminders and run.error is None and "خطای اجرای پیشین" not in done
    assert chase_process._CHILDREN == []  # reaped on the page load
