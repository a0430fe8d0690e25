"""``residegi serve``: the web desk under uvicorn."""

from __future__ import annotations

import os
import signal
from types import FrameType
from typing import Annotated

import typer

from cli import output
from cli.context import App
from registry.errors import InvalidInput
from registry.text import to_persian_digits

# More workers than this buys nothing on an office's server and costs ~100 MB each.
MAX_WORKERS = 32


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.", min=1)] = 1,
    batch_runner: Annotated[
        bool | None,
        typer.Option(
            "--batch-runner/--no-batch-runner",
            help="Keep a warm batch runner beside the desk (default: RESIDEGI_BATCH_RUNNER).",
        ),
    ] = None,
) -> None:
    """Serve the staff desk and the public pages (stop with Ctrl+C); a warm batch runner
    beside it runs the desk's batches (flows/batch_runner.py)."""
    from contextlib import nullcontext

    from flows.batch_runner import Beside
    from office.setup import desk_secret

    state: App = ctx.obj
    if workers > MAX_WORKERS:
        raise InvalidInput("too_many_workers", limit=MAX_WORKERS)
    state.sessions  # noqa: B018 - refuse a data folder that is missing or behind, before binding
    desk_secret(state)
    # Every worker reads its settings itself (web/serve.py), from the same data folder.
    os.environ["RESIDEGI_HOME"] = str(state.settings.home)
    output.say(to_persian_digits(f"میز کار در http://{host}:{port}/ آماده است."))
    runner = state.settings.batch_runner if batch_runner is None else batch_runner
    # The runner warms up (~15 s) while the desk serves; until it is ready, a batch starts
    # a process of its own.  It stops when the desk does.  With a Prefect server
    # configured, batches go to its workers (flows/batch_process.py): no runner here.
    runner = runner and not os.environ.get("PREFECT_API_URL")
    with Beside(state.settings) if runner else nullcontext():
        _exit_on_sigterm()
        _serve(host, port, workers)


def _exit_on_sigterm() -> None:
    """SIGTERM ends this process through Python (``SystemExit``), so that what it keeps
    beside it is stopped on the way out.  uvicorn stops on SIGTERM and then raises the
    signal again for the handler it found; the default one would kill the process there,
    leaving the batch runner to notice on its own that its parent is gone."""

    def stop(_signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)


def _serve(host: str, port: int, workers: int) -> None:
    """uvicorn.run's own steps, with the listening socket of ``cli.listener.TcpConfig``."""
    from uvicorn import Server
    from uvicorn.supervisors import Multiprocess

    from cli.listener import TcpConfig

    config = TcpConfig(
        "web.serve:app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        log_level="warning",
        server_header=False,
    )
    if workers > 1:
        Multiprocess(config, sockets=[config.bind_socket()]).run()
        return
    config.load_app()
    server = Server(config=config)
    server.run()
    if not server.started:  # the address is taken, say (uvicorn has said why)
        raise SystemExit(3)
