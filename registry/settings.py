"""One settings object: every setting declared once, with its default and its help text.

Sources, strongest first: arguments (``--home`` and the like), environment variables
``RESIDEGI_*`` (nested with ``__``, e.g. ``RESIDEGI_OFFICE__SIGNATORY_NAME``), then the file
``residegi.toml`` in the data folder.  Settings are loaded once by the shell (CLI, flow) and
passed down; nothing below reads the environment.
"""

from __future__ import annotations

import enum
import os
import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from registry.errors import InvalidInput
from registry.files import FileRefused, read_bounded
from registry.kinds import (
    DRAFTED_KINDS,
    AgencyKind,
    Classification,
    Honorific,
    LetterKind,
    Priority,
)

SETTINGS_FILE_NAME = "residegi.toml"
MAX_SETTINGS_FILE_BYTES = 1024 * 1024  # a settings file is a few lines; never read more
DEFAULT_HOME = Path.home() / "residegi"


class Weekday(enum.StrEnum):
    SATURDAY = "saturday"
    SUNDAY = "sunday"
    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"

    @property
    def python_weekday(self) -> int:
        """``datetime.date.weekday()`` of this day (Monday is 0)."""
        return ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"].index(
            self.value
        )


SERIES: dict[str, str] = {"outgoing": "ص", "incoming": "و"}
"""The registers and their default codes: our letters (صادره) and papers received (وارده)."""


class QrPayload(enum.StrEnum):
    """What the QR code on a letter carries (docs/letters.md, "Verification")."""

    ADDRESS = "address"  # the letter's public verification page, with its code
    NATIONAL = "national"  # the national document-ID fields (شناسه ملی سند، شمس)


_BASE_URL = re.compile(r"^https?://[^\s/?#]+(/[^\s?#]*)?$")


