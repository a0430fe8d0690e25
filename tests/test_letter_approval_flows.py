"""Approval and signature before the number through the shells: the command line, a flow
run on the embedded Prefect, and a deployment's run executed from its entrypoint as a
worker does.  With referrals needing approval none of them sends a letter unsigned."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from flows.prefect_setup import configure_prefect
from office import drafts
from office.runtime import Runtime
from office.setup import install_trial_key_if_missing
from registry.db import transaction
from registry.kinds import LetterState
from registry.models import Letter
from registry.settings import Settings
from tests.cli_support import Cli
from tests.factories import accepted, complainant_input, national_id, seed_agencies

pytestmark = pytest.mark.slow
TEHRAN = dt.timezone(dt.timedelta(hours=3, minutes=30))
NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=TEHRAN)
ROOT = Path(__file__).resolve().parent.parent
OFFICE = {"signatory_name": "محمد احمدی", "approval_required_kinds": ["referral"]}


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    configure_prefect(tmp_path_factory.mktemp("prefect"))
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture
def settings(harness: None, migrated_url: str, tmp_path: Path) -> Settings:
    """Two accepted complaints, three referrals to write; referrals need approval.  The
    same settings are in the data folder's residegi.toml for the command line."""
    (tmp_path / "residegi.toml").write_text(
        f'database_url = "{migrated_url}"\ntoday = "1405/09/04"\n'
        '[office]\nsignatory_name = "محمد احمدی"\napproval_required_kinds = ["referral"]\n',
        encoding="utf-8",
    )
    settings = Settings(home=tmp_path, database_url=migrated_url, today="1405/09/04", office=OFFICE)
    runtime = Runtime(settings)
    install_trial_key_if_missing(runtime)  # signed drafts leave sealed
    with transaction(runtime.sessions) as session:
        seed_agencies(session)
        accepted(session, NOW, agencies=("شهرداری قزوین", "شهرداری آبیک"))
        person = complainant_input(national_id=national_id(7))
        accepted(session, NOW, agencies=("شهرداری تاکستان",), complainant=person)
    runtime.close()
    return settings


def sent(settings: Settings) -> list[str]:
    runtime = Runtime(settings)
    with runtime.sessions() as session:
        query = select(Letter.number).where(Letter.state == LetterState.SENT).order_by(Letter.seq)
        found = list(session.scalars(query))
    runtime.close()
    return found


