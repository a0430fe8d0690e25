"""Outstanding replies for one agency over 1,000,000 letters on PostgreSQL (issue 7, item 4).

    .venv/bin/python -m bench.bench_outstanding [--quick]

On the server of RESIDEGI_BENCH_PG_URL (default the test server, 127.0.0.1:5432, user
postgres), in a scratch database created for the run and dropped after: migrate to HEAD
(registry.migrate.upgrade), bulk-load with COPY 300,000 complainants and complaints and
1,000,000 letters (about 40 % referrals to the 34 sample agencies, ~97 % replied; the
rest reminders and escalations chasing them, more of them on the referrals still open),
VACUUM ANALYZE, then time ``registry.outstanding.outstanding_replies`` for the agency with
the most open referrals: median and p95 of 20 calls after 2 warm-up calls, each in its
own session as a command would; the time split between the SQL and Python (the queries
the function sent, recorded and replayed); and the top of the EXPLAIN (ANALYZE, BUFFERS)
plan of each.  Without a server: one line, no figure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import time
import uuid
from typing import Any

from bench.common import load, median, p95, print_table, say, write_results

ADMIN_URL = os.environ.get(
    "RESIDEGI_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
TARGET_MS = 100.0
SEED = 1405
CALLS = 20
ZONE_NAME = "Asia/Tehran"


def _scratch_url(name: str) -> str:
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def _copy(cursor: Any, table: str, columns: list[str], rows: Any) -> None:
    """COPY rows (tuples of str / None) into ``table`` in the text format, in 8 MB writes."""
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join("\\N" if value is None else str(value) for value in row) + "\n")
            if buffer.tell() > 8 << 20:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())


def load_data(connection: Any, letters: int, complaints: int) -> dict[str, Any]:
    """Bulk-load the register; returns counts and the chosen agency's id."""
    from registry.samples import SURNAMES, TOPICS, WOMEN

    rng = random.Random(SEED)
    cursor = connection.cursor()
    cursor.execute("SELECT id, name FROM agency ORDER BY id")
    agencies = cursor.fetchall()
    # Qazvin's own municipality gets most complaints, as it does in the office's figures.
    weights = [8 if name == "شهرداری قزوین" else 1 for _, name in agencies]
    start = dt.datetime(2023, 3, 21, 8, 0, tzinfo=dt.UTC)
    span = dt.timedelta(days=3 * 365)
    today = start + span
    _copy(
        cursor,
        "complainant",
        ["id", "kind", "honorific", "first_name", "last_name", "mobile", "address", "name_norm"],
        (
            (i, "person", "mrs", WOMEN[i % len(WOMEN)], SURNAMES[i % len(SURNAMES)],
             f"0912{i:07d}", "قزوین", f"{WOMEN[i % len(WOMEN)]} {SURNAMES[i % len(SURNAMES)]}")
            for i in range(1, complaints + 1)
        ),
    )  # fmt: skip
    registered = [start + span * (i / complaints) for i in range(complaints + 1)]
    _copy(
        cursor,
        "complaint",
        ["id", "tracking_code", "complainant_id", "subject", "text", "subject_norm",
         "text_norm", "channel", "anonymous", "state", "registered_at", "registered_by"],
        (
            (i, f"{10**11 + i:012d}", i, TOPICS[i % len(TOPICS)][0], TOPICS[i % len(TOPICS)][1],
             TOPICS[i % len(TOPICS)][0], TOPICS[i % len(TOPICS)][1], "web", "f",
             "awaiting_reply", registered[i].isoformat(), "bench")
            for i in range(1, complaints + 1)
        ),
    )  # fmt: skip
    # Referrals: ~40 % of the letters, one or two per complaint.
    referral_count = int(letters * 0.4)
    referrals: list[
        tuple[int, int, int, dt.datetime, bool]
    ] = []  # id, complaint, agency, sent, open
    for n in range(referral_count):
        complaint = 1 + n * complaints // referral_count
        agency = rng.choices(agencies, weights)[0][0]
        sent = registered[complaint] + dt.timedelta(days=2 + rng.randrange(5))
        # About 97 % replied; the recent ones are the likeliest to be still open.
        recent = (today - sent).days < 60
        still_open = rng.random() < (0.4 if recent else 0.01)
        referrals.append((n + 1, complaint, agency, sent, still_open))
    rows: list[tuple[Any, ...]] = []
    seq: dict[int, int] = {}

    def letter(
        id_: int, kind: str, complaint: int, agency: int, chases: int | None,
        at: dt.datetime, replied: dt.datetime | None, due: dt.date | None,
    ) -> tuple[Any, ...]:  # fmt: skip
        year = 1402 + (at - start).days // 365
        seq[year] = seq.get(year, 0) + 1
        number = f"{year}/ص/{seq[year]}"
        return (id_, "ص", year, seq[year], number, kind, "sent", complaint, agency,
                "شهردار محترم", chases, at.isoformat(), at.date().isoformat(),
                str(uuid.UUID(int=id_)), f"B{id_:07d}", "{}", "bench", at.isoformat(),
                due.isoformat() if due else None,
                replied.isoformat() if replied else None)  # fmt: skip

    next_id = referral_count + 1
    chasers: list[tuple[Any, ...]] = []
    remaining = letters - referral_count
    for id_, complaint, agency, sent, still_open in referrals:
        due = (sent + dt.timedelta(days=14)).date()
        replied = None if still_open else sent + dt.timedelta(days=5 + rng.randrange(40))
        rows.append(letter(id_, "referral", complaint, agency, None, sent, replied, due))
        # Chasers: up to two reminders and an escalation; the open ones are chased most.
        wanted = rng.choice((1, 2, 3) if still_open else (0, 1, 2, 2))
        for step in range(min(wanted, remaining)):
            at = sent + dt.timedelta(days=20 + 10 * step)
            kind = "escalation" if step == 2 else "reminder"
            chasers.append(
                letter(next_id, kind, complaint, agency, id_, at, None,
                       (at + dt.timedelta(days=7)).date())
            )  # fmt: skip
            next_id += 1
            remaining -= 1
    # Whatever is left of the million: more reminders on replied referrals (history).
    while remaining > 0:
        id_, complaint, agency, sent, _ = referrals[rng.randrange(referral_count)]
        at = sent + dt.timedelta(days=20)
        chasers.append(letter(next_id, "reminder", complaint, agency, id_, at, None, None))
        next_id += 1
        remaining -= 1
    columns = ["id", "series", "year", "seq", "number", "kind", "state", "complaint_id",
               "agency_id", "recipient", "chases_id", "issued_at", "date", "guid",
               "verification_code", "facts", "created_by", "sent_at", "due_date",
               "replied_at"]  # fmt: skip
    _copy(cursor, "letter", columns, rows + chasers)
    for table in ("complainant", "complaint", "letter"):
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )
    connection.commit()
    open_by_agency: dict[int, int] = {}
    for _, _, agency, _, still_open in referrals:
        if still_open:
            open_by_agency[agency] = open_by_agency.get(agency, 0) + 1
    busiest = max(open_by_agency, key=lambda a: open_by_agency[a])
    return {
        "letters": len(rows) + len(chasers),
        "referrals": len(rows),
        "open_referrals": sum(open_by_agency.values()),
        "agency_id": busiest,
        "agency_open_referrals": open_by_agency[busiest],
        "today": today.date(),
    }


