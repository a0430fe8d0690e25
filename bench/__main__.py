"""``make bench``: every benchmark of issue 7 in order, then one table of figures and targets.

    .venv/bin/python -m bench [--quick] [--only NAME ...]

Order: letters, dispatch, memory, dossier, search, outstanding, startup.  Each benchmark
module exposes ``main(quick: bool = False) -> dict``; a module written to an older
convention (``main()`` reading argv, or ``main(runs)``) is run as a script in a subprocess
and its newest JSON in bench/results/ is read instead.  A module not there yet, or one that
fails, is reported on its line and the others still run.  Writes bench/results/summary.json.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import json
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import (
    PYTHON,
    RESULTS,
    ROOT,
    child_env,
    console,
    load,
    print_table,
    run_timed,
    say,
    use_bytecode_cache,
    write_results,
)

ORDER = ("letters", "dispatch", "memory", "dossier", "search", "outstanding", "startup")
# Arguments for scripts that take them on the command line (the older convention).
SCRIPT_ARGS = {
    ("letters", True): ["20"],
    ("letters", False): ["200"],
    ("dossier", True): ["2"],
    ("dossier", False): ["7"],
    ("search", True): ["5000"],
    ("search", False): ["100000"],
}


def _takes_quick(script: Path) -> bool:
    """Whether the script's ``main`` has a ``quick`` parameter, read from its source: an
    older-convention module is not imported here at all (it runs in its own process)."""
    for node in ast.parse(script.read_text("utf-8")).body:
        if isinstance(node, ast.FunctionDef) and node.name == "main":
            arguments = node.args.args + node.args.kwonlyargs
            return any(argument.arg == "quick" for argument in arguments)
    return False


def _run_module(name: str, quick: bool) -> dict[str, Any]:
    module_name = f"bench.bench_{name}"
    script = ROOT / "bench" / f"bench_{name}.py"
    if not script.exists():
        return {"skipped": f"bench/bench_{name}.py is not there yet"}
    if _takes_quick(script):
        module = importlib.import_module(module_name)
        result = module.main(quick=quick)
        return dict(result) if isinstance(result, dict) else {"result": result}
    # An older convention: run the script, then read what it wrote.
    started = time.time()
    wall, result = run_timed(
        [PYTHON, str(script), *SCRIPT_ARGS.get((name, quick), [])], env=child_env()
    )
    sys.stdout.write(result.stdout)
    if result.returncode != 0:
        sys.stderr.write(result.stderr[-3000:])
        return {"failed": f"bench_{name}.py exited with {result.returncode}"}
    written = [
        p for p in RESULTS.glob(f"{name}*.json") if p.stat().st_mtime >= started and p.is_file()
    ]
    if not written:
        return {"failed": f"bench_{name}.py wrote no JSON to bench/results/"}
    newest = max(written, key=lambda p: p.stat().st_mtime)
    figures: dict[str, Any] = json.loads(newest.read_text("utf-8"))
    figures["script_wall_seconds"] = round(wall, 1)
    figures["results_file"] = str(newest)
    return figures


def _get(figures: dict[str, Any], *path: str) -> Any:
    value: Any = figures
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


@dataclass(frozen=True)
class Line:
    """One figure of the final table: where it is in a benchmark's figures, its target."""

    bench: str
    label: str
    path: tuple[str, ...]
    unit: str
    target: float | None = None
    at_most: bool = True  # the figure must be <= target (else >=)

    def value(self, figures: dict[str, Any]) -> float | None:
        found = _get(figures, *self.path)
        return float(found) if isinstance(found, int | float) else None


LINES = [
    Line("letters", "PDF letter, warm median", ("results", "ours PDF", "median_ms"), "ms", 50),
    Line("letters", "PDF/A-3u letter, warm median",
         ("results", "ours PDF/A-3u", "median_ms"), "ms", 70),
    Line("letters", "DOCX letter, warm median", ("results", "ours DOCX", "median_ms"), "ms", 15),
    Line("letters", "naive WeasyPrint call / ours PDF",
         ("ratios", "naive_to_ours_pdf"), "x", 2, at_most=False),
    Line("letters", "reused FontConfiguration only / ours PDF",
         ("ratios", "fc_only_to_ours_pdf"), "x"),
    Line("dispatch", "dispatch with Prefect, whole process", ("with_prefect_seconds",), "s", 60),
    Line("dispatch", "dispatch with Prefect, letters/s",
         ("with_prefect_letters_per_second",), "/s"),
    Line("dispatch", "same work without Prefect", ("without_prefect_seconds",), "s"),
    Line("dispatch", "Prefect's share (wall time)", ("prefect_share",), "%", 0.15),
    Line("dispatch", "Prefect's share (CPU time of the process tree)",
         ("prefect_share_cpu",), "%", 0.15),
    Line("memory", "worst process peak ratio, large / small dispatch",
         ("worst_ratio",), "x", 1.2),
    Line("dossier", "dossier of 60 documents, median", ("median_s",), "s", 2),
    Line("search", "search p95 over all queries", ("summary", "overall", "p95_ms"), "ms", 50),
    Line("outstanding", "outstanding replies, one agency, median", ("median_ms",), "ms", 100),
    Line("outstanding", "outstanding replies, p95", ("p95_ms",), "ms"),
    Line("outstanding", "its CPU time in Python, median", ("cpu_median_ms",), "ms"),
    Line("outstanding", "its queries alone, as sent, median", ("sql_only_median_ms",), "ms"),
    Line("startup", "residegi complaint list, median", ("median_seconds",), "s", 0.5),
    Line("startup", "its CPU time (user + system), median", ("cpu_median_seconds",), "s"),
]  # fmt: skip


