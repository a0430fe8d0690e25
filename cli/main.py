"""The ``residegi`` command: a thin shell that turns domain errors into messages and exit codes."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import click
import typer
from pydantic import ValidationError

from cli import (
    agency_cmd,
    complaint_cmd,
    deadline_cmd,
    demo_cmd,
    holiday_cmd,
    letter_cmd,
    output,
    reply_cmd,
)
from cli.context import App, actor_name
from cli.messages import UNEXPECTED, staff_message
from cli.options import ActorOption, JsonOption
from registry.errors import ResidegiError
from registry.settings import load_settings

log = logging.getLogger("residegi")

app = typer.Typer(
    name="residegi",
    help="رسیدگی به شکایات مردمی: ثبت شکایت، نامه‌های شماره‌دار، پیگیری پاسخ‌ها و بایگانی.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(agency_cmd.app, name="agency")
app.add_typer(complaint_cmd.app, name="complaint")
app.add_typer(letter_cmd.app, name="letter")
app.add_typer(holiday_cmd.app, name="holiday")
app.add_typer(deadline_cmd.app, name="deadline")
app.add_typer(reply_cmd.app, name="reply")
app.command("demo")(demo_cmd.demo)


@app.callback()
def _settings(
    ctx: typer.Context,
    home: Annotated[
        Path | None,
        typer.Option("--home", help="Data folder (default: RESIDEGI_HOME or ~/residegi)."),
    ] = None,
) -> None:
    ctx.obj = App(load_settings(home=home.expanduser().resolve() if home else None))


@app.command("init")
def init(
    ctx: typer.Context,
    sample: Annotated[
        bool, typer.Option("--sample", help="Load the agencies of Qazvin province.")
    ] = False,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create the data folder and the registry (safe to run again)."""
    from registry.agencies import load_sample
    from registry.db import transaction

    state: App = ctx.obj
    state.initialise()
    added = 0
    if sample:
        with transaction(state.sessions) as session:
            added = load_sample(session, at=state.clock.now(), actor=actor_name(actor))
    result = {
        "home": str(state.settings.home),
        "database_url": state.settings.resolved_database_url,
        "agencies_added": added,
    }
    if as_json:
        output.emit_json(result)
    else:
        output.say(f"پوشه داده آماده است: {state.settings.home}")
        if sample:
            output.say(f"{added} دستگاه از نمونه استان قزوین افزوده شد.")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the contract's exit code."""
    args = sys.argv[1:] if argv is None else argv
    as_json = "--json" in args
    try:
        result = app(args=args, standalone_mode=False, prog_name="residegi")
    except ResidegiError as exc:
        log.info("refused: %s", exc)
        output.error(exc.code, staff_message(exc.code, exc.params), as_json=as_json)
        return exc.kind.exit_code
    except ValidationError as exc:
        detail = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        output.error(
            "invalid_settings",
            staff_message("invalid_settings", {"detail": detail}),
            as_json=as_json,
        )
        return 2
    except click.exceptions.UsageError as exc:
        output.error("usage", f"فرمان نادرست است: {exc.format_message()}", as_json=as_json)
        return 2
    except click.exceptions.Abort:
        output.error("aborted", "کار متوقف شد.", as_json=as_json)
        return 1
    except click.exceptions.ClickException as exc:
        output.error("usage", exc.format_message(), as_json=as_json)
        return exc.exit_code
    except Exception as exc:  # the last line of defence: a message, never a bare traceback
        log.exception("unexpected failure")
        detail = f"{type(exc).__name__}: {exc}"
        output.error("unexpected", UNEXPECTED.format(detail=detail), as_json=as_json)
        return 1
    return result if isinstance(result, int) else 0


def run() -> None:
    """Console-script entry point."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    sys.exit(main())