def _explain(connection: Any, sql: str, parameters: Any) -> list[str]:
    cursor = connection.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", parameters)
    return [row[0] for row in cursor]


def main(quick: bool = False) -> dict[str, Any]:
    """Load, then time outstanding_replies for one agency; {} without a server."""
    import psycopg
    from sqlalchemy import create_engine, event
    from sqlalchemy.orm import Session

    from registry import migrate
    from registry.holidays import working_calendar
    from registry.models import Agency
    from registry.outstanding import OutstandingRow, outstanding_replies
    from registry.settings import Settings

    letters, complaints = (100_000, 30_000) if quick else (1_000_000, 300_000)
    plain = ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    try:
        admin = psycopg.connect(plain, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        say(f"outstanding: skipped, PostgreSQL is not reachable at {ADMIN_URL} ({exc})")
        return {"skipped": f"PostgreSQL not reachable at {ADMIN_URL}"}
    name = f"residegi_bench_{os.getpid()}"
    admin.execute(f"CREATE DATABASE {name}")
    engine = create_engine(_scratch_url(name))
    try:
        migrate.upgrade(engine)
        with engine.begin() as connection:
            from registry.agencies import load_sample

            with Session(bind=connection) as session:
                load_sample(session, at=dt.datetime.now(dt.UTC), actor="bench")
                session.flush()
        say(f"outstanding: loading {letters:,} letters with COPY; {load()}")
        started = time.perf_counter()
        raw = psycopg.connect(_scratch_url(name).replace("postgresql+psycopg://", "postgresql://"))
        with raw:
            counts = load_data(raw, letters, complaints)
        load_seconds = time.perf_counter() - started
        with psycopg.connect(
            _scratch_url(name).replace("postgresql+psycopg://", "postgresql://"), autocommit=True
        ) as vacuum:
            vacuum.execute("VACUUM ANALYZE")
        settings = Settings()
        zone = dt.timezone(dt.timedelta(hours=3, minutes=30))
        times: list[float] = []
        cpu_times: list[float] = []  # this process's: the Python side, less stretched by load
        sql_times: list[float] = []
        rows = 0

        def one_call() -> list[OutstandingRow]:
            """As a command calls it: its own session, agency lookup and calendar included."""
            with Session(engine) as session:
                agency = session.get_one(Agency, counts["agency_id"])
                calendar = working_calendar(session, settings.weekend_python_days)
                return outstanding_replies(
                    session,
                    today=counts["today"],
                    calendar=calendar,
                    zone=zone,
                    first_after=settings.chase_first_after,
                    second_after=settings.chase_second_gap,
                    escalate_after=settings.chase_escalate_gap,
                    agency=agency,
                )

        for call in range(CALLS + 2):
            begin, begin_cpu = time.perf_counter(), time.process_time()
            found = one_call()
            elapsed = (time.perf_counter() - begin) * 1000
            elapsed_cpu = (time.process_time() - begin_cpu) * 1000
            rows = len(found)
            if call >= 2:  # two warm-up calls: the page cache and the connection pool
                times.append(elapsed)
                cpu_times.append(elapsed_cpu)
        # The SQL alone, exactly as the function sends it (statements and parameters
        # recorded during one more call, then replayed), for the split and the plans.
        sent: list[tuple[str, Any]] = []

        def record(
            conn: Any, cursor: Any, sql: str, parameters: Any, context: Any, many: bool
        ) -> None:
            sent.append((sql, parameters))

        event.listen(engine, "before_cursor_execute", record)
        try:
            one_call()
        finally:
            event.remove(engine, "before_cursor_execute", record)
        with engine.connect() as connection:
            for _ in range(CALLS):
                begin = time.perf_counter()
                for sql, parameters in sent:
                    connection.exec_driver_sql(sql, parameters).all()
                sql_times.append((time.perf_counter() - begin) * 1000)
            plans = {
                f"query {i} of {len(sent)}: {' '.join(sql.split())[:60]}": _explain(
                    connection, sql, parameters
                )
                for i, (sql, parameters) in enumerate(sent, 1)
            }
    finally:
        engine.dispose()
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()
    figures: dict[str, Any] = {
        **{k: v for k, v in counts.items() if k != "today"},
        "complaints": complaints,
        "load_seconds": round(load_seconds, 1),
        "calls": CALLS,
        "rows_returned": rows,
        "median_ms": round(median(times), 1),
        "p95_ms": round(p95(times), 1),
        "cpu_median_ms": round(median(cpu_times), 1),
        "sql_only_median_ms": round(median(sql_times), 1),
        "plans": plans,
        "target_ms": TARGET_MS,
        "quick": quick,
    }
    print_table(
        f"outstanding_replies for one agency over {counts['letters']:,} letters (PostgreSQL)",
        ["figure", "value"],
        [
            ("open referrals of the agency (rows)", rows),
            (f"median ms of {CALLS}", f"{figures['median_ms']:.1f}"),
            ("p95 ms", f"{figures['p95_ms']:.1f}"),
            ("CPU of this process (Python side), median ms", f"{figures['cpu_median_ms']:.1f}"),
            ("its queries alone, as sent, median ms", f"{figures['sql_only_median_ms']:.1f}"),
            ("COPY load s", f"{load_seconds:.0f}"),
        ],
        note=load(),
    )
    for title, lines in plans.items():
        say(f"[bold]EXPLAIN {title}[/bold] (top lines)")
        for line in lines[:8]:
            say(f"  {line[:110]}")  # an array of ids runs to thousands of characters
    figures["results_file"] = str(write_results("outstanding", figures))
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 letters.")
    main(quick=parser.parse_args().quick)
