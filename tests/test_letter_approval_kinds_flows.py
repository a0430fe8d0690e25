"""Approval of the kinds beside the referral through the shells: the command line, the
answer and chase flows on the embedded Prefect, and their deployments' runs executed from
the entrypoints as a worker does.  None of them numbers a rejection, report, answer or
chaser unsigned; the head's `letter sign` numbers them, gaplessly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from flows.prefect_setup import configure_prefect
from registry.jalali import format_jalali
from registry.kinds import LetterKind
from registry.models import LetterDraft
from registry.settings import Settings
from tests.cli_support import Cli
from tests.test_letter_approval_kinds import (
    DECISION,
    KINDS,
    STRICT,
    Office,
    four_cases,
    next_step_on,
    numbers,
)

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
REGISTER = ["1405/ص/1", "1405/ص/2", "1405/ص/3", "1405/ص/4"]


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    configure_prefect(tmp_path_factory.mktemp("prefect"))
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture
def desk(harness: None, migrated_url: str, tmp_path: Path) -> Iterator[Office]:
    """The four cases, with today the day the chased referrals' first reminder is due;
    every kind needs approval, in the data folder's residegi.toml as well."""
    desk = Office(migrated_url, tmp_path)
    four_cases(desk)
    desk.today = format_jalali(next_step_on(desk).date())
    kinds = ", ".join(f'"{kind}"' for kind in KINDS)
    (tmp_path / "residegi.toml").write_text(
        f'database_url = "{migrated_url}"\ntoday = "{desk.today}"\n'
        f'[office]\nsignatory_name = "{STRICT["signatory_name"]}"\n'
        f"approval_required_kinds = [{kinds}]\n",
        encoding="utf-8",
    )
    yield desk
    desk.close()


def settings_of(desk: Office) -> Settings:
    return Settings(home=desk.home, database_url=desk.url, today=desk.today, office=STRICT)


def drafted(desk: Office) -> list[tuple[str, str]]:
    """(kind, state) of every draft, oldest first."""
    with desk.runtime().sessions() as session:
        rows = session.execute(select(LetterDraft.kind, LetterDraft.state).order_by("id"))
        return [(kind.value, state.value) for kind, state in rows]


