"""Errors raised while building a letter's context or rendering it.

Every error has a stable snake_case ``code`` (the Persian message table in
``cli/messages.py`` is keyed by it) and a ``kind`` that decides the exit code.
"""

from __future__ import annotations

from typing import Any

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


def params_of(error: GeneratorError) -> dict[str, Any]:
    """The parameters a Persian message is filled with (a copy, safe to mutate)."""
    return dict(error.params)
