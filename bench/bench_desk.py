"""The desk under load: 100,000 complaints on PostgreSQL, ``residegi serve``, Debian's wrk.

    .venv/bin/python bench/bench_desk.py [--count 100000] [--seconds 60] [--reuse] [--workers N]

Builds a PostgreSQL registry of COUNT generated cases (bench_search's generator: the same
complainants, complaints, agencies and referral letters), a data folder pointing at it
with one user per role, and starts ``residegi serve`` (one worker) as an operator would.
Then, logged in as an inspector (the role whose queue has the most shelves):

1. 20 staff, each waiting 1 s between requests (wrk: 20 connections, a 1,000 ms delay
   after each response), over the work queue, the complaint list filtered by state and
   agency, case pages and searches, each for SECONDS: median and p95 per page.  Twice:
   with the pause exactly 1 s ("lock-step": the 20 connections open together and stay in
   phase, so every second 20 requests arrive at once, the worst case), and with the pause
   drawn evenly from 0.5-1.5 s ("staggered": a mean of 1 s, as people click);
2. the same mix without a pause (saturation): requests per second;
3. the web worker's resident memory every 1,000 requests over 10,000.

Needs the PostgreSQL server of RESIDEGI_TEST_PG_URL and Debian's ``wrk``.  Prints a table
and writes JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import create_engine, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench import bench_search  # noqa: E402
from bench.common import environment, print_table, say, write_results  # noqa: E402
from office.runtime import Runtime  # noqa: E402
from office.setup import upgrade  # noqa: E402
from office.users import add_user  # noqa: E402
from registry.db import make_engine  # noqa: E402
from registry.kinds import ComplaintState, Role  # noqa: E402
from registry.models import Agency, Complainant, Complaint  # noqa: E402
from registry.settings import Settings  # noqa: E402
from tests.desk_server import free_port  # noqa: E402
from tests.web_support import csrf_of  # noqa: E402

PG_ADMIN_URL = os.environ.get(
    "RESIDEGI_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
DATABASE = "residegi_bench_desk"
PASSWORD = "bench-password-1405"
STAFF = 20
PAGES = ("queue", "list", "case", "search")

# wrk's script: each connection walks the paths of its page kind, pausing DELAY ms after
# each response; at the end it prints its latency percentiles as JSON.
WRK_SCRIPT = """
local paths = {%(paths)s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1], {["Cookie"] = "%(cookie)s"})
end
delay = function() return %(delay)s end
response = function(status, headers, body)
  if status ~= 200 then io.stderr:write("status " .. status .. "\\n") end
