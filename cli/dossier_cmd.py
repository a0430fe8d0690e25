"""``residegi dossier TRACKING -o FILE.pdf [--bag DIR]``: the whole case as one PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import output
from cli.context import acting
from cli.options import ActorOption, JsonOption
from registry.text import to_persian_digits


def dossier(
    ctx: typer.Context,
    tracking: Annotated[str, typer.Argument(help="The case's tracking code.")],
    out: Annotated[Path, typer.Option("-o", "--output", help="The dossier PDF to write.")],
    bag: Annotated[
        Path | None, typer.Option("--bag", help="Also export a BagIt package to this folder.")
    ] = None,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Assemble a case's dossier: cover, index, every document with a bookmark each."""
    from office.dossiers import dossier as write_dossier

    record = write_dossier(
        ctx.obj,
        acting(ctx.obj, actor),
        tracking,
        out.expanduser().resolve(),
        bag=bag.expanduser().resolve() if bag else None,
    )
    if as_json:
        output.emit_json(record)
        return
    output.say(
        to_persian_digits(
            f"پرونده {record['tracking_code']}: {record['documents']} سند، "
            f"{record['pages']} برگ در {record['output']}"
        )
    )
    missing = [e for e in record["index"] if not e["pages"]]
    for entry in missing:
        output.warn(f"{entry['title']}: {entry['note']}")
    if record["bag"] is not None:
        output.say(
            to_persian_digits(
                f"بسته BagIt در {record['bag']['path']} ({record['bag']['files']} پرونده)"
            )
        )
