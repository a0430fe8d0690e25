"""Assembling the dossier of a 60-document case (issue 6: under 2 seconds).

    .venv/bin/python bench/bench_dossier.py [RUNS]      # default 7 runs

Builds, in a temporary folder on the embedded default (SQLite + local archive), one case
of 60 documents: 15 files filed with the complaint (PDFs and scans: PNG, JPEG, multi-page
TIFF, each scan with the PDF derived from it at intake), 15 referral letters each with one
reminder (30 real letters: PDF/A rendered by the generators, one per kind, reused) and 15
agency replies (scans).  Then times ``archive.dossier.export_dossier`` (read and re-hash
every object, render the cover and index, merge, write the file) RUNS times after one warm-up
run (which loads fonts and templates once per process, as a long-running process would),
prints the median wall time and its spread, the median CPU time of this process (which
a busy machine inflates less) and the load average, and writes JSON to bench/results/.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
import zoneinfo
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.dossier import export_dossier  # noqa: E402
from archive.store import ArchiveStore  # noqa: E402
from generators.dossier_cover import render_cover  # noqa: E402
from registry import migrate  # noqa: E402
from registry.db import make_engine, session_factory, transaction  # noqa: E402
from tests.dossier_support import OFFICE, build_case  # noqa: E402
from tests.factories import AT  # noqa: E402

TARGET_SECONDS = 2.0
FILES = ("pdf", "png", "jpg", "tif", "png")


def main(runs: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="bench-dossier-") as folder:
        home = Path(folder)
        engine = make_engine(f"sqlite:///{home / 'registry.sqlite3'}")
        migrate.upgrade(engine)
        sessions = session_factory(engine)
        store = ArchiveStore(str(home / "archive"))
        started = time.perf_counter()
        with transaction(sessions) as session:
            case = build_case(
                session,
                store,
                files=FILES * 3,
                referrals=15,
                reminders_each=1,
                reply_files=("png", "jpg", "pdf"),
            )
            tracking = case.complaint.tracking_code
        setup = time.perf_counter() - started
        zone = zoneinfo.ZoneInfo("Asia/Tehran")
        times: list[float] = []
        cpu: list[float] = []
        result = None
        for run in range(runs + 1):
            with sessions() as session:
                begin, begin_cpu = time.perf_counter(), time.process_time()
                result = export_dossier(
                    session, store, tracking, home / f"dossier-{run}.pdf", render_cover,
                    office=OFFICE, zone=zone, at=AT,
                )  # fmt: skip
                elapsed = time.perf_counter() - begin
                elapsed_cpu = time.process_time() - begin_cpu
            if run:  # the first run warms fonts and templates up
                times.append(elapsed)
                cpu.append(elapsed_cpu)
        engine.dispose()
        assert result is not None
        dossier = result.dossier
        return {
            "benchmark": "dossier",
            "documents": len(dossier.placed),
            "pages": dossier.total_pages,
            "cover_pages": dossier.cover_pages,
            "size_bytes": len(dossier.pdf),
            "runs": runs,
            "median_s": round(statistics.median(times), 4),
            "min_s": round(min(times), 4),
            "max_s": round(max(times), 4),
            "median_cpu_s": round(statistics.median(cpu), 4),
            "load_average_1min": round(os.getloadavg()[0], 2),
            "cpus": os.cpu_count(),
            "target_s": TARGET_SECONDS,
            "setup_s": round(setup, 2),
            "python": platform.python_version(),
            "pypdf": metadata.version("pypdf"),
            "weasyprint": metadata.version("weasyprint"),
            "machine": platform.machine(),
        }


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    figures = main(count)
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    out = ROOT / "bench" / "results" / f"dossier-{stamp}.json"
    out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(
        f"dossier of {figures['documents']} documents, {figures['pages']} pages: "
        f"median {figures['median_s']} s (min {figures['min_s']}, max {figures['max_s']}) "
        f"over {figures['runs']} runs; CPU median {figures['median_cpu_s']} s; "
        f"load {figures['load_average_1min']} on {figures['cpus']} CPUs; "
        f"target < {TARGET_SECONDS} s -> {out.name}"
    )
