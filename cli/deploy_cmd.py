"""``residegi deploy``: register the flows' deployments on the Prefect server at
PREFECT_API_URL (docs/deployment.md)."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import output
from cli.context import App, actor_name
from cli.options import ActorOption, JsonOption


def deploy(
    ctx: typer.Context,
    pool: Annotated[
        str, typer.Option("--pool", help="Process work pool (created if missing).")
    ] = "residegi",
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Register dispatch, chase (every working day at 07:30) and answers on the server."""
    from flows.prefect_setup import configure_prefect

    state: App = ctx.obj
    configure_prefect(state.settings.prefect_home)
    from flows.deploy import deploy as register

    deployed = register(state.settings, pool=pool, actor=actor_name(actor))
    records = [d.as_record() for d in deployed]
    if as_json:
        output.emit_json({"pool": pool, "deployments": records})
        return
    output.say(f"استقرارها روی سرور Prefect (صف کار: {pool}):")
    for record in records:
        schedules = "، ".join(f"{s['cron']} ({s['timezone']})" for s in record["schedules"])
        output.say(f"  {record['name']}" + (f"  زمان‌بندی: {schedules}" if schedules else ""))
