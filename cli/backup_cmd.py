"""``residegi backup`` and ``residegi restore``: the office's whole record, copied and put back."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import output
from cli.context import App
from cli.options import JsonOption
from registry.text import to_persian_digits as fa

RELOCATED_FA = (
    "در پرونده تنظیمات بازگردانده، «{key}» جای رایانه پیشین را نشان می‌داد و به یادداشت "
    "تبدیل شد؛ اگر لازم است، مقدار تازه را بنویسید."
)


def backup(
    ctx: typer.Context,
    destination: Annotated[Path, typer.Argument(help="New folder for the backup.")],
    include_private_key: Annotated[
        bool,
        typer.Option(
            "--include-private-key",
            help="Also copy the office's signing key (keep such a backup as safe as the key).",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Back up registry, archive, settings and certificate while the office works."""
    from office.backup import backup as take_backup

    state: App = ctx.obj
    done = take_backup(state, destination, include_private_key=include_private_key)
    record = done.as_record()
    if as_json:
        output.emit_json(record)
        return
    rows = sum(record["counts"].values())
    output.say(
        f"پشتیبان در «{done.path}» ساخته شد: {fa(record['objects'])} سند بایگانی، "
        f"{fa(rows)} ردیف پایگاه داده؛ اثر انگشت همه در manifest.json."
    )
    if include_private_key:
        output.warn("کلید خصوصی امضای دفتر در این پشتیبان است؛ آن را مانند خود کلید نگه دارید.")


def restore(
    ctx: typer.Context,
    source: Annotated[Path, typer.Argument(help="A backup folder made by residegi backup.")],
    home: Annotated[
        Path, typer.Option("--home", help="New data folder to restore into (empty or absent).")
    ],
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            help="Empty PostgreSQL database to restore a PostgreSQL backup into.",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Restore a backup into a new data folder, verified against its manifest."""
    from office.backup import restore as restore_backup
    from registry.settings import load_settings

    settings = load_settings(home=home.expanduser().resolve(), database_url=database_url)
    done = restore_backup(settings, source)
    if as_json:
        output.emit_json(done.as_record())
        return
    output.say(
        f"پشتیبان در «{done.home}» بازگردانده و وارسی شد: {fa(done.objects)} سند بایگانی و "
        f"{fa(sum(done.counts.values()))} ردیف پایگاه داده با فهرست پشتیبان می‌خوانند."
    )
    for warning in done.warnings:
        _, _, key = warning.partition(":")
        output.warn(RELOCATED_FA.format(key=key))
