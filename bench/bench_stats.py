"""The service's figures (/stats) over 100,000 cases and 1,000,000 letters on PostgreSQL
(issue 14, Performance: median <= 300 ms).

    .venv/bin/python -m bench.bench_stats [--quick] [--reuse] [--calls N] [--suffix S]

In its own database on the server of RESIDEGI_BENCH_PG_URL (default the test server,
127.0.0.1:5432, user postgres): ``residegi_bench_stats`` (``--quick``: 10,000 cases and
100,000 letters in ``residegi_bench_stats_quick``). The registry is made as ``init
--sample`` makes it (schema at HEAD, the sample agencies, the official holidays), then
filled with set-based SQL (INSERT ... SELECT over generate_series, no row leaves the
server): complainants (some filing more than once), cases registered over three years to
2026-12-06 with their channel, state and the time they were served, five to six events
each (documents brought, answers collected), and ten letters a case, three of them
referrals to the sample agencies (Qazvin's municipality weighted), most answered, some
void, with due dates. VACUUM ANALYZE. ``--reuse`` keeps a database already filled to the
size asked for (the build takes minutes; the machine is shared). ``--suffix S`` names the
database ``residegi_bench_stats_S`` (``…_quick_S``), so that two people benching at once on
one server do not drop each other's.

Timed: ``office.stats.figures`` for the last complete month, the current month, a season
and a year (each call in its own session, as a request is), and ``GET /stats`` of the
month through the desk (TestClient, logged in as a head): median and p95 of N calls after
2 warm-up calls. The figures of the month are printed too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from bench.common import median, p95, print_table, say, write_results

ADMIN_URL = os.environ.get(
    "RESIDEGI_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
TARGET_MS = 300.0
TODAY = "1405/09/15"  # 2026-12-06: the data end here
START = "2023-12-06 08:00:00+00"
SPAN_DAYS = 3 * 365
PASSWORD = "bench-password-1405"

# The cases: registered evenly over three years; served 2..91 days later unless that is
# after today (then still awaiting a reply); one in five by mail or on the web, the rest in
# person; complainants: one in seven files twice (the same national ID).
CASES_SQL = """
INSERT INTO complainant (id, kind, honorific, first_name, last_name, national_id, mobile,
                         address, name_norm)
SELECT g, 'person', 'none', 'زهرا', 'احمدی', lpad((g - (g % 7 = 0)::int)::text, 10, '0'),
       '0912' || lpad(g::text, 7, '0'), 'قزوین', 'زهرا احمدی'
FROM generate_series(1, :cases) AS g;

INSERT INTO complaint (id, tracking_code, complainant_id, subject, text, subject_norm,
                       text_norm, channel, anonymous, state, registered_at, registered_by,
                       served_at, complainant_key)
SELECT g, 'B' || lpad(g::text, 11, '0'), g, s.subject, 'متن شکایت', s.subject, 'متن شکایت',
       CASE g % 5 WHEN 1 THEN 'mail' WHEN 2 THEN 'web' ELSE 'in-person' END, false,
       CASE WHEN r.at + d.days > now_ THEN 'awaiting_reply'
            WHEN g % 3 = 0 THEN 'answered' ELSE 'closed' END,
       r.at, 'bench',
       CASE WHEN r.at + d.days > now_ THEN NULL ELSE r.at + d.days END,
       -- As registration names the complainant (registry.complaints.complainant_key).
       'person:' || lpad((g - (g % 7 = 0)::int)::text, 10, '0')
FROM generate_series(1, :cases) AS g,
     LATERAL (SELECT CAST(:start AS timestamptz)
                     + (g::float8 / :cases * :span) * interval '1 day' AS at) AS r,
     LATERAL (SELECT (2 + (g * 7919) % 90) * interval '1 day'
                     + ((g * 31) % 600) * interval '1 minute' AS days) AS d,
     LATERAL (SELECT (ARRAY['آسفالت نشدن معابر', 'تخلف ساختمانی', 'روشنایی معابر',
                            'جمع‌آوری زباله', 'عوارض نوسازی', 'فضای سبز محله',
                            'حمل و نقل عمومی', 'سد معبر', 'صدور پروانه', 'آب‌گرفتگی'])
                     [1 + (g * 13) % 10] AS subject) AS s,
     LATERAL (SELECT CAST(:now AS timestamptz) AS now_) AS n;

