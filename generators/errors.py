"""Errors raised while building a letter's context or rendering it.

Every error has a stable snake_case ``code`` (the Persian message table in
``office/messages.py`` is keyed by it) and a ``kind`` that decides the exit code.
"""

from __future__ import annotations

from registry.errors import ErrorKind, ResidegiError


class GeneratorError(ResidegiError):
    """Root of every error raised by ``generators``."""

    kind = ErrorKind.INPUT


class UnknownKind(GeneratorError):
    """``unknown_letter_kind``: the kind is not one of the nine letter kinds (exit 2)."""

    kind = ErrorKind.INPUT

    def __init__(self, kind_name: str) -> None:
        super().__init__("unknown_letter_kind", kind=kind_name)


class InvalidFacts(GeneratorError):
    """``invalid_letter_facts``: the facts handed over miss a required field or have a bad one.

    ``fields`` lists the dotted paths of the offending fields (exit 2).
    """

    kind = ErrorKind.INPUT

    def __init__(self, kind_name: str, fields: list[str], detail: str = "") -> None:
        super().__init__("invalid_letter_facts", detail, kind=kind_name, fields=fields)


class AnonymityViolation(GeneratorError):
    """``anonymous_copy_to_agency``: a letter naming an anonymous complainant would reach an agency.

    Raised rather than silently dropping the copy, because the letter's author must decide (exit 4).
    """

    kind = ErrorKind.REFUSED

    def __init__(self, kind_name: str, copy_recipient: str) -> None:
        super().__init__("anonymous_copy_to_agency", kind=kind_name, recipient=copy_recipient)


class TemplateProblem(GeneratorError):
    """``template_problem``: a template fails to compile or render (exit 4).

    ``template`` is the file under ``letter_templates``, ``where`` a line (``line 12``) or a
    DOCX paragraph (``paragraph 7``), ``variable`` the name involved when one is known.
    """

    kind = ErrorKind.REFUSED

    def __init__(
        self,
        template: str,
        where: str = "",
        variable: str = "",
        detail: str = "",
        code: str = "template_problem",
    ) -> None:
        super().__init__(code, detail, template=template, where=where, variable=variable)
        self.template = template
        self.where = where
        self.variable = variable

    def describe(self) -> str:
        """One line naming file, place and variable, for ``templates check`` and logs."""
        parts = [self.template]
        if self.where:
            parts.append(self.where)
        if self.variable:
            parts.append(f"variable {self.variable!r}")
        if self.detail:
            parts.append(self.detail)
        return ": ".join(parts)


class RenderWarning(GeneratorError):
    """``render_warning``: WeasyPrint logged a warning while rendering; the PDF is refused (exit 4).

    WeasyPrint logs instead of raising (a missing font, an unreachable image, an unknown CSS
    property) and would otherwise ship a wrong letter silently.
    """

    kind = ErrorKind.REFUSED

    def __init__(self, kind_name: str, messages: list[str]) -> None:
        super().__init__("render_warning", "; ".join(messages), kind=kind_name, messages=messages)


class AssetRefused(GeneratorError):
    """``asset_refused``: a template asked for a URL outside ``letter_templates`` (exit 4)."""

    kind = ErrorKind.REFUSED

    def __init__(self, url: str) -> None:
        super().__init__("asset_refused", url=url[:200])


# -- signing, keys and verification (generators/keys.py, stamp.py, signing.py) --------------


class SigningKeyMissing(GeneratorError):
    """``signing_key_missing``: no PKCS#12 file where the settings say the key is (exit 3)."""

    kind = ErrorKind.NOT_FOUND

    def __init__(self, path: str) -> None:
        super().__init__("signing_key_missing", path=path)


class SigningKeyUnreadable(GeneratorError):
    """``signing_key_unreadable``: the PKCS#12 file is damaged or its passphrase wrong (exit 2)."""

    kind = ErrorKind.INPUT

    def __init__(self, path: str, detail: str = "") -> None:
        super().__init__("signing_key_unreadable", detail, path=path)


class SigningKeyExists(GeneratorError):
    """``signing_key_exists``: ``keys init`` never overwrites a key; move it away (exit 4)."""

    kind = ErrorKind.REFUSED

    def __init__(self, path: str) -> None:
        super().__init__("signing_key_exists", path=path)


class InvalidCertificateName(GeneratorError):
    """``certificate_name_invalid``: a certificate name field would make validation fail (exit 2).

    A field mixing Persian and Latin letters, or Persian that does not begin and end with
    a Persian letter, breaks the string preparation every verifier applies to names
    («malformed bidirectional sequence»); a field over 64 bytes is refused by X.509.
    """

    kind = ErrorKind.INPUT

    def __init__(self, field: str, value: str, reason: str) -> None:
        super().__init__("certificate_name_invalid", reason, field=field, value=value[:80])


class NotArchivalPdf(GeneratorError):
    """``pdf_not_pdfa3``: case data may only be embedded in a PDF/A-3 file (exit 4).

    PDF/A-1 and PDF/A-2 forbid arbitrary embedded files; a plain PDF is no archival record.
    """

    kind = ErrorKind.REFUSED

    def __init__(self, found: str) -> None:
        super().__init__("pdf_not_pdfa3", value=found)


class CaseDataExists(GeneratorError):
    """``case_data_exists``: the PDF already carries an embedded file of that name (exit 4)."""

    kind = ErrorKind.REFUSED

    def __init__(self, name: str) -> None:
        super().__init__("case_data_exists", name=name)


class SigningFailed(GeneratorError):
    """``signing_failed``: pyHanko refused to sign or the time-stamp server failed (exit 4).

    Nothing is returned, so nothing half-signed can reach the archive.
    """

    kind = ErrorKind.REFUSED

    def __init__(self, detail: str, url: str = "") -> None:
        super().__init__("signing_failed", detail, detail=detail[:300], url=url)


class PdfUnreadable(GeneratorError):
    """``pdf_unreadable``: the file handed over is not a PDF we can parse (exit 5 under verify)."""

    kind = ErrorKind.VERIFICATION

    def __init__(self, detail: str) -> None:
        super().__init__("pdf_unreadable", detail, detail=detail[:300])
