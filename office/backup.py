"""Backup and restore of a whole office: the registry, the archive, the settings and the
office's public certificate, with a manifest that proves the copy whole (docs/security.md).

``backup`` takes a consistent snapshot while the office works (registry/snapshot.py), copies
every archived object the snapshot's catalogue names (re-hashed as it is read), the settings
file and the public certificate (the private key only when asked), and writes
``manifest.json`` last: every file's and object's SHA-256, the registry's row counts and
schema revision, the settings.  It is built in a hidden folder beside the destination and
renamed into place at the end, so a folder named DEST is always a complete backup.

``restore`` checks every file and object of a backup against its manifest, builds the new
data folder beside its final place, checks the restored registry (its hash, revision and
counts) and runs the archive's fixity check on the result before renaming it into place.
Letters numbered but not yet stored at the snapshot are finished by the next dispatch, as
after a crash: rendering is deterministic, so their PDFs come out identical.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from archive.errors import ObjectAltered, ObjectMissing
from archive.store import ArchiveStore, check_sha256
from office.runtime import Runtime
from registry import snapshot
from registry.errors import InvalidInput, VerificationFailed
from registry.files import FileRefused, read_bounded
from registry.private import PRIVATE_FILE_MODE, private_dir, write_private
from registry.settings import SETTINGS_FILE_NAME, Settings

__all__ = ["BACKUP_FORMAT", "MANIFEST", "BackupDone", "RestoreDone", "backup", "restore"]

BACKUP_FORMAT = "residegi-backup/1"
MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 256 * 1024 * 1024  # a manifest lists objects: ~100 bytes each
CERTIFICATE = "keys/office.crt"
PRIVATE_KEY = "keys/office.p12"
SETTINGS = f"settings/{SETTINGS_FILE_NAME}"
# Settings that name the old machine's places: commented out in a restored settings file.
RELOCATED_SETTINGS = ("home", "database_url", "archive_url", "signing_key_path")


@dataclass(frozen=True)
class BackupDone:
    """What a backup holds: its folder and manifest record."""

    path: Path
    manifest: dict[str, Any]

    def as_record(self) -> dict[str, Any]:
        """The ``--json`` record: where, when, and the counts."""
        database = self.manifest["database"]
        return {
            "path": str(self.path),
            "created_at": self.manifest["created_at"],
            "database": database["kind"],
            "revision": database["revision"],
            "counts": database["counts"],
            "objects": self.manifest["objects"]["count"],
            "object_bytes": self.manifest["objects"]["bytes"],
            "private_key_included": self.manifest["private_key_included"],
        }


@dataclass(frozen=True)
class RestoreDone:
    """What a restore put back and checked."""

    home: Path
    database: str
    revision: str | None
    counts: dict[str, int]
    objects: int
    object_bytes: int
    warnings: list[str] = field(default_factory=list)

    def as_record(self) -> dict[str, Any]:
        """The ``--json`` record."""
        return {
            "home": str(self.home),
            "database": self.database,
            "revision": self.revision,
            "counts": self.counts,
            "objects": self.objects,
            "object_bytes": self.object_bytes,
            "verified": True,
            "warnings": self.warnings,
        }


# -- backup ---------------------------------------------------------------------------------


def backup(runtime: Runtime, destination: Path, *, include_private_key: bool = False) -> BackupDone:
    """Back the office up into the new folder ``destination`` (which must not exist, or be
    empty); see the module's docstring.  The office may keep working meanwhile."""
    runtime.sessions  # noqa: B018 - refuse a registry that is missing or behind first
    settings = runtime.settings
    with _staged(destination) as stage:
        kind = snapshot.database_kind(settings.resolved_database_url)
        database_file = snapshot.SQLITE_FILE if kind == "sqlite" else snapshot.PG_DUMP_FILE
        take = snapshot.snapshot_sqlite if kind == "sqlite" else snapshot.snapshot_postgresql
        taken = take(settings.resolved_database_url, stage / database_file)
        files: dict[str, str] = {}
        files[database_file] = snapshot.file_sha256(stage / database_file)[0]
        object_sizes = _copy_objects(runtime.store, ArchiveStore(str(stage / "archive")), taken)
        settings_file = settings.home / SETTINGS_FILE_NAME
        if settings_file.is_file():
            files[SETTINGS] = _copy_file(settings_file, stage / SETTINGS)
        certificate = None
        if settings.office_certificate_path.is_file():
            files[CERTIFICATE] = certificate = _copy_file(
                settings.office_certificate_path, stage / CERTIFICATE
            )
        if include_private_key:
            key = settings.resolved_signing_key_path
            if not key.is_file():
                raise InvalidInput("backup_no_private_key", path=str(key))
            files[PRIVATE_KEY] = _copy_file(key, stage / PRIVATE_KEY)
        manifest = {
            "format": BACKUP_FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": {
                "kind": kind,
                "file": database_file,
                "revision": taken.revision,
                "counts": taken.counts,
            },
            "objects": {
                "count": len(object_sizes),
                "bytes": sum(object_sizes.values()),
                "sha256": object_sizes,
            },
            "files": files,
            "certificate": {"file": CERTIFICATE, "sha256": certificate} if certificate else None,
            "private_key_included": include_private_key,
            "settings": _settings_record(settings),
        }
        # Written last: a backup folder without its manifest was never finished.
        write_private(stage / MANIFEST, _dump(manifest))
    return BackupDone(destination, manifest)


