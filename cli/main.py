"""The ``residegi`` command: a thin shell that turns domain errors into messages and exit codes."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from typer.exceptions import TyperException

from cli import (
    agency_cmd,
    answer_cmd,
    archive_cmd,
    chase_cmd,
    complaint_cmd,
    deadline_cmd,
    demo_cmd,
    dossier_cmd,
    holiday_cmd,
    inspection_cmd,
    keys_cmd,
    letter_cmd,
    output,
    reply_cmd,
    search_cmd,
    templates_cmd,
    verify_cmd,
)
from cli.context import App, actor_name
from cli.messages import UNEXPECTED, staff_message
from cli.options import ActorOption, JsonOption
from registry.errors import ResidegiError
from registry.settings import load_settings
from registry.text import to_persian_digits as fa

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
app.add_typer(templates_cmd.app, name="templates")
app.command("demo")(demo_cmd.demo)
app.command("search")(search_cmd.search)
app.add_typer(keys_cmd.app, name="keys")
app.command("verify")(verify_cmd.verify)
app.add_typer(archive_cmd.app, name="archive")
app.command("dossier")(dossier_cmd.dossier)
app.command("answer")(answer_cmd.answer)
app.command("chase")(chase_cmd.chase)
app.command("inspect")(inspection_cmd.inspect)
app.command("report")(inspection_cmd.report)


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
    """Create the data folder and the registry, seed the holidays (safe to run again)."""
    from flows.setup import initialise

    state: App = ctx.obj
    done = initialise(state, sample=sample, actor=actor_name(actor))
    result = {
        "home": str(state.settings.home),
        "database_url": state.settings.resolved_database_url,
        "agencies_added": done.agencies_added,
        "holidays_added": done.holidays_added,
        "settings_written": done.settings_written,
    }
    if as_json:
        output.emit_json(result)
        return
    output.say(f"پوشه داده آماده است: {state.settings.home}")
    output.say(f"{fa(done.holidays_added)} تعطیل رسمی سال‌های ۱۴۰۴ تا ۱۴۰۶ افزوده شد.")
    if sample:
        output.say(f"{fa(done.agencies_added)} دستگاه از نمونه استان قزوین افزوده شد.")
    if done.settings_written:
        output.warn("مشخصات نمونه دفتر در residegi.toml نوشته شد؛ نام امضاکننده را اصلاح کنید.")


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
    except typer.Abort:
        output.error("aborted", "کار متوقف شد.", as_json=as_json)
        return 1
    except typer.Exit as exc:
        return int(getattr(exc, "exit_code", 0) or 0)
    except TyperException as exc:
        # Typer's own command-line errors (unknown option, missing argument): exit 2.
        text = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        output.error("usage", f"فرمان نادرست است: {text}", as_json=as_json)
        return int(getattr(exc, "exit_code", 2) or 2)
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
