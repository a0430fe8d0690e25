"""Scale-out on real engines (issue 15): one dispatch batch of N referral letters

    .venv/bin/python -m bench.bench_scale_out [--quick] [--letters N]

* through the embedded default (``residegi letter dispatch``: SQLite, the archive in a
  folder, Prefect's temporary API; two render processes), the whole process timed;
* through a Prefect server (its own PostgreSQL database) with **one** process worker: one
  dispatch run (two render processes), registry on PostgreSQL, archive on S3 (moto);
* the same with **two** workers: two dispatch runs at once (one render process each, so the
  same two cores), the registry splitting the referrals between them;
* Prefect's overhead per flow run on the real server: dispatch runs with nothing to do,
  one after another on one worker: from creation to start (the worker's poll), and from
  start to end (process start, imports, the engine, the run's two registry queries).

Letters per second count from the runs' creation to the last one's completion, as seen by
polling the server (every 0.2 s).  Same complaints in every run (accepted, no documents,
three agencies in turn); each run on a fresh copy of the registry and a fresh bucket.  Each
is run once.  Needs the PostgreSQL server of the tests (``RESIDEGI_BENCH_PG_URL``).
Default N = 300 (the issue's run), 30 with ``--quick``.  Results: bench/results/scale_out.json.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from bench.common import (
    PYTHON,
    RESIDEGI,
    check,
    child_env,
    load,
    print_table,
    run_timed,
    say,
    write_results,
)

PG_URL = os.environ.get(
    "RESIDEGI_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
TEHRAN = dt.timezone(dt.timedelta(hours=3, minutes=30))
NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=TEHRAN)  # 1405/09/04
AGENCIES = ("شهرداری قزوین", "شهرداری آبیک", "شهرداری تاکستان")
TODAY = "1405/09/04"
SIGNATORY = "محمد احمدی"
EMPTY_RUNS = 8


def _admin() -> Any:
    return create_engine(PG_URL, isolation_level="AUTOCOMMIT")


def _db_url(name: str) -> str:
    return str(_admin().url.set(database=name).render_as_string(hide_password=False))


def _sql(statement: str, database: str | None = None) -> None:
    engine = (
        create_engine(_db_url(database), isolation_level="AUTOCOMMIT") if database else _admin()
    )
    with engine.connect() as connection:
        connection.execute(text(statement))
    engine.dispose()


@contextlib.contextmanager
def databases() -> Iterator[list[str]]:
    """Databases created on the way (appended by the caller), all dropped at the end."""
    made: list[str] = []
    try:
        yield made
    finally:
        for name in reversed(made):
            _sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed(database_url: str, home: Path, letters: int) -> None:
    """A migrated registry with ``letters`` accepted complaints of one agency each, and
    the office's trial key in ``home``."""
    from office.runtime import Runtime
    from office.setup import install_trial_key_if_missing
    from registry import complaints, migrate
    from registry.db import transaction
    from registry.settings import Settings
    from tests.factories import registered, seed_agencies

    settings = Settings(home=home, database_url=database_url, office={"signatory_name": SIGNATORY})
    runtime = Runtime(settings)
    home.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(runtime.engine)
    install_trial_key_if_missing(runtime)
    with transaction(runtime.sessions) as session:
        seed_agencies(session)
        for n in range(letters):
            complaint = registered(
                session,
                NOW,
                duplicate_window_days=0,
                agencies=(AGENCIES[n % len(AGENCIES)],),
                documents=(),
            )
            complaints.accept(session, complaint, actor="bench", at=NOW, note="حضوری ثبت شد")
    runtime.close()