def _copy_objects(
    source: ArchiveStore, target: ArchiveStore, taken: snapshot.Snapshot
) -> dict[str, int]:
    """Every object the snapshot catalogues, read (and re-hashed) from the office's store
    and written to the backup's; their sizes by name.  A missing or altered object stops
    the backup: a copy of a damaged archive would vouch for it."""
    sizes: dict[str, int] = {}
    for sha256 in taken.objects:
        data = source.get(sha256)
        target.put_bytes(data)
        sizes[sha256] = len(data)
    return sizes


def _copy_file(source: Path, target: Path) -> str:
    """A small file (settings, certificate, key) copied private; its SHA-256."""
    data = source.read_bytes()
    write_private(target, data)
    return hashlib.sha256(data).hexdigest()


def _copy_private(source: Path, target: Path) -> None:
    """A file of any size (a registry) copied in pieces to the new private file ``target``."""
    private_dir(target.parent)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    with os.fdopen(fd, "wb") as out, source.open("rb") as given:
        shutil.copyfileobj(given, out, 1024 * 1024)
        out.flush()
        os.fsync(out.fileno())


def _settings_record(settings: Settings) -> dict[str, Any]:
    """The settings in force, for the record: secrets left out, passwords hidden."""
    record = settings.model_dump(mode="json", exclude={"signing_key_passphrase", "failpoints"})
    record["database_url"] = make_url(settings.resolved_database_url).render_as_string(
        hide_password=True
    )
    record["archive_url"] = settings.resolved_archive_url
    return record


