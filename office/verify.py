"""Verification: is a signed document intact, who signed it, is it ours, does the archive
hold it (docs/signing.md); and does every archived object still match its fingerprint
(docs/archive.md)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from office.runtime import Runtime
from registry.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from archive.fixity import FixityReport


# What staff read of a signature's trust and of the archive's copy (CLI and desk alike).
TRUST_FA = {
    "trusted": "معتبر و مورد اعتماد",
    "trial_untrusted": "معتبر اما نامطمئن (کلید آزمایشی خودامضای همین دفتر)",
    "untrusted": "نامطمئن (گواهی امضاکننده مورد اعتماد نیست)",
    "invalid": "نامعتبر (امضا با پرونده نمی‌خواند)",
    "unsigned": "بدون امضا",
}


ARCHIVE_FA = {
    "held": "همین پرونده در بایگانی نگهداری می‌شود",
    "not_held": "این پرونده در بایگانی نیست",
    "absent": "بایگانی در این رایانه راه‌اندازی نشده است",
}


@dataclass(frozen=True)
class SignatureCheck:
    """What ``verify_signed`` found: ``record`` holds the contract's JSON keys (path,
    sha256, verdict, trust, signer, …, archive, problems)."""

    record: dict[str, Any]

    @property
    def problems(self) -> list[str]:
        """Problem codes, the first the weightiest; empty only without any doubt."""
        return list(self.record["problems"])

    @property
    def ok(self) -> bool:
        return not self.problems


def _trust_roots(runtime: Runtime) -> tuple[list[Any], str | None]:
    """The office's own certificate (when there is one) and the configured trusted ones."""
    import hashlib

    from generators.keys import load_certificate

    settings = runtime.settings
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


def _archive_rows(runtime: Runtime, sha256: str) -> list[dict[str, Any]] | None:
    """The catalogue rows of these bytes (None: no archive initialised here)."""
    from archive.catalogue import catalogue_for_object

    settings = runtime.settings
    if settings.database_url is None and not (settings.home / "registry.sqlite3").is_file():
        return None  # do not create a data folder just to look into it
    try:
        sessions = runtime.sessions
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
    return found if found and runtime.store.exists(sha256) else []


# A signed answer is a few hundred kilobytes; a file larger than this is not one of ours
# and is refused before it is read.
MAX_SIGNED_PDF_BYTES = 100 * 1024 * 1024


def read_signed_pdf(path: Path) -> bytes:
    """The bytes of the file to verify, read with :func:`registry.files.read_bounded`.

    NotFound ``file_not_found`` when it is absent; InvalidInput ``not_a_regular_file`` (a
    directory, FIFO, device or socket), ``file_too_large`` (over ``MAX_SIGNED_PDF_BYTES``,
    refused before reading) or ``file_unreadable``.
    """
    from registry.files import FileRefused, read_bounded

    try:
        return read_bounded(path, MAX_SIGNED_PDF_BYTES)
    except FileRefused as exc:
        if exc.reason == "too_large":
            raise InvalidInput(
                "file_too_large", path=str(path), size=exc.size, limit=MAX_SIGNED_PDF_BYTES
            ) from exc
        raise InvalidInput("not_a_regular_file", path=str(path)) from exc
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise NotFound("file_not_found", path=str(path)) from exc
    except OSError as exc:
        raise InvalidInput("file_unreadable", path=str(path), detail=exc.strerror or "") from exc


def read_signed_upload(stream: BinaryIO, *, name: str, limit: int) -> bytes:
    """The bytes of an uploaded file to verify (the desk's), read up to ``limit`` bytes:
    InvalidInput ``verify_file_missing`` for an empty one, ``file_too_large`` past the
    limit (no more than one byte beyond it is read)."""
    data = stream.read(limit + 1)
    if not data:
        raise InvalidInput("verify_file_missing")
    if len(data) > limit:
        raise InvalidInput("file_too_large", path=name[:100], size=len(data), limit=limit)
    return data


def verify_signed(runtime: Runtime, data: bytes, *, path: str) -> SignatureCheck:
    """Check a signed PDF's bytes: intact, signer and time, trust (the office's own key, the
    configured trusted certificates), and whether this archive holds exactly these bytes.

    A case dossier is not signed itself: it embeds the signed originals of the case's
    letters.  For an unsigned file that embeds signed PDFs, each embedded original is
    checked the same way (``embedded``: one record each, named ``path#name``) and the
    dossier's verdict is theirs.

    ``path`` only names the file in the record.  Nothing is raised for a failed check: the
    problems are in the result (the CLI exits 5 on any); a malformed trusted certificate in
    the settings is InvalidInput (exit 2), an unreadable PDF PdfUnreadable (exit 5).
    """
    from generators.verification import embedded_pdfs

    check = _verify_one(runtime, data, path=path)
    if check.record["signed"]:
        return check
    inner = [_verify_one(runtime, pdf, path=f"{path}#{name}") for name, pdf in embedded_pdfs(data)]
    inner = [c for c in inner if c.record["signed"]]
    if not inner:
        return check
    record = dict(check.record)
    problems = list(dict.fromkeys(p for c in inner for p in c.problems))
    record.update(
        {
            "dossier": True,
            "embedded": [c.record for c in inner],
            "verdict": "doubt" if problems else "ok",
            "problems": problems,
        }
    )
    return SignatureCheck(record)


def _verify_one(runtime: Runtime, data: bytes, *, path: str) -> SignatureCheck:
    from generators.verification import problems_of, trust_label, verify_pdf

    roots, office_fingerprint = _trust_roots(runtime)
    checked = verify_pdf(data, roots)
    rows = _archive_rows(runtime, checked.sha256)
    problems = problems_of(checked, office_fingerprint=office_fingerprint, in_archive=bool(rows))
    last = checked.last
    return SignatureCheck(
        {
            "path": path,
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
            "dossier": False,
            "embedded": [],
        }
    )


def verify_archive(runtime: Runtime) -> FixityReport:
    """Re-hash every archived object against its name and the catalogue: missing, altered
    and unreferenced objects are in the report (``ok`` is False), never repaired."""
    from archive.fixity import verify_archive as check_fixity

    with runtime.sessions() as session:
        return check_fixity(session, runtime.store)
