"""Search latency over 100,000 generated cases on the embedded default (issue 6, "Done when").

    .venv/bin/python bench/bench_search.py [COUNT] [--keep DIR]    # COUNT default 100000

Builds a fresh SQLite registry (migrated to HEAD, Qazvin's sample agencies) in a temporary
folder, bulk-inserts COUNT cases from ``registry.samples.sample_complaints`` with a fixed
seed (complainants, complaints, agencies concerned and referral letters, with the same
normalized columns registration writes; the search index is filled by migration 0003's
triggers as the rows go in), then times ``registry.search.search`` for a fixed mix of
queries drawn from those cases: a name, a tracking code, a letter number and two subject
words, each also typed the other way (Arabic ي/ك for words, Persian and Latin digits,
either order for letter numbers).  One warm-up round, then ROUNDS measured rounds; each
query runs in its own session, as a CLI call would.  Prints p50/p95 per query kind and
overall and writes JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
import zoneinfo
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, insert, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from registry import migrate, samples  # noqa: E402
from registry.agencies import load_sample  # noqa: E402
from registry.complaints import validated_complainant  # noqa: E402
from registry.db import make_engine, session_factory, transaction  # noqa: E402
from registry.jalali import jalali_year  # noqa: E402
from registry.kinds import ComplaintState, LetterKind, LetterState  # noqa: E402
from registry.models import (  # noqa: E402
    Agency,
    Complainant,
    Complaint,
    ComplaintAgency,
    Letter,
)
from registry.search import search  # noqa: E402
from registry.text import normalize_for_search, to_persian_digits  # noqa: E402
from registry.tracking import format_tracking_code, new_tracking_code  # noqa: E402

SEED = 1405
ROUNDS = 3
PER_KIND = 25  # cases drawn per query kind; each typed two ways
SERIES = "ص"
TEMPLATE = "{year}/{series}/{seq}"
ZONE = zoneinfo.ZoneInfo("Asia/Tehran")
FIRST_DAY = dt.datetime(2024, 3, 20, 8, 0, tzinfo=ZONE)  # 1403/01/01
CHUNK = 5000


def _no_files() -> None:
    # The sample files (PDF, PNG, JPEG made with pypdf and Pillow) take ~7 ms a case and
    # the search never reads them: the benchmark inserts rows only.  The file makers are
    # replaced by stubs under whichever name registry.samples gives them.
    stubs = {"pdf": lambda rng: b"", "scan_png": lambda rng, lines: b"",
             "scan_jpeg": lambda rng, lines: b""}  # fmt: skip
    for name, stub in stubs.items():
        found = [n for n in (name, f"_{name}") if hasattr(samples, n)]
        if not found:
            raise SystemExit(f"registry.samples has no {name}: update bench_search._no_files")
        for attribute in found:
            setattr(samples, attribute, stub)


_AFTER_ACCEPT = [
    ComplaintState.ACCEPTED,
    ComplaintState.AWAITING_REPLY,
    ComplaintState.REPLIED,
    ComplaintState.ANSWERED,
    ComplaintState.CLOSED,
]
_WITH_LETTERS = set(_AFTER_ACCEPT[1:])


def build(engine: Engine, count: int) -> None:
    """COUNT cases, registered in order over about two and a half years, bulk-inserted."""
    migrate.upgrade(engine)
    at = FIRST_DAY
    with transaction(session_factory(engine)) as session:
        load_sample(session, at=at, actor="bench")
    with Session(engine) as session:
        agencies = {a.name: a.id for a in session.scalars(select(Agency))}
    names = [name for name in agencies if "استانداری" not in name]
    rng = random.Random(SEED)
    codes: set[str] = set()
    seq_by_year: dict[int, int] = {}
    step = dt.timedelta(days=980) / count
    batch: dict[str, list[dict[str, Any]]] = {"p": [], "c": [], "a": [], "l": []}
    _no_files()
    for index, sample in enumerate(samples.sample_complaints(count, names, seed=SEED)):
        cid = index + 1
        at = FIRST_DAY + step * index + dt.timedelta(seconds=rng.randrange(60))
        person = validated_complainant(sample.data.complainant)
        row = {c.key: getattr(person, c.key) for c in Complainant.__table__.columns}
        batch["p"].append(row | {"id": cid})
        code = new_tracking_code(rng)
        while code in codes:
            code = new_tracking_code(rng)
        codes.add(code)
        if sample.review == "reject":
            state = rng.choice([ComplaintState.REJECTED, ComplaintState.CLOSED])
        elif sample.review == "incomplete":
            state = ComplaintState.INCOMPLETE
        else:
            state = rng.choice(_AFTER_ACCEPT)
        batch["c"].append(
            {
                "id": cid,
                "tracking_code": code,
                "complainant_id": cid,
                "subject": sample.data.subject,
                "text": sample.data.text,
                "subject_norm": normalize_for_search(sample.data.subject),
                "text_norm": normalize_for_search(sample.data.text),
                "channel": sample.data.channel,
                "anonymous": sample.data.anonymous,
                "state": state,
                "registered_at": at,
                "registered_by": "bench",
            }
        )
        for position, name in enumerate(sample.data.agencies):
            batch["a"].append(
                {"complaint_id": cid, "agency_id": agencies[name], "position": position}
            )
            if state in _WITH_LETTERS:
                year = jalali_year(at.date())
                seq_by_year[year] = seq_by_year.get(year, 0) + 1
                seq = seq_by_year[year]
                batch["l"].append(
                    {
                        "series": SERIES,
                        "year": year,
                        "seq": seq,
                        "number": TEMPLATE.format(year=year, series=SERIES, seq=seq),
                        "kind": LetterKind.REFERRAL,
                        "state": LetterState.SENT,
                        "complaint_id": cid,
                        "agency_id": agencies[name],
                        "recipient": name,
                        "issued_at": at + dt.timedelta(days=2),
                        "date": (at + dt.timedelta(days=2)).date(),
                        "guid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                        "verification_code": f"B{cid:07d}",
                        "facts": {},
                        "created_by": "bench",
                        "sent_at": at + dt.timedelta(days=2),
                    }
                )
        if len(batch["c"]) >= CHUNK or index == count - 1:
            _flush(engine, batch)


def _flush(engine: Engine, batch: dict[str, list[dict[str, Any]]]) -> None:
    with engine.begin() as connection:
        for key, table in (("p", Complainant), ("c", Complaint), ("a", ComplaintAgency)):
            if batch[key]:
                connection.execute(insert(table), batch[key])
        if batch["l"]:
            connection.execute(insert(Letter), batch["l"])
    for rows in batch.values():
        rows.clear()


def _arabic(text: str) -> str:
    """As typed on an Arabic keyboard layout: Arabic Yeh and Kaf."""
    return text.replace("ی", "ي").replace("ک", "ك")


def query_mix(engine: Engine) -> list[tuple[str, str]]:
    """(kind, query) pairs drawn from the generated cases with a fixed seed."""
    rng = random.Random(SEED + 1)
    with Session(engine) as session:
        top = session.scalar(select(Complaint.id).order_by(Complaint.id.desc()).limit(1)) or 0
        picks = [rng.randrange(1, top + 1) for _ in range(PER_KIND * 3)]
        rows = session.execute(
            select(Complaint.tracking_code, Complaint.subject, Complainant.first_name,
                   Complainant.last_name)
            .join(Complainant, Complainant.id == Complaint.complainant_id)
            .where(Complaint.id.in_(picks))
        ).all()  # fmt: skip
        letters = list(session.scalars(select(Letter.number).order_by(Letter.id)))
    rows = sorted(rows)
    rng.shuffle(rows)
    mix: list[tuple[str, str]] = []
    for code, subject, first, last in rows[:PER_KIND]:
        name = f"{first} {last}"
        mix += [("name", name), ("name", _arabic(name))]
        mix += [
            ("tracking_code", to_persian_digits(format_tracking_code(code))),
            ("tracking_code", code),
        ]
        words = subject.split()
        start = rng.randrange(len(words) - 1)
        pair = " ".join(words[start : start + 2])
        mix += [("subject_words", pair), ("subject_words", _arabic(pair))]
    for number in rng.sample(letters, PER_KIND):
        year, series, seq = number.split("/")
        mix += [("letter_number", to_persian_digits(number)),
                ("letter_number", f"{year}/{seq}/{series}")]  # fmt: skip
    return mix


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(engine: Engine, mix: list[tuple[str, str]]) -> dict[str, list[float]]:
    sessions = session_factory(engine)
    timings: dict[str, list[float]] = {}
    for round_ in range(ROUNDS + 1):
        for kind, text in mix:
            start = time.perf_counter()
            with sessions() as session:
                result = search(session, text, series_codes={SERIES}, zone=ZONE)
                hits = len(result.hits)
            elapsed = (time.perf_counter() - start) * 1000
            if hits == 0:
                raise SystemExit(f"no hit for {kind} query {text!r}: the benchmark is broken")
            if round_:  # round 0 warms the page cache
                timings.setdefault(kind, []).append(elapsed)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="Build the database here and keep it.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        path = folder / "registry.sqlite3"
        if path.exists():
            raise SystemExit(f"{path} exists; give an empty folder")
        engine = make_engine(f"sqlite:///{path}")
        started = time.perf_counter()
        build(engine, args.count)
        built = time.perf_counter() - started
        mix = query_mix(engine)
        timings = measure(engine, mix)
        size = path.stat().st_size
        engine.dispose()
    everything = [t for values in timings.values() for t in values]
    rows = dict(sorted(timings.items())) | {"overall": everything}
    summary = {
        kind: {
            "queries": len(values),
            "p50_ms": round(statistics.median(values), 2),
            "p95_ms": round(_percentile(values, 0.95), 2),
            "max_ms": round(max(values), 2),
        }
        for kind, values in rows.items()
    }
    print(f"{args.count} cases built in {built:.1f} s; database {size / 2**20:.0f} MiB")
    print(f"{'kind':<16}{'queries':>8}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for kind, row in summary.items():
        print(
            f"{kind:<16}{row['queries']:>8}{row['p50_ms']:>10}{row['p95_ms']:>10}{row['max_ms']:>10}"
        )
    record = {
        "benchmark": "search",
        "cases": args.count,
        "seed": SEED,
        "rounds": ROUNDS,
        "build_seconds": round(built, 1),
        "database_bytes": size,
        "sqlite_version": sqlite3.sqlite_version,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "target_p95_ms": 50,
        "summary": summary,
        "queries": [{"kind": kind, "query": text} for kind, text in mix],
    }
    out = ROOT / "bench" / "results" / f"search-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, indent=2, ensure_ascii=False))
    print(f"written: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
