"""Peak memory of each process of a 5,000-letter dispatch against a 500-letter one (item 3).

    .venv/bin/python -m bench.bench_memory [--quick]

Both runs are the real ``residegi letter dispatch --workers 2`` on the data folders of
bench_dispatch (set-up not timed, Prefect's home created).  Each is run once.

How a process's peak is taken: VmHWM, the kernel's high-water mark of its resident set
(per address space: a spawned worker is not charged with its parent's memory, as its
``ru_maxrss`` would be after fork+exec).  Two sources, the larger kept:
* every Python process of the tree reports its own VmHWM at exit (bench/_peak_hook on
  PYTHONPATH: a ``sitecustomize`` that registers an atexit hook), exact for the main
  process and the render workers;
* the parent polls /proc/<pid>/status of the whole tree every 50 ms, which also covers
  processes that end by a signal (Prefect's temporary API server is terminated).
Processes are matched between the runs by role (main, render worker 1 and 2, Prefect's
server, multiprocessing's resource tracker); the target is each at 5,000 <= 1.2x at 500.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from bench.bench_dispatch import dispatch_command
from bench.common import (
    ROOT,
    ProcessPeak,
    check,
    child_env,
    is_python,
    load,
    print_table,
    role,
    run_watched,
    say,
    write_results,
)
from bench.dispatch_folders import copy_folder, prepared

TARGET_RATIO = 1.2
HOOK = ROOT / "bench" / "_peak_hook"
_SEEN: dict[int, list[dict[str, Any]]] = {}


def _peaks(letters: int, quick: bool, scratch: Path) -> tuple[float, dict[str, float]]:
    """Dispatch ``letters`` once; (wall seconds, {role: peak MB})."""
    home = copy_folder(prepared(letters, quick), scratch / f"run-{letters}")
    reports = scratch / f"peaks-{letters}"
    reports.mkdir()
    env = child_env(RESIDEGI_BENCH_PEAK_DIR=str(reports))
    env["PYTHONPATH"] = f"{HOOK}:{env['PYTHONPATH']}"
    wall, result, watcher = run_watched(dispatch_command(home), env=env)
    check(result, f"dispatch of {letters} letters")
    by_role: dict[str, list[ProcessPeak]] = {}
    for peak in watcher.processes.values():
        if is_python(peak, watcher.processes):
            by_role.setdefault(role(peak, watcher.processes, watcher.root), []).append(peak)
    # Every process seen, for the record (role, parent, command, peak).
    seen = [
        {"pid": p.pid, "ppid": p.ppid, "peak_mb": round(p.peak_mb, 1), "command": p.command[:200]}
        for p in sorted(watcher.processes.values(), key=lambda p: p.pid)
        if is_python(p, watcher.processes)
    ]
    _SEEN[letters] = seen
    named: dict[str, float] = {}
    for name, peaks in sorted(by_role.items()):
        # Workers in start order (pids grow), so "render worker 1" is the same slot each run.
        for index, peak in enumerate(sorted(peaks, key=lambda p: p.pid), start=1):
            named[f"{name} {index}" if len(peaks) > 1 else name] = round(peak.peak_mb, 1)
    return wall, named


def main(quick: bool = False) -> dict[str, Any]:
    """Peak MB of each process at the small and the large dispatch, and their ratios."""
    small, large = (20, 100) if quick else (500, 5000)
    prepared(small, quick)  # the set-up, before anything is timed
    say(f"memory: dispatching {small} then {large} letters, each run once; {load()}")
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as folder:
        scratch = Path(folder)
        small_wall, small_peaks = _peaks(small, quick, scratch)
        large_wall, large_peaks = _peaks(large, quick, scratch)
    rows = []
    ratios: dict[str, float | None] = {}
    for name in sorted(set(small_peaks) | set(large_peaks)):
        before, after = small_peaks.get(name), large_peaks.get(name)
        ratio = after / before if before and after else None
        ratios[name] = round(ratio, 3) if ratio is not None else None
        rows.append(
            (
                name,
                f"{before:.1f}" if before else "-",
                f"{after:.1f}" if after else "-",
                f"{ratio:.2f}" if ratio is not None else "-",
                ("PASS" if ratio <= TARGET_RATIO else "MISS") if ratio is not None else "-",
            )
        )
    print_table(
        f"peak memory (VmHWM) of each process, dispatch of {small} vs {large} letters, "
        "each run once",
        ["process", f"{small} letters MB", f"{large} letters MB", "ratio", "≤ 1.2x"],
        rows,
        note=f"wall {small_wall:.0f} s and {large_wall:.0f} s; {load()}",
    )
    known = [r for r in ratios.values() if r is not None]
    figures: dict[str, Any] = {
        "small_letters": small,
        "large_letters": large,
        "runs": 1,
        "small_wall_seconds": round(small_wall, 1),
        "large_wall_seconds": round(large_wall, 1),
        "small_peaks_mb": small_peaks,
        "large_peaks_mb": large_peaks,
        "ratios": ratios,
        "processes": {str(k): v for k, v in _SEEN.items()},
        "worst_ratio": max(known) if known else None,
        "target_ratio": TARGET_RATIO,
        "quick": quick,
    }
    figures["results_file"] = str(write_results("memory", figures))
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="A smoke run: 20 vs 100 letters.")
    main(quick=parser.parse_args().quick)