def dispatch_command(settings: Settings) -> dict[str, object]:
    """``residegi letter dispatch --json`` in a process of its own, on the harness's API."""
    from prefect.settings import PREFECT_API_URL

    env = {k: v for k, v in os.environ.items() if not k.startswith(("RESIDEGI_", "PREFECT_"))}
    env["PREFECT_API_URL"] = str(PREFECT_API_URL.value())
    residegi = Path(sys.executable).with_name("residegi")
    done = subprocess.run(
        [str(residegi), "--home", str(settings.home), "letter", "dispatch", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    summary: dict[str, object] = json.loads(done.stdout)
    return summary


def test_the_command_line_drafts_decides_and_numbers_only_what_is_signed(
    settings: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in list(os.environ):
        if key.startswith("RESIDEGI_"):
            monkeypatch.delenv(key)
    cli = Cli(settings.home, capsys)
    summary = dispatch_command(settings)
    assert (summary["letters"], summary["drafts"]) == (0, 3)
    assert sent(settings) == []
    listed = cli.json("letter", "drafts")
    assert [d["state"] for d in listed] == ["draft"] * 3
    first, second, third = (d["id"] for d in listed)
    assert set(listed[0]) >= {"id", "kind", "state", "batch", "tracking_code", "recipient"}

    # Nothing named: a usage error, nothing written.  An unknown draft: not found.
    assert cli("letter", "sign", "--json")[0] == 2
    assert cli("letter", "reject-draft", "999", "--reason", "x", "--json")[0] == 3
    rejected = cli.json("letter", "reject-draft", str(third), "--reason", "دستگاه نادرست")
    assert rejected["state"] == "rejected"
    approved = cli.json("letter", "approve", str(first), "--as", "reza")
    assert [(d["state"], d["approved_by"]) for d in approved] == [("approved", "reza")]

    # Approved is not signed: a dispatch now numbers nothing.  It drafts afresh the
    # referral whose draft was rejected (from the case as it now is), in a batch of its own.
    summary = dispatch_command(settings)
    assert (summary["letters"], summary["drafts"]) == (0, 1)
    assert sent(settings) == []

    # The head signs the whole batch at once (approving the one not yet approved).
    batch = listed[0]["batch"]
    signed = cli.json("letter", "sign", "--batch", batch, "--as", "head")
    assert [(d["id"], d["state"]) for d in signed] == [(first, "signed"), (second, "signed")]
    code, out, _ = cli("letter", "sign", str(first))
    assert code == 4 and "امضا" in out + _

    summary = dispatch_command(settings)
    assert (summary["letters"], summary["first_number"], summary["last_number"]) == (
        2,
        "1405/ص/1",
        "1405/ص/2",
    )
    assert sent(settings) == ["1405/ص/1", "1405/ص/2"]
    every = cli.json("letter", "drafts", "--all")
    assert [(d["state"], d["number"]) for d in every] == [
        ("numbered", "1405/ص/1"),
        ("numbered", "1405/ص/2"),
        ("rejected", None),
        ("draft", None),
    ]
    assert every[3]["batch"] != batch
    assert cli.json("letter", "drafts") == every[3:]
    # The letter left sealed by the office: `verify` finds its signature intact.
    exported = settings.home / "1.pdf"
    cli.json("letter", "export", "1405/ص/1", "-o", str(exported))
    verdict = cli.json("verify", str(exported))
    assert (verdict["verdict"], verdict["signatures"], verdict["intact"]) == ("ok", 1, True)
    assert verdict["archive"] == "held", verdict


def test_user_deputy_names_and_withdraws_a_deputy(
    settings: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cli = Cli(settings.home, capsys)
    password = tmp_path / "pw.txt"
    password.write_text("a-long-password\n", encoding="utf-8")
    code, out, err = cli(
        "user", "add", "ali", "--role", "secretariat", "--full-name", "علی رضایی",
        "--password-file", str(password),
    )  # fmt: skip
    assert code == 0, out + err
    named = cli.json("user", "deputy", "ali", "--title", "معاون دفتر")
    assert (named["username"], named["deputy"], named["deputy_title"]) == (
        "ali",
        True,
        "معاون دفتر",
    )
    assert cli.json("user", "deputy", "ali", "--remove")["deputy"] is False
    assert cli("user", "deputy", "nobody", "--json")[0] == 3


def test_a_flow_run_numbers_signed_drafts_only(settings: Settings) -> None:
    from flows.dispatch import DispatchParams, run_dispatch

    summary = run_dispatch(DispatchParams(actor="دبیرخانه", workers=1), settings)
    assert (summary.letters, summary.drafts) == (0, 3)
    runtime = Runtime(settings)
    first, second, _third = (d["id"] for d in drafts.list_drafts(runtime, "t"))
    drafts.approve(runtime, "reza", [first, second])
    drafts.sign(runtime, "head", [second])
    summary = run_dispatch(DispatchParams(actor="دبیرخانه", workers=1), settings)
    assert (summary.letters, summary.drafts, summary.first_number) == (1, 0, "1405/ص/1")
    records = {d["id"]: d for d in drafts.list_drafts(runtime, "t", every=True)}
    assert (records[first]["state"], records[first]["number"]) == ("approved", None)
    assert (records[second]["state"], records[second]["number"]) == ("numbered", "1405/ص/1")
    runtime.close()


def test_a_deployments_run_numbers_signed_drafts_only(settings: Settings) -> None:
    """A worker's run from the entrypoint, its settings from the environment only: the
    signed draft is numbered and sent, the approved one and the unsigned ones are not."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import FlowRun
    from prefect.deployments import run_deployment
    from prefect.deployments.runner import RunnerDeployment
    from prefect.settings import PREFECT_API_URL

    from flows.dispatch import letter_dispatch
    from office import pipeline

    runtime = Runtime(settings)
    batch = pipeline.Batch(runtime, "دبیرخانه")
    first, second, _third = drafts.draft_referrals(batch, pipeline.pending_referrals(batch, None))
    drafts.approve(runtime, "reza", [first])
    drafts.sign(runtime, "head", [second])

    home = settings.home / "worker"
    params = {"actor": "دبیرخانه", "workers": 1, "home": str(home)}
    deployment = letter_dispatch.to_deployment(name="approval-dispatch", parameters=params)
    assert isinstance(deployment, RunnerDeployment)
    deployment.apply()
    flow_run = run_deployment("letter-dispatch/approval-dispatch", timeout=0)
    assert isinstance(flow_run, FlowRun)
    worker_env = {k: v for k, v in os.environ.items() if not k.startswith("RESIDEGI_")}
    worker_env |= {
        "PREFECT_API_URL": str(PREFECT_API_URL.value()),
        "RESIDEGI_DATABASE_URL": settings.resolved_database_url,
        "RESIDEGI_TODAY": "1405/09/04",
        "RESIDEGI_OFFICE__SIGNATORY_NAME": settings.office.signatory_name,
        "RESIDEGI_OFFICE__APPROVAL_REQUIRED_KINDS": '["referral"]',
        "RESIDEGI_SIGNING_KEY_PATH": str(settings.resolved_signing_key_path),
    }
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
    assert sent(settings) == ["1405/ص/1"]
    records = {d["id"]: d for d in drafts.list_drafts(runtime, "t", every=True)}
    assert [records[i]["state"] for i in (first, second, _third)] == [
        "approved",
        "numbered",
        "draft",
    ]
    runtime.close()
