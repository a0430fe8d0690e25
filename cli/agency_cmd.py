"""``residegi agency``: the agencies complaints concern."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import output
from cli.context import App, acting
from cli.options import ActorOption, JsonOption, choice
from office import agencies
from registry.kinds import AgencyKind, Honorific

app = typer.Typer(help="دستگاه‌ها: فهرست، افزودن، ویرایش.", no_args_is_help=True)

KIND_HELP = "office, governorate, county_governorate, municipality"
DeadlineOption = Annotated[int | None, typer.Option(help="Own reply deadline in working days.")]

COLUMNS = [
    ("name", "دستگاه"),
    ("kind", "نوع"),
    ("parent", "بالادست"),
    ("head_title", "مقام"),
    ("head_name", "نام"),
    ("reply_deadline_days", "مهلت پاسخ"),
]


@app.command("list")
def list_(
    ctx: typer.Context,
    kind: Annotated[str | None, typer.Option(help=KIND_HELP)] = None,
    as_json: JsonOption = False,
) -> None:
    """List agencies."""
    state: App = ctx.obj
    wanted = choice(kind, AgencyKind, "kind") if kind else None
    records = agencies.list_all(state, wanted)
    output.records_or_table(records, COLUMNS, title="دستگاه‌ها", as_json=as_json)


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Option(help="Full name, e.g. «شهرداری قزوین».")],
    kind: Annotated[str, typer.Option(help=KIND_HELP)],
    head_title: Annotated[str, typer.Option(help="Title of its head, e.g. «شهردار محترم قزوین».")],
    head_name: Annotated[str | None, typer.Option(help="Name of its head.")] = None,
    head_honorific: Annotated[
        str | None,
        typer.Option(help="mr or mrs: «جناب آقای» / «سرکار خانم» before the head's name."),
    ] = None,
    parent: Annotated[str | None, typer.Option(help="Superior agency's name.")] = None,
    county: Annotated[str | None, typer.Option(help="County (شهرستان).")] = None,
    deadline: DeadlineOption = None,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add an agency."""
    state: App = ctx.obj
    record = agencies.add(
        state,
        acting(state, actor),
        name=name,
        kind=choice(kind, AgencyKind, "kind"),
        head_title=head_title,
        head_name=head_name,
        head_honorific=choice(head_honorific, Honorific, "honorific") if head_honorific else None,
        parent=parent,
        county=county,
        reply_deadline_days=deadline,
    )
    output.record_or_sentence(record, f"دستگاه «{record['name']}» افزوده شد.", as_json=as_json)


@app.command("edit")
def edit(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The agency's current name.")],
    head_title: Annotated[str | None, typer.Option(help="New head title.")] = None,
    head_name: Annotated[str | None, typer.Option(help="New head's name.")] = None,
    head_honorific: Annotated[
        str | None,
        typer.Option(help="mr or mrs: «جناب آقای» / «سرکار خانم» before the head's name."),
    ] = None,
    parent: Annotated[str | None, typer.Option(help="New superior agency.")] = None,
    deadline: DeadlineOption = None,
    active: Annotated[bool | None, typer.Option("--active/--inactive")] = None,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Change an agency; a new head keeps the old one in the history."""
    state: App = ctx.obj
    record = agencies.edit(
        state,
        acting(state, actor),
        name,
        head_title=head_title,
        head_name=head_name,
        head_honorific=choice(head_honorific, Honorific, "honorific") if head_honorific else None,
        parent=parent,
        reply_deadline_days=deadline,
        active=active,
    )
    output.record_or_sentence(record, f"دستگاه «{record['name']}» به‌روز شد.", as_json=as_json)