def command(desk: Office, *args: str) -> dict[str, object]:
    """``residegi ARGS --json`` in a process of its own, on the harness's API."""
    from prefect.settings import PREFECT_API_URL

    env = {k: v for k, v in os.environ.items() if not k.startswith(("RESIDEGI_", "PREFECT_"))}
    env["PREFECT_API_URL"] = str(PREFECT_API_URL.value())
    residegi = Path(sys.executable).with_name("residegi")
    done = subprocess.run(
        [str(residegi), "--home", str(desk.home), *args, "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_the_command_line_drafts_every_kind_and_the_signature_numbers_them(
    desk: Office, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in list(os.environ):
        if key.startswith("RESIDEGI_"):
            monkeypatch.delenv(key)
    cli = Cli(desk.home, capsys)
    rejected = cli.json(
        "complaint", "review", desk.tracking(2), "--reject", "--reason", "خارج از صلاحیت"
    )
    assert (rejected["state"], rejected["letter_number"]) == ("rejected", None)
    reported = cli.json("report", desk.tracking(1), "--conclusion", "شکایت وارد است.")
    assert (reported["state"], reported["letter_number"]) == ("under_inspection", None)
    decision = desk.home / "decision.txt"
    decision.write_text(DECISION, encoding="utf-8")
    answered = command(desk, "answer", desk.tracking(0), "--text-file", str(decision))
    assert (answered["state"], answered["letter_number"]) == ("replied", None)
    chased = command(desk, "chase")
    assert chased["sent"] == []
    assert numbers(desk) == REGISTER
    assert sorted(drafted(desk)) == sorted(
        [
            ("rejection", "draft"),
            ("inspection_report", "draft"),
            ("final_answer", "draft"),
            ("reminder", "draft"),  # the referral under inspection is late too
            ("reminder", "draft"),
        ]
    )
    # One draft rejected: it never gets a number; the head signs the rest at once.
    reminder = next(d for d in cli.json("letter", "drafts") if d["kind"] == "reminder")
    cli.json("letter", "reject-draft", str(reminder["id"]), "--reason", "بعداً")
    signed = cli.json("letter", "sign", "--all", "--as", "head")
    assert sorted(d["number"] for d in signed) == [f"1405/ص/{n}" for n in range(5, 9)]
    assert numbers(desk) == REGISTER + [f"1405/ص/{n}" for n in range(5, 9)]
    shown = cli.json("complaint", "show", desk.tracking(0))
    assert shown["state"] == "answered"


def test_the_flows_draft_and_number_nothing(desk: Office) -> None:
    from flows.answer import run_answers
    from flows.chase import run_chase

    settings = settings_of(desk)
    (answered,) = run_answers(settings, [(desk.tracking(0), DECISION)], "t")
    assert answered.letter_number is None and answered.draft is not None
    assert run_chase(settings, "t").sent == []
    assert numbers(desk) == REGISTER
    assert sorted(drafted(desk)) == [
        ("final_answer", "draft"),
        ("reminder", "draft"),
        ("reminder", "draft"),
    ]


# On SQLite alone: what a worker's run may not do (number a kind that needs approval) is
# the engine-independent rule the in-process tests above check on both engines, and the
# deployment path's own numbering on PostgreSQL is test_letter_approval_flows'.  Two
# worker processes a run make it the suite's slowest test.
@pytest.mark.parametrize("migrated_url", ["sqlite"], indirect=True)
def test_the_deployments_runs_draft_and_number_nothing(desk: Office) -> None:
    """Worker runs of the answer and chase deployments, settings from the environment."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import FlowRun
    from prefect.deployments import run_deployment
    from prefect.deployments.runner import RunnerDeployment
    from prefect.settings import PREFECT_API_URL

    from flows.answer import final_answer
    from flows.chase import chase

    home = str(desk.home / "worker")
    answer_params = {"decisions": {desk.tracking(0): DECISION}, "actor": "t", "home": home}
    deployments = [
        final_answer.to_deployment(name="approval-answer", parameters=answer_params),
        chase.to_deployment(name="approval-chase", parameters={"actor": "t", "home": home}),
    ]
    worker_env = {k: v for k, v in os.environ.items() if not k.startswith("RESIDEGI_")}
    worker_env |= {
        "PREFECT_API_URL": str(PREFECT_API_URL.value()),
        "RESIDEGI_DATABASE_URL": desk.url,
        "RESIDEGI_TODAY": desk.today,
        "RESIDEGI_OFFICE__SIGNATORY_NAME": str(STRICT["signatory_name"]),
        "RESIDEGI_OFFICE__APPROVAL_REQUIRED_KINDS": json.dumps(KINDS),
        "RESIDEGI_SIGNING_KEY_PATH": str(desk.runtime().settings.resolved_signing_key_path),
    }
    for deployment, name in zip(
        deployments, ["final-answer/approval-answer", "chase/approval-chase"], strict=True
    ):
        assert isinstance(deployment, RunnerDeployment)
        deployment.apply()
        flow_run = run_deployment(name, timeout=0)
        assert isinstance(flow_run, FlowRun)
        prefect = Path(sys.executable).with_name("prefect")
        done = subprocess.run(
            [str(prefect), "flow-run", "execute", str(flow_run.id)],
            env=worker_env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        with get_client(sync_client=True) as client:
            state = client.read_flow_run(flow_run.id).state
        assert state is not None and state.is_completed(), state
    assert numbers(desk) == REGISTER
    kinds = sorted(kind for kind, _ in drafted(desk))
    assert kinds == [LetterKind.FINAL_ANSWER.value, "reminder", "reminder"]
