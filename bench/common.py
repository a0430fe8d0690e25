"""What every benchmark shares: results JSON, a Rich table, percentiles, process-tree memory.

Kept free of heavy imports (no Prefect, no WeasyPrint): the benchmarks that time a whole
process run it as a subprocess, and this module is loaded by the parent that times it.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
RESIDEGI = str(ROOT / ".venv" / "bin" / "residegi")
LIBRARIES = ("weasyprint", "prefect", "sqlalchemy", "pypdf", "pyhanko")
# Compiled bytecode, kept out of the source tree.  An installation runs from bytecode
# compiled once; with PYTHONDONTWRITEBYTECODE (set on this machine) and no __pycache__,
# every process would compile ~1,000 modules again and start-up would measure the compiler.
PYCACHE = RESULTS / "pycache"

console = Console()


def use_bytecode_cache() -> None:
    """This process too: compile each module once, into PYCACHE (see above)."""
    PYCACHE.mkdir(parents=True, exist_ok=True)
    sys.pycache_prefix = str(PYCACHE)
    sys.dont_write_bytecode = False


def environment() -> dict[str, Any]:
    """Where a figure was taken: cores, machine, load, library versions, time."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "cores": os.cpu_count(),
        "machine": platform.machine(),
        "platform": platform.platform(),
        # The machine is shared: the load average says how much to trust wall times.
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "versions": versions,
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def write_results(name: str, figures: Mapping[str, Any]) -> Path:
    """Write ``figures`` with the environment to bench/results/<name>.json; its path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    record = {"benchmark": name, "environment": environment(), **figures}
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank percentile (``q`` in 0..1): a value that was measured, not a blend."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 1))  # ceil(n * q), at least the first
    return ordered[int(rank) - 1]


def p95(values: Sequence[float]) -> float:
    return percentile(values, 0.95)


def print_table(
    title: str, columns: Sequence[str], rows: Iterable[Sequence[object]], *, note: str = ""
) -> None:
    """A Rich table; the first column left-aligned, the figures right-aligned."""
    table = Table(title=title, caption=note or None)
    for index, column in enumerate(columns):
        table.add_column(column, justify="left" if index == 0 else "right")
    for row in rows:
        table.add_row(*(str(cell) for cell in row))
    console.print(table)


def say(text: str) -> None:
    console.print(text)


def child_env(**extra: str) -> dict[str, str]:
    """The environment for a measured subprocess: ours, minus settings that would change
    what is measured (a data folder or a Prefect server chosen by whoever runs the bench)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("RESIDEGI_", "PREFECT_"))
    }
    env["PYTHONPATH"] = str(ROOT)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    env.update(extra)
    return env


# --- peak memory of a process tree ---------------------------------------------------------


def _status(pid: int) -> dict[str, str]:
    fields: dict[str, str] = {}
    with Path(f"/proc/{pid}/status").open(encoding="ascii", errors="replace") as handle:
        for line in handle:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return fields


def _children(pid: int) -> list[int]:
    # /proc/<pid>/task/<tid>/children lists each thread's children (Linux >= 3.5).
    found: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            found += [int(x) for x in (task / "children").read_text("ascii").split()]
        except OSError:
            continue
    return found