def _dump(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


@contextlib.contextmanager
def _staged(destination: Path) -> Iterator[Path]:
    """A private folder beside ``destination``, renamed to it when the block succeeds and
    removed when it fails.  ``destination`` must not exist, or be an empty folder."""
    destination = destination.expanduser()
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise InvalidInput("target_not_empty", path=str(destination))
    if not destination.parent.is_dir():
        raise InvalidInput("target_not_empty", path=str(destination))
    stage = destination.parent / f".{destination.name}.partial-{secrets.token_hex(4)}"
    private_dir(stage)
    try:
        yield stage
        if destination.exists():
            destination.rmdir()
        stage.rename(destination)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


# -- restore --------------------------------------------------------------------------------


def read_manifest(source: Path) -> dict[str, Any]:
    """The manifest of the backup folder ``source``; InvalidInput when it is not one."""
    path = source.expanduser() / MANIFEST
    try:
        manifest = json.loads(read_bounded(path, MAX_MANIFEST_BYTES))
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise InvalidInput("backup_unreadable", path=str(source)) from exc
    except (FileRefused, OSError, ValueError) as exc:
        raise InvalidInput("backup_unreadable", path=str(source)) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != BACKUP_FORMAT:
        raise InvalidInput("backup_unreadable", path=str(source))
    return manifest


def verify_backup(source: Path, manifest: dict[str, Any]) -> None:
    """Every file and object of the backup re-hashed against the manifest, and nothing
    missing or extra among the objects; VerificationFailed names the first difference."""
    for name, expected in sorted(manifest["files"].items()):
        path = _inside(source, name)
        if not path.is_file() or snapshot.file_sha256(path)[0] != expected:
            raise VerificationFailed("backup_damaged", what=name)
    store = ArchiveStore(str(source / "archive"))
    listed: dict[str, int] = manifest["objects"]["sha256"]
    present = set(store.iter_objects())
    for sha256, size in sorted(listed.items()):
        if sha256 not in present:
            raise VerificationFailed("backup_damaged", what=sha256)
        try:
            data = store.get(sha256)
        except (ObjectAltered, ObjectMissing) as exc:
            raise VerificationFailed("backup_damaged", what=sha256) from exc
        if len(data) != size:
            raise VerificationFailed("backup_damaged", what=sha256)
    extra = sorted(present - listed.keys())
    if extra:
        raise VerificationFailed("backup_damaged", what=extra[0])


def _inside(source: Path, name: str) -> Path:
    """``source/name``, refusing a name that would leave the backup folder."""
    relative = Path(name)
    if relative.is_absolute() or ".." in relative.parts:
        raise VerificationFailed("backup_damaged", what=name)
    return source / relative


def restore(settings: Settings, source: Path) -> RestoreDone:
    """Restore the backup folder ``source`` into the new data folder ``settings.home``
    (which must not exist, or be empty) and the registry its settings name; see the
    module's docstring.  VerificationFailed (exit 5) when anything differs from the
    manifest: then the new data folder is not made."""
    source = source.expanduser()
    manifest = read_manifest(source)
    verify_backup(source, manifest)
    database = manifest["database"]
    kind = database["kind"]
    if settings.archive_url is not None:
        raise InvalidInput("restore_archive_elsewhere", url=settings.archive_url)
    target_kind = snapshot.database_kind(settings.resolved_database_url)
    if target_kind != kind or (kind == "sqlite" and settings.database_url is not None):
        raise InvalidInput("restore_database_mismatch", backup=kind, target=target_kind)
    home = settings.home.expanduser()
    warnings: list[str] = []
    with _staged(home) as stage:
        staged = settings.model_copy(update={"home": stage})
        database_url = staged.resolved_database_url
        if kind == "sqlite":
            _copy_private(source / database["file"], stage / snapshot.SQLITE_FILE)
        else:
            snapshot.restore_postgresql(source / database["file"], database_url)
        store = ArchiveStore(str(stage / "archive"))
        backup_store = ArchiveStore(str(source / "archive"))
        for sha256 in sorted(manifest["objects"]["sha256"]):
            store.put_bytes(backup_store.get(check_sha256(sha256)))
        for name in (CERTIFICATE, PRIVATE_KEY):
            if name in manifest["files"]:
                write_private(stage / name, (source / name).read_bytes())
        if SETTINGS in manifest["files"]:
            text, moved = _relocated_settings((source / SETTINGS).read_text(encoding="utf-8"))
            write_private(stage / SETTINGS_FILE_NAME, text.encode("utf-8"))
            warnings += [f"settings_relocated:{key}" for key in moved]
        described = _check_restored(stage, database_url, manifest)
    return RestoreDone(
        home,
        kind,
        described.revision,
        described.counts,
        len(manifest["objects"]["sha256"]),
        int(manifest["objects"]["bytes"]),
        warnings,
    )


def _check_restored(stage: Path, database_url: str, manifest: dict[str, Any]) -> snapshot.Snapshot:
    """The restored registry and archive against the manifest, before anything is said done:
    the SQLite file's hash, the schema revision, every table's rows, the catalogue's objects,
    and the archive's full fixity check (every object re-hashed)."""
    from sqlalchemy.orm import Session

    from archive.fixity import verify_archive

    database = manifest["database"]
    if database["kind"] == "sqlite":
        restored = stage / snapshot.SQLITE_FILE
        if snapshot.file_sha256(restored)[0] != manifest["files"][database["file"]]:
            raise VerificationFailed("restore_mismatch", what=database["file"])
    described = snapshot.describe(database_url)
    if described.revision != database["revision"]:
        raise VerificationFailed("restore_mismatch", what="revision")
    for table, count in sorted(database["counts"].items()):
        if described.counts.get(table) != count:
            raise VerificationFailed("restore_mismatch", what=table)
    if set(described.objects) != set(manifest["objects"]["sha256"]):
        raise VerificationFailed("restore_mismatch", what="archive_object")
    with snapshot.opened(database_url) as connection, Session(connection) as session:
        report = verify_archive(session, ArchiveStore(str(stage / "archive")))
    if not report.ok:
        summary = ", ".join(f"{kind}={n}" for kind, n in report.counts().items() if n)
        raise VerificationFailed("restore_mismatch", what=summary)
    return described


_TABLE = re.compile(r"^\s*\[")
_KEY = re.compile(r"^\s*([A-Za-z_]+)\s*=")


def _relocated_settings(text: str) -> tuple[str, list[str]]:
    """The settings file with its top-level keys that name the old machine's places
    (:data:`RELOCATED_SETTINGS`) commented out; and those keys."""
    lines: list[str] = []
    moved: list[str] = []
    top_level = True
    for line in text.splitlines():
        if _TABLE.match(line):
            top_level = False
        found = _KEY.match(line)
        if top_level and found and found.group(1) in RELOCATED_SETTINGS:
            moved.append(found.group(1))
            line = f"# restored from a backup; names the old machine's place: {line}"
        lines.append(line)
    return "\n".join(lines) + "\n", moved
