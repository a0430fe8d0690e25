"""Small pyHanko extensions: a B-B signature as a function of its input, and a faster signer.

Kept apart from ``generators.signing`` because they subclass pyHanko classes, which
therefore load only when something is signed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from pyhanko.pdf_utils.content import PdfContent
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.pdf_utils.metadata.model import DocumentMetadata
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers

__all__ = ["FixedTimeSigner", "ImportedStamp", "KeptKeySigner", "PinnedMetadata"]


class ImportedStamp(PdfContent):
    """The first page of a PDF given as bytes, drawn as a form XObject.

    pyHanko's ``ImportedPdfPage`` reads a file and names the resource with a random UUID;
    this one takes bytes (no temporary file) and names the resource after their hash.
    """

    def __init__(self, pdf: bytes) -> None:
        super().__init__()
        self._pdf = pdf

    def render(self) -> bytes:
        writer = self._ensure_writer
        reader = PdfFileReader(io.BytesIO(self._pdf))
        xobject = writer.import_page_as_xobject(reader, page_ix=0)
        name = "/Stamp" + hashlib.sha256(self._pdf).hexdigest()[:16]
        self.resources.xobject[name] = xobject
        x1, y1, x2, y2 = xobject.get_object()["/BBox"]
        self.box = BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return name.encode("ascii") + b" Do"


class FixedTimeSigner(signers.PdfSigner):
    """A PdfSigner whose signing time (``/M``, and the stamp's) is given, not read off the clock.

    PAdES puts no signing-time attribute in the CMS, so ``/M`` is the time the signature
    states; for a B-T signature the time-stamp token states the time that is proved.
    """

    def __init__(self, *args: Any, when: dt.datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._when = when

    def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> Any:
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = self._when
        return session


class PinnedMetadata(DocumentMetadata):
    """Document metadata whose modification date is a given time instead of "now".

    pyHanko's writer sets ``last_modified = "now"`` just before it writes, and then stamps
    the clock's time into ``/Info /ModDate`` and the XMP ``xmp:ModifyDate``; this object
    turns that "now" into the signing time, so both say when the letter was signed.
    """

    def __init__(self, when: dt.datetime) -> None:
        object.__setattr__(self, "_pinned", when)
        super().__init__()

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "last_modified" and value == "now":
            value = self.__dict__["_pinned"]
        super().__setattr__(name, value)


class KeptKeySigner(signers.SimpleSigner):
    """A SimpleSigner that parses its RSA key once, not on every signature.

    pyHanko's SimpleSigner loads the key from DER for each raw signature, and it signs
    twice per PDF (a size estimate, then the real one); cryptography checks an RSA-3072
    key on every load (~0.23 s on the reference machine), which made that most of the
    time of a signature (docs/signing.md).
    """

    def __init__(self, *args: Any, private_key: RSAPrivateKey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._private_key = private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        if mechanism.signature_algo != "rsassa_pkcs1v15":
            return super().sign_raw(data, digest_algorithm)
        algorithm = getattr(hashes, digest_algorithm.upper().replace("-", ""))()
        return self._private_key.sign(data, PKCS1v15(), algorithm)
