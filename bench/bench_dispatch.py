"""`letter dispatch` of N referral letters, with Prefect and without (issue 7, item 2).

    .venv/bin/python -m bench.bench_dispatch [--quick]

Set-up (not timed): a data folder initialised with the sample agencies, Prefect's home
already created by a trivial flow in a separate process, and sample complaints (seeded:
Persian names and texts of varied length, a PDF and scanned JPEG/PNG attachments, one or
two agencies) registered through ``archive.intake.file_complaint`` and accepted through
``office.casework.accept``, exactly as staff would, until they make N referral letters.
The folder is then copied, so both runs start from equal data.

Timed, one after the other in this run:
* ``residegi letter dispatch`` as a subprocess: the whole process (interpreter start,
  imports, Prefect's temporary API, numbering, DOCX + PDF/A-3u on both cores, archive,
  send) from exec to exit;
* the same steps through the plain functions of office/pipeline.py in a subprocess that
  never imports Prefect (``--plain``), with the same RenderPool(2).

Prefect's share = (with - without) / with.  Each is run once (a large run).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import (
    PYTHON,
    RESIDEGI,
    check,
    child_env,
    load,
    print_table,
    run_cpu_timed,
    say,
    write_results,
)
from bench.dispatch_folders import ACTOR, copy_folder, prepared

TARGET_SECONDS = 60.0  # for 1,000 letters
TARGET_PREFECT_SHARE = 0.15


def dispatch_command(home: Path) -> list[str]:
    return [RESIDEGI, "--home", str(home), "letter", "dispatch", "--workers", "2", "--json"]


def plain_command(home: Path) -> list[str]:
    return [PYTHON, "-m", "bench.bench_dispatch", "--plain", str(home)]


def _dispatched(stdout: str) -> int:
    """Letters sent, from the --json summary of either command (the last JSON object; the
    CLI indents it over several lines)."""
    lines = stdout.strip().splitlines()
    for start in range(len(lines) - 1, -1, -1):
        if lines[start].startswith("{"):
            try:
                return int(json.loads("\n".join(lines[start:]))["letters"])
            except ValueError:
                continue
    raise RuntimeError(f"no JSON summary in the output: {stdout[-500:]!r}")


def plain_dispatch(home: Path) -> None:
    """The dispatch flow's steps as plain functions, in the flow's order: no Prefect."""
    from generators.batch import RenderPool
    from office import pipeline
    from office.runtime import Runtime
    from registry.kinds import LetterKind
    from registry.settings import load_settings

    started = time.perf_counter()
    batch = pipeline.Batch(Runtime(load_settings(home=home)), ACTOR)
    chunk_size, workers = 100, 2  # DispatchParams' defaults
    sent: list[str] = []
    with RenderPool[int](workers) as pool:
        if pipeline.referrals_to_send(batch):
            pool.start()
        pipeline.ensure_ready(batch, [LetterKind.REFERRAL])
        unrendered = pipeline.unrendered_letters(batch, (LetterKind.REFERRAL,))
        pending = pipeline.pending_referrals(batch, None)
        total = len(unrendered) + len(pending)
        for letter_ids in pipeline.chunks(unrendered, chunk_size):
            sent += pipeline.render_and_send(
                batch, pool, letter_ids, done_before=len(sent), total=total
            )
        for chunk in pipeline.chunks(pending, chunk_size):
            sent += pipeline.number_and_send(batch, pool, chunk, done_before=len(sent), total=total)
    pipeline.finish(batch)
    # The comparison is only fair if nothing of Prefect was loaded on the way.
    if "prefect" in sys.modules:
        raise SystemExit("the plain dispatch imported Prefect")
    seconds = round(time.perf_counter() - started, 2)
    print(json.dumps({"letters": len(sent), "seconds": seconds}))


def main(quick: bool = False) -> dict[str, Any]:
    """Time both dispatches of N letters (1,000; 40 with --quick) and print the table."""
    letters = 40 if quick else 1000
    with tempfile.TemporaryDirectory(prefix="bench-dispatch-") as scratch:
        root = Path(scratch)
        started = time.perf_counter()
        built = prepared(letters, quick)
        setup_seconds = time.perf_counter() - started
        prefect_home = copy_folder(built, root / "prefect")
        plain_home = copy_folder(built, root / "plain")
        say(f"dispatch: {letters} letters ready in {setup_seconds:.0f} s (not timed); {load()}")
        with_wall, with_cpu, with_run = run_cpu_timed(
            dispatch_command(prefect_home), env=child_env()
        )
        check(with_run, "residegi letter dispatch")
        without_wall, without_cpu, without_run = run_cpu_timed(
            plain_command(plain_home), env=child_env()
        )
        check(without_run, "the plain dispatch")
        sent = _dispatched(with_run.stdout), _dispatched(without_run.stdout)
    if sent != (letters, letters):
        raise RuntimeError(f"expected {letters} letters each, sent {sent}")
    share = (with_wall - without_wall) / with_wall
    # The same ratio in CPU seconds of the whole process tree: on a shared machine the two
    # wall times are taken under different loads, the CPU times much less so.
    cpu_share = (with_cpu - without_cpu) / with_cpu
    rate_with, rate_without = letters / with_wall, letters / without_wall
    figures: dict[str, Any] = {
        "letters": letters,
        "runs": 1,
        "setup_seconds": round(setup_seconds, 1),
        "with_prefect_seconds": round(with_wall, 2),
        "with_prefect_letters_per_second": round(rate_with, 2),
        "without_prefect_seconds": round(without_wall, 2),
        "without_prefect_letters_per_second": round(rate_without, 2),
        "prefect_share": round(share, 4),
        "with_prefect_cpu_seconds": round(with_cpu, 1),
        "without_prefect_cpu_seconds": round(without_cpu, 1),
        "prefect_share_cpu": round(cpu_share, 4),
        "target_seconds_per_1000": TARGET_SECONDS,
        "target_prefect_share": TARGET_PREFECT_SHARE,
        "quick": quick,
    }
    print_table(
        f"letter dispatch of {letters} letters, whole process wall time, run once",
        ["run", "wall s", "letters/s", "CPU s (process tree)"],
        [
            (
                "residegi letter dispatch (Prefect)",
                f"{with_wall:.1f}",
                f"{rate_with:.1f}",
                f"{with_cpu:.1f}",
            ),
            (
                "plain functions, no Prefect",
                f"{without_wall:.1f}",
                f"{rate_without:.1f}",
                f"{without_cpu:.1f}",
            ),
            ("Prefect's share", f"{share:.1%}", "", f"{cpu_share:.1%}"),
        ],
        note=load(),
    )
    figures["results_file"] = str(write_results("dispatch", figures))
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="A smoke run: a few letters.")
    parser.add_argument("--plain", type=Path, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.plain:
        plain_dispatch(args.plain)
    else:
        main(quick=args.quick)
