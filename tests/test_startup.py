"""Start-up stays light: simple commands import neither Prefect nor WeasyPrint (issue 7).

Checked in a fresh interpreter, since this test process may have imported both already.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("prefect", "weasyprint")

PROBE = """
import json, sys
import cli.main
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_cli_main_imports_neither_prefect_nor_weasyprint() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert loaded.isdisjoint(HEAVY), f"cli.main imports {sorted(loaded & set(HEAVY))}"