def _format(value: float, unit: str) -> str:
    if unit == "%":
        return f"{value:.1%}"
    if unit == "x":
        return f"{value:.2f}x"
    return f"{value:,.1f} {unit}" if value >= 10 else f"{value:.3g} {unit}"


def _search_overall(figures: dict[str, Any]) -> None:
    """bench_search writes its per-kind table under a key of its own choosing: find the
    'overall' row wherever it is, so the summary does not depend on its layout."""
    if _get(figures, "summary", "overall") is not None:
        return
    for value in figures.values():
        if isinstance(value, dict) and isinstance(value.get("overall"), dict):
            figures["summary"] = value
            return


def main() -> int:
    parser = argparse.ArgumentParser(description="Run the benchmarks of issue 7.")
    parser.add_argument("--quick", action="store_true", help="Small sizes: a smoke run.")
    parser.add_argument("--only", nargs="*", choices=ORDER, help="Run only these.")
    args = parser.parse_args()
    use_bytecode_cache()
    chosen = [name for name in ORDER if not args.only or name in args.only]
    say(f"[bold]residegi benchmarks[/bold] ({'quick' if args.quick else 'full'}): {load()}")
    started = time.perf_counter()
    results: dict[str, dict[str, Any]] = {}
    seconds: dict[str, float] = {}
    for name in chosen:
        console.rule(name)
        begin = time.perf_counter()
        try:
            results[name] = _run_module(name, args.quick)
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            traceback.print_exc()
            results[name] = {"failed": f"{type(exc).__name__}: {exc}"}
        seconds[name] = round(time.perf_counter() - begin, 1)
        if "skipped" in results[name]:
            say(f"{name}: skipped ({results[name]['skipped']})")
    try:
        from bench.dispatch_folders import cleanup

        cleanup()  # the data folders the dispatch and memory benchmarks shared
    except ImportError:
        pass
    if "search" in results:
        _search_overall(results["search"])
    rows = []
    for line in LINES:
        if line.bench not in results:
            continue
        figures = results[line.bench]
        value = line.value(figures)
        target = ""
        verdict = ""
        if "skipped" in figures or "failed" in figures:
            shown = "skipped" if "skipped" in figures else "failed"
        elif value is None:
            shown = "n/a"
        else:
            shown = _format(value, line.unit)
        if line.target is not None:
            target = ("≤ " if line.at_most else "≥ ") + _format(line.target, line.unit)
            # Quick sizes are not the targets' sizes: no verdict.
            if value is not None and shown not in ("skipped", "failed") and not args.quick:
                met = value <= line.target if line.at_most else value >= line.target
                verdict = "PASS" if met else "MISS"
        rows.append((f"{line.bench}: {line.label}", shown, target, verdict))
    total = time.perf_counter() - started
    console.rule("summary")
    print_table(
        f"issue 7 figures ({'quick: small sizes, not the targets' if args.quick else 'full'})",
        ["figure", "measured", "target", ""],
        rows,
        note=f"{total / 60:.1f} min in all; {load()}",
    )
    summary = {
        "quick": args.quick,
        "total_seconds": round(total, 1),
        "seconds_per_benchmark": seconds,
        "figures": [
            {"figure": r[0], "measured": r[1], "target": r[2], "verdict": r[3]} for r in rows
        ],
        "results": results,
    }
    previous = RESULTS / "summary.json"
    if args.only and previous.exists():
        # A partial run updates the last full summary rather than replacing it.
        old = json.loads(previous.read_text("utf-8"))
        if old.get("quick") == args.quick:
            kept = {k: v for k, v in old.get("results", {}).items() if k not in results}
            summary["results"] = {**kept, **results}
            summary["updated_only"] = chosen
            summary["figures"] = [
                f for f in old.get("figures", []) if f["figure"].split(":")[0] not in results
            ] + summary["figures"]
    path = write_results("summary", summary)
    say(f"written: {Path(path).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
