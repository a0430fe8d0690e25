"""``residegi verify PATH``: is this signed answer intact, who signed it, and is it ours?"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from cli import output
from cli.context import App
from cli.options import JsonOption
from office.messages import staff_message
from registry.errors import InvalidInput, NotFound

TRUST_FA = {
    "trusted": "معتبر و مورد اعتماد",
    "trial_untrusted": "معتبر اما نامطمئن (کلید آزمایشی خودامضای همین دفتر)",
    "untrusted": "نامطمئن (گواهی امضاکننده مورد اعتماد نیست)",
    "invalid": "نامعتبر (امضا با پرونده نمی‌خواند)",
    "unsigned": "بدون امضا",
}


def _trust_roots(state: App) -> tuple[list[Any], str | None]:
    """The office's own certificate (when there is one) and the configured trusted ones."""
    import hashlib

    from generators.keys import load_certificate

    settings = state.settings
    roots = []
    office_fingerprint = None
    if settings.office_certificate_path.is_file():
        office = load_certificate(settings.office_certificate_path)
        roots.append(office)
        office_fingerprint = hashlib.sha256(office.dump()).hexdigest()
    for path in settings.trusted_certificates:
        try:
            roots.append(load_certificate(path.expanduser()))
        except (OSError, ValueError) as exc:
            raise InvalidInput(
                "invalid_settings", detail=f"trusted_certificates: {path}: {exc}"
            ) from exc
    return roots, office_fingerprint


def _archive_rows(state: App, sha256: str) -> list[dict[str, Any]] | None:
    """The catalogue rows of these bytes (None: no archive initialised here)."""
    from archive.catalogue import catalogue_for_object

    settings = state.settings
    if settings.database_url is None and not (settings.home / "registry.sqlite3").is_file():
        return None  # do not create a data folder just to look into it
    try:
        sessions = state.sessions
    except InvalidInput as exc:
        if exc.code == "database_not_initialized":
            return None
        raise
    with sessions() as session:
        rows = catalogue_for_object(session, sha256)
        found = [
            {
                "kind": row.kind,
                "letter_number": row.letter_number,
                "complaint_id": row.complaint_id,
                "stored_at": row.stored_at.isoformat(),
            }
            for row in rows
        ]
    return found if found and state.store.exists(sha256) else []


def verify(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="The signed PDF to check.")],
    as_json: JsonOption = False,
) -> int:
    """Check a signed PDF: intact, signer and time, trust, and whether the archive holds it.

    Exit 0 only without any doubt; 5 otherwise (docs/signing.md).
    """
    from generators.verification import problems_of, trust_label, verify_pdf

    state: App = ctx.obj
    try:
        data = path.expanduser().read_bytes()
    except FileNotFoundError as exc:
        raise NotFound("file_not_found", path=str(path)) from exc
    roots, office_fingerprint = _trust_roots(state)
    checked = verify_pdf(data, roots)
    rows = _archive_rows(state, checked.sha256)
    problems = problems_of(checked, office_fingerprint=office_fingerprint, in_archive=bool(rows))
    last = checked.last
    result: dict[str, Any] = {
        "path": str(path),
        "sha256": checked.sha256,
        "verdict": "doubt" if problems else "ok",
        "trust": trust_label(checked, office_fingerprint=office_fingerprint),
        "signed": checked.signed,
        "intact": checked.intact,
        "valid": checked.valid,
        "trusted": checked.trusted,
        "modified_after_signing": checked.modified_after_signing,
        "self_signed": bool(last and last.self_signed),
        "signer": last.signer_subject if last else None,
        "signer_common_name": last.signer_common_name if last else None,
        "signing_time": last.signing_time.isoformat() if last and last.signing_time else None,
        "timestamp_time": (
            last.timestamp_time.isoformat() if last and last.timestamp_time else None
        ),
        "level": last.level if last else None,
        "coverage": last.coverage if last else None,
        "signatures": len(checked.signatures),
        "pdfa": checked.pdfa,
        "archive": "absent" if rows is None else ("held" if rows else "not_held"),
        "archive_records": rows or [],
        "problems": problems,
    }
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
    archive_fa = {
        "held": "همین پرونده در بایگانی نگهداری می‌شود",
        "not_held": "این پرونده در بایگانی نیست",
        "absent": "بایگانی در این رایانه راه‌اندازی نشده است",
    }
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
            ("بایگانی", archive_fa[str(result["archive"])]),
        ],
        persian_digits=False,
    )
