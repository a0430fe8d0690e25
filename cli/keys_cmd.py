"""``residegi keys init``: a self-signed trial key for the office, said to be one plainly."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import output
from cli.context import App
from cli.options import JsonOption

app = typer.Typer(help="کلید امضای دیجیتال دفتر.", no_args_is_help=True)

TRIAL_WARNING = (
    "این کلید آزمایشی و خودامضاست: امضاهای آن «سالم» شناخته می‌شوند اما «مورد اعتماد» نیستند، "
    "چون هیچ مرجع صدور گواهی آن را تأیید نکرده است. برای پاسخ‌های رسمی، کلید صادرشده از "
    "مرجع صدور گواهی را جایگزین کنید (docs/signing.md)."
)


@app.command("init")
def init(
    ctx: typer.Context,
    name: Annotated[
        str | None,
        typer.Option(
            "--name",
            help="Common name (CN) of the certificate, all Persian or all Latin; "
            "default «دفتر بازرسی» and the governorate.",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Make a self-signed trial signing key; never overwrites an existing one."""
    from office.setup import make_trial_key

    state: App = ctx.obj
    result = {**make_trial_key(state, common_name=name), "warning": TRIAL_WARNING}
    if as_json:
        output.emit_json(result)
        return
    # Paths, fingerprints and ISO times keep their ASCII digits.
    output.fields(
        [
            ("کلید", result["key_path"]),
            ("گواهی", result["certificate_path"]),
            ("دارنده", result["subject"]),
            ("اثر انگشت SHA-256", result["fingerprint_sha256"]),
            ("اعتبار تا", result["valid_until"]),
        ],
        persian_digits=False,
    )
    output.warn(TRIAL_WARNING)
