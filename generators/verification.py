"""Checking a signed PDF: is every signature intact, valid, trusted, and does it cover the file?

``verify_pdf`` reports; it does not judge what a doubt means for the office (the ``verify``
command decides its exit code from the report, see docs/signing.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from generators.errors import PdfUnreadable

if TYPE_CHECKING:
    from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped]

__all__ = ["SignatureReport", "Verification", "problems_of", "trust_label", "verify_pdf"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class SignatureReport:
    """One signature of the file, as pyHanko validated it against the trust roots given."""

    field_name: str
    intact: bool  # the signed bytes hash to what the signature says
    valid: bool  # and the signature over that hash verifies with the certificate's key
    trusted: bool  # and the certificate chains to one of the trust roots
    self_signed: bool
    signer_subject: str
    signer_common_name: str
    signer_fingerprint: str  # SHA-256 of the signer's certificate
    signing_time: dt.datetime | None  # what the signer states (/M); not proof
    timestamp_time: dt.datetime | None  # what a TSA's token proves (PAdES B-T)
    timestamp_ok: bool | None  # None: no token
    level: str  # "B-B" or "B-T"
    coverage: str  # entire_file, entire_revision, contiguous_block_from_start, unclear
    modified_after_signing: bool  # bytes were appended after this signature


@dataclass(frozen=True, kw_only=True)
class Verification:
    """The verdict on one file: its SHA-256, PDF/A identification and every signature."""

    sha256: str
    pdfa: str  # e.g. "3U"; "" when the file does not identify as PDF/A
    signatures: tuple[SignatureReport, ...]

    @property
    def signed(self) -> bool:
        return bool(self.signatures)

    @property
    def intact(self) -> bool:
        return self.signed and all(s.intact for s in self.signatures)

    @property
    def valid(self) -> bool:
        return self.signed and all(s.intact and s.valid for s in self.signatures)

    @property
    def trusted(self) -> bool:
        return self.valid and all(s.trusted for s in self.signatures)

    @property
    def modified_after_signing(self) -> bool:
        """Bytes were appended after the last signature (a later incremental update)."""
        return self.signed and self.signatures[-1].modified_after_signing

    @property
    def last(self) -> SignatureReport | None:
        return self.signatures[-1] if self.signatures else None


def _common_name(cert: asn1_x509.Certificate) -> str:
    try:
        return str(cert.subject.native.get("common_name", ""))
    except ValueError:  # an undecodable name still gets a report
        return ""


def _report(embedded: Any, status: Any) -> SignatureReport:
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    cert = status.signing_cert
    ts = status.timestamp_validity
    coverage = status.coverage
    try:
        subject = cert.subject.human_friendly
    except ValueError:  # e.g. a malformed bidirectional name: report, do not crash
        subject = cert.subject.dump().hex()
    return SignatureReport(
        field_name=str(embedded.field_name),
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        self_signed=cert.self_signed != "no",
        signer_subject=subject,
        signer_common_name=_common_name(cert),
        signer_fingerprint=hashlib.sha256(cert.dump()).hexdigest(),
        signing_time=status.signer_reported_dt,
        timestamp_time=None if ts is None else ts.timestamp,
        timestamp_ok=None if ts is None else bool(ts.intact and ts.valid and ts.trusted),
        level="B-B" if ts is None else "B-T",
        coverage="unclear" if coverage is None else coverage.name.lower(),
        modified_after_signing=coverage != SignatureCoverageLevel.ENTIRE_FILE,
    )


def verify_pdf(
    pdf: bytes,
    trust_roots: list[asn1_x509.Certificate],
    *,
    moment: dt.datetime | None = None,
) -> Verification:
    """Every signature in ``pdf`` validated against ``trust_roots`` only (no system store).

    No revocation data is fetched (the office works offline).  ``moment`` is the time the
    certificates are checked at (default now).  A file pyHanko cannot parse raises
    PdfUnreadable; an unsigned file gives a Verification with no signatures.
    """
    digest = hashlib.sha256(pdf).hexdigest()
    # pyHanko logs every untrusted path with a traceback at WARNING; the report says the
    # same thing, so its validation logger is quieted while this call runs, and only then.
    quiet = logging.getLogger("pyhanko.sign.validation")
    previous = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        return _verify(pdf, digest, trust_roots, moment)
    finally:
        quiet.setLevel(previous)


def _verify(
    pdf: bytes,
    digest: str,
    trust_roots: list[asn1_x509.Certificate],
    moment: dt.datetime | None,
) -> Verification:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    context = ValidationContext(trust_roots=list(trust_roots), allow_fetching=False, moment=moment)
    try:
        reader = PdfFileReader(io.BytesIO(pdf))
        embedded = list(reader.embedded_signatures)
        reports = tuple(_validated(sig, context, validate_pdf_signature) for sig in embedded)
        pdfa = _pdfa_of(pdf)
    except PdfUnreadable:
        raise
    except Exception as exc:
        # A damaged file can fail anywhere in parsing or in the CMS structure; whatever
        # the failure, the answer is the same: this file cannot be shown to be intact.
        log.info("verification could not read the file: %r", exc)
        raise PdfUnreadable(f"{type(exc).__name__}: {exc}") from exc
    return Verification(sha256=digest, pdfa=pdfa, signatures=reports)


def _validated(embedded: Any, context: Any, validate: Any) -> SignatureReport:
    """pyHanko's verdict on one signature; a signature value (the CMS in /Contents) so
    damaged that pyHanko cannot even validate it is a failed signature, not an unreadable
    file: the file was read, its signature does not hold."""
    try:
        return _report(embedded, validate(embedded, context, context))
    except Exception as exc:  # asn1crypto's ValueError, pyHanko's SignatureValidationError, …
        log.info("signature %s could not be validated: %r", embedded.field_name, exc)
        return _damaged(embedded)


def _damaged(embedded: Any) -> SignatureReport:
    """The report of a signature whose value could not be validated at all."""
    signer = ""
    fingerprint = ""
    try:
        cert = embedded.signer_cert
        signer, fingerprint = cert.subject.human_friendly, hashlib.sha256(cert.dump()).hexdigest()
    except Exception:  # the certificate itself may be what is damaged
        log.debug("no readable signer certificate in %s", embedded.field_name)
    return SignatureReport(
        field_name=str(embedded.field_name),
        intact=False,
        valid=False,
        trusted=False,
        self_signed=False,
        signer_subject=signer,
        signer_common_name="",
        signer_fingerprint=fingerprint,
        signing_time=None,
        timestamp_time=None,
        timestamp_ok=None,
        level="B-B",
        coverage="unclear",
        modified_after_signing=False,
    )


def _pdfa_of(pdf: bytes) -> str:
    import pikepdf

    from generators.signing import pdfa_part

    try:
        with pikepdf.open(io.BytesIO(pdf)) as doc:
            return pdfa_part(doc)
    except pikepdf.PdfError as exc:
        raise PdfUnreadable(str(exc)) from exc


def problems_of(
    verification: Verification, *, office_fingerprint: str | None, in_archive: bool
) -> list[str]:
    """Every doubt about a file, as error codes (empty: no doubt).  The office's rules:

    - ``signature_missing``: no signature at all;
    - ``signature_invalid``: a signature is not intact or does not verify;
    - ``signature_modified``: bytes were appended after the last signature;
    - ``signature_untrusted``: a certificate does not chain to a trust root, a self-signed
      certificate is not the office's own (``office_fingerprint``), or a time-stamp
      token does not validate;
    - ``signature_not_in_archive``: the archive does not hold these exact bytes.

    A self-signed office key (``keys init``) that is intact raises no doubt by itself: it
    is reported as valid but untrusted outside the office (``trust_label``).
    """
    problems: list[str] = []
    if not verification.signed:
        problems.append("signature_missing")
    elif not verification.valid:
        problems.append("signature_invalid")
    else:
        if verification.modified_after_signing:
            problems.append("signature_modified")
        if not verification.trusted or any(
            (s.self_signed and s.signer_fingerprint != office_fingerprint)
            or s.timestamp_ok is False
            for s in verification.signatures
        ):
            problems.append("signature_untrusted")
    if not in_archive:
        problems.append("signature_not_in_archive")
    return problems


def trust_label(verification: Verification, *, office_fingerprint: str | None) -> str:
    """``unsigned``, ``invalid``, ``untrusted``, ``trial_untrusted`` (the office's own
    self-signed key: valid, but nobody outside the office can trust it) or ``trusted``."""
    if not verification.signed:
        return "unsigned"
    if not verification.valid:
        return "invalid"
    if not verification.trusted:
        return "untrusted"
    signatures = verification.signatures
    if any(s.self_signed for s in signatures):
        own = all(s.signer_fingerprint == office_fingerprint for s in signatures if s.self_signed)
        return "trial_untrusted" if own else "untrusted"
    return "trusted"


# A dossier embeds a case's signed originals: a few files of a few hundred kilobytes.
MAX_EMBEDDED_FILES = 200


def embedded_pdfs(pdf: bytes) -> list[tuple[str, bytes]]:
    """The PDF files embedded in ``pdf`` (a dossier's signed originals), by name, in the
    order the file lists them; other embedded files (``case.json``) are left out."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        attachments = PdfReader(io.BytesIO(pdf)).attachments
        found = []
        for name in sorted(attachments)[:MAX_EMBEDDED_FILES]:
            for data in attachments[name]:
                if data.startswith(b"%PDF-"):
                    found.append((name, data))
    except (PdfReadError, ValueError, KeyError) as exc:
        raise PdfUnreadable(f"{type(exc).__name__}: {exc}") from exc
    return found
