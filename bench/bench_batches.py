"""Letter batches (issue 14): a 5-letter batch from the desk, click to end, on the warm
batch runner and on a process of its own; the command line's 1-letter dispatch; and,
with ``--letters N``, an N-letter batch started from the web against the command line's
letters a second.

    .venv/bin/python -m bench.bench_batches [--quick] [--letters 1000]

Data folders with 1, 5 (and N) referral letters waiting (bench/dispatch_folders.py,
Prefect's home already created), copied afresh for each run.

- Desk, warm: ``residegi batch-runner`` on the folder (what ``residegi serve`` starts
  beside the desk), waited for until ready (its warm-up reported, not counted); then the
  "click" is what ``POST /batches`` does (web/routes/batches.py), minus HTTP: take the
  batch lease, hand the batch over (flows/batch_process.py ``start_batch``), record where
  it runs; then the registry is read every 50 ms until the batch has ended, as the page's
  polling would see it.  Target ≤ 3 s.
- Desk, cold (one run): the same click with no runner up: a process of its own.
- ``residegi letter dispatch`` of 1 letter, whole process, no Prefect server configured.
  Target ≤ 10 s.
- ``--letters N``: ``residegi letter dispatch`` of N letters (its own letters a second,
  from its summary), and the same N letters on a fresh copy from the web, in the order
  CLI, web, web, CLI (``--quick``: CLI, web): ``residegi
  serve`` (with its runner), a secretariat clerk logged in, «ارسال» posted, the batch page
  fetched every 2 s as its HTMX polling does, until the batch ends (letters over the
  batch's start-to-end seconds).  Target: the web's rate ≥ 90 % of the command's.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from bench.bench_dispatch import dispatch_command
from bench.common import (
    PYTHON,
    RESIDEGI,
    check,
    child_env,
    load,
    median,
    print_table,
    run_timed,
    say,
    write_results,
)
from bench.dispatch_folders import ACTOR, build_folders, copy_folder

LETTERS = 5
TARGET_SECONDS = 3.0
CLI_TARGET_SECONDS = 10.0
WEB_SHARE_TARGET = 0.9
POLL_S = 0.05
PAGE_POLL_S = 2.0
LIMIT_S = 1800.0
PASSWORD = "bench-password-1405"
CLERK = "dabir"


def _runtime(home: Path) -> Any:
    from office.runtime import Runtime
    from registry.settings import load_settings

    return Runtime(load_settings(home=home))


def _wait_for_runner(home: Path, process: subprocess.Popen[bytes], log: Path) -> float:
    """Seconds until the runner on ``home`` took its lease (ready)."""
    from office import runners

    started = time.perf_counter()
    runtime = _runtime(home)
    try:
        while runners.available(runtime) is None:
            if process.poll() is not None:
                raise RuntimeError(f"the runner exited: {log.read_text(encoding='utf-8')}")
            if time.perf_counter() - started > LIMIT_S:
                raise RuntimeError("the runner did not become ready")
            time.sleep(POLL_S)
    finally:
        runtime.close()
    return round(time.perf_counter() - started, 2)


@contextlib.contextmanager
def batch_runner(home: Path) -> Iterator[float]:
    """``residegi batch-runner`` on ``home`` while the block runs; yields its seconds to
    ready.  Stopped with SIGTERM after (it ends a running batch first)."""
    log = home / "runner-bench.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [RESIDEGI, "--home", str(home), "batch-runner"],
            env=child_env(),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield _wait_for_runner(home, process, log)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def desk_batch(home: Path, *, warm: bool) -> dict[str, float]:
    """One batch as the desk starts it: seconds until the page could answer, seconds
    until the batch ended (and, warm, the runner's seconds to ready)."""
    from flows.batch_process import start_batch
    from office import batches
    from office.access import Staff
    from registry.kinds import Role

    staff = Staff(ACTOR, "دبیرخانه", frozenset({Role.SECRETARIAT}))
    with contextlib.ExitStack() as stack:
        ready = stack.enter_context(batch_runner(home)) if warm else None
        runtime = _runtime(home)
        stack.callback(runtime.close)
        started = time.perf_counter()
        taken = batches.start(runtime, staff)
        assert taken.started
        run_id = taken.run.run_id
        where = start_batch(runtime, run_id, ACTOR)
        assert where is not None  # the bench's environment names no Prefect server
        batches.started_in(runtime, run_id, host=where[0], pid=where[1])
        answered = time.perf_counter() - started
        while True:
            run = batches.find(runtime, staff, run_id)
            assert run is not None
            if run.state != "running":
                break
            if time.perf_counter() - started > LIMIT_S:
                raise RuntimeError("the batch did not end")
            time.sleep(POLL_S)
        ended = time.perf_counter() - started
        if run.state != "done" or len(run.numbers) != LETTERS:
            log = home / ("runner-bench.log" if warm else f"batches/{run_id}.log")
            raise RuntimeError(
                f"batch {run.state}: {run.error}\n{log.read_text(encoding='utf-8')[-3000:]}"
            )
    figures = {"answered_s": round(answered, 3), "ended_s": round(ended, 2)}
    if ready is not None:
        figures["runner_ready_s"] = ready
    return figures


def import_seconds(module: str) -> float:
    """Wall seconds of a fresh interpreter importing ``module`` (and exiting)."""
    seconds, result = run_timed([PYTHON, "-c", f"import {module}"], env=child_env())
    check(result, f"import {module}")
    return round(seconds, 2)


def _summary(stdout: str) -> dict[str, Any]:
    """The command's --json summary (the last JSON object it printed)."""
    lines = stdout.strip().splitlines()
    for start in range(len(lines) - 1, -1, -1):
        if lines[start].startswith("{"):
            with contextlib.suppress(json.JSONDecodeError):
                found: dict[str, Any] = json.loads("\n".join(lines[start:]))
                return found
    raise RuntimeError(f"no summary in: {stdout[-2000:]}")


def cli_rate(home: Path) -> dict[str, float]:
    """``residegi letter dispatch`` of every letter waiting: its letters a second (its
    own summary: the flow's seconds) and the whole process's seconds."""
    seconds, result = run_timed(dispatch_command(home), env=child_env())
    check(result, "letter dispatch")
    summary = _summary(result.stdout)
    return {
        "letters": summary["letters"],
        "flow_s": summary["seconds"],
        "process_s": round(seconds, 2),
        "letters_per_s": round(summary["letters"] / summary["seconds"], 2),
    }


def _clerk(home: Path) -> None:
    from office.users import add_user
    from registry.kinds import Role

    runtime = _runtime(home)
    try:
        roles = frozenset({Role.SECRETARIAT})
        add_user(runtime, ACTOR, CLERK, full_name="دبیرخانه", roles=roles, password=PASSWORD)
    finally:
        runtime.close()


def web_rate(home: Path) -> dict[str, float]:
    """The same letters from the web: ``residegi serve`` with its runner, «ارسال» posted
    by a logged-in clerk, the page fetched every 2 s until the batch ended."""
    from tests.desk_server import _wait_until_healthy, free_port
    from tests.web_support import csrf_of

    _clerk(home)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = home / "serve-bench.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [RESIDEGI, "--home", str(home), "serve", "--port", str(port)],
            env=child_env(),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    runtime = _runtime(home)
    try:
        _wait_until_healthy(base, server)  # type: ignore[arg-type]
        runner = home / "batches" / "runner.log"
        ready = _wait_for_runner(home, server, runner)
        with httpx.Client(base_url=base, timeout=60) as client:
            token = csrf_of(client.get("/login").text)
            login = {"username": CLERK, "password": PASSWORD, "csrf_token": token}
            assert client.post("/login", data=login).status_code == 303
            token = csrf_of(client.get("/batches").text)
            pressed = client.post("/batches", data={"csrf_token": token})
            assert pressed.status_code == 303, pressed.text
            run = _last_batch(runtime)
            pages = 0
            while run.state == "running":
                time.sleep(PAGE_POLL_S)
                assert client.get("/batches").status_code == 200
                pages += 1
                run = _last_batch(runtime)
        if run.state != "done":
            raise RuntimeError(f"web batch {run.state}: {run.error}")
        seconds = (run.finished_at - run.started_at).total_seconds()
        return {
            "letters": run.stored,
            "batch_s": round(seconds, 2),
            "letters_per_s": round(run.stored / seconds, 2),
            "runner_ready_s": ready,
            "page_fetches": pages,
        }
    finally:
        runtime.close()
        server.terminate()
        server.wait(timeout=180)


def large(folder: Path, root: Path, quick: bool) -> dict[str, Any]:
    """The command line's and the web's letters a second on copies of ``folder``, in the
    order CLI, web, web, CLI (quick: CLI, web), so that a load that drifts during the run
    (the machine is shared) weighs on both alike; each run with the load at its end."""
    order = ["cli", "web"] if quick else ["cli", "web", "web", "cli"]
    runs: dict[str, list[dict[str, Any]]] = {"cli": [], "web": []}
    for n, side in enumerate(order):
        home = copy_folder(folder, root / f"large-{side}-{n}")
        figures: dict[str, Any] = cli_rate(home) if side == "cli" else web_rate(home)
        figures["load"] = load()
        runs[side].append(figures)
        say(f"{side}: {figures['letters_per_s']} letters/s; {figures['load']}")
    rates = {side: [run["letters_per_s"] for run in done] for side, done in runs.items()}
    mean = {side: sum(values) / len(values) for side, values in rates.items()}
    return {**runs, "web_share": round(mean["web"] / mean["cli"], 3), "mean": mean}


def _last_batch(runtime: Any) -> Any:
    from registry import batches as lease

    with runtime.sessions() as session:
        (run,) = lease.recent(session, "dispatch", 1)
    return run


def main(quick: bool = False, letters: int = 0) -> dict[str, Any]:
    """The desk's 5-letter batch warm and cold, the CLI's 1-letter dispatch, and with
    ``letters`` the web's rate against the CLI's over that many letters."""
    runs = 1 if quick else 3
    started_load = load()
    say(f"bench_batches: {runs} run(s); {started_load}")
    with tempfile.TemporaryDirectory(prefix="bench-batches-") as scratch:
        root = Path(scratch)
        sizes = sorted({1, LETTERS, *([letters] if letters else [])})
        folders = build_folders(root / "built", sizes)
        say(f"folders built; {load()}")
        desk = [
            desk_batch(copy_folder(folders[LETTERS], root / f"warm-{n}"), warm=True)
            for n in range(runs)
        ]
        cold = desk_batch(copy_folder(folders[LETTERS], root / "cold"), warm=False)
        cli = []
        for n in range(runs):
            home = copy_folder(folders[1], root / f"cli-{n}")
            seconds, result = run_timed(dispatch_command(home), env=child_env())
            check(result, "letter dispatch")
            cli.append(round(seconds, 2))
        say(f"small batches done; {load()}")
        big: dict[str, Any] = {}
        if letters:
            big = large(folders[letters], root, quick)
    desk_median = median([run["ended_s"] for run in desk])
    cli_median = median(cli)
    figures: dict[str, Any] = {
        "letters": LETTERS,
        "load_at_start": started_load,
        "load_at_end": load(),
        "desk_warm_click_to_end_s": [run["ended_s"] for run in desk],
        "desk_warm_click_to_end_median_s": desk_median,
        "desk_page_answered_s": [run["answered_s"] for run in desk],
        "runner_ready_s": [run["runner_ready_s"] for run in desk],
        "desk_cold_click_to_end_s": cold["ended_s"],
        "cli_1_letter_s": cli,
        "cli_1_letter_median_s": cli_median,
        "import_flows_dispatch_s": import_seconds("flows.dispatch"),
        "import_weasyprint_s": import_seconds("weasyprint"),
        "target_s": TARGET_SECONDS,
        "cli_target_s": CLI_TARGET_SECONDS,
        **({"large": big} if big else {}),
    }
    desk_verdict = "PASS" if desk_median <= TARGET_SECONDS else "MISS"
    cli_verdict = "PASS" if cli_median <= CLI_TARGET_SECONDS else "MISS"
    print_table(
        "Letter batches",
        ["figure", "seconds"],
        [
            ("desk, warm runner: click → 5-letter batch ended (median)", desk_median),
            ("  each run", figures["desk_warm_click_to_end_s"]),
            ("  runner ready after (not counted)", figures["runner_ready_s"]),
            ("desk, no runner: click → ended (a process of its own)", cold["ended_s"]),
            ("click → page can answer", figures["desk_page_answered_s"]),
            ("residegi letter dispatch, 1 letter, whole process (median)", cli_median),
            ("  each run", cli),
            ("fresh interpreter: import flows.dispatch", figures["import_flows_dispatch_s"]),
            ("fresh interpreter: import weasyprint", figures["import_weasyprint_s"]),
        ],
        note=(
            f"desk target ≤ {TARGET_SECONDS} s: {desk_verdict}; "
            f"CLI target ≤ {CLI_TARGET_SECONDS} s: {cli_verdict}; "
            f"load {started_load} → {figures['load_at_end']}"
        ),
    )
    verdicts = {"desk": desk_verdict, "cli": cli_verdict}
    if big:
        share = big["web_share"]
        verdicts["web_share"] = "PASS" if share >= WEB_SHARE_TARGET else "MISS"
        rows = [
            (
                "residegi letter dispatch" if side == "cli" else "from the web (serve + runner)",
                run["letters_per_s"],
                run["flow_s"] if side == "cli" else run["batch_s"],
                run["load"].split(",")[0].removeprefix("load average "),
            )
            for side in ("cli", "web")
            for run in big[side]
        ]
        print_table(
            f"{letters} letters: the web against the command line, same machine, same run",
            ["figure", "letters/s", "seconds", "load (1 min) after"],
            rows,
            note=f"mean web / mean CLI = {share:.0%} (target ≥ {WEB_SHARE_TARGET:.0%}): "
            f"{verdicts['web_share']}",
        )
    path = write_results("bench_batches", figures | {"verdicts": verdicts})
    say(f"written {path}")
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one run instead of three")
    parser.add_argument(
        "--letters", type=int, default=0, help="also an N-letter batch, web against CLI"
    )
    arguments = parser.parse_args()
    main(arguments.quick, arguments.letters)
