"""The real thing, past one machine: a Prefect server on its own PostgreSQL database, a moto
S3 server, the registry on PostgreSQL, ``residegi deploy``, and Prefect's own process
workers running the dispatch flow; the archive on S3.

One server, one moto and one registry are shared by the module (tens of letters: the
300-letter run is in bench/).  Every child process is stopped and both databases dropped at
the end.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from sqlalchemy import Engine, create_engine, func, select, text

from flows.prefect_setup import configure_prefect
from office.runtime import Runtime
from office.setup import install_trial_key_if_missing
from registry import complaints
from registry.db import transaction
from registry.kinds import LetterKind, LetterState
from registry.models import ArchiveObject, ComplaintAgency, Letter
from registry.settings import Settings
from tests.conftest import _create_database, _database_url, _drop_database
from tests.factories import registered, seed_agencies
from tests.servers import (
    BIN,
    PROJECT_DIR,
    child,
    kill_tree,
    moto_s3,
    prefect_env,
    prefect_server,
    wait_for,
)

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.xdist_group("scale_out")]
TEHRAN = dt.timezone(dt.timedelta(hours=3, minutes=30))
NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=TEHRAN)  # 1405/09/04
AGENCIES = ("شهرداری قزوین", "شهرداری آبیک", "شهرداری تاکستان")
BUCKET = "residegi-archive"
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


@dataclass
class Cluster:
    """What the module's servers are, and how to reach them."""

    folder: Path
    api: str
    env: dict[str, str]  # a worker machine's environment: RESIDEGI_*, AWS_*, PREFECT_API_URL
    settings: Settings
    workers: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def residegi(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``residegi ARGS`` as an operator runs it on a worker machine."""
        return subprocess.run(
            [str(BIN / "residegi"), *args],
            env=self.env | {"PREFECT_HOME": str(self.folder / "cli-prefect")},
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            timeout=300,
        )


def _trigram_database(admin: Engine, name: str) -> str:
    _create_database(admin, name)
    url = _database_url(admin, name)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    engine.dispose()
    return url.replace("postgresql+psycopg://", "postgresql+asyncpg://", 1)


@pytest.fixture(scope="module")
def cluster(
    pg_admin: Engine, pg_template: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cluster]:
    folder = tmp_path_factory.mktemp("scale-out")
    configure_prefect(folder / "test-prefect")  # this process's own Prefect, quiet
    suffix = uuid.uuid4().hex[:10]
    prefect_db, registry_db = f"residegi_prefect_{suffix}", f"residegi_scale_{suffix}"
    try:
        prefect_url = _trigram_database(pg_admin, prefect_db)
        _create_database(pg_admin, registry_db, template=pg_template)
        registry_url = _database_url(pg_admin, registry_db)
        with moto_s3(folder) as aws, prefect_server(folder, prefect_url) as api:
            boto3.client(
                "s3",
                endpoint_url=aws["AWS_ENDPOINT_URL"],
                aws_access_key_id=aws["AWS_ACCESS_KEY_ID"],
                aws_secret_access_key=aws["AWS_SECRET_ACCESS_KEY"],
                region_name=aws["AWS_DEFAULT_REGION"],
            ).create_bucket(Bucket=BUCKET)
            settings = Settings(
                home=folder / "home",
                database_url=registry_url,
                archive_url=f"s3://{BUCKET}/archive",
                today="1405/09/04",
                office={"signatory_name": "محمد احمدی"},
            )
            install_trial_key_if_missing(Runtime(settings))
            env = prefect_env(folder / "worker-prefect") | aws
            env |= {
                "PREFECT_API_URL": api,
                "PREFECT_LOGGING_LEVEL": "WARNING",
                # Workers ask for runs every 2 s (default 10 s): the test waits less.
                "PREFECT_WORKER_QUERY_SECONDS": "2",
                "RESIDEGI_HOME": str(settings.home),
                "RESIDEGI_DATABASE_URL": registry_url,
                "RESIDEGI_ARCHIVE_URL": f"s3://{BUCKET}/archive",
                "RESIDEGI_TODAY": "1405/09/04",
                "RESIDEGI_OFFICE__SIGNATORY_NAME": "محمد احمدی",
            }
            yield Cluster(folder, api, env, settings)
    finally:
        _drop_database(pg_admin, prefect_db)
        _drop_database(pg_admin, registry_db)


@pytest.fixture(scope="module")
def prefect_api(cluster: Cluster) -> Iterator[None]:
    """This process's Prefect client pointed at the module's server."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: cluster.api}):
        yield


@pytest.fixture(scope="module")
def deployed(cluster: Cluster, prefect_api: None) -> dict[str, Any]:
    done = cluster.residegi("deploy", "--pool", "residegi", "--as", "پیگیری خودکار", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    output: dict[str, Any] = json.loads(done.stdout)
    return output


def add_accepted(settings: Settings, count: int) -> None:
    runtime = Runtime(settings)
    with transaction(runtime.sessions) as session:
        if not session.scalar(select(func.count()).select_from(ComplaintAgency)):
            seed_agencies(session)
        for n in range(count):
            agency = AGENCIES[n % len(AGENCIES)]
            # No document rows (their fake hashes would not be in S3): accepted with a note.
            complaint = registered(
                session, NOW, duplicate_window_days=0, agencies=(agency,), documents=()
            )
            complaints.accept(session, complaint, actor="test", at=NOW, note="حضوری ثبت شد")
    runtime.close()


def worker(cluster: Cluster, name: str) -> contextlib.AbstractContextManager[Any]:
    """``prefect worker start`` as an operator runs it: one flow run at a time, logging at
    INFO (it names each flow run it submits)."""
    return child(
        [
            str(BIN / "prefect"),
            "worker",
            "start",
            "--pool",
            "residegi",
            "--name",
            name,
            "--limit",
            "1",
        ],
        cluster.env
        | {
            "PREFECT_HOME": str(cluster.folder / f"{name}-prefect"),
            "PREFECT_LOGGING_LEVEL": "INFO",
        },
        cluster.folder / f"{name}.log",
    )


def submitted_by(cluster: Cluster, run: uuid.UUID) -> list[str]:
    """The workers whose logs say they handed ``run`` to their infrastructure (a worker that
    lost the race for a run logs "submitting" too, then aborts)."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        name = client.read_flow_run(run).name
    return [
        log.stem
        for log in sorted(cluster.folder.glob("w*.log"))
        if f"Flow run '{name}' submitted to infrastructure" in log.read_text(errors="replace")
    ]


@pytest.fixture(scope="module")
def two_workers(cluster: Cluster, deployed: dict[str, Any]) -> Iterator[Cluster]:
    with contextlib.ExitStack() as stack:
        for name in ("w1", "w2"):
            cluster.workers[name] = stack.enter_context(worker(cluster, name))
        yield cluster


def wait_for_runs(cluster: Cluster, ids: list[uuid.UUID], seconds: float) -> dict[uuid.UUID, str]:
    from flows.deploy import flow_run_states

    def finished() -> dict[uuid.UUID, str] | None:
        states = flow_run_states(ids)
        return states if set(states.values()) <= TERMINAL else None

    logs = "\n".join(str(p) for p in sorted(cluster.folder.glob("w*.log")))
    return wait_for(finished, seconds=seconds, what=f"flow runs {ids} ({logs})")


@dataclass(frozen=True)
class Referrals:
    """The referral letters in the register, and how many the complaints call for."""

    seqs: list[int]
    pairs: list[tuple[int, int]]  # (complaint, agency) of each letter
    states: set[LetterState]
    wanted: int


def referrals(settings: Settings) -> Referrals:
    runtime = Runtime(settings)
    with runtime.sessions() as session:
        letters = session.execute(
            select(Letter.seq, Letter.complaint_id, Letter.agency_id, Letter.state)
            .where(Letter.kind == LetterKind.REFERRAL)
            .order_by(Letter.seq)
        ).all()
        wanted = len(session.execute(select(ComplaintAgency.complaint_id)).all())
    runtime.close()
    return Referrals(
        [r.seq for r in letters],
        [(r.complaint_id, r.agency_id) for r in letters],
        {r.state for r in letters},
        wanted,
    )


def sent_count(settings: Settings) -> int:
    runtime = Runtime(settings)
    with runtime.sessions() as session:
        count = session.scalar(
            select(func.count())
            .select_from(Letter)
            .where(Letter.kind == LetterKind.REFERRAL, Letter.state == LetterState.SENT)
        )
    runtime.close()
    return int(count or 0)


def assert_archive_is_the_catalogue(cluster: Cluster) -> int:
    """Every object in the bucket is catalogued, every catalogued object is there, and each
    hashes to its name; ``residegi archive verify`` agrees.  Returns the object count."""
    client = boto3.client(
        "s3",
        endpoint_url=cluster.env["AWS_ENDPOINT_URL"],
        aws_access_key_id=cluster.env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=cluster.env["AWS_SECRET_ACCESS_KEY"],
        region_name=cluster.env["AWS_DEFAULT_REGION"],
    )
    keys = [
        item["Key"]
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
        for item in page.get("Contents", [])
    ]
    assert all(key.startswith("archive/sha256/") for key in keys), keys[:5]
    in_s3 = {key.rsplit("/", 1)[1]: key for key in keys}
    runtime = Runtime(cluster.settings)
    with runtime.sessions() as session:
        catalogued = set(session.scalars(select(ArchiveObject.sha256)))
    runtime.close()
    assert set(in_s3) == catalogued
    for name, key in in_s3.items():
        data = client.get_object(Bucket=BUCKET, Key=key)["Body"].read()
        assert hashlib.sha256(data).hexdigest() == name
    verified = cluster.residegi("archive", "verify", "--json")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    return len(in_s3)


def test_deploy_registers_three_deployments_and_the_chase_runs_at_0730_in_the_office_zone(
    cluster: Cluster, deployed: dict[str, Any]
) -> None:
    from prefect.client.orchestration import get_client

    names = [d["name"] for d in deployed["deployments"]]
    assert names == ["letter-dispatch/residegi", "chase/residegi", "final-answer/residegi"]
    with get_client(sync_client=True) as client:
        chase = client.read_deployment_by_name("chase/residegi")
        pool = client.read_work_pool("residegi")
    assert pool.type == "process"
    assert [(s.schedule.cron, s.schedule.timezone) for s in chase.schedules] == [  # type: ignore[union-attr]
        ("30 7 * * *", cluster.settings.timezone)
    ]
    assert chase.parameters == {"actor": "پیگیری خودکار", "working_days_only": True}
    assert chase.work_pool_name == "residegi"
    # Deploying again updates the same deployments.
    again = cluster.residegi("deploy", "--json")
    assert again.returncode == 0, again.stderr
    assert [d["id"] for d in json.loads(again.stdout)["deployments"]] == [
        d["id"] for d in deployed["deployments"]
    ]


def test_two_dispatch_runs_on_two_workers_give_each_referral_one_letter_gapless_and_survive_a_kill(
    two_workers: Cluster,
) -> None:
    from flows.deploy import start_dispatches
    from flows.dispatch import DispatchParams

    cluster = two_workers
    before = len(referrals(cluster.settings).seqs)  # the tests of this module run in any order
    add_accepted(cluster.settings, 30)
    params = DispatchParams(actor="دبیرخانه", workers=1, chunk_size=5)
    runs = start_dispatches(params, 2)
    states = wait_for_runs(cluster, runs, seconds=400)
    assert set(states.values()) == {"COMPLETED"}, states
    # One run on each worker: the batch was spread over both (``--limit 1``).
    assert sorted(name for run in runs for name in submitted_by(cluster, run)) == ["w1", "w2"]
    found = referrals(cluster.settings)
    assert len(found.pairs) == len(set(found.pairs)) == found.wanted == before + 30
    assert found.seqs == list(range(1, before + 31))
    assert found.states == {LetterState.SENT}
    assert assert_archive_is_the_catalogue(cluster) == 2 * found.wanted  # a PDF and a DOCX
    a_worker_killed_mid_run_leaves_a_run_that_a_rerun_completes_nothing_twice(cluster)


def a_worker_killed_mid_run_leaves_a_run_that_a_rerun_completes_nothing_twice(
    cluster: Cluster,
) -> None:
    """The second half of the test above (it stops both of its workers, so it runs last)."""
    from flows.deploy import start_dispatches
    from flows.dispatch import DispatchParams

    before = sent_count(cluster.settings)  # the tests of this module run in any order
    add_accepted(cluster.settings, 24)
    # One worker only, so the run lands on the one to kill.
    cluster.workers.pop("w2").terminate()
    doomed = cluster.workers["w1"]
    params = DispatchParams(actor="دبیرخانه", workers=1, chunk_size=4)
    (run,) = start_dispatches(params, 1)

    wait_for(
        lambda: sent_count(cluster.settings) > before,
        seconds=120,
        what="the first letters of the run",
    )
    kill_tree(doomed)  # the worker and the flow run's process, as a power cut
    assert sent_count(cluster.settings) < before + 24, "the run ended before the kill"

    with worker(cluster, "w3"):
        (rerun,) = start_dispatches(params, 1)
        states = wait_for_runs(cluster, [rerun], seconds=400)
    assert states == {rerun: "COMPLETED"}
    found = referrals(cluster.settings)
    assert len(found.pairs) == len(set(found.pairs)) == found.wanted == before + 24
    assert found.seqs == list(range(1, before + 25))
    assert found.states == {LetterState.SENT}
    assert assert_archive_is_the_catalogue(cluster) == 2 * found.wanted
    assert run != rerun