class OfficeProfile(BaseModel):
    """Who the letters come from, and how their numbers are written."""

    ministry: str = Field(
        "وزارت کشور", description="Ministry printed at the top of the letterhead."
    )
    governorate: str = Field(
        "استانداری قزوین", description="Governorate printed in the letterhead."
    )
    name: str = Field(
        "دفتر بازرسی، مدیریت عملکرد و امور حقوقی",
        description="The office's name in the letterhead and signature block.",
    )
    address: str = Field(
        "قزوین، استانداری قزوین", description="Postal address in the letter footer."
    )
    phone: str = Field("", description="Telephone in the letter footer (left out when empty).")
    signatory_name: str = Field(
        "", description="Name of the official who signs letters (required before dispatch)."
    )
    signatory_title: str = Field(
        "مدیرکل دفتر بازرسی، مدیریت عملکرد و امور حقوقی",
        description="Title under the signatory's name.",
    )
    print_file_names: bool = Field(
        False,
        description=(
            "Print each attachment's file name beside its title in the letters' attachment "
            "table (off: the title by document kind and the sheet count only)."
        ),
    )
    number_format: str = Field(
        "{year}/{series}/{seq}",
        description="Letter number format; placeholders {year} (Jalali), {series}, {seq}.",
    )
    series: dict[str, str] = Field(
        default_factory=lambda: dict(SERIES),
        description="Letter series (registers) by name, each with the code printed in its "
        "numbers: ``outgoing`` (our letters, default «ص») and ``incoming`` (papers received, "
        "default «و»); a series left out keeps its default; the codes must differ.",
    )
    report_to_title: str = Field(
        "استاندار محترم قزوین",
        description="Whom the inspection report is addressed to: the authority the office "
        "reports to (the governor, or the deputy the governor named), as the letter's "
        "first line prints it.",
    )
    report_to_organisation: str = Field(
        "استانداری قزوین", description="The organisation of the inspection report's addressee."
    )
    report_to_name: str = Field(
        "", description="The inspection report addressee's name (left out when empty)."
    )
    report_to_honorific: Honorific = Field(
        Honorific.NONE,
        description="mr or mrs: «جناب آقای» / «سرکار خانم» before report_to_name.",
    )
    recourse_body: str = Field(
        "دیوان عدالت اداری",
        description="The body a final answer names for the complainant's further recourse "
        "(empty: no recourse paragraph).",
    )
    public_base_url: str = Field(
        "http://127.0.0.1:8000",
        description="Where the public reaches the desk (scheme, host, port, any path prefix; "
        "no query): each letter's QR and printed line name {public_base_url}/verify/{guid}. "
        "Frozen into a letter when it is numbered.",
    )
    qr_payload: QrPayload = Field(
        QrPayload.ADDRESS,
        description="address: the QR carries the letter's verification address with its "
        "code; national: the national document-ID fields (number, time, GUID, signer's "
        "national code, the office's email and national ID; docs/letters.md).",
    )
    email: str = Field(
        "", description="The office's e-mail address (the national document-ID payload)."
    )
    national_id: str = Field(
        "",
        description="The office's national ID (شناسه ملی, 11 digits; the national "
        "document-ID payload).",
    )
    signatory_national_code: str = Field(
        "",
        description="The signatory's national code (کد ملی, 10 digits; the national "
        "document-ID payload).",
    )
    competent_bodies: dict[str, str] = Field(
        default_factory=lambda: dict(COMPETENT_BODIES),
        description="Reasons for a rejection (complaint review --reject --refer-to CODE) and "
        "the competent body the rejection letter points the complainant to.",
    )

    @field_validator("series")
    @classmethod
    def _both_registers(cls, value: dict[str, str]) -> dict[str, str]:
        # An office that named only its outgoing series (the setting before the incoming
        # register existed) keeps the default incoming one.
        merged = {**SERIES, **{name: code.strip() for name, code in value.items()}}
        codes = list(merged.values())
        if any(not code or "/" in code or code.isdigit() for code in codes):
            raise ValueError("a series code must be a non-empty word without '/'")
        if len(set(codes)) != len(codes):
            raise ValueError("each series needs its own code")
        return merged

    @field_validator("public_base_url")
    @classmethod
    def _is_base_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not _BASE_URL.match(value):
            raise ValueError("public_base_url must be http(s)://host[:port][/path], no query")
        return value

    @field_validator("national_id", "signatory_national_code")
    @classmethod
    def _digits(cls, value: str) -> str:
        value = value.strip()
        if value and not (value.isascii() and value.isdigit()):
            raise ValueError("must be ASCII digits")
        return value

    @model_validator(mode="after")
    def _national_fields(self) -> OfficeProfile:
        if self.qr_payload is QrPayload.NATIONAL:
            missing = [
                name
                for name in ("email", "national_id", "signatory_national_code")
                if not getattr(self, name).strip()
            ]
            if missing:
                raise ValueError(f"qr_payload = national needs office.{', office.'.join(missing)}")
        return self

    approval_required_kinds: list[LetterKind] = Field(
        default_factory=list,
        description="Letter kinds that wait as drafts until an inspector or the head approves "
        "them (پاراف) and the head, or a deputy, signs them, before they get a number "
        "(docs/letters.md); default none. Any of referral, reminder, escalation, rejection, "
        "inspection_report, final_answer.",
    )

    @field_validator("approval_required_kinds")
    @classmethod
    def _drafted_kinds_only(cls, value: list[LetterKind]) -> list[LetterKind]:
        # A kind no path drafts yet would leave its letters refused at the number for ever.
        unknown = [kind.value for kind in value if kind not in DRAFTED_KINDS]
        if unknown:
            allowed = ", ".join(sorted(kind.value for kind in DRAFTED_KINDS))
            raise ValueError(f"approval is built for {allowed} only, not {', '.join(unknown)}")
        return value

    @field_validator("number_format")
    @classmethod
    def _has_placeholders(cls, value: str) -> str:
        for part in ("{year}", "{series}", "{seq}"):
            if part not in value:
                raise ValueError(f"number_format must contain {part}")
        return value


COMPETENT_BODIES: dict[str, str] = {
    "municipal_dues": "کمیسیون ماده ۷۷ قانون شهرداری‌ها",
    "building_violation": "کمیسیون ماده ۱۰۰ قانون شهرداری‌ها",
    "land_use": "کمیسیون ماده ۵ قانون تأسیس شورای عالی شهرسازی و معماری ایران",
    "private_dispute": "شورای حل اختلاف شهرستان",
    "judicial": "مراجع قضایی صالح",
    "administrative_decision": "دیوان عدالت اداری",
}
"""The default table of rejection reasons and the competent body for each (the office may
replace it with setting ``office.competent_bodies``)."""


def _default_deadlines() -> dict[AgencyKind, int]:
    return dict.fromkeys(AgencyKind, 10)


def _default_priority_deadlines() -> dict[Priority, int]:
    return {Priority.URGENT: 5, Priority.VERY_URGENT: 3, Priority.IMMEDIATE: 1}


