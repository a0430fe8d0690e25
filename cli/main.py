"""The ``residegi`` command: a thin shell that turns domain errors into messages and exit codes."""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from typer.exceptions import TyperException

from cli import output
from cli.context import App
from cli.lazy import LazyGroup
from office.messages import UNEXPECTED, staff_message
from registry.errors import ResidegiError
from registry.settings import Settings, load_settings

log = logging.getLogger("residegi")


# Every command, in the order of ``residegi --help``, and where it lives: a Typer app (a
# group) or a function (one command).  A module is imported only when one of its commands
# runs or help lists it (cli/lazy.py), so a command imports only what it needs.
COMMANDS: Mapping[str, str] = {
    "demo": "cli.demo_cmd:demo",
    "search": "cli.search_cmd:search",
    "verify": "cli.verify_cmd:verify",
    "dossier": "cli.dossier_cmd:dossier",
    "answer": "cli.answer_cmd:answer",
    "chase": "cli.chase_cmd:chase",
    "inspect": "cli.inspection_cmd:inspect",
    "report": "cli.inspection_cmd:report",
    "init": "cli.init_cmd:init",
    "upgrade": "cli.upgrade_cmd:upgrade",
    "backup": "cli.backup_cmd:backup",
    "restore": "cli.backup_cmd:restore",
    "deploy": "cli.deploy_cmd:deploy",
    "serve": "cli.serve_cmd:serve",
    "batch-runner": "cli.batch_runner_cmd:batch_runner",
    "book": "cli.book_cmd:book",
    "stats": "cli.stats_cmd:stats",
    "agency": "cli.agency_cmd:app",
    "complaint": "cli.complaint_cmd:app",
    "letter": "cli.letter_cmd:app",
    "holiday": "cli.holiday_cmd:app",
    "deadline": "cli.deadline_cmd:app",
    "reply": "cli.reply_cmd:app",
    "incoming": "cli.incoming_cmd:app",
    "templates": "cli.templates_cmd:app",
    "keys": "cli.keys_cmd:app",
    "archive": "cli.archive_cmd:app",
    "user": "cli.user_cmd:app",
}


class _Commands(LazyGroup):
    lazy_commands = COMMANDS


app = typer.Typer(
    name="residegi",
    help="رسیدگی به شکایات مردمی: ثبت شکایت، نامه‌های شماره‌دار، پیگیری پاسخ‌ها و بایگانی.",
    cls=_Commands,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _settings(
    ctx: typer.Context,
    home: Annotated[
        Path | None,
        typer.Option("--home", help="Data folder (default: RESIDEGI_HOME or ~/residegi)."),
    ] = None,
) -> None:
    state = App(load_settings(home=home.expanduser().resolve() if home else None))
    # The registry's connections close when the command ends, not whenever the interpreter's
    # teardown reaches them: run() skips that teardown (a SQLite WAL file would be left).
    ctx.call_on_close(state.close)
    ctx.obj = state


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
        from office.failures import as_system_failure

        failure = as_system_failure(exc, _settings_for_message(args))
        if failure is not None:
            # The system failed (a full disk, a read-only folder, …): one sentence naming
            # what and the remedy; the details go to the log, not to the staff's screen.
            log.info("system failure: %s", exc, exc_info=True)
            message = staff_message(failure.code, failure.params)
            output.error(failure.code, message, as_json=as_json)
            return failure.kind.exit_code
        log.exception("unexpected failure")
        detail = f"{type(exc).__name__}: {exc}"
        output.error("unexpected", UNEXPECTED.format(detail=detail), as_json=as_json)
        return 1
    return result if isinstance(result, int) else 0


def _settings_for_message(args: list[str]) -> Settings | None:
    """The settings the failed command ran with (its ``--home``), to name its places."""
    home: str | None = None
    for n, arg in enumerate(args):
        if arg == "--home" and n + 1 < len(args):
            home = args[n + 1]
        elif arg.startswith("--home="):
            home = arg.partition("=")[2]
    try:
        return load_settings(home=Path(home).expanduser().resolve() if home else None)
    except Exception:  # settings that do not load name no place: the message says less
        return None


def run() -> None:
    """Console-script entry point."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    code = main()
    # The process ends here.  Its teardown would free the ~90,000 objects the imports left
    # one by one, searching them for cycles several times over: ~0.1 s, a fifth of a simple
    # command.  Frozen, they are left to the operating system.  Exit still runs the atexit
    # handlers (logging, Prefect's server, worker pools) and flushes stdout, and what must
    # be closed is closed by then (the registry: see _settings).
    gc.freeze()
    sys.exit(code)