-- Events: registered, accepted, referred, replied (4); documents brought for one case in
-- three (with a channel); answered and closed for those served (with the answer collected
-- in person for one in two).
INSERT INTO event (at, actor, action, complaint_id, before, after, data)
SELECT c.registered_at + k.step * interval '1 hour', 'bench', k.action, c.id, k.before,
       k.after, k.data::json
FROM complaint c
CROSS JOIN LATERAL (VALUES
    (0, 'complaint_registered', NULL, 'registered', NULL),
    (1, 'state_changed', 'registered', 'accepted', NULL),
    (2, 'state_changed', 'accepted', 'awaiting_reply', NULL),
    (3, 'state_changed', 'awaiting_reply', 'replied', NULL)
) AS k(step, action, before, after, data);

INSERT INTO event (at, actor, action, complaint_id, data)
SELECT registered_at + interval '2 days', 'bench', 'documents_attached', id,
       json_build_object('channel', CASE WHEN id % 2 = 0 THEN 'in-person' ELSE 'mail' END)
FROM complaint WHERE id % 3 = 0;

INSERT INTO event (at, actor, action, complaint_id, before, after)
SELECT served_at, 'bench', 'state_changed', id, 'replied', 'answered'
FROM complaint WHERE served_at IS NOT NULL;

INSERT INTO event (at, actor, action, complaint_id, before, after, data)
SELECT served_at + interval '3 days', 'bench', 'state_changed', id, 'answered', 'closed',
       CASE WHEN id % 2 = 0 THEN json_build_object('channel', 'in-person') END
FROM complaint WHERE state = 'closed';
"""

# Each case's visits in person after registration (registry.events.is_visit_in_person).
VISITS_SQL = """
SELECT complaint_id, count(*) AS n FROM event
WHERE (action = 'documents_attached' AND COALESCE(data ->> 'channel', 'in-person') = 'in-person')
   OR (action = 'state_changed' AND after = 'closed' AND data ->> 'channel' = 'in-person')
GROUP BY complaint_id
"""

# Letters: ten a case; letter k of case c (k = 0..9): 0-2 referrals to agencies (one in
# three to Qazvin's municipality), 3 the receipt, 4-5 reminders, the rest other kinds.
# Referrals: sent a day after registration, due 10 working days (~14 days) later, answered
# after 1..40 days unless that is after today; one in fifty void.
LETTERS_SQL = """
WITH list AS (
    SELECT array_agg(agency.id ORDER BY agency.name <> 'شهرداری قزوین', agency.id) AS ids
    FROM agency WHERE agency.kind <> 'office'
)
INSERT INTO letter (id, series, year, seq, number, kind, state, complaint_id, agency_id,
                    recipient, issued_at, date, guid, verification_code, facts, created_by,
                    sent_at, due_date, replied_at)
SELECT g.i, 'ص', 1405, g.i, 'B/' || g.i,
       CASE WHEN k < 3 THEN 'referral' WHEN k = 3 THEN 'receipt'
            WHEN k < 6 THEN 'reminder' WHEN k = 6 THEN 'missing_documents'
            WHEN k = 7 THEN 'inspection_assignment' WHEN k = 8 THEN 'inspection_report'
            ELSE 'final_answer' END,
       CASE WHEN k < 3 AND g.i % 50 = 0 THEN 'void' ELSE 'sent' END,
       c.id, CASE WHEN k < 3 THEN a.id END, 'گیرنده', s.sent, s.sent::date,
       md5(g.i::text)::uuid::text, 'v', '{}'::json, 'bench', s.sent,
       CASE WHEN k < 3 THEN (s.sent + interval '14 days')::date END,
       CASE WHEN k < 3 AND s.sent + r.after <= CAST(:now AS timestamptz) AND g.i % 29 <> 0
            THEN s.sent + r.after END