class Settings(BaseSettings):
    """Everything the office can configure.  See docs/settings.md."""

    model_config = SettingsConfigDict(
        env_prefix="RESIDEGI_", env_nested_delimiter="__", extra="forbid", frozen=True
    )

    home: Path = Field(
        DEFAULT_HOME, description="Data folder: database, archive, Prefect's home, settings file."
    )
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL of the registry; default SQLite in the data folder. "
        "PostgreSQL: postgresql+psycopg://user@host/db.",
    )
    archive_url: str | None = Field(
        None,
        description="Where archived objects live: a folder or an fsspec URL; "
        "default the folder 'archive' in the data folder.",
    )
    timezone: str = Field(
        "Asia/Tehran", description="The office's time zone: 'today' is computed in it."
    )
    weekend: list[Weekday] = Field(
        default_factory=lambda: [Weekday.THURSDAY, Weekday.FRIDAY],
        description="Weekend days, never counted as working days.",
    )
    today: str | None = Field(
        None, description="Training clock: a Jalali date (1405/09/04) used as 'today' everywhere."
    )
    office: OfficeProfile = Field(default_factory=OfficeProfile, description="The office profile.")
    failpoints: str = Field(
        "",
        description="Test hook only: places where a dispatch kills itself (name=N,…); "
        "never set in production.",
    )
    reply_deadline_days: dict[AgencyKind, int] = Field(
        default_factory=_default_deadlines,
        description="Working days an agency has to reply to a referral, per agency kind "
        "(an agency's own override wins).",
    )
    reminder_deadline_days: int = Field(
        5, ge=1, description="Working days a reminder gives to reply."
    )
    reply_deadline_from_receipt: bool = Field(
        False,
        description="Count a letter's reply deadline from the day its recipient received it "
        "(`letter received`) instead of the day it was sent; off, receipt moves no deadline.",
    )
    priority_reply_days: dict[Priority, int] = Field(
        default_factory=_default_priority_deadlines,
        description="Working days to reply to a letter of a case of this priority "
        "(urgent, very_urgent, immediate, normal); a priority named here comes before the "
        "agency's own deadline and the kind's default, one left out leaves them.",
    )
    chase_first_after: int = Field(
        3, ge=0, description="Working days after the due date before the first reminder."
    )
    chase_second_after: int = Field(
        5, ge=1, description="Working days after the first reminder before the second."
    )
    chase_escalate_after: int = Field(
        5, ge=1, description="Working days after the second reminder before escalation."
    )
    min_free_disk_mb: int = Field(
        64,
        ge=0,
        description="Free space (MB) the data folder's disk must have before a batch or a "
        "flow starts; below it the run is refused at once with a message.",
    )
    max_workers: int | None = Field(
        None,
        ge=1,
        description="Most rendering processes a dispatch may start (--workers); "
        "default twice the machine's cores.",
    )
    batch_lease_seconds: int = Field(
        60,
        ge=2,
        description="Seconds without a heartbeat after which a desk batch's lease expires "
        "(its run taken for dead, «ادامه» offered); the run beats every third of it.",
    )
    batch_runner: bool = Field(
        True,
        description="residegi serve starts a warm batch runner beside the desk (its "
        "Prefect API and render processes kept up, so a desk batch starts at once); "
        "false: each batch starts a process of its own.",
    )
    batch_runner_poll_seconds: float = Field(
        0.2,
        gt=0,
        le=60,
        description="How often the warm batch runner looks in the registry for a batch "
        "the desk handed it.",
    )
    max_image_pixels: int = Field(
        200_000_000,
        ge=1,
        description="Most pixels a scanned image may hold over all its pages (a TIFF's "
        "together); more is refused from the headers, before any page is decoded.",
    )
    attachment_max_bytes: int = Field(
        20 * 1024 * 1024, ge=1, description="Largest attachment accepted, in bytes."
    )
    duplicate_window_days: int = Field(
        90,
        ge=0,
        description="A complaint from the same national ID against the same agency within "
        "this many days is flagged as a possible duplicate.",
    )
    expected_answer_days: int = Field(
        31,
        ge=1,
        description="The service card's average working days to an answer: a statistic "
        "for reports, not a promise (the receipt no longer prints it).",
    )
    delivery_period_days: int = Field(
        30, ge=1, description="Days after the answer before a case may be closed automatically."
    )
    signing_key_path: Path | None = Field(
        None,
        description="PKCS#12 file (.p12) of the office's signing key; default "
        "keys/office.p12 in the data folder. Its certificate is kept beside it as .crt.",
    )
    signing_key_passphrase: SecretStr | None = Field(
        None, description="Passphrase of the PKCS#12 file (secret: set it in the environment)."
    )
    tsa_url: str | None = Field(
        None,
        description="RFC 3161 time-stamp server of the office: unset, final answers are "
        "signed PAdES B-B; set, PAdES B-T with a token from this server.",
    )
    cli_acts_as_user: bool = Field(
        False,
        description="The command line acts as the registered user named by --as (default "
        "the OS user), with that user's roles; off, it acts as the machine's operator with "
        "every role.",
    )
    operator_clearance: Classification = Field(
        Classification.NORMAL,
        description="The classification the machine's operator (the command line's default "
        "user, the demo, scheduled flows) may see: normal, confidential, "
        "highly_confidential, secret or top_secret.",
    )
    session_cookie_secure: bool = Field(
        False,
        description="Send the desk's session cookie over https only (on behind an https "
        "reverse proxy).",
    )
    session_hours: int = Field(
        10, ge=1, le=24 * 14, description="A desk login lasts this many hours."
    )
    trusted_certificates: list[Path] = Field(
        default_factory=list,
        description="Certificates (PEM or DER files) that verify trusts besides the office's "
        "own: the root of a real certification authority, the time-stamp server's root.",
    )

    @field_validator("priority_reply_days")
    @classmethod
    def _whole_days(cls, value: dict[Priority, int]) -> dict[Priority, int]:
        if any(days < 1 for days in value.values()):
            raise ValueError("a priority's reply deadline is at least one working day")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _SettingsFile(settings_cls, init_settings))

    @property
    def resolved_database_url(self) -> str:
        """The registry's URL: the setting, or SQLite in the data folder."""
        return self.database_url or f"sqlite:///{self.home / 'registry.sqlite3'}"

    @property
    def resolved_archive_url(self) -> str:
        """Where the archive store keeps objects: the setting, or ``<home>/archive``."""
        return self.archive_url or str(self.home / "archive")

    @property
    def resolved_signing_key_path(self) -> Path:
        """The office's PKCS#12 key: the setting, or ``<home>/keys/office.p12``."""
        return self.signing_key_path or self.home / "keys" / "office.p12"

    @property
    def office_certificate_path(self) -> Path:
        """The office key's certificate (public), beside the key with the suffix ``.crt``."""
        return self.resolved_signing_key_path.with_suffix(".crt")

    @property
    def prefect_home(self) -> Path:
        """Prefect's own folder, inside the data folder and never the registry's database."""
        return self.home / "prefect"

    @property
    def chase_second_gap(self) -> int:
        """Working days from the first reminder to the second: the setting, but never
        before the first reminder's own deadline has passed (a letter saying no reply came
        is never dated the day the reply is still due)."""
        return max(self.chase_second_after, self.reminder_deadline_days + 1)

    @property
    def chase_escalate_gap(self) -> int:
        """Working days from the second reminder to the escalation, likewise never on or
        before the second reminder's own due day."""
        return max(self.chase_escalate_after, self.reminder_deadline_days + 1)

    @property
    def weekend_python_days(self) -> frozenset[int]:
        return frozenset(day.python_weekday for day in self.weekend)


class _SettingsFile(PydanticBaseSettingsSource):
    """``residegi.toml`` in the data folder, the weakest source."""

    def __init__(self, settings_cls: type[BaseSettings], init: PydanticBaseSettingsSource) -> None:
        super().__init__(settings_cls)
        self._init = init

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # pragma: no cover - __call__ does the work

    def __call__(self) -> dict[str, Any]:
        home = self._init().get("home") or os.environ.get("RESIDEGI_HOME") or DEFAULT_HOME
        path = Path(home).expanduser() / SETTINGS_FILE_NAME
        try:
            data = read_bounded(path, MAX_SETTINGS_FILE_BYTES)
        except FileRefused as exc:
            if exc.reason == "too_large":
                detail = f"{path}: larger than {MAX_SETTINGS_FILE_BYTES} bytes"
                raise InvalidInput("invalid_settings", detail=detail) from exc
            return {}  # a folder, FIFO or device by that name is no settings file
        except (FileNotFoundError, NotADirectoryError):
            return {}
        return tomllib.loads(data.decode("utf-8"))


def load_settings(**overrides: Any) -> Settings:
    """Settings from the arguments given, the environment and the data folder's file."""
    given = {key: value for key, value in overrides.items() if value is not None}
    return Settings(**given)