def _cmdline(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode("utf-8", "replace").strip()


@dataclass
class ProcessPeak:
    """The high-water mark of one process's resident memory (VmHWM), as last seen."""

    pid: int
    ppid: int
    command: str
    peak_kb: int = 0
    samples: int = 0
    reported: bool = False  # by the process itself at exit (bench/_peak_hook)

    @property
    def peak_mb(self) -> float:
        return self.peak_kb / 1024


@dataclass
class TreeWatcher:
    """Polls VmHWM of a process and all its descendants until the root exits.

    VmHWM is the kernel's own high-water mark for the process's memory, so a poll only has
    to see the process once more before it exits, not at its peak; the last value read is
    its peak up to the last poll.  ``ru_maxrss`` is not used: after fork+exec Linux carries
    the parent's maximum into the child's, which would charge a worker with its parent's
    memory.  Processes that report themselves at exit (see ``bench/_peak_hook``) override
    the polled value with their exact one.
    """

    root: int
    interval: float = 0.05
    processes: dict[int, ProcessPeak] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="tree-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.poll()
            self._stop.wait(self.interval)

    def poll(self) -> None:
        stack, seen = [self.root], set()
        while stack:
            pid = stack.pop()
            if pid in seen:
                continue
            seen.add(pid)
            try:
                status = _status(pid)
            except OSError:
                continue  # gone already
            hwm = status.get("VmHWM", "0 kB").split()[0]
            command = _cmdline(pid)
            peak = self.processes.get(pid)
            if peak is None or (command and command != peak.command):
                # New, or it has exec'd another program since (a fork that runs ``gcc`` for
                # ctypes.util.find_library): a new address space, a new high-water mark.
                peak = ProcessPeak(pid, int(status.get("PPid", "0")), command)
                self.processes[pid] = peak
            peak.peak_kb = max(peak.peak_kb, int(hwm))
            peak.samples += 1
            stack += _children(pid)

    def merge_reports(self, folder: Path) -> None:
        """Take each process's own report of its VmHWM at exit (exact, not polled)."""
        for path in folder.glob("*.json"):
            report = json.loads(path.read_text("utf-8"))
            pid = int(report["pid"])
            peak = self.processes.get(pid)
            if peak is None:
                peak = ProcessPeak(pid, int(report["ppid"]), report["command"])
                self.processes[pid] = peak
            peak.peak_kb = max(peak.peak_kb, int(report["vm_hwm_kb"]))
            peak.reported = True


def is_python(peak: ProcessPeak, processes: Mapping[int, ProcessPeak]) -> bool:
    """The pipeline's Python processes only.  The tree also holds short-lived helpers
    (``ldconfig``, ``gcc`` run by ctypes.util.find_library while libraries load); a poll
    can catch one between its fork and its exec, still showing its parent's command and
    memory: such a copy never reports itself at exit, and is left out too."""
    first = peak.command.split(" ", 1)[0]
    if not ("python" in first.rsplit("/", 1)[-1] or first.endswith("/residegi")):
        return False
    parent = processes.get(peak.ppid)
    return peak.reported or parent is None or parent.command != peak.command


def role(peak: ProcessPeak, processes: Mapping[int, ProcessPeak], root: int) -> str:
    """A stable name for a process of a dispatch's tree, to compare two runs."""
    command = peak.command
    if peak.pid == root:
        return "main"
    if "resource_tracker" in command:
        return "multiprocessing resource tracker"
    if "uvicorn" in command or " prefect" in command or "prefect.server" in command:
        return "prefect temporary server"
    parent = processes.get(peak.ppid)
    if "spawn_main" in command or "--multiprocessing-fork" in command:
        if peak.ppid == root:
            return "render worker"
        owner = role(parent, processes, root) if parent is not None else f"pid {peak.ppid}"
        return f"spawned by {owner}"
    return f"python ({command[:60]})"


def run_watched(
    command: Sequence[str], *, env: Mapping[str, str], cwd: Path | None = None
) -> tuple[float, subprocess.CompletedProcess[str], TreeWatcher]:
    """Run ``command``, watching its process tree's memory; (wall seconds, result, watcher).

    The children are told (``RESIDEGI_BENCH_PEAK_DIR``) to report their own VmHWM at exit
    through bench/_peak_hook (loaded by a ``sitecustomize`` on PYTHONPATH).
    """
    reports = Path(env["RESIDEGI_BENCH_PEAK_DIR"]) if "RESIDEGI_BENCH_PEAK_DIR" in env else None
    PYCACHE.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        env=dict(env),
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watcher = TreeWatcher(process.pid)
    watcher.start()
    stdout, stderr = process.communicate()
    wall = time.perf_counter() - started
    watcher.stop()
    if reports is not None:
        watcher.merge_reports(reports)
    result = subprocess.CompletedProcess(list(command), process.returncode, stdout, stderr)
    return wall, result, watcher


def run_timed(
    command: Sequence[str], *, env: Mapping[str, str], cwd: Path | None = None
) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Wall seconds of a whole subprocess, and its result (output captured)."""
    PYCACHE.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    result = subprocess.run(
        list(command), env=dict(env), cwd=cwd, capture_output=True, text=True, check=False
    )
    return time.perf_counter() - started, result


def run_cpu_timed(
    command: Sequence[str], *, env: Mapping[str, str], cwd: Path | None = None
) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """(wall seconds, CPU seconds, result) of a whole subprocess.

    CPU = user + system time of the process and every descendant it waited for (render
    workers, Prefect's server), from RUSAGE_CHILDREN: a busy machine stretches wall time
    far more than CPU time, so CPU time is the steadier figure to compare two runs by.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall, result = run_timed(command, env=env, cwd=cwd)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, result


def check(result: subprocess.CompletedProcess[str], what: str) -> None:
    """A benchmark whose subject failed has no figure: stop with its output."""
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise RuntimeError(f"{what} failed with exit code {result.returncode}")


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} cores"
