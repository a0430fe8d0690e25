"""``residegi verify PATH``: is this signed answer intact, who signed it, and is it ours?"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from cli import output
from cli.options import JsonOption
from office.messages import staff_message
from office.verify import ARCHIVE_FA, TRUST_FA


def verify(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="The signed PDF to check.")],
    as_json: JsonOption = False,
) -> int:
    """Check a signed PDF: intact, signer and time, trust, and whether the archive holds it.

    Exit 0 only without any doubt; 5 otherwise (docs/signing.md).
    """
    from office.verify import read_signed_pdf, verify_signed

    data = read_signed_pdf(path.expanduser())
    checked = verify_signed(ctx.obj, data, path=str(path))
    result = dict(checked.record)
    problems = checked.problems
    error = None
    if problems:
        code = problems[0]
        error = {"code": code, "message": staff_message(code, {"path": str(path)})}
        result["error"] = error
    if as_json:
        output.emit_json(result)
    else:
        _show(result)
        if error is not None:
            for code in problems:
                output.error(code, staff_message(code, {"path": str(path)}), as_json=False)
    return 5 if problems else 0


def _show(result: dict[str, Any]) -> None:
    # Paths, fingerprints and ISO times keep their ASCII digits.
    output.fields(
        [
            ("پرونده", result["path"]),
            ("اثر انگشت SHA-256", result["sha256"]),
            ("امضا", TRUST_FA[str(result["trust"])]),
            ("سالم", result["intact"]),
            ("تغییر پس از امضا", result["modified_after_signing"]),
            ("امضاکننده", result["signer"]),
            ("زمان امضا (به گفته امضاکننده)", result["signing_time"]),
            ("مهر زمانی", result["timestamp_time"]),
            ("سطح PAdES", result["level"]),
            ("PDF/A", result["pdfa"] or None),
            ("بایگانی", ARCHIVE_FA[str(result["archive"])]),
        ],
        persian_digits=False,
    )
    if result.get("dossier"):
        output.say("این پرونده شکایت خود امضا ندارد؛ اصل اسناد امضاشده درون آن وارسی شد:")
    for inner in result.get("embedded", []):
        # A dossier: each signed original embedded in it, checked on its own.
        output.say(f"سند امضاشده درون پرونده: {inner['path']}")
        _show(inner)