FROM generate_series(1, :letters) AS g(i)
     CROSS JOIN list,
     LATERAL (SELECT (g.i - 1) % 10 AS k, ((g.i - 1) / 10) % :cases + 1 AS cid) AS x,
     LATERAL (SELECT complaint.id, complaint.registered_at FROM complaint
              WHERE complaint.id = x.cid) AS c,
     LATERAL (SELECT c.registered_at + interval '1 day' + x.k * interval '1 hour' AS sent) AS s,
     LATERAL (SELECT (1 + (g.i * 7) % 40) * interval '1 day' AS after) AS r,
     LATERAL (SELECT list.ids[1 + CASE WHEN g.i % 3 = 0 THEN 0
                                  ELSE (g.i * 13) % array_length(list.ids, 1) END] AS id) AS a;
"""


def _engine(url: str) -> Any:
    from sqlalchemy import create_engine

    return create_engine(url, isolation_level="AUTOCOMMIT")


def _database(name: str, reuse: bool, cases: int) -> tuple[str, bool]:
    """The bench database's URL, and whether it must be built (dropped and made anew)."""
    from sqlalchemy import text

    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    admin = _engine(ADMIN_URL)
    with admin.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        )
    if exists and reuse:
        probe = _engine(url)
        try:
            with probe.connect() as connection:
                filled = connection.scalar(text("SELECT count(*) FROM complaint"))
        except Exception:  # a database left half-made: build it again
            filled = None
        finally:
            probe.dispose()
        if filled == cases:
            admin.dispose()
            return url, False
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url, True


def _build(url: str, home: Path, cases: int, letters: int) -> dict[str, float]:
    """The registry as ``init --sample`` makes it, then filled; seconds per step."""
    from sqlalchemy import text

    from office.runtime import Runtime
    from office.setup import initialise
    from registry.jalali import parse_jalali_date
    from registry.settings import Settings
    from registry.tracking import damm_check_digit

    steps: dict[str, float] = {}
    started = time.perf_counter()
    runtime = Runtime(Settings(home=home, database_url=url, today=TODAY))
    initialise(runtime, sample=True, actor="bench")
    runtime.close()
    steps["init_s"] = time.perf_counter() - started
    now = dt.datetime.combine(parse_jalali_date(TODAY), dt.time(12), dt.UTC).isoformat()
    values = {"cases": cases, "letters": letters, "start": START, "span": SPAN_DAYS, "now": now}
    engine = _engine(url)
    with engine.connect() as connection:
        for name, script in (("cases_events_s", CASES_SQL), ("letters_s", LETTERS_SQL)):
            began = time.perf_counter()
            for statement in script.split(";\n"):
                if statement.strip():
                    connection.execute(text(statement), values)
            steps[name] = time.perf_counter() - began
        began = time.perf_counter()
        # Valid tracking codes (a Damm check digit: the desk refuses others), made here and
        # set in one statement: 1, the id in ten digits, the check digit. The same statement
        # counts what registry/events.py counts as each event is recorded: the visits in
        # person after registration (one UPDATE a row, as before the count was kept).
        codes = [f"1{n:010d}" for n in range(1, cases + 1)]
        connection.execute(
            text(
                "UPDATE complaint SET tracking_code = t.code, in_person_events = COALESCE(v.n, 0)"
                " FROM unnest(CAST(:codes AS text[])) WITH ORDINALITY AS t(code, n)"
                f" LEFT JOIN ({VISITS_SQL}) AS v ON v.complaint_id = t.n"
                " WHERE complaint.id = t.n"
            ),
            {"codes": [code + str(damm_check_digit(code)) for code in codes]},
        )
        steps["tracking_codes_s"] = time.perf_counter() - began
        began = time.perf_counter()
        # The generated ids: later inserts (the desk's) must not collide with them.
        for table in ("complainant", "complaint", "letter", "event"):
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            )
        connection.execute(text("VACUUM ANALYZE"))
        steps["vacuum_analyze_s"] = time.perf_counter() - began
    engine.dispose()
    return steps


def _timed(call: Callable[[], Any], calls: int) -> dict[str, float]:
    for _ in range(2):
        call()
    times = []
    for _ in range(calls):
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    return {"median_ms": round(median(times), 1), "p95_ms": round(p95(times), 1)}


