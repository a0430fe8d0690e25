"""Warm per-letter rendering time of one referral letter, one process (issue 7, item 1).

    .venv/bin/python bench/bench_letters.py [N]      # N letters per variant, default 200

Prints a table (median and p95 wall ms, median CPU ms; ratios of the naive and the
FontConfiguration-only WeasyPrint calls to ours; resident memory gained while each variant
ran) and writes JSON to bench/results/.

The variants run interleaved, in blocks of letters whose order turns each round, so that
other work on the machine weighs on every variant alike: the ratios are side by side in time,
not only in one run.  CPU time (this process's) is shown too because it varies less than wall
time on a busy machine.  The naive and FontConfiguration-only variants write with pydyf as
shipped (``generators.pdf`` changes pydyf's deflating only inside its own letters).
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402
from weasyprint import CSS, HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

from generators import build_context, render_docx, render_pdf  # noqa: E402
from generators.environment import TEMPLATES_DIR  # noqa: E402
from generators.pdf import BASE_URL, renderer  # noqa: E402
from generators.samples import sample_data  # noqa: E402


def _contexts(n: int) -> list[dict[str, object]]:
    # Vary number, GUID and name so no cache can serve a letter whole.
    out = []
    for i in range(n + 1):
        data = sample_data("referral")
        data["letter"] = dict(
            data["letter"],
            number=f"1405/ص/{1000 + i}",
            guid=f"3f2b8c1e-9d4a-4b7e-8a61-{i:012d}",
            verification_code=f"B{i:05d}",
        )
        data["complaint"] = dict(data["complaint"])
        data["complaint"]["complainant"] = dict(
            data["complaint"]["complainant"], last_name=f"حسینی{i % 7}"
        )
        data["attachments"] = []
        out.append(build_context("referral", data))
    return out


ROUNDS = 4
PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20


def _rss_now_mb() -> float:
    return int(Path("/proc/self/statm").read_text("ascii").split()[1]) * PAGE_MB


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run(
    variants: dict[str, Callable[[dict[str, object]], object]],
    contexts: list[dict[str, object]],
) -> dict[str, dict[str, list[float]]]:
    """Wall ms, CPU ms and RSS growth of each letter of each variant, interleaved."""
    for fn in variants.values():
        fn(contexts[0])  # warm-up, not counted
    names = list(variants)
    out: dict[str, dict[str, list[float]]] = {
        name: {"wall": [], "cpu": [], "rss": []} for name in names
    }
    letters = contexts[1:]
    block = -(-len(letters) // ROUNDS)
    for round_ in range(ROUNDS):
        chunk = letters[round_ * block : (round_ + 1) * block]
        for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
            fn, times = variants[name], out[name]
            rss = _rss_now_mb()
            for context in chunk:
                wall, cpu = time.perf_counter(), time.process_time()
                fn(context)
                times["cpu"].append((time.process_time() - cpu) * 1000)
                times["wall"].append((time.perf_counter() - wall) * 1000)
            times["rss"].append(_rss_now_mb() - rss)
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    contexts = _contexts(n)
    css_text = (TEMPLATES_DIR / "letter.css").read_text("utf-8")
    shared_fc = FontConfiguration()

    def naive(context: dict[str, object]) -> bytes:
        html = (
            renderer()
            .html("referral", context)
            .replace("</head>", f"<style>{css_text}</style></head>")
        )
        return HTML(string=html, base_url=BASE_URL).write_pdf()  # type: ignore[no-any-return]

    def fc_only(context: dict[str, object]) -> bytes:
        html = renderer().html("referral", context)
        css = CSS(string=css_text, base_url=BASE_URL, font_config=shared_fc)
        return HTML(string=html, base_url=BASE_URL).write_pdf(  # type: ignore[no-any-return]
            stylesheets=[css], font_config=shared_fc
        )

    variants: dict[str, Callable[[dict[str, object]], object]] = {
        "ours PDF": lambda c: render_pdf("referral", c, archival=False),
        "ours PDF/A-3u": lambda c: render_pdf("referral", c, archival=True),
        "ours DOCX": lambda c: render_docx("referral", c),
        "naive HTML().write_pdf()": naive,
        "reused FontConfiguration only": fc_only,
    }
    results: dict[str, dict[str, float]] = {}
    for name, times in _run(variants, contexts).items():
        wall = sorted(times["wall"])
        results[name] = {
            "median_ms": statistics.median(wall),
            "p95_ms": wall[int(len(wall) * 0.95) - 1],
            "cpu_median_ms": statistics.median(times["cpu"]),
            "rss_growth_mb": sum(times["rss"]),
        }
    ours = results["ours PDF"]["median_ms"]
    table = Table(
        title=f"one referral letter, warm, median of {n} ({os.cpu_count()} cores), "
        f"interleaved in {ROUNDS} rounds; peak RSS {_peak_rss_mb():.0f} MB"
    )
    for column in ("variant", "median ms", "p95 ms", "CPU ms", "× ours PDF", "RSS +MB"):
        table.add_column(column, justify="right")
    for name, row in results.items():
        table.add_row(
            name,
            f"{row['median_ms']:.1f}",
            f"{row['p95_ms']:.1f}",
            f"{row['cpu_median_ms']:.1f}",
            f"{row['median_ms'] / ours:.2f}",
            f"{row['rss_growth_mb']:+.1f}",
        )
    Console().print(table)
    record = {
        "benchmark": "letters",
        "n": n,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "versions": {
            p: metadata.version(p) for p in ("weasyprint", "docxtpl", "python-docx", "qrcode")
        },
        "rounds": ROUNDS,
        "peak_rss_mb": _peak_rss_mb(),
        "results": results,
        "ratios": {
            "naive_to_ours_pdf": results["naive HTML().write_pdf()"]["median_ms"] / ours,
            "fc_only_to_ours_pdf": results["reused FontConfiguration only"]["median_ms"] / ours,
        },
    }
    out = ROOT / "bench" / "results" / f"letters-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, indent=2, ensure_ascii=False))
    print(out)


if __name__ == "__main__":
    main()
