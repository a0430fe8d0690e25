"""``residegi serve``: the web desk under uvicorn."""

from __future__ import annotations

import os
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
) -> None:
    """Serve the staff desk and the public pages (stop with Ctrl+C)."""
    import uvicorn

    from office.setup import desk_secret

    state: App = ctx.obj
    if workers > MAX_WORKERS:
        raise InvalidInput("too_many_workers", limit=MAX_WORKERS)
    state.sessions  # noqa: B018 - refuse a data folder that is missing or behind, before binding
    desk_secret(state)
    # Every worker reads its settings itself (web/serve.py), from the same data folder.
    os.environ["RESIDEGI_HOME"] = str(state.settings.home)
    output.say(to_persian_digits(f"میز کار در http://{host}:{port}/ آماده است."))
    uvicorn.run(
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
