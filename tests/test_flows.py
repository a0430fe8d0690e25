"""Each flow under Prefect's test harness: dispatch, chase, answer, and the demo."""

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
from office import pipeline
from office.runtime import Runtime
from office.setup import install_trial_key_if_missing
from registry import complaints
from registry.db import transaction
from registry.kinds import ComplaintState, DocumentKind, LetterKind, LetterState
from registry.models import Complaint, Letter
from registry.replies import record_reply
from registry.settings import Settings
from tests.factories import accepted, seed_agencies

pytestmark = pytest.mark.slow
TEHRAN = dt.timezone(dt.timedelta(hours=3, minutes=30))
NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=TEHRAN)


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    configure_prefect(tmp_path_factory.mktemp("prefect"))
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture
def settings(harness: None, migrated_url: str, tmp_path: Path) -> Settings:
    settings = Settings(
        home=tmp_path,
        database_url=migrated_url,
        today="1405/09/04",
        office={"signatory_name": "محمد احمدی"},
    )
    runtime = Runtime(settings)
    install_trial_key_if_missing(runtime)
    with transaction(runtime.sessions) as session:
        seed_agencies(session)
        accepted(session, NOW, duplicate_window_days=0, agencies=("شهرداری قزوین", "شهرداری آبیک"))
    runtime.engine.dispose()
    return settings


def send_referrals(settings: Settings) -> Runtime:
    """The referrals numbered and sent through the plain pipeline (no flow)."""
    runtime = Runtime(settings)
    batch = pipeline.Batch(runtime, "دبیرخانه")
    ids = pipeline.number_referrals(batch, pipeline.pending_referrals(batch, None))
    pipeline.deliver(batch, ids, pipeline.move_complaint_when_referred(batch))
    return runtime


def test_dispatch_flow(settings: Settings) -> None:
    from flows.dispatch import DispatchParams, run_dispatch

    summary = run_dispatch(DispatchParams(actor="دبیرخانه", workers=1), settings)
    assert (summary.letters, summary.first_number, summary.last_number) == (
        2,
        "1405/ص/1",
        "1405/ص/2",
    )
    assert run_dispatch(DispatchParams(actor="x", workers=1), settings).letters == 0
    runtime = Runtime(settings)
    with runtime.sessions() as session:
        assert session.scalars(select(Complaint.state)).one() is ComplaintState.AWAITING_REPLY
        letters = session.scalars(select(Letter)).all()
        assert {(letter.kind, letter.state) for letter in letters} == {
            (LetterKind.REFERRAL, LetterState.SENT)
        }
    runtime.close()


def test_chase_flow(settings: Settings) -> None:
    from flows.chase import run_chase

    send_referrals(settings).close()  # sent 1405/09/04, due ten working days later
    assert run_chase(settings, "x", dry_run=True).planned == []  # nothing overdue today
    later = settings.model_copy(update={"today": "1405/10/01"})
    planned = run_chase(later, "پیگیری", dry_run=True).planned
    assert [p.step.kind.value for p in planned] == ["first_reminder", "first_reminder"]
    result = run_chase(later, "پیگیری")
    assert result.sent == ["1405/ص/3", "1405/ص/4"]
    assert run_chase(later, "پیگیری").sent == []  # each step once
    runtime = Runtime(later)
    with runtime.sessions() as session:
        reminders = session.scalars(select(Letter).where(Letter.kind == LetterKind.REMINDER))
        assert {r.chases_id for r in reminders} == {1, 2}
    runtime.close()


def test_the_scheduled_chase_does_nothing_on_a_weekend_day_or_a_holiday(
    settings: Settings,
) -> None:
    """What the deployment's daily 07:30 run does: ``working_days_only`` by the office's
    calendar (its weekend setting, its holidays' table), decided in office/."""
    from flows.chase import chase
    from flows.run_context import RunContext, given
    from office import holidays
    from office.chasing import ChaseResult

    send_referrals(settings).close()  # both reminders are due by 1405/10/01

    def scheduled(today: str) -> ChaseResult:
        runtime = Runtime(settings.model_copy(update={"today": today}))
        try:
            with given(RunContext(runtime)):
                return chase("پیگیری", working_days_only=True)
        finally:
            runtime.close()

    assert scheduled("1405/10/03").planned == []  # Thursday: the default weekend
    assert scheduled("1405/10/04").planned == []  # Friday
    runtime = Runtime(settings)
    holidays.add(runtime, "x", dt.date(2026, 12, 26), "تعطیل رسمی")  # Saturday 1405/10/05
    runtime.close()
    assert scheduled("1405/10/05").planned == []
    sunday = scheduled("1405/10/06")
    assert (len(sunday.planned), sunday.sent) == (2, ["1405/ص/3", "1405/ص/4"])


