"""BagIt packages (RFC 8493, version 1.0) with SHA-256 manifests: writing and checking.

A bag is a folder::

    bagit.txt               BagIt-Version: 1.0 / Tag-File-Character-Encoding: UTF-8
    bag-info.txt            labels and values, Payload-Oxum and Bagging-Date among them
    manifest-sha256.txt     "<sha256>  data/<path>" for every payload file
    tagmanifest-sha256.txt  the same for the three tag files above
    data/…                  the payload

:func:`write_bag` builds the whole bag in a hidden sibling folder and renames it into place,
so a bag is either complete or absent (a crash leaves at worst the hidden folder).
:func:`check_bag` re-reads a bag and lists every way it fails to be complete and valid.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import unicodedata
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from archive.errors import DossierOutputRefused

__all__ = ["BagSummary", "check_bag", "safe_file_name", "write_bag", "zip_bag"]

BAGIT_TXT = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
_FORBIDDEN = set('/\\:*?"<>|%')


@dataclass(frozen=True)
class BagSummary:
    """A bag written: where, how many payload files and bytes, and the manifest's digest."""

    path: Path
    files: int
    bytes: int
    manifest_sha256: str


def safe_file_name(name: str, fallback: str = "file") -> str:
    """``name`` made safe as one path element on every common file system.

    NFC-normalised; separators, control characters, ``%`` and the characters Windows
    refuses become ``_``; no leading or trailing dots or spaces; at most 120 characters
    (the extension kept).  Persian letters stay as they are.
    """
    text = unicodedata.normalize("NFC", name)
    text = "".join(
        "_" if ch in _FORBIDDEN or unicodedata.category(ch) in ("Cc", "Cs") else ch for ch in text
    )
    text = text.strip(" .")
    if len(text) > 120:
        stem, dot, ext = text.rpartition(".")
        text = (stem[: 119 - len(ext)] + dot + ext) if dot and len(ext) <= 10 else text[:120]
    return text or fallback


def _encode_path(path: str) -> str:
    # RFC 8493 §2.1.3: in manifests, CR, LF and % are percent-encoded.
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _decode_path(path: str) -> str:
    return (
        path.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%0d", "\r")
        .replace("%0a", "\n")
        .replace("%25", "%")
    )


def _check_payload_path(path: str) -> None:
    parts = path.split("/")
    if not path or path.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"bad payload path {path!r}")


def _write(path: Path, data: bytes) -> None:
    with path.open("xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _manifest(entries: Sequence[tuple[str, bytes]]) -> bytes:
    lines = [f"{hashlib.sha256(data).hexdigest()}  {_encode_path(p)}\n" for p, data in entries]
    return "".join(sorted(lines, key=lambda line: line.split("  ", 1)[1])).encode("utf-8")


def _target_free(target: Path) -> None:
    if not target.parent.is_dir():
        raise DossierOutputRefused("dossier_output_refused", path=str(target), reason="no_folder")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise DossierOutputRefused("dossier_output_refused", path=str(target), reason="exists")


def write_bag(
    target: Path, payload: Sequence[tuple[str, bytes]], info: Mapping[str, str]
) -> BagSummary:
    """Write a complete bag at ``target`` holding ``payload`` (paths under ``data/``).

    ``info`` gives the bag-info.txt labels in order; Payload-Oxum is added.  Refused
    (DossierOutputRefused, nothing written) if ``target``'s folder does not exist or
    ``target`` exists and is not an empty folder.  Payload paths must be relative, with
    ``/`` separators, unique and free of ``.``/``..`` elements.
    """
    target = Path(target)
    _target_free(target)
    seen: set[str] = set()
    for path, _ in payload:
        _check_payload_path(path)
        if path in seen:
            raise ValueError(f"duplicate payload path {path!r}")
        seen.add(path)

    data_entries = [(f"data/{path}", data) for path, data in payload]
    size = sum(len(data) for _, data in payload)
    labels = dict(info)
    labels["Payload-Oxum"] = f"{size}.{len(payload)}"
    bag_info = "".join(
        f"{label}: {' '.join(str(value).split())}\n" for label, value in labels.items()
    ).encode("utf-8")
    manifest = _manifest(data_entries)
    tags = [
        ("bagit.txt", BAGIT_TXT.encode("utf-8")),
        ("bag-info.txt", bag_info),
        ("manifest-sha256.txt", manifest),
    ]

    staging = target.parent / f".{target.name}.tmp-{secrets.token_hex(6)}"
    staging.mkdir()
    try:
        for path, data in data_entries:
            where = staging / path
            where.parent.mkdir(parents=True, exist_ok=True)
            _write(where, data)
        for name, data in tags:
            _write(staging / name, data)
        _write(staging / "tagmanifest-sha256.txt", _manifest(tags))
        if target.exists():
            target.rmdir()  # empty, checked above
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BagSummary(
        path=target,
        files=len(payload),
        bytes=size,
        manifest_sha256=hashlib.sha256(manifest).hexdigest(),
    )


def zip_bag(root: Path, target: Path) -> Path:
    """The bag at ``root`` as one zip file at ``target`` (a new file), every entry under a
    top folder named as the bag, as BagIt tools expect a serialized bag (RFC 8493 4.2);
    compressed, in a stable order."""
    root = Path(root)
    with zipfile.ZipFile(target, "x", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            archive.write(path, f"{root.name}/{path.relative_to(root).as_posix()}")
    return target


def _read_manifest(path: Path, problems: list[str]) -> dict[str, str]:
    entries: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64:
            problems.append(f"{path.name}:{number}: malformed line")
            continue
        entries[_decode_path(name)] = digest.lower()
    return entries


def _check_entries(root: Path, entries: dict[str, str], problems: list[str]) -> None:
    for name, digest in sorted(entries.items()):
        file = root / name
        if not file.is_file():
            problems.append(f"missing: {name}")
        elif hashlib.sha256(file.read_bytes()).hexdigest() != digest:
            problems.append(f"altered: {name}")


def check_bag(root: Path) -> list[str]:
    """Every problem of the bag at ``root`` (empty: complete and valid, RFC 8493 §3).

    Checks bagit.txt, that every payload file is in the SHA-256 manifest and every
    manifest entry exists with that digest, the tag manifest, and Payload-Oxum.
    """
    root = Path(root)
    problems: list[str] = []
    for name in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt"):
        if not (root / name).is_file():
            problems.append(f"missing: {name}")
    if problems:
        return problems
    if (root / "bagit.txt").read_text(encoding="utf-8") != BAGIT_TXT:
        problems.append("bagit.txt: not BagIt 1.0 in UTF-8")
    manifest = _read_manifest(root / "manifest-sha256.txt", problems)
    _check_entries(root, manifest, problems)
    payload = {p.relative_to(root).as_posix() for p in (root / "data").rglob("*") if p.is_file()}
    problems += [f"not in manifest: {name}" for name in sorted(payload - manifest.keys())]
    if (root / "tagmanifest-sha256.txt").is_file():
        tags = _read_manifest(root / "tagmanifest-sha256.txt", problems)
        _check_entries(root, tags, problems)
    info = (root / "bag-info.txt").read_text(encoding="utf-8")
    oxum = next(
        (
            line.split(":", 1)[1].strip()
            for line in info.splitlines()
            if line.startswith("Payload-Oxum:")
        ),
        None,
    )
    size = sum((root / name).stat().st_size for name in payload)
    if oxum is not None and oxum != f"{size}.{len(payload)}":
        problems.append(f"Payload-Oxum {oxum} != {size}.{len(payload)}")
    return problems
