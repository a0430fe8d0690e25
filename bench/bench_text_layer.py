"""What the PDF letters' text layer gives back, per extraction tool (issue 12, item 10).

    .venv/bin/python bench/bench_text_layer.py

Renders every kind's sample (generators/samples.py) as PDF/A-3u and its long case
(tests/layout_cases.py), extracts the text with pypdf and with poppler's pdftotext, and
counts how many of the letter's probes each tool gives back as written, in logical order
after removing bidi controls (generators/text_probe.py): words with ZWNJ, the letter
number as printed, parenthesised phrases.  Prints one table and writes
bench/results/text_layer.json.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import print_table, write_results  # noqa: E402
from generators import build_context, render_pdf  # noqa: E402
from generators.kinds import KINDS  # noqa: E402
from generators.text_probe import given_back, pdftotext_text, probes, pypdf_text  # noqa: E402
from tests.layout_cases import case_data  # noqa: E402

TOOLS = {"pypdf": pypdf_text, "pdftotext": pdftotext_text}
PROBES = ("zwnj_words", "number", "date", "parenthesised")


def main() -> dict[str, object]:
    totals = {(tool, probe): [0, 0] for tool in TOOLS for probe in PROBES}
    for kind in KINDS:
        for size in ("short", "long"):
            context = build_context(kind, case_data(kind, size))
            pdf = render_pdf(kind, context)
            wanted = probes(kind, context)
            for tool, extract in TOOLS.items():
                text = extract(pdf)
                for probe in PROBES:
                    value = getattr(wanted, probe)
                    found, count = given_back(text, value if isinstance(value, tuple) else (value,))
                    totals[tool, probe][0] += found
                    totals[tool, probe][1] += count
    rows = [
        (f"{tool}: {probe}", f"{found}/{count}", f"{found / count:.0%}" if count else "—")
        for (tool, probe), (found, count) in totals.items()
    ]
    print_table(
        "Probes given back as written (9 kinds × short and long case)", ["", "n", "%"], rows
    )
    figures: dict[str, object] = {f"{tool}.{probe}": pair for (tool, probe), pair in totals.items()}
    write_results("text_layer", figures)
    return figures


if __name__ == "__main__":
    main()