def test_answer_flow(settings: Settings) -> None:
    from flows.answer import run_answers

    runtime = send_referrals(settings)
    with transaction(runtime.sessions) as session:
        complaint = session.scalars(select(Complaint)).one()
        assert complaint.state is ComplaintState.AWAITING_REPLY
        today = runtime.clock.today()
        for letter in session.scalars(select(Letter).order_by(Letter.seq)):
            document = complaints.NewDocument(
                kind=DocumentKind.AGENCY_REPLY,
                sha256=f"{letter.id:064x}",
                original_name="r.pdf",
                media_type="application/pdf",
                size=1,
            )
            record_reply(
                session,
                letter,
                their_number="12/ش",
                their_date=today,
                document=document,
                at=runtime.clock.now(),
                actor="x",
                today=today,
                summary="رسیدگی شد.",
            )
        tracking = complaint.tracking_code
    (answered,) = run_answers(settings, [(tracking, "شکایت شما رسیدگی شد.")], "بازرس")
    assert answered.state is ComplaintState.ANSWERED
    with runtime.sessions() as session:
        answer = session.scalars(select(Letter).where(Letter.kind == LetterKind.FINAL_ANSWER)).one()
        assert answer.state is LetterState.SENT
        assert "رسیدگی شد" in answer.facts["replies_summary"]
        assert session.scalars(select(Complaint.state)).one() is ComplaintState.ANSWERED
    # Archived sealed: the signed PDF carries the letter's frozen facts as case.json.
    from generators.signing import extract_embedded

    signed = runtime.store.get(answer.pdf_sha256 or "")
    assert b"/ETSI.CAdES.detached" in signed
    embedded = extract_embedded(signed)
    assert embedded is not None and json.loads(embedded)["letter"]["number"] == answer.number
    runtime.close()


def test_the_demo_runs_end_to_end_and_every_case_has_a_dossier(
    harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from archive.dossier import dossier_entries
    from archive.fixity import verify_archive
    from flows.demo import run_demo
    from office.dossiers import case_dossier

    for key in [k for k in os.environ if k.startswith("RESIDEGI_")]:
        monkeypatch.delenv(key)
    home = tmp_path / "demo"
    summary = run_demo(Runtime(Settings(home=home)), count=8, actor="نمایش")
    assert summary.complaints == 8
    assert sum(summary.states.values()) == 8
    assert summary.letters["referral"] >= 8 - summary.states.get(
        "incomplete", 0
    ) - summary.states.get("rejected", 0)
    assert summary.states.get("answered", 0) >= 1
    for _, pdf, docx in summary.sample_letters:
        assert Path(pdf).read_bytes().startswith(b"%PDF-")
        assert Path(docx).read_bytes().startswith(b"PK")
    assert summary.sample_dossier is not None and Path(summary.sample_dossier).stat().st_size > 0
    runtime = Runtime(Settings(home=home))
    with runtime.sessions() as session:
        codes = list(session.scalars(select(Complaint.tracking_code)))
        assert verify_archive(session, runtime.store).ok
    for code in codes:
        result = case_dossier(runtime, "tester", code, tmp_path / f"{code}.pdf")
        assert result.dossier.total_pages > 1  # a cover, and the case's documents
    # Replies are recorded as staff record them, so every scan has its derived PDF: no
    # dossier entry is a "PDF not in archive" note.
    with runtime.sessions() as session:
        entries = [
            entry
            for complaint in session.scalars(select(Complaint))
            for entry in dossier_entries(session, complaint, runtime.clock.zone)
        ]
    replies = [entry for entry in entries if entry.group == "reply"]
    assert len(replies) == summary.replies >= 1
    assert all(entry.originals[0][2] == "png" for entry in replies)
    assert [e for e in entries if e.group in ("document", "reply") and e.pdf_sha256 is None] == []
    assert all(entry.note is None for entry in replies)
    runtime.close()


def test_the_dispatch_flow_deploys_and_its_run_executes_from_the_entrypoint(
    settings: Settings,
) -> None:
    """What a Prefect worker does: the deployment is registered on the server, a run is
    created, and ``prefect flow-run execute`` imports the module-level flow by its
    entrypoint in a process of its own, with nothing but its JSON parameters and the
    worker's ``RESIDEGI_*`` settings."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import FlowRun
    from prefect.deployments import run_deployment
    from prefect.deployments.runner import RunnerDeployment
    from prefect.settings import PREFECT_API_URL

    from flows.dispatch import letter_dispatch

    params = {"actor": "دبیرخانه", "workers": 1, "home": str(settings.home)}
    # Both are sync here (async_dispatch); their annotations admit the coroutine too.
    deployment = letter_dispatch.to_deployment(name="test-dispatch", parameters=params)
    assert isinstance(deployment, RunnerDeployment)
    deployment.apply()
    flow_run = run_deployment("letter-dispatch/test-dispatch", timeout=0)
    assert isinstance(flow_run, FlowRun)
    worker_env = {k: v for k, v in os.environ.items() if not k.startswith("RESIDEGI_")}
    worker_env |= {
        "PREFECT_API_URL": str(PREFECT_API_URL.value()),
        "RESIDEGI_DATABASE_URL": settings.resolved_database_url,
        "RESIDEGI_TODAY": "1405/09/04",
        "RESIDEGI_OFFICE__SIGNATORY_NAME": settings.office.signatory_name,
    }
    prefect = Path(sys.executable).with_name("prefect")
    done = subprocess.run(
        [str(prefect), "flow-run", "execute", str(flow_run.id)],
        env=worker_env,
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    with get_client(sync_client=True) as client:
        state = client.read_flow_run(flow_run.id).state
    assert state is not None and state.is_completed(), state
    runtime = Runtime(settings)
    with runtime.sessions() as session:
        numbers = sorted(
            session.scalars(select(Letter.number).where(Letter.state == LetterState.SENT))
        )
        assert numbers == ["1405/ص/1", "1405/ص/2"]
    runtime.close()
