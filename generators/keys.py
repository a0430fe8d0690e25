"""The office's signing key: load it from its PKCS#12 file, or make a trial one.

A real key comes from a certification authority as a PKCS#12 (``.p12``/``.pfx``) file; its
location and passphrase are settings (``signing_key_path``, ``signing_key_passphrase``).
``make_trial_key`` makes a self-signed RSA key for trials: its signatures verify as intact
but untrusted anywhere outside the office that holds its certificate.

This module does file I/O for key material only: reading the key, and writing a new one
without ever replacing a file that exists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import stringprep
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from generators.errors import (
    InvalidCertificateName,
    SigningKeyExists,
    SigningKeyMissing,
    SigningKeyUnreadable,
)
from registry.files import read_bounded
from registry.private import write_private

if TYPE_CHECKING:
    from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped]
    from pyhanko.sign.signers import SimpleSigner

__all__ = [
    "SigningKey",
    "certificate_pem",
    "check_name_field",
    "install_trial_key",
    "load_certificate",
    "load_signing_key",
    "make_trial_key",
    "signing_key_from_pkcs12",
    "write_new_file",
]

RSA_BITS = 3072  # NIST's choice for signatures meant to be checked beyond 2030
TRIAL_YEARS = 10
# X.509's upper bound of a name attribute (ub-common-name and friends); the cryptography
# package counts it in UTF-8 bytes, so a Persian name reaches it at ~32 letters.
NAME_LIMIT = 64
# A PKCS#12 key or a certificate is a few kilobytes; a chain with many certificates stays
# far below this.  A larger file (or a FIFO, a device) is refused before it is read.
MAX_KEY_FILE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class SigningKey:
    """A loaded key: pyHanko's signer and what the office needs to know about its certificate."""

    signer: SimpleSigner
    certificate: asn1_x509.Certificate
    subject: str  # human-readable, e.g. "Common Name: …, Organization: …, Country: IR"
    self_signed: bool
    fingerprint: str  # SHA-256 of the certificate, lowercase hex
    not_after: dt.datetime


def check_name_field(field: str, value: str) -> str:
    """``value`` stripped, if it can stand in a certificate name; InvalidCertificateName if not.

    Applies the same bidirectional rule (RFC 3454 section 6) that asn1crypto applies when
    any verifier compares names, so a name that would fail validation years later is
    refused now: Persian and Latin letters never mixed, and a field with Persian letters
    begins and ends with one (a trailing digit or bracket is enough to break it).
    """
    text = value.strip()
    if not text:
        raise InvalidCertificateName(field, value, "empty")
    if len(text.encode("utf-8")) > NAME_LIMIT:
        raise InvalidCertificateName(field, value, "too_long")
    has_rtl = any(stringprep.in_table_d1(c) for c in text)
    has_ltr = any(stringprep.in_table_d2(c) for c in text)
    if has_rtl and (
        has_ltr or not stringprep.in_table_d1(text[0]) or not stringprep.in_table_d1(text[-1])
    ):
        raise InvalidCertificateName(field, value, "mixed_direction")
    return text


