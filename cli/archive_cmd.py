"""``residegi archive``: the archive of record; ``verify`` re-hashes every object."""

from __future__ import annotations

import typer

from cli import output
from cli.options import JsonOption
from office.messages import staff_message
from registry.errors import ErrorKind
from registry.text import to_persian_digits

app = typer.Typer(help="بایگانی: وارسی درستی اسناد بایگانی‌شده.", no_args_is_help=True)

FINDING_FA = {
    "missing": "در فهرست هست، در بایگانی نیست",
    "altered": "دست‌کاری یا آسیب‌دیده",
    "unreferenced": "در بایگانی هست، در فهرست نیست",
    "letter_uncatalogued": "پرونده نامه در فهرست بایگانی نیست",
    "document_uncatalogued": "سند پرونده در فهرست بایگانی نیست",
    "derived_orphan": "اصل نسخه PDF در فهرست نیست",
}


@app.command("verify")
def verify(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Re-hash every archived object; report missing, altered and unreferenced ones (exit 5)."""
    from office.verify import verify_archive

    report = verify_archive(ctx.obj)
    record = report.as_record()
    error = None
    if not report.ok:
        detail = "، ".join(f"{FINDING_FA[k]}: {n}" for k, n in report.counts().items() if n)
        error = {
            "code": "archive_fixity_failed",
            "message": staff_message(
                "archive_fixity_failed", {"detail": to_persian_digits(detail)}
            ),
        }
    if as_json:
        output.emit_json({**record, "error": error} if error else record)
    else:
        output.say(
            to_persian_digits(
                f"{report.objects_checked} سند ({report.bytes_checked} بایت) دوباره چکیده شد؛ "
                f"{report.catalogue_rows} ردیف فهرست."
            )
        )
        for finding in report.findings:
            # One line each, the object's name in ASCII: it is copied into other tools.
            output.say(f"{FINDING_FA[finding.kind]}: {finding.sha256} ({_where(finding.detail)})")
        if report.ok:
            output.say("همه اسناد بایگانی با اثر انگشت دیجیتال خود می‌خوانند.")
    if error:
        if not as_json:
            output.error(error["code"], error["message"], as_json=False)
        raise typer.Exit(code=ErrorKind.VERIFICATION.exit_code)


def _where(detail: dict[str, object]) -> str:
    codes = detail.get("tracking_codes") or [detail.get("tracking_code")]
    parts = [str(c) for c in codes if c] if isinstance(codes, list) else [str(codes)]
    if detail.get("number"):
        parts.append(f"نامه {detail['number']}")
    return "، ".join(parts) or "—"
