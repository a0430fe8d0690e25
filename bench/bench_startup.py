"""Start-up: ``residegi complaint list`` on an empty, initialised database (issue 7, item 5).

    .venv/bin/python -m bench.bench_startup [--quick]

Whole-process wall time of the console script, from exec to exit, median of 10 runs after
one that is not counted (it compiles the bytecode into bench/results/pycache and warms the
page cache, as any installed command has been run before).  Also reports what the
process imports: the number of modules and whether Prefect or WeasyPrint are among them
(they must not be), and the slowest imports by ``python -X importtime``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from bench.common import (
    PYTHON,
    RESIDEGI,
    check,
    child_env,
    load,
    median,
    p95,
    print_table,
    run_cpu_timed,
    run_timed,
    write_results,
)

TARGET_SECONDS = 0.5
HEAVY = ("prefect", "weasyprint", "fsspec", "pypdf", "pyhanko", "docxtpl", "PIL", "alembic")

# Runs the same command in-process, then lists what it imported.
_IMPORTS = """
import json, sys
home, heavy = sys.argv[1], set(sys.argv[2:])
from cli.main import main
code = main(["--home", home, "complaint", "list", "--json"])
found = sorted({m.split(".")[0] for m in sys.modules} & heavy)
print(json.dumps({"exit": code, "modules": len(sys.modules), "heavy": found}))
"""


# The command itself, not only ``import cli.main``: the CLI imports a command's module when
# the command runs, so ``import cli.main`` alone would leave out most of what it imports.
_COMMAND = """
import sys
from cli.main import main
main(["--home", sys.argv[1], "complaint", "list", "--json"])
"""


def _importtime(home: Path, top: int) -> list[tuple[str, float]]:
    """The ``top`` slowest imports (cumulative ms) of the command, by -X importtime."""
    result = subprocess.run(
        [PYTHON, "-X", "importtime", "-c", _COMMAND, str(home)],
        env=child_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    rows: list[tuple[str, float]] = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        # "import time:   self_us |  cumulative_us | <indent>name": indent = depth.
        _, cumulative, name = line.removeprefix("import time:").split("|")
        if len(name) - len(name.lstrip()) <= 3:  # the top level and what it imports itself
            rows.append((name.strip(), int(cumulative) / 1000))
    rows.sort(key=lambda r: -r[1])
    return rows[:top]


def main(quick: bool = False) -> dict[str, Any]:
    """Median and p95 of the command's wall time, and what it imported."""
    runs = 5 if quick else 10
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as folder:
        home = Path(folder) / "data"
        env = child_env()
        _, init = run_timed([RESIDEGI, "--home", str(home), "init"], env=env)
        check(init, "residegi init")
        command = [RESIDEGI, "--home", str(home), "complaint", "list"]
        _, first = run_timed(command, env=env)  # not counted: compiles, warms the cache
        check(first, "residegi complaint list")
        times, cpu = [], []
        for _ in range(runs):
            # CPU time (user + system): close to what a quiet machine's wall time would be;
            # a loaded machine stretches the wall time, not this.
            seconds, cpu_seconds, result = run_cpu_timed(command, env=env)
            check(result, "residegi complaint list")
            times.append(seconds)
            cpu.append(cpu_seconds)
        _, probe = run_timed([PYTHON, "-c", _IMPORTS, str(home), *HEAVY], env=env)
        check(probe, "the import probe")
        imported = json.loads(probe.stdout.strip().splitlines()[-1])
        slowest = _importtime(home, 8)
    figures: dict[str, Any] = {
        "runs": runs,
        "median_seconds": round(median(times), 3),
        "p95_seconds": round(p95(times), 3),
        "min_seconds": round(min(times), 3),
        "cpu_median_seconds": round(median(cpu), 3),
        "times": [round(t, 3) for t in times],
        "modules_imported": imported["modules"],
        "heavy_modules_imported": imported["heavy"],
        "slowest_imports_ms": {name: round(ms, 1) for name, ms in slowest},
        "target_seconds": TARGET_SECONDS,
        "quick": quick,
    }
    print_table(
        f"residegi complaint list on an empty database, whole process, {runs} runs",
        ["figure", "value"],
        [
            ("median s", f"{figures['median_seconds']:.3f}"),
            ("p95 s", f"{figures['p95_seconds']:.3f}"),
            ("min s", f"{figures['min_seconds']:.3f}"),
            ("CPU median s (user + system)", f"{figures['cpu_median_seconds']:.3f}"),
            ("modules imported", imported["modules"]),
            ("heavy modules imported", ", ".join(imported["heavy"]) or "none"),
            *((f"import {name} (cumulative ms)", f"{ms:.0f}") for name, ms in slowest),
        ],
        note=load(),
    )
    figures["results_file"] = str(write_results("startup", figures))
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 runs instead of 10.")
    main(quick=parser.parse_args().quick)
