"""Setting up a data folder: the registry, the holiday calendar and, for trials, the sample
and a trial signing key; checking the letter templates staff may have edited."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from office.runtime import Runtime, check_home
from registry import migrate
from registry.agencies import load_sample
from registry.db import transaction
from registry.errors import InvalidInput
from registry.holidays import seed_holidays
from registry.private import private_dir, write_private
from registry.settings import SETTINGS_FILE_NAME

# The desk's session and CSRF signing secret, shared by every `serve` worker.
DESK_SECRET_FILE = "desk.secret"

if TYPE_CHECKING:
    from generators.keys import SigningKey

# The office profile of a trial installation; the office replaces it with its own.
SAMPLE_SETTINGS = """\
# Settings of this data folder (docs/settings.md lists them all).
# Written by `residegi init --sample` for trials: replace the signatory with the real one.
[office]
signatory_name = "محمدرضا احمدی"
signatory_title = "مدیرکل دفتر بازرسی، مدیریت عملکرد و امور حقوقی"
phone = "028-33330000"
address = "قزوین، میدان آزادی، ساختمان استانداری قزوین"
"""
# The demo's own data folder also asks approval and signature before the number of the
# kinds issue 16 names: the demo approves and signs them as its inspector and head.
DEMO_SETTINGS = (
    SAMPLE_SETTINGS
    + 'approval_required_kinds = ["referral", "escalation", "rejection", "inspection_report", '
    + '"final_answer"]\n'
)


@dataclass(frozen=True)
class Initialised:
    agencies_added: int
    holidays_added: int
    settings_written: bool


def initialise(
    runtime: Runtime, *, sample: bool, actor: str, profile: str = SAMPLE_SETTINGS
) -> Initialised:
    """Create or upgrade the registry and seed the official holidays (1404-1406); with
    ``sample``, also load Qazvin's agencies and write a trial office profile (``profile``:
    the demo passes its own) if the data folder has none.  Safe to run again: nothing is
    added twice.  A data folder made here is private to the service's account (0700,
    registry/private.py)."""
    check_home(runtime.settings)
    private_dir(runtime.settings.home)
    runtime.initialise()
    now = runtime.clock.now()
    agencies = 0
    with transaction(runtime.sessions) as session:
        holidays = seed_holidays(session, at=now, actor=actor)
        if sample:
            agencies = load_sample(session, at=now, actor=actor)
    desk_secret(runtime)
    written = False
    settings_file = runtime.settings.home / SETTINGS_FILE_NAME
    if sample and not settings_file.exists():
        with contextlib.suppress(FileExistsError):  # another init wrote it meanwhile
            write_private(settings_file, profile.encode("utf-8"))
            written = True
    return Initialised(agencies, holidays, written)


def desk_secret(runtime: Runtime) -> str:
    """The secret that signs the desk's session cookies and CSRF tokens: read from the data
    folder, or made there (0600) once, by ``init`` or the first ``serve``; every worker of
    every ``serve`` on that folder reads the same one."""
    path = runtime.settings.home / DESK_SECRET_FILE
    if not path.exists():
        # Written aside, then linked into place: link never replaces, so two processes
        # starting at once both end up reading the one secret that won.
        aside = path.with_name(f".{DESK_SECRET_FILE}.{os.getpid()}")
        with contextlib.suppress(FileNotFoundError):
            aside.unlink()
        write_private(aside, secrets.token_urlsafe(48).encode("ascii"))
        try:
            os.link(aside, path)
        except FileExistsError:
            pass
        finally:
            aside.unlink()
    return path.read_text(encoding="ascii").strip()


@dataclass(frozen=True)
class Upgraded:
    before: str | None  # the schema's revision before; None for a new registry
    after: str


def upgrade(runtime: Runtime) -> Upgraded:
    """Bring the registry's schema up to this version's; a current one is left as it is.

    Run once per installation after installing a new version, before the web workers and
    flow runs start (each of them refuses a registry that is behind)."""
    check_home(runtime.settings)
    private_dir(runtime.settings.home)
    before = migrate.current_revision(runtime.engine)
    runtime.initialise()
    return Upgraded(before, migrate.HEAD)


def install_trial_key_if_missing(runtime: Runtime) -> bool:
    """A self-signed trial key for signing answers, unless the data folder has a key.
    (Its signatures verify as intact but untrusted: for trials and the demo only.)"""
    settings = runtime.settings
    if settings.resolved_signing_key_path.exists():
        return False
    private_dir(settings.resolved_signing_key_path.parent)
    _install_trial_key(runtime, common_name=None, now=runtime.clock.now())
    return True


def make_trial_key(runtime: Runtime, *, common_name: str | None = None) -> dict[str, Any]:
    """``keys init``: a self-signed trial signing key and its certificate where the settings
    say, encrypted with the configured passphrase, which is required (InvalidInput
    ``signing_passphrase_required``; only the demo makes an unencrypted one); never overwrites
    (SigningKeyExists, exit 4).  ``common_name`` defaults to «دفتر بازرسی» and the
    governorate.  Its record: key_path, certificate_path, subject, fingerprint_sha256,
    valid_until, self_signed, trial, encrypted."""
    passphrase = runtime.settings.signing_key_passphrase
    if passphrase is None or not passphrase.get_secret_value().strip():
        # Outside the demo the office's key is never left readable by whoever copies the
        # file: it is encrypted, or not made at all.
        raise InvalidInput(
            "signing_passphrase_required", path=str(runtime.settings.resolved_signing_key_path)
        )
    # The real clock, never the training date: the certificate must be valid now.
    key = _install_trial_key(
        runtime, common_name=common_name, now=runtime.clock.fixed_now or dt.datetime.now(dt.UTC)
    )
    settings = runtime.settings
    return {
        "key_path": str(settings.resolved_signing_key_path),
        "certificate_path": str(settings.office_certificate_path),
        "subject": key.subject,
        "fingerprint_sha256": key.fingerprint,
        "valid_until": key.not_after.isoformat(),
        "self_signed": True,
        "trial": True,
        "encrypted": settings.signing_key_passphrase is not None,
    }


def _install_trial_key(
    runtime: Runtime, *, common_name: str | None, now: dt.datetime
) -> SigningKey:
    from generators.keys import install_trial_key

    settings = runtime.settings
    passphrase = settings.signing_key_passphrase
    return install_trial_key(
        settings.resolved_signing_key_path,
        settings.office_certificate_path,
        common_name=(
            common_name if common_name is not None else f"دفتر بازرسی {settings.office.governorate}"
        ),
        organisation=settings.office.governorate,
        now=now,
        passphrase=passphrase.get_secret_value() if passphrase else None,
    )


@dataclass(frozen=True)
class TemplateCheck:
    """``templates check``: the kinds checked and a line for each problem found."""

    kinds: tuple[str, ...]
    problems: tuple[str, ...]


def check_templates() -> TemplateCheck:
    """Render every letter kind in both formats with sample data; the problems found (file,
    place, variable).  Nothing is raised for a problem: the caller decides (the CLI exits 4
    with ``templates_failing``)."""
    from generators import KINDS
    from generators import check_templates as check

    return TemplateCheck(tuple(KINDS), tuple(p.describe() for p in check()))