end
done = function(summary, latency, requests)
  io.write(string.format('{"median_ms": %%.2f, "p95_ms": %%.2f, "p99_ms": %%.2f, '
    .. '"requests": %%d, "seconds": %%.2f, "errors": %%d}\\n',
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.requests, summary.duration / 1e6,
    summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
end
"""


def _database_url() -> str:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    url = admin.url.set(database=DATABASE).render_as_string(hide_password=False)
    admin.dispose()
    return url


def build(count: int, reuse: bool) -> str:
    """The registry of COUNT cases on PostgreSQL (kept between runs with ``reuse``)."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    url = _database_url()
    with admin.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": DATABASE}
        )
        if exists and reuse:
            admin.dispose()
            return url
        connection.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    admin.dispose()
    engine = make_engine(url)
    say(f"building {count:,} cases on PostgreSQL …")
    bench_search.build(engine, count)
    # A registry that grew to this size over years has been vacuumed by autovacuum many
    # times: its visibility map is set, so counts read the indexes alone.  A bulk load
    # has not; VACUUM makes it the registry an office would have.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    return url


def make_home(folder: Path, url: str) -> Path:
    """A data folder on that registry with one user per role."""
    home = folder / "home"
    home.mkdir()
    (home / "residegi.toml").write_text(f'database_url = "{url}"\n', encoding="utf-8")
    runtime = Runtime(Settings(home=home, database_url=url))
    upgrade(runtime)  # a registry kept by --reuse may be a version behind
    with Session(runtime.engine) as session:
        session.execute(text("DELETE FROM staff_user"))
        session.commit()
    # A migration that rewrote rows (0018 fills a column of every complaint) leaves them
    # dead until autovacuum passes, and the counts read the table meanwhile: measure the
    # registry as it is once it has, as after the build.
    with runtime.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    for role in Role:
        add_user(
            runtime, "bench", role.value, full_name=role.label_fa, roles=frozenset({role}),
            password=PASSWORD,
        )  # fmt: skip
    runtime.close()
    return home


def page_paths(url: str) -> dict[str, list[str]]:
    """The paths of each page kind, drawn from the registry with a fixed order."""
    engine = make_engine(url)
    with Session(engine) as session:
        codes = list(
            session.scalars(select(Complaint.tracking_code).order_by(Complaint.id).limit(200))
        )
        # The list's agency filter takes the agency's id, as its form submits it.
        agencies = list(session.scalars(select(Agency.id).order_by(Agency.id).limit(10)))
        names = session.execute(
            select(Complainant.first_name, Complainant.last_name)
            .where(Complainant.last_name.is_not(None))
            .order_by(Complainant.id)
            .limit(50)
        ).all()
    engine.dispose()
    states = [ComplaintState.AWAITING_REPLY, ComplaintState.REGISTERED, ComplaintState.ANSWERED]
    quote = httpx.QueryParams
    return {
        "queue": ["/"],
        "list": [
            f"/complaints?{quote({'state': state.value, 'agency': agency})}"
            for state in states
            for agency in agencies
        ],
        "case": [f"/complaints/{code}" for code in codes],
        "search": [
            f"/search?{quote({'q': bench_search._arabic(f'{first} {last}')})}"
            for first, last in names
        ],
    }


def log_in(base: str, username: str) -> str:
    """The session cookie of ``username``, logged in through the form."""
    with httpx.Client(base_url=base) as client:
        token = csrf_of(client.get("/login").text)
        response = client.post(
            "/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
        )
        assert response.status_code == 303, response.text
        return f"residegi_session={client.cookies['residegi_session']}"


def wrk(
    base: str, paths: list[str], cookie: str, *, delay_ms: int, seconds: int, spread: bool = False
) -> Any:
    """One wrk run with STAFF connections over ``paths``: its figures."""
    script = WRK_SCRIPT % {
        "paths": ", ".join(json.dumps(p) for p in paths),
        "cookie": cookie,
        # ``spread``: a pause drawn evenly within half the delay either side of it.
        "delay": f"math.random({delay_ms // 2}, {delay_ms * 3 // 2})" if spread else delay_ms,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        done = subprocess.run(
            ["wrk", "-t", "2", "-c", str(STAFF), "-d", f"{seconds}s", "--timeout", "10s",
             "-s", handle.name, base],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    finally:
        Path(handle.name).unlink()
    if "status " in done.stderr:
        raise SystemExit(f"non-200 answers under load:\n{done.stderr[:500]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _rss_kib(pids: list[int]) -> int:
    """The largest resident memory of the worker processes ``pids``."""
    largest = 0
    for pid in pids:
        match = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
        largest = max(largest, int(match.group(1)) if match else 0)
    return largest


def memory_over(base: str, pids: list[int], paths: list[str], cookie: str) -> list[int]:
    """A worker's resident memory (KiB, the largest worker's) before and after each 1,000
    of 10,000 requests."""
    readings = [_rss_kib(pids)]
    with httpx.Client(base_url=base, headers={"Cookie": cookie}, timeout=30) as client:
        for index in range(10_000):
            response = client.get(paths[index % len(paths)])
            assert response.status_code == 200, (paths[index % len(paths)], response.status_code)
            if (index + 1) % 1000 == 0:
                readings.append(_rss_kib(pids))
    return readings


def _worker_pids(server: subprocess.Popen[str], workers: int) -> list[int]:
    # `residegi serve --workers 1` serves in its own process; with more, uvicorn's
    # supervisor starts one child per worker.
    if workers == 1:
        return [server.pid]
    # Only those: serve's other children are multiprocessing's resource tracker and the
    # batch runner (a process of its own, with its render pool and Prefect's API).
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    return [
        int(pid) for pid in children if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--reuse", action="store_true", help="Keep a registry already built.")
    parser.add_argument("--workers", type=int, default=1, help="`residegi serve --workers`.")
    args = parser.parse_args()
    url = build(args.count, args.reuse)
    paths = page_paths(url)
    with tempfile.TemporaryDirectory() as scratch:
        home = make_home(Path(scratch), url)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("RESIDEGI_")}
        env["PYTHONPATH"] = str(ROOT)
        residegi = str(Path(sys.executable).with_name("residegi"))
        server = subprocess.Popen(
            [residegi, "--home", str(home), "serve", "--port", str(port),
             "--workers", str(args.workers)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        try:
            from tests.desk_server import _wait_until_healthy

            _wait_until_healthy(base, server)
            cookie = log_in(base, Role.INSPECTOR.value)
            archivist = log_in(base, Role.ARCHIVIST.value)
            figures: dict[str, Any] = {
                "count": args.count, "staff": STAFF, "workers": args.workers,
                "lock-step": {}, "staggered": {},
            }  # fmt: skip
            for kind in PAGES:
                who = archivist if kind == "search" else cookie
                wrk(base, paths[kind], who, delay_ms=0, seconds=3)  # warm the caches
                for pacing in ("lock-step", "staggered"):
                    got = figures[pacing][kind] = wrk(
                        base, paths[kind], who, delay_ms=1000, seconds=args.seconds,
                        spread=pacing == "staggered",
                    )  # fmt: skip
                    # As it comes: a long run that stops later still tells what it measured.
                    say(
                        f"{kind}, {pacing}: median {got['median_ms']:.1f} ms, "
                        f"p95 {got['p95_ms']:.1f} ms"
                    )
            mixed = [p for kind in ("queue", "list", "case") for p in paths[kind]]
            figures["saturation"] = wrk(base, mixed, cookie, delay_ms=0, seconds=args.seconds)
            say(f"saturation: {figures['saturation']}")
            figures["rss_kib"] = memory_over(
                base, _worker_pids(server, args.workers), mixed, cookie
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
    for pacing, pause in (("lock-step", "exactly 1 s"), ("staggered", "0.5-1.5 s")):
        rows = [
            [kind, f"{v['median_ms']:.1f}", f"{v['p95_ms']:.1f}", f"{v['requests'] / v['seconds']:.1f}"]  # noqa: E501
            for kind, v in figures[pacing].items()
        ]  # fmt: skip
        print_table(
            f"The desk over {args.count:,} complaints on PostgreSQL: {STAFF} staff, pauses "
            f"{pause} ({pacing}), {args.workers} worker(s)",
            ["page", "median ms", "p95 ms", "req/s"],
            rows,
        )
    saturation = figures["saturation"]
    say(
        f"saturation (queue, list, case; no pauses): "
        f"{saturation['requests'] / saturation['seconds']:.0f} requests/s, "
        f"p95 {saturation['p95_ms']:.0f} ms"
    )
    rss = figures["rss_kib"]
    say(f"worker RSS over 10,000 requests (MiB): {' '.join(f'{r / 1024:.0f}' for r in rss)}")
    figures["environment"] = environment()
    write_results("desk", figures)


if __name__ == "__main__":
    main()
