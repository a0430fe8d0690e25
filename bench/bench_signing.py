"""Times of the signed final answer's steps, median of 20 in one process (docs/signing.md).

Run: ``.venv/bin/python bench/bench_signing.py``.  Prints one JSON object.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from typing import Any

from generators.signing import embed_case_data
from generators.stamp import render_stamp
from generators.verification import verify_pdf
from tests.test_signing import WHEN, make_answer, sign

RUNS = 20


def median_ms(work: Callable[[], Any]) -> dict[str, float]:
    start = time.perf_counter()
    work()  # the first call, which loads modules and warms caches, is reported apart
    first = (time.perf_counter() - start) * 1000
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return {"median_ms": round(statistics.median(times), 1), "first_ms": round(first, 1)}


def main() -> None:
    answer = make_answer()
    roots = [answer.key.certificate]
    result = {
        "runs": RUNS,
        "signed_bytes": len(answer.signed),
        "embed_case_data": median_ms(
            lambda: embed_case_data(answer.letter, answer.case_json, when=WHEN)
        ),
        "render_stamp": median_ms(
            lambda: render_stamp(name="دکتر سعید نوروزی", title="مدیرکل", office="قزوین", when=WHEN)
        ),
        "sign_pdf_b_b": median_ms(lambda: sign(answer.embedded, answer.key, answer.stamp)),
        "verify_pdf": median_ms(lambda: verify_pdf(answer.signed, roots)),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
