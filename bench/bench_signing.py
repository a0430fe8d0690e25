"""What signing costs: the signed final answer's steps, the seal of one outgoing letter,
and a batch of letters signed (approved drafts, sealed after their number) beside the same
batch unsigned, in the same run (issue 16; docs/signing.md, docs/letters.md).

    .venv/bin/python -m bench.bench_signing [--quick] [--letters N]

Per step: median of 20 in one process, the first (cold) call apart.  Batches: two equal
copies of one data folder with N referral letters to send (bench/dispatch_folders.py, not
timed); one is sent the straight way (``pipeline.number_and_send``), the other has
referrals needing approval, every draft made and signed (not timed: staff's decisions),
and its signed drafts numbered, rendered, sealed, stored and sent
(``office.drafts.number_signed_and_send``); both on RenderPool(2), no Prefect, one after
the other.  Prints one JSON object and writes bench/results/signing.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import load, say, write_results
from bench.dispatch_folders import ACTOR, build_folders, copy_folder

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


def steps() -> dict[str, Any]:
    """The final answer's steps, and sealing one referral letter."""
    from generators import build_context, render_pdf
    from generators.sealing import seal_letter
    from generators.signing import embed_case_data
    from generators.stamp import render_stamp
    from generators.verification import verify_pdf
    from tests.test_signing import WHEN, make_answer, sign

    answer = make_answer()
    roots = [answer.key.certificate]
    referral = _sample_referral()
    letter = render_pdf("referral", build_context("referral", referral), archival=True)
    return {
        "signed_bytes": len(answer.signed),
        "embed_case_data": median_ms(
            lambda: embed_case_data(answer.letter, answer.case_json, when=WHEN)
        ),
        "render_stamp": median_ms(
            lambda: render_stamp(name="دکتر سعید نوروزی", title="مدیرکل", office="قزوین", when=WHEN)
        ),
        "sign_pdf_b_b": median_ms(lambda: sign(answer.embedded, answer.key, answer.stamp)),
        "seal_letter": median_ms(lambda: seal_letter(letter, referral, answer.key, tsa_url=None)),
        "verify_pdf": median_ms(lambda: verify_pdf(answer.signed, roots)),
    }


def _sample_referral() -> dict[str, Any]:
    from generators.samples import sample_data

    facts = sample_data("referral")
    return {**facts, "letter": {**facts["letter"], "sealed": True}}


def _unsigned(home: Path) -> tuple[int, float]:
    """The straight batch: every referral numbered, rendered, stored and sent."""
    from generators.batch import RenderPool
    from office import pipeline
    from office.runtime import Runtime
    from registry.settings import load_settings

    runtime = Runtime(load_settings(home=home))
    batch = pipeline.Batch(runtime, ACTOR)
    pending = pipeline.pending_referrals(batch, None)
    with RenderPool[int](2) as pool:
        pool.start()
        started = time.perf_counter()
        sent = pipeline.number_and_send(batch, pool, pending)
        seconds = time.perf_counter() - started
    runtime.close()
    return len(sent), seconds


def _signed(home: Path) -> tuple[int, float]:
    """The signed batch: drafts made and signed (not timed), then numbered, rendered,
    sealed, stored and sent."""
    from generators.batch import RenderPool
    from office import drafts, pipeline
    from office.runtime import Runtime
    from office.setup import install_trial_key_if_missing
    from registry.settings import load_settings

    settings = load_settings(home=home)
    office = settings.office.model_copy(update={"approval_required_kinds": ["referral"]})
    runtime = Runtime(settings.model_copy(update={"office": office}))
    install_trial_key_if_missing(runtime)
    batch = pipeline.Batch(runtime, ACTOR)
    drafts.draft_referrals(batch, pipeline.pending_referrals(batch, None), "bench")
    drafts.sign(runtime, ACTOR, batch="bench")
    signed = drafts.signed_referrals(batch)
    with RenderPool[int](2) as pool:
        pool.start()
        started = time.perf_counter()
        sent = drafts.number_signed_and_send(batch, pool, signed)
        seconds = time.perf_counter() - started
    runtime.close()
    return len(sent), seconds


def batches(letters: int) -> dict[str, Any]:
    """N letters sent unsigned and N signed and sealed, from equal copies of one folder."""
    with tempfile.TemporaryDirectory(prefix="bench-signing-") as scratch:
        root = Path(scratch)
        started = time.perf_counter()
        built = build_folders(root / "built", [letters])[letters]
        setup = time.perf_counter() - started
        say(f"signing: {letters} letters ready in {setup:.0f} s (not timed); {load()}")
        unsigned_home = copy_folder(built, root / "unsigned")
        signed_home = copy_folder(built, root / "signed")
        unsigned, unsigned_seconds = _unsigned(unsigned_home)
        signed, signed_seconds = _signed(signed_home)
    if (unsigned, signed) != (letters, letters):
        raise RuntimeError(f"expected {letters} letters each, sent {unsigned} and {signed}")
    return {
        "letters": letters,
        "setup_seconds": round(setup, 1),
        "unsigned_seconds": round(unsigned_seconds, 2),
        "unsigned_letters_per_second": round(letters / unsigned_seconds, 2),
        "signed_seconds": round(signed_seconds, 2),
        "signed_letters_per_second": round(letters / signed_seconds, 2),
        "signing_ms_per_letter_in_batch": round(
            (signed_seconds - unsigned_seconds) / letters * 1000, 1
        ),
    }


def main(quick: bool = False, letters: int | None = None) -> dict[str, Any]:
    """Every figure of this benchmark (1,000 letters a batch; 40 with ``quick``)."""
    figures = {"runs": RUNS, **steps(), "batch": batches(letters or (40 if quick else 1000))}
    write_results("signing", figures)
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="40 letters a batch")
    parser.add_argument("--letters", type=int, default=None, help="letters a batch")
    arguments = parser.parse_args()
    main(arguments.quick, arguments.letters)
