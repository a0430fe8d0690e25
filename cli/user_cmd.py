"""``residegi user``: the desk's staff accounts (add, list, disable, clear)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import output
from cli.context import App, acting
from cli.options import ActorOption, JsonOption, read_text_file
from office import users
from registry.errors import InvalidInput
from registry.kinds import Classification
from registry.users import parse_roles

app = typer.Typer(
    help="کاربران میز کار: افزودن، فهرست، غیرفعال‌کردن، مجوز طبقه‌بندی، معاون امضاکننده.",
    no_args_is_help=True,
)

COLUMNS = [
    ("username", "نام کاربری"),
    ("full_name", "نام"),
    ("roles", "نقش‌ها"),
    ("clearance", "مجوز طبقه‌بندی"),
    ("active", "فعال"),
]


def _password(password_file: Path | None) -> str:
    """The password from the file's first line, or typed twice at a hidden prompt: never
    from an argument, which every user of the machine can read in the process list."""
    if password_file is not None:
        lines = read_text_file(password_file, "password").splitlines()
        return lines[0] if lines else ""
    first: str = typer.prompt("گذرواژه", hide_input=True)
    again: str = typer.prompt("تکرار گذرواژه", hide_input=True)
    if first != again:
        raise InvalidInput("passwords_differ")
    return first


@app.command("add")
def add(
    ctx: typer.Context,
    username: Annotated[
        str, typer.Argument(help="Login name: lower-case Latin letters, digits, . _ -.")
    ],
    role: Annotated[
        list[str],
        typer.Option(
            "--role", help="secretariat, inspector, head, archivist or admin (repeatable)."
        ),
    ],
    full_name: Annotated[str, typer.Option("--full-name", help="Name shown on the desk.")] = "",
    password_file: Annotated[
        Path | None,
        typer.Option("--password-file", help="A file whose first line is the password."),
    ] = None,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add a member of staff with their roles; the password is read from a file or typed."""
    state: App = ctx.obj
    roles = parse_roles(role)
    who = acting(state, actor)
    password = _password(password_file)
    record = users.add_user(
        state, who, username, full_name=full_name or username, roles=roles, password=password
    )
    output.record_or_sentence(
        record,
        f"کاربر {record['username']} با نقش {'، '.join(record['roles'])} افزوده شد.",
        as_json=as_json,
    )


@app.command("list")
def list_(ctx: typer.Context, actor: ActorOption = None, as_json: JsonOption = False) -> None:
    """Every user, active or disabled."""
    state: App = ctx.obj
    records = users.list_users(state, acting(state, actor))
    if as_json:
        output.emit_json(records)
        return
    shown = [
        {
            **r,
            "roles": "، ".join(r["roles"]),
            "clearance": Classification(r["clearance"]).label_fa,
            "active": "بله" if r["active"] else "خیر",
        }
        for r in records
    ]
    output.table(shown, COLUMNS, title="کاربران")


@app.command("disable")
def disable(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The user's login name.")],
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Disable a user: no more logins, and their open sessions end."""
    state: App = ctx.obj
    record = users.disable_user(state, acting(state, actor), username)
    output.record_or_sentence(record, f"کاربر {record['username']} غیرفعال شد.", as_json=as_json)


@app.command("deputy")
def deputy(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The user's login name.")],
    title: Annotated[str, typer.Option(help="Title printed under the deputy's name.")] = "",
    remove: Annotated[bool, typer.Option("--remove", help="No longer a deputy.")] = False,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Name a deputy who signs letters «از طرف» the head (the head's or the admin's)."""
    state: App = ctx.obj
    record = users.name_deputy(state, acting(state, actor), username, title=title, remove=remove)
    done = "دیگر معاون امضاکننده نیست" if remove else "معاون امضاکننده شد (از طرف)"
    output.record_or_sentence(record, f"کاربر {record['username']} {done}.", as_json=as_json)


@app.command("clear")
def clear(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The user's login name.")],
    level: Annotated[
        str,
        typer.Argument(
            help="The highest classification they may see: normal, confidential, "
            "highly_confidential, secret or top_secret."
        ),
    ],
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Clear a user for a classification and every level below it (raise or lower)."""
    state: App = ctx.obj
    record = users.clear_user(state, acting(state, actor), username, level)
    label = Classification(record["clearance"]).label_fa
    output.record_or_sentence(
        record, f"کاربر {record['username']} تا طبقه‌بندی «{label}» مجاز شد.", as_json=as_json
    )
