"""``residegi batch-runner``: the warm batch runner on its own (``residegi serve`` starts
one beside the desk by itself)."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.context import App


def batch_runner(
    ctx: typer.Context,
    workers: Annotated[int, typer.Option(help="Rendering processes kept warm.", min=1)] = 2,
) -> None:
    """Run the desk's batches in one warm process (stop with Ctrl+C: the running batch
    ends first)."""
    from flows.batch_runner import serve_forever

    state: App = ctx.obj
    state.sessions  # noqa: B018 - refuse a data folder that is missing or behind
    code = serve_forever(state.settings, workers=workers)
    if code:
        raise typer.Exit(code)
