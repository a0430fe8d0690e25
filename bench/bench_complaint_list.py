"""The desk's complaint list (``office.complaints.find_complaints``) over 100,000 cases on
PostgreSQL: latency per filter and the plans behind it (issue 13, the list filtered).

    .venv/bin/python bench/bench_complaint_list.py PG_ADMIN_URL [COUNT] [--explain]

Creates a fresh database ``web13a_bench_list`` on the server of PG_ADMIN_URL (e.g.
``postgresql+psycopg://postgres@127.0.0.1:5432/test``), fills it with COUNT cases (default
100,000) as ``bench_search.build`` does, then gives every referral a due date (14 days
after it was sent) and marks it replied unless its complaint still awaits replies, so
that the overdue filter has real work.  Times ROUNDS calls of each filter mix (each a
page of 50 and the total, in its own session, as the desk does per request) after one
warm-up call, prints p50/p95 per mix, and with ``--explain`` the plans (EXPLAIN ANALYZE)
of each mix's two statements.  Writes JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, select, text, update  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.bench_search import build  # noqa: E402
from bench.common import p95, write_results  # noqa: E402
from office import complaints as office  # noqa: E402
from office.runtime import Runtime  # noqa: E402
from registry.clock import Clock  # noqa: E402
from registry.complaint_queries import ComplaintFilter, filter_query  # noqa: E402
from registry.db import make_engine  # noqa: E402
from registry.kinds import ComplaintState, LetterKind  # noqa: E402
from registry.models import Agency, Complaint, Letter  # noqa: E402
from registry.settings import Settings  # noqa: E402

DATABASE = "web13a_bench_list"
ROUNDS = 40
# The bench's cases run from 1403/01/01 over ~980 days; "today" stands at their end.
TODAY = dt.date(2026, 11, 25)


def _fresh_database(admin_url: str) -> str:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {DATABASE}"))
        connection.execute(text(f"CREATE DATABASE {DATABASE}"))
    admin.dispose()
    return make_url(admin_url).set(database=DATABASE).render_as_string(hide_password=False)


def _deadlines(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            update(Letter)
            .where(Letter.kind == LetterKind.REFERRAL)
            .values(due_date=Letter.date + 14)
        )
        waiting = select(Complaint.id).where(Complaint.state == ComplaintState.AWAITING_REPLY)
        connection.execute(
            update(Letter)
            .where(Letter.kind == LetterKind.REFERRAL, Letter.complaint_id.not_in(waiting))
            .values(replied_at=Letter.sent_at)
        )
    engine.dispose()
    # A database just loaded has no visibility map yet, which autovacuum would soon
    # write: without it no index-only scan pays, and the plans are not those of an
    # office's database.
    vacuum = create_engine(url, isolation_level="AUTOCOMMIT")
    with vacuum.connect() as connection:
        connection.execute(text("VACUUM ANALYZE"))
    vacuum.dispose()


def mixes(runtime: Runtime) -> dict[str, dict[str, Any]]:
    with runtime.sessions() as session:
        agency = session.scalars(select(Agency.id).where(Agency.name == "شهرداری قزوین")).one()
    last_month = TODAY - dt.timedelta(days=30)
    return {
        "none": {},
        "page 100": {"page": 100},
        "state": {"state": ComplaintState.AWAITING_REPLY},
        "agency": {"agency_id": agency},
        "dates": {"since": last_month, "until": TODAY},
        "overdue": {"overdue": True},
        "agency+state+dates": {
            "agency_id": agency,
            "state": ComplaintState.CLOSED,
            "since": TODAY - dt.timedelta(days=365),
            "until": TODAY,
        },
    }


def measure(runtime: Runtime, wanted: dict[str, Any]) -> tuple[list[float], int]:
    office.find_complaints(runtime, "tester", **wanted)  # warm-up
    times = []
    total = 0
    for _ in range(ROUNDS):
        started = time.perf_counter()
        total = office.find_complaints(runtime, "tester", **wanted).total
        times.append((time.perf_counter() - started) * 1000)
    return times, total


def explain(runtime: Runtime, wanted: dict[str, Any]) -> str:
    """The plans of the count and of the page (the statements find_complaints sends)."""
    from sqlalchemy import func

    zone = runtime.clock.zone
    since, until = wanted.get("since"), wanted.get("until")
    filters = ComplaintFilter(
        state=wanted.get("state"),
        agency_id=wanted.get("agency_id"),
        since=dt.datetime.combine(since, dt.time(), zone) if since else None,
        until=dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), zone) if until else None,
        overdue_on=TODAY if wanted.get("overdue") else None,
    )
    page = wanted.get("page", 1)
    statements = [
        filter_query(select(func.count(Complaint.id)), filters),
        filter_query(select(Complaint.id), filters)
        .order_by(Complaint.registered_at.desc(), Complaint.id.desc())
        .offset((page - 1) * 50)
        .limit(50),
    ]
    out = []
    with runtime.engine.connect() as connection:
        for statement in statements:
            sql = statement.compile(
                dialect=connection.dialect, compile_kwargs={"literal_binds": True}
            )
            plan = connection.execute(text(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}"))
            lines: list[Any] = list(plan.scalars())
            out.append("\n".join(str(line) for line in lines))
    return "\n\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("admin_url")
    parser.add_argument("count", nargs="?", type=int, default=100_000)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="measure the database built before")
    args = parser.parse_args()
    if args.reuse:
        url = make_url(args.admin_url).set(database=DATABASE).render_as_string(False)
    else:
        url = _fresh_database(args.admin_url)
        started = time.perf_counter()
        build(make_engine(url), args.count)
        _deadlines(url)
        print(f"built {args.count} cases in {time.perf_counter() - started:.0f} s")
    settings = Settings(home=Path("/tmp/web13a/bench-home"), database_url=url)
    runtime = Runtime(
        settings, fixed_clock=Clock(fixed_now=dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC))
    )
    figures: dict[str, Any] = {"count": args.count, "rounds": ROUNDS}
    print(f"{'filter':<20} {'total':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for name, wanted in mixes(runtime).items():
        times, total = measure(runtime, wanted)
        figures[name] = {
            "total": total,
            "p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(p95(times), 2),
        }
        print(f"{name:<20} {total:>7} {statistics.median(times):>8.1f} {p95(times):>8.1f}")
        if args.explain:
            print(explain(runtime, wanted))
            print()
    runtime.close()
    print(write_results("complaint_list", figures))


if __name__ == "__main__":
    main()