def embedded_run(home: Path, letters: int) -> dict[str, Any]:
    """``residegi letter dispatch`` in the embedded default, the whole process timed (its
    Prefect home made first by a trivial flow, as after an installation's first run)."""
    from bench.dispatch_folders import _PREFECT_WARM_UP

    env = child_env(RESIDEGI_TODAY=TODAY, RESIDEGI_OFFICE__SIGNATORY_NAME=SIGNATORY)
    _, warmed = run_timed([PYTHON, "-c", _PREFECT_WARM_UP, str(home / "prefect")], env=env)
    check(warmed, "Prefect's warm-up")
    args = [RESIDEGI, "--home", str(home), "letter", "dispatch", "--workers", "2", "--json"]
    wall, result = run_timed(args, env=env)
    check(result, "residegi letter dispatch")
    return {"seconds": round(wall, 2), "letters_per_second": round(letters / wall, 2)}


def _states(ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    from flows.deploy import flow_run_states

    return flow_run_states(ids)


def _wait(ids: list[uuid.UUID], seconds: float) -> float:
    """Poll until every run is terminal; the time it was seen so (monotonic)."""
    from tests.servers import wait_for

    terminal = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
    states = wait_for(
        lambda: s if set((s := _states(ids)).values()) <= terminal else None,
        seconds=seconds,
        what="dispatch runs",
    )
    if set(states.values()) != {"COMPLETED"}:
        raise RuntimeError(f"runs did not complete: {states}")
    return time.monotonic()


class Cluster:
    """A Prefect server on its own PostgreSQL database and a moto S3, for the whole bench."""

    def __init__(self, folder: Path, stack: contextlib.ExitStack, made: list[str]) -> None:
        from tests.servers import moto_s3, prefect_env, prefect_server

        self.folder = folder
        self.stack = stack
        prefect_db = f"residegi_bench_prefect_{uuid.uuid4().hex[:8]}"
        _sql(f'CREATE DATABASE "{prefect_db}"')
        made.append(prefect_db)
        _sql("CREATE EXTENSION IF NOT EXISTS pg_trgm", prefect_db)
        url = _db_url(prefect_db).replace("postgresql+psycopg", "postgresql+asyncpg", 1)
        self.aws = stack.enter_context(moto_s3(folder))
        self.api = stack.enter_context(prefect_server(folder, url))
        self.base_env = prefect_env(folder / "prefect-client") | self.aws
        self.base_env |= {
            "PREFECT_API_URL": self.api,
            "PREFECT_LOGGING_LEVEL": "WARNING",
            "PREFECT_WORKER_QUERY_SECONDS": "1",
            "RESIDEGI_TODAY": TODAY,
            "RESIDEGI_OFFICE__SIGNATORY_NAME": SIGNATORY,
        }

    def taken_by(self, run: uuid.UUID) -> str:
        """The worker that submitted ``run``, from the workers' logs."""
        for log in sorted(self.folder.glob("*.log")):
            if f"submitting flow run '{run}'" in log.read_text(errors="replace"):
                return log.stem
        return "?"

    def bucket(self) -> str:
        import boto3

        name = f"bench-{uuid.uuid4().hex[:10]}"
        boto3.client(
            "s3",
            endpoint_url=self.aws["AWS_ENDPOINT_URL"],
            aws_access_key_id=self.aws["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=self.aws["AWS_SECRET_ACCESS_KEY"],
            region_name=self.aws["AWS_DEFAULT_REGION"],
        ).create_bucket(Bucket=name)
        return name

    def env(self, home: Path, database_url: str, bucket: str) -> dict[str, str]:
        return self.base_env | {
            "RESIDEGI_HOME": str(home),
            "RESIDEGI_DATABASE_URL": database_url,
            "RESIDEGI_ARCHIVE_URL": f"s3://{bucket}/archive",
        }

    @contextlib.contextmanager
    def workers(self, count: int, env: dict[str, str], tag: str) -> Iterator[None]:
        """``count`` workers, started and seen online by the server before the block (a
        worker's own start is not part of what is measured)."""
        from prefect.client.orchestration import get_client

        from tests.servers import BIN, child, wait_for

        names = [f"{tag}-w{n + 1}" for n in range(count)]

        def online() -> bool:
            with get_client(sync_client=True) as client:
                found = client.read_workers_for_work_pool("residegi")
            return {w.name for w in found if w.status.value == "ONLINE"} >= set(names)

        with contextlib.ExitStack() as stack:
            for name in names:
                stack.enter_context(
                    child(
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
                        env
                        | {
                            "PREFECT_HOME": str(self.folder / f"{name}-prefect"),
                            # INFO: the worker logs which flow runs it submits.
                            "PREFECT_LOGGING_LEVEL": "INFO",
                        },
                        self.folder / f"{name}.log",
                    )
                )
            wait_for(online, seconds=300, what=f"workers {names} online")
            yield


def server_run(
    cluster: Cluster, home: Path, database_url: str, letters: int, workers: int
) -> dict[str, Any]:
    """One batch through the server: ``workers`` workers, as many dispatch runs at once."""
    from flows.deploy import start_dispatches
    from flows.dispatch import DispatchParams

    env = cluster.env(home, database_url, cluster.bucket())
    with cluster.workers(workers, env, f"{workers}w"):
        # Two render processes in all: the machine has two cores.
        params = DispatchParams(actor="bench", workers=2 // workers, chunk_size=25)
        started = time.monotonic()
        runs = start_dispatches(params, workers)
        ended = _wait(runs, seconds=1800)
    wall = ended - started
    taken_by = {str(run): cluster.taken_by(run) for run in runs}
    sent = _count_sent(database_url)
    if sent != letters:
        raise RuntimeError(f"expected {letters} letters, the register has {sent}")
    return {
        "seconds": round(wall, 2),
        "letters_per_second": round(letters / wall, 2),
        "worker_of_each_run": taken_by,
    }


def _count_sent(database_url: str) -> int:
    from sqlalchemy import func, select

    from registry.kinds import LetterState
    from registry.models import Letter

    engine = create_engine(database_url)
    with engine.connect() as connection:
        query = select(func.count()).select_from(Letter).where(Letter.state == LetterState.SENT)
        value = int(connection.execute(query).scalar_one())
    engine.dispose()
    return value


def overhead_runs(cluster: Cluster, home: Path, database_url: str) -> dict[str, Any]:
    """Dispatch runs with nothing to do, one after another on one worker."""
    from prefect.client.orchestration import get_client

    from flows.deploy import start_dispatches
    from flows.dispatch import DispatchParams

    env = cluster.env(home, database_url, cluster.bucket())
    queued, running, total = [], [], []
    with cluster.workers(1, env, "empty"):
        # One run first, not counted: the worker's first flow run compiles and caches.
        (first,) = start_dispatches(DispatchParams(actor="bench", workers=1), 1)
        _wait([first], seconds=900)
        for _ in range(EMPTY_RUNS):
            created = time.monotonic()
            (run,) = start_dispatches(DispatchParams(actor="bench", workers=1), 1)
            seen = _wait([run], seconds=900)
            with get_client(sync_client=True) as client:
                found = client.read_flow_run(run)
            assert found.start_time and found.end_time and found.expected_start_time
            queued.append((found.start_time - found.expected_start_time).total_seconds())
            running.append((found.end_time - found.start_time).total_seconds())
            total.append(seen - created)
    return {
        "runs": EMPTY_RUNS,
        "median_created_to_started_seconds": round(statistics.median(queued), 2),
        "median_started_to_ended_seconds": round(statistics.median(running), 2),
        "median_created_to_seen_completed_seconds": round(statistics.median(total), 2),
    }


def numbering_run(database_url: str, home: Path, letters: int) -> dict[str, Any]:
    """Numbering alone (no rendering) on PostgreSQL, one process: each letter's short
    transaction holds the series' register row, so this is what one series can take
    whatever the number of machines."""
    from office import pipeline
    from office.runtime import Runtime
    from registry.settings import Settings

    settings = Settings(
        home=home, database_url=database_url, today=TODAY, office={"signatory_name": SIGNATORY}
    )
    batch = pipeline.Batch(Runtime(settings), "bench")
    pending = pipeline.pending_referrals(batch, None)
    started = time.perf_counter()
    numbered = pipeline.number_referrals(batch, pending)
    wall = time.perf_counter() - started
    batch.runtime.close()
    if len(numbered) != letters:
        raise RuntimeError(f"numbered {len(numbered)} of {letters}")
    return {
        "seconds": round(wall, 2),
        "letters_per_second": round(letters / wall, 1),
        "ms_per_letter": round(1000 * wall / letters, 2),
    }


def main(quick: bool = False, letters: int | None = None) -> dict[str, Any]:
    """Run the four measurements and print the table."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.deploy import deploy
    from registry.settings import Settings

    letters = letters or (30 if quick else 300)
    figures: dict[str, Any] = {"letters": letters, "runs": 1, "quick": quick}
    with (
        tempfile.TemporaryDirectory(prefix="bench-scale-") as scratch,
        databases() as made,
        contextlib.ExitStack() as stack,
    ):
        root = Path(scratch)
        template = f"residegi_bench_tpl_{uuid.uuid4().hex[:8]}"
        _sql(f'CREATE DATABASE "{template}"')
        made.append(template)
        started = time.perf_counter()
        seed(_db_url(template), root / "home", letters)
        sqlite_home = root / "embedded"
        seed(f"sqlite:///{sqlite_home / 'registry.sqlite3'}", sqlite_home, letters)
        say(
            f"scale-out: {letters} letters ready in {time.perf_counter() - started:.0f} s; {load()}"
        )

        def fresh_registry() -> str:
            name = f"residegi_bench_{uuid.uuid4().hex[:8]}"
            _sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            made.append(name)
            return _db_url(name)

        figures["embedded"] = embedded_run(sqlite_home, letters)
        say(f"embedded default: {figures['embedded']}; {load()}")
        write_results("scale_out", figures)  # each stage kept, should a later one fail
        cluster = Cluster(root, stack, made)
        stack.enter_context(temporary_settings(updates={PREFECT_API_URL: cluster.api}))
        deploy(Settings(home=root / "home"), pool="residegi", actor="bench")
        for count in (1, 2):
            home = root / f"home-{count}"
            shutil.copytree(root / "home", home)
            figures[f"workers_{count}"] = server_run(
                cluster, home, fresh_registry(), letters, count
            )
            say(f"{count} worker(s): {figures[f'workers_{count}']}; {load()}")
            write_results("scale_out", figures)
        figures["empty_run"] = overhead_runs(cluster, root / "home", fresh_registry())
        figures["numbering_only_postgresql"] = numbering_run(
            fresh_registry(), root / "home", letters
        )
    one, two, emb = figures["workers_1"], figures["workers_2"], figures["embedded"]
    empty = figures["empty_run"]
    print_table(
        f"one dispatch batch of {letters} letters, run once each",
        ["run", "wall s", "letters/s"],
        [
            (
                "embedded default (SQLite, folder, temporary API)",
                emb["seconds"],
                emb["letters_per_second"],
            ),
            ("server, 1 worker, 1 run (PostgreSQL, S3)", one["seconds"], one["letters_per_second"]),
            ("server, 2 workers, 2 runs at once", two["seconds"], two["letters_per_second"]),
        ],
        note=load(),
    )
    print_table(
        f"Prefect overhead per flow run, real server ({EMPTY_RUNS} empty dispatch runs, median)",
        ["stage", "seconds"],
        [
            (
                "created -> started (worker polls every 1 s)",
                empty["median_created_to_started_seconds"],
            ),
            (
                "started -> ended (process, imports, engine)",
                empty["median_started_to_ended_seconds"],
            ),
            (
                "created -> completion seen by the client",
                empty["median_created_to_seen_completed_seconds"],
            ),
        ],
    )
    numbering = figures["numbering_only_postgresql"]
    say(
        f"numbering alone on PostgreSQL, one process: {numbering['ms_per_letter']} ms a letter"
        f" ({numbering['letters_per_second']} letters/s): one series' ceiling"
    )
    figures["results_file"] = str(write_results("scale_out", figures))
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="30 letters instead of 300.")
    parser.add_argument("--letters", type=int, help="Letters in the batch.")
    args = parser.parse_args()
    main(quick=args.quick, letters=args.letters)
