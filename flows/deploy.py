"""The deployments on a Prefect server: what ``residegi deploy`` registers, and how a batch is
started on the workers.

Each flow is registered from this project's folder by its entrypoint
(``flow.from_source(<project>, "flows/dispatch.py:letter_dispatch")``): a process worker
(``prefect worker start --pool residegi``) runs each flow run in that folder, on its own
machine, with its own ``RESIDEGI_*`` settings; so every worker machine has the project at
the same path (docs/deployment.md).  The deployments carry no data folder and no settings:
the worker's environment is the configuration.

A large batch spreads over the workers as several dispatch runs at once: the registry
already makes concurrent batches split the pending referrals (each claimed once, numbers
gapless), so each run is a plain deployment run and Prefect's server hands each to one
worker.  Nothing here queues work itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

from prefect import Flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.client.schemas.objects import FlowRun
from prefect.deployments import run_deployment
from prefect.deployments.runner import RunnerDeployment
from prefect.exceptions import ObjectNotFound
from prefect.schedules import Cron, Schedule
from prefect.settings import PREFECT_API_URL
from prefect.workers.process import ProcessWorker

from flows.dispatch import DispatchParams
from registry.errors import InvalidInput, Refused
from registry.settings import Settings

# The folder holding flows/, office/, …: where the workers run the flows from.
PROJECT_DIR = Path(__file__).resolve().parent.parent
DEPLOYMENT_NAME = "residegi"
DEFAULT_POOL = "residegi"
# Every day at 07:30 in the office's time zone; the run itself skips days off.
CHASE_CRON = "30 7 * * *"


@dataclass(frozen=True)
class Entry:
    """One flow to deploy: its entrypoint in the project, and what its deployment adds."""

    flow_name: str
    entrypoint: str
    description: str


DISPATCH = Entry(
    "letter-dispatch",
    "flows/dispatch.py:letter_dispatch",
    "Referral letters for every accepted complaint (on demand; several runs split the work).",
)
CHASE = Entry(
    "chase",
    "flows/chase.py:chase",
    "Reminders and escalations, every working day at 07:30 in the office's time zone.",
)
ANSWERS = Entry(
    "final-answer",
    "flows/answer.py:final_answer",
    "Signed final answers to complainants (on demand).",
)
ENTRIES = (DISPATCH, CHASE, ANSWERS)


@dataclass(frozen=True)
class Deployed:
    """A deployment as registered: its full name, id and schedules (cron, time zone)."""

    name: str
    id: UUID
    schedules: list[tuple[str, str | None]]

    def as_record(self) -> dict[str, Any]:
        """The deployment as a JSON record."""
        return {
            "name": self.name,
            "id": str(self.id),
            "schedules": [{"cron": cron, "timezone": zone} for cron, zone in self.schedules],
        }


def full_name(entry: Entry) -> str:
    """``<flow name>/<deployment name>``, as ``run_deployment`` and ``prefect`` name it."""
    return f"{entry.flow_name}/{DEPLOYMENT_NAME}"


def chase_schedule(settings: Settings) -> Schedule:
    """The chase's schedule: 07:30 every day in the office's time zone."""
    return Cron(CHASE_CRON, timezone=settings.timezone)


def check_server() -> str:
    """The server's API URL, once it answers; InvalidInput if none is configured (the
    embedded default keeps no deployments), Refused if it does not answer."""
    url = PREFECT_API_URL.value()
    if not url:
        raise InvalidInput("deploy_needs_server")
    with get_client(sync_client=True) as client:
        problem = client.api_healthcheck()
    if problem is not None:
        detail = f"{type(problem).__name__}: {problem}".splitlines()[0][:200]
        raise Refused("deploy_server_unreachable", url=url, detail=detail)
    return str(url)


def ensure_pool(name: str) -> bool:
    """Create the process work pool ``name`` if the server has none by that name; True if
    it was created.  An existing pool is left as its operators configured it."""
    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(name)
            return False
        except ObjectNotFound:
            template = ProcessWorker.get_default_base_job_template()
            client.create_work_pool(
                WorkPoolCreate(name=name, type="process", base_job_template=template)
            )
            return True


def deploy(
    settings: Settings, *, pool: str, actor: str, source: Path = PROJECT_DIR
) -> list[Deployed]:
    """Register (or update) the three deployments on the server at ``PREFECT_API_URL``,
    the pool created if missing; the scheduled chase acts as ``actor``."""
    check_server()
    ensure_pool(pool)
    deployed = []
    for entry in ENTRIES:
        # Both calls are sync here (Prefect's async_dispatch); their annotations admit the
        # coroutine too.
        loaded = Flow.from_source(str(source), entry.entrypoint)
        assert isinstance(loaded, Flow)
        schedules = [chase_schedule(settings)] if entry is CHASE else []
        parameters: dict[str, Any] = (
            {"actor": actor, "working_days_only": True} if entry is CHASE else {}
        )
        deployment = loaded.to_deployment(
            name=DEPLOYMENT_NAME,
            work_pool_name=pool,
            schedules=schedules,
            parameters=parameters,
            description=entry.description,
        )
        assert isinstance(deployment, RunnerDeployment)
        deployment_id = deployment.apply(work_pool_name=pool)
        assert isinstance(deployment_id, UUID)
        deployed.append(read_deployment(deployment_id))
    return deployed


def read_deployment(deployment_id: UUID) -> Deployed:
    """A deployment as the server has it now."""
    with get_client(sync_client=True) as client:
        found = client.read_deployment(deployment_id)
        flow = client.read_flow(found.flow_id)
    schedules = [
        (str(getattr(s.schedule, "cron", "")), getattr(s.schedule, "timezone", None))
        for s in found.schedules
    ]
    return Deployed(f"{flow.name}/{found.name}", found.id, schedules)


def start_dispatches(params: DispatchParams, runs: int) -> list[UUID]:
    """Start ``runs`` dispatch runs at once on the workers (without waiting for them): each
    claims its own share of the pending referrals."""
    started: list[UUID] = []
    parameters = params.model_dump(exclude_none=True)
    for _ in range(runs):
        run = run_deployment(full_name(DISPATCH), parameters=parameters, timeout=0)
        assert isinstance(run, FlowRun)  # sync call: never the coroutine
        started.append(run.id)
    return started


def start_batch_run(batch_run: str, actor: str) -> UUID:
    """Start the desk's batch ``batch_run`` as a run of the dispatch deployment (without
    waiting for it): the worker that runs it keeps the batch's lease."""
    parameters = DispatchParams(actor=actor, batch_run=batch_run).model_dump(exclude_none=True)
    run = run_deployment(full_name(DISPATCH), parameters=parameters, timeout=0)
    assert isinstance(run, FlowRun)  # sync call: never the coroutine
    return run.id


def flow_run_states(ids: Sequence[UUID]) -> dict[UUID, str]:
    """The state type of each flow run (SCHEDULED, PENDING, RUNNING, COMPLETED, …)."""
    with get_client(sync_client=True) as client:
        return {
            run_id: (state.type.value if (state := client.read_flow_run(run_id).state) else "")
            for run_id in ids
        }
