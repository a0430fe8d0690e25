"""A letter batch from the desk: seconds from «ارسال» to the batch's end (issue 14).

    .venv/bin/python -m bench.bench_batches [--quick]

A data folder with 5 referral letters waiting (bench/dispatch_folders.py, Prefect's home
already created), copied afresh for each run.  The "click" is what ``POST /batches``
does (web/routes/batches.py), minus HTTP: take the batch lease, start the batch process
(flows/batch_process.py), record where it runs; then the registry is read every 50 ms
until the batch has ended, as the page's polling would see it.  For comparison, on
another copy, the command line's ``residegi letter dispatch`` of the same 5 letters, and
what a fresh interpreter pays before its first letter: importing the dispatch flow
(Prefect) and WeasyPrint (each render worker imports it).  Target: ≤ 3 s.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.bench_dispatch import dispatch_command
from bench.common import (
    PYTHON,
    check,
    child_env,
    load,
    median,
    print_table,
    run_timed,
    say,
    write_results,
)
from bench.dispatch_folders import ACTOR, build_folders, copy_folder

LETTERS = 5
TARGET_SECONDS = 3.0
POLL_S = 0.05
LIMIT_S = 600.0


def desk_batch(home: Path) -> dict[str, float]:
    """One batch as the desk starts it: (seconds until the page could answer, seconds
    until the batch ended, letters sent)."""
    from flows.batch_process import start_batch
    from office import batches
    from office.access import Staff
    from office.runtime import Runtime
    from registry.kinds import Role
    from registry.settings import load_settings

    staff = Staff(ACTOR, "دبیرخانه", frozenset({Role.SECRETARIAT}))
    runtime = Runtime(load_settings(home=home))
    try:
        started = time.perf_counter()
        taken = batches.start(runtime, staff)
        assert taken.started
        run_id = taken.run.run_id
        where = start_batch(runtime, run_id, ACTOR)
        assert where is not None  # the bench's environment names no Prefect server
        batches.started_in(runtime, run_id, host=where[0], pid=where[1])
        answered = time.perf_counter() - started
        while True:
            run = batches.find(runtime, staff, run_id)
            assert run is not None
            if run.state != "running":
                break
            if time.perf_counter() - started > LIMIT_S:
                raise RuntimeError("the batch did not end")
            time.sleep(POLL_S)
        ended = time.perf_counter() - started
        if run.state != "done" or len(run.numbers) != LETTERS:
            log = (home / "batches" / f"{run_id}.log").read_text(encoding="utf-8")
            raise RuntimeError(f"batch {run.state}: {run.error}\n{log[-3000:]}")
        return {"answered_s": round(answered, 3), "ended_s": round(ended, 2)}
    finally:
        runtime.close()


def import_seconds(module: str) -> float:
    """Wall seconds of a fresh interpreter importing ``module`` (and exiting)."""
    seconds, result = run_timed([PYTHON, "-c", f"import {module}"], env=child_env())
    check(result, f"import {module}")
    return round(seconds, 2)


def main(quick: bool = False) -> dict[str, Any]:
    """Median click-to-end seconds of a 5-letter desk batch, the CLI's, and the imports."""
    runs = 1 if quick else 3
    say(f"bench_batches: {runs} run(s) of {LETTERS} letters; {load()}")
    with tempfile.TemporaryDirectory(prefix="bench-batches-") as scratch:
        root = Path(scratch)
        folder = build_folders(root / "built", [LETTERS])[LETTERS]
        desk = [desk_batch(copy_folder(folder, root / f"desk-{n}")) for n in range(runs)]
        cli = []
        for n in range(runs):
            home = copy_folder(folder, root / f"cli-{n}")
            seconds, result = run_timed(dispatch_command(home), env=child_env())
            check(result, "letter dispatch")
            cli.append(round(seconds, 2))
    desk_median = median([run["ended_s"] for run in desk])
    figures: dict[str, Any] = {
        "letters": LETTERS,
        "desk_click_to_end_s": [run["ended_s"] for run in desk],
        "desk_click_to_end_median_s": desk_median,
        "desk_page_answered_s": [run["answered_s"] for run in desk],
        "cli_dispatch_s": cli,
        "cli_dispatch_median_s": median(cli),
        "import_flows_dispatch_s": import_seconds("flows.dispatch"),
        "import_weasyprint_s": import_seconds("weasyprint"),
        "target_s": TARGET_SECONDS,
    }
    verdict = "PASS" if desk_median <= TARGET_SECONDS else "MISS"
    print_table(
        "Letter batch from the desk, 5 letters",
        ["figure", "seconds"],
        [
            ("click → batch ended (median)", figures["desk_click_to_end_median_s"]),
            ("  each run", figures["desk_click_to_end_s"]),
            ("click → page can answer", figures["desk_page_answered_s"]),
            ("residegi letter dispatch, whole process (median)", figures["cli_dispatch_median_s"]),
            ("fresh interpreter: import flows.dispatch", figures["import_flows_dispatch_s"]),
            ("fresh interpreter: import weasyprint", figures["import_weasyprint_s"]),
        ],
        note=f"target ≤ {TARGET_SECONDS} s: {verdict}",
    )
    path = write_results("bench_batches", figures | {"verdict": verdict})
    say(f"written {path}")
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one run instead of three")
    main(parser.parse_args().quick)
