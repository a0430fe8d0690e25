"""Each Python process of a measured tree reports its own peak memory when it exits.

Put on PYTHONPATH by bench/bench_memory.py only, with RESIDEGI_BENCH_PEAK_DIR set: every
interpreter in the tree (the dispatch command, its spawned render workers) then writes its
VmHWM (the kernel's high-water mark of resident memory, per address space, so a worker is not
charged with its parent's memory as ru_maxrss would after fork+exec) at normal exit.  A
process killed by a signal writes nothing; the parent's polling covers it.
"""

from __future__ import annotations

import atexit
import json
import os
import sys
from pathlib import Path

_FOLDER = os.environ.get("RESIDEGI_BENCH_PEAK_DIR")


def _report() -> None:
    assert _FOLDER is not None
    hwm = 0
    with Path("/proc/self/status").open(encoding="ascii", errors="replace") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    record = {
        "pid": os.getpid(),
        "ppid": os.getppid(),
        "command": " ".join([sys.executable, *sys.orig_argv[1:]]),
        "vm_hwm_kb": hwm,
    }
    Path(_FOLDER, f"{os.getpid()}.json").write_text(json.dumps(record), encoding="utf-8")


if _FOLDER:
    atexit.register(_report)