def make_trial_key(
    *,
    common_name: str,
    organisation: str,
    now: dt.datetime,
    passphrase: str | None,
    country: str = "IR",
) -> bytes:
    """A new self-signed RSA key and certificate as PKCS#12 bytes, for trials only.

    Valid from ``now`` (aware) for TRIAL_YEARS years, key usage digital signature and
    non-repudiation (which PAdES validators expect of a signing key).  Encrypted with
    ``passphrase`` when one is given.  Raises InvalidCertificateName for a name field that
    would fail validation.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, check_name_field("C", country)),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, check_name_field("O", organisation)),
            x509.NameAttribute(NameOID.COMMON_NAME, check_name_field("CN", common_name)),
        ]
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    start = now.astimezone(dt.UTC).replace(microsecond=0)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start - dt.timedelta(days=1))  # clocks of verifiers differ
        .not_valid_after(start + dt.timedelta(days=365 * TRIAL_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase.encode("utf-8"))
        if passphrase
        else serialization.NoEncryption()
    )
    return pkcs12.serialize_key_and_certificates(
        b"residegi-trial", key, certificate, None, encryption
    )


def load_signing_key(path: Path, passphrase: str | None) -> SigningKey:
    """The key in the PKCS#12 file at ``path``.

    SigningKeyMissing if there is no such file; SigningKeyUnreadable if it cannot be
    decrypted or holds no key and certificate.
    """
    try:
        data = read_bounded(path, MAX_KEY_FILE_BYTES)
    except FileNotFoundError as exc:
        raise SigningKeyMissing(str(path)) from exc
    except OSError as exc:
        raise SigningKeyUnreadable(str(path), str(exc)) from exc
    return signing_key_from_pkcs12(data, passphrase, source=str(path))


def signing_key_from_pkcs12(data: bytes, passphrase: str | None, *, source: str) -> SigningKey:
    """The key in PKCS#12 ``data`` (``source`` names it in errors)."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    secret = passphrase.encode("utf-8") if passphrase else None
    try:
        key, certificate, others = pkcs12.load_key_and_certificates(data, secret)
    except ValueError as exc:
        # cryptography says "Invalid password or PKCS12 data" for both causes.
        raise SigningKeyUnreadable(source, "wrong passphrase or damaged file") from exc
    if key is None or certificate is None:
        raise SigningKeyUnreadable(source, "no private key and certificate in the file")
    if not isinstance(key, rsa.RSAPrivateKey):
        raise SigningKeyUnreadable(source, f"unsupported key type {type(key).__name__}")
    der = serialization.Encoding.DER
    cert = asn1_x509.Certificate.load(certificate.public_bytes(der))
    registry = SimpleCertificateStore()  # type: ignore[no-untyped-call]
    registry.register_multiple(asn1_x509.Certificate.load(c.public_bytes(der)) for c in others)
    private = key.private_bytes(
        der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    from generators.signing_support import KeptKeySigner

    signer = KeptKeySigner(
        private_key=key,
        signing_cert=cert,
        signing_key=asn1_keys.PrivateKeyInfo.load(private),
        cert_registry=registry,
    )
    return SigningKey(
        signer=signer,
        certificate=cert,
        subject=cert.subject.human_friendly,
        self_signed=cert.self_signed != "no",
        fingerprint=hashlib.sha256(cert.dump()).hexdigest(),
        not_after=certificate.not_valid_after_utc,
    )


def certificate_pem(key: SigningKey) -> bytes:
    """The key's certificate (public, safe to hand to anyone who verifies) as PEM."""
    from asn1crypto import pem

    data: bytes = pem.armor("CERTIFICATE", key.certificate.dump())
    return data


def load_certificate(path: Path) -> asn1_x509.Certificate:
    """A certificate from a PEM or DER file (a trust root for verification); an OSError
    (:class:`registry.files.FileRefused`) for anything but a regular file of at most
    ``MAX_KEY_FILE_BYTES``."""
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509

    data = read_bounded(path, MAX_KEY_FILE_BYTES)
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    return asn1_x509.Certificate.load(data)


def write_new_file(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    """Write ``data`` to ``path``, which must not exist (SigningKeyExists otherwise).

    Created exclusively (``O_EXCL``, ``registry.private.write_private``), so a key is never
    replaced, not even by a race; a failed write removes the partial file.
    """
    try:
        write_private(path, data, mode=mode)
    except FileExistsError as exc:
        raise SigningKeyExists(str(path)) from exc


def install_trial_key(
    key_path: Path,
    certificate_path: Path,
    *,
    common_name: str,
    organisation: str,
    now: dt.datetime,
    passphrase: str | None,
) -> SigningKey:
    """Make a trial key and write it to ``key_path`` and its certificate to ``certificate_path``.

    Never replaces anything: SigningKeyExists if either file exists, and then nothing is
    written; if the certificate cannot be written the new key file is removed again.
    """
    for path in (key_path, certificate_path):
        if path.exists():
            raise SigningKeyExists(str(path))
    data = make_trial_key(
        common_name=common_name, organisation=organisation, now=now, passphrase=passphrase
    )
    key = signing_key_from_pkcs12(data, passphrase, source=str(key_path))
    write_new_file(key_path, data)
    try:
        # Public, but in the data folder like everything else: the owner's alone (staff
        # hand it out with `keys` commands).
        write_new_file(certificate_path, certificate_pem(key))
    except BaseException:
        key_path.unlink(missing_ok=True)
        raise
    return key