def main(
    quick: bool = False, reuse: bool = False, calls: int = 20, suffix: str = ""
) -> dict[str, Any]:
    from sqlalchemy import text

    try:
        admin = _engine(ADMIN_URL)
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
        admin.dispose()
    except Exception as exc:
        say(f"bench_stats: no PostgreSQL at {ADMIN_URL} ({type(exc).__name__}); no figure")
        return {"skipped": str(exc)}
    from fastapi.testclient import TestClient

    from office import stats
    from office.runtime import Runtime
    from office.users import add_user
    from registry.kinds import Role
    from registry.settings import Settings
    from tests.web_support import log_in
    from web.app import create_app

    cases, letters = (10_000, 100_000) if quick else (100_000, 1_000_000)
    name = "residegi_bench_stats_quick" if quick else "residegi_bench_stats"
    if suffix:
        if not suffix.replace("_", "").isalnum():
            raise SystemExit(f"bench_stats: --suffix {suffix!r}: letters, digits and _ only")
        name += f"_{suffix}"
    url, build = _database(name, reuse, cases)
    results: dict[str, Any] = {"cases": cases, "letters": letters, "database": name}
    with tempfile.TemporaryDirectory(prefix="bench-stats-") as folder:
        home = Path(folder)
        if build:
            say(f"building {name}: {cases:,} cases, {letters:,} letters …")
            results["build"] = _build(url, home, cases, letters)
        else:
            say(f"reusing {name}")
        settings = Settings(home=home, database_url=url, today=TODAY)
        runtime = Runtime(settings)
        with runtime.engine.connect() as connection:
            counts = {
                table: connection.scalar(text(f"SELECT count(*) FROM {table}"))
                for table in ("complaint", "letter", "event", "holiday")
            }
        results["rows"] = counts
        last_month = stats.parse_period("1405/08")
        periods = {
            "month 1405/08": last_month,
            "month 1405/09 (current)": stats.parse_period("1405/09"),
            "season 1405/S2": stats.parse_period("1405/S2"),
            "year 1404": stats.parse_period("1404"),
        }
        timings: dict[str, dict[str, float]] = {}
        for label, period in periods.items():
            timings[f"figures {label}"] = _timed(
                partial(stats.figures, runtime, "bench", period), calls
            )
        from office.setup import desk_secret

        desk_secret(runtime)
        add_user(
            runtime,
            "bench",
            f"head{os.getpid()}",
            full_name="مدیر دفتر",
            roles=frozenset({Role.HEAD}),
            password=PASSWORD,
        )
        with TestClient(create_app(settings, runtime=runtime), follow_redirects=False) as client:
            log_in(client, f"head{os.getpid()}", PASSWORD)

            def page() -> None:
                response = client.get("/stats?kind=month&year=1405&month=8")
                assert response.status_code == 200, response.status_code

            timings["GET /stats 1405/08 (TestClient)"] = _timed(page, calls)
        figures = stats.figures(runtime, "bench", last_month).as_json()
        runtime.close()
    results["timings"] = timings
    results["figures_1405_08"] = figures
    results["target_ms"] = TARGET_MS
    results["within_target"] = all(t["median_ms"] <= TARGET_MS for t in timings.values())
    print_table(
        f"/stats over {cases:,} cases, {letters:,} letters (PostgreSQL)",
        ["what", "median ms", "p95 ms"],
        [(label, t["median_ms"], t["p95_ms"]) for label, t in timings.items()],
        note=f"target: median <= {TARGET_MS:.0f} ms; {calls} calls after 2 warm-up calls",
    )
    served = figures["served"]
    say(
        "1405/08: "
        + ", ".join(f"{key} {value}" for key, value in served.items())
        + f"; registered {figures['registered']}; agencies {len(figures['agencies'])}"
    )
    results["results_file"] = str(write_results("stats", results))
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 cases, 100,000 letters.")
    parser.add_argument("--reuse", action="store_true", help="Keep a database already built.")
    parser.add_argument("--calls", type=int, default=20, help="Timed calls per figure.")
    parser.add_argument("--suffix", default="", help="Database name suffix (your own).")
    args = parser.parse_args()
    main(quick=args.quick, reuse=args.reuse, calls=args.calls, suffix=args.suffix)
