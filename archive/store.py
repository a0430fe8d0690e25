"""The append-only, content-addressed object store under every archived document.

An object is kept under ``<root>/sha256/ab/cd/<sha256>`` (``ab`` and ``cd`` are the first
two pairs of hex digits, so no folder grows past 65,536 neighbours), on the local file
system by default or on any fsspec URL (``memory://``, ``s3://``, …).

Promises:

- **Never overwritten, never deleted.**  An object that exists already is not written
  again, not even touched (same inode, same mtime); only its size is compared.
- **Never half-written under a real name.**  Bytes go to a temporary name in the object's
  own folder first and are published in one step.  On the local file system the file is
  fsynced before publishing and the folder after, so once :meth:`ArchiveStore.put_bytes`
  returns, the object survives a power cut; publishing uses ``link(2)``, which, unlike
  ``rename(2)``, refuses to replace a file that is already there (git publishes loose
  objects the same way, falling back to rename where hard links are not supported).
- **Verified on read.**  :meth:`ArchiveStore.get` re-hashes what it reads.

A crash leaves at worst a ``.tmp-*`` file beside the objects; :meth:`iter_objects` never
lists it and a rerun writes the object afresh.

On S3 (``s3://bucket/prefix``, any S3-compatible server through the standard ``AWS_*``
variables and ``AWS_ENDPOINT_URL``) the storage itself refuses the overwrite: each object is
one conditional PUT (``If-None-Match: *``); a PUT is atomic, so there is no temporary name,
and a writer that loses a race gets ``412 Precondition Failed`` and checks the winner's size.
A store that ignored the condition would let a racing writer of the *same bytes* replace an
object with identical bytes; different bytes never share a name.  S3's listing cache is off:
several machines write the same bucket, and a listing cached in one would hide the others'
objects.

Other stores (``memory://``, …) publish with ``fs.mv`` after checking that the name is free;
two writers racing on the same object write the same bytes there, so the worst a race does
is refresh a modification time.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fsspec.core
from fsspec.implementations.local import LocalFileSystem

from archive.errors import InvalidObjectName, NotLocalStore, ObjectAltered, ObjectMissing
from registry.private import private_dir

__all__ = ["ArchiveStore", "check_sha256", "sha256_of"]

_SHA256 = re.compile(r"[0-9a-f]{64}")
# Stores whose PUT takes ``If-None-Match: *`` (s3fs's ``mode="create"``).
_CONDITIONAL_PUT = frozenset({"s3", "s3a"})
_TMP_PREFIX = ".tmp-"
# Errors of link(2) that mean "this file system has no hard links", not "something broke".
_NO_HARD_LINKS = frozenset(
    {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK, errno.ENOSYS, errno.EXDEV}
)


def sha256_of(data: bytes) -> str:
    """The lowercase hex SHA-256 of ``data``: the name ``data`` is stored under."""
    return hashlib.sha256(data).hexdigest()


def check_sha256(value: str) -> str:
    """``value`` as a valid object name (64 lowercase hex digits), or InvalidObjectName.

    Upper-case hex is accepted and lowered; anything else (including ``../``) is refused, so
    no caller can make the store look outside its own folder.
    """
    name = value.strip().lower() if isinstance(value, str) else ""
    if not _SHA256.fullmatch(name):
        raise InvalidObjectName("archive_bad_sha256", value=str(value)[:80])
    return name


class ArchiveStore:
    """Objects addressed by their SHA-256 under one root, local folder or fsspec URL."""

    def __init__(self, url: str) -> None:
        self.url = url
        protocol = fsspec.core.split_protocol(url)[0]
        conditional = protocol in _CONDITIONAL_PUT
        options: dict[str, Any] = {"use_listings_cache": False} if conditional else {}
        fs, root = fsspec.core.url_to_fs(url, **options)
        self._fs: Any = fs
        self._root: str = str(root).rstrip("/")
        self._local = isinstance(fs, LocalFileSystem)
        self._conditional = conditional

    def __repr__(self) -> str:
        return f"ArchiveStore({self.url!r})"

    @property
    def is_local(self) -> bool:
        """Whether objects are plain files on this machine (then :meth:`path_of` works)."""
        return self._local

    # -- names ---------------------------------------------------------------------------

    def _key(self, sha256: str) -> str:
        name = check_sha256(sha256)
        return f"{self._root}/sha256/{name[:2]}/{name[2:4]}/{name}"

    def path_of(self, sha256: str) -> Path:
        """The file holding the object, for telling a user where a document is.

        Only for local stores (NotLocalStore otherwise); ObjectMissing if it is not there.
        """
        if not self._local:
            raise NotLocalStore("archive_not_local", url=self.url)
        path = Path(self._key(sha256))
        if not path.is_file():
            raise ObjectMissing("archive_object_missing", sha256=sha256)
        return path

    def url_of(self, sha256: str) -> str:
        """The object's full fsspec URL (``file://…``, ``s3://…``), present or not."""
        return str(self._fs.unstrip_protocol(self._key(sha256)))

    # -- reading -------------------------------------------------------------------------

    def exists(self, sha256: str) -> bool:
        """Whether the object is in the store (its content is not checked)."""
        return bool(self._fs.isfile(self._key(sha256)))

    def get(self, sha256: str, *, verify: bool = True) -> bytes:
        """The object's bytes: ObjectMissing if absent, ObjectAltered if they no longer hash
        to their name (skip that check only where the caller hashes them itself)."""
        key = self._key(sha256)
        try:
            data: bytes = self._fs.cat_file(key)
        except FileNotFoundError:
            raise ObjectMissing("archive_object_missing", sha256=sha256) from None
        if verify and sha256_of(data) != check_sha256(sha256):
            raise ObjectAltered("archive_object_altered", sha256=sha256, actual=sha256_of(data))
        return data

    def iter_objects(self) -> Iterator[str]:
        """Every object present, by name, in ascending order.

        Only well-formed names in their proper folder are listed; temporary files left by a
        crash and anything misplaced are not objects (a fixity check may report them).
        """
        base = f"{self._root}/sha256"
        paths = self._walk_local(base) if self._local else self._walk_fs(base)
        for path in paths:
            parts = path.rsplit("/", 3)
            if len(parts) != 4:
                continue
            _, first, second, name = parts
            if _SHA256.fullmatch(name) and first == name[:2] and second == name[2:4]:
                yield name

    def _walk_local(self, base: str) -> Iterator[str]:
        # Lazy and sorted level by level, which is a global sort since folders are prefixes.
        def entries(folder: str) -> list[os.DirEntry[str]]:
            try:
                with os.scandir(folder) as found:
                    return sorted(found, key=lambda entry: entry.name)
            except FileNotFoundError:
                return []

        for first in entries(base):
            if not first.is_dir(follow_symlinks=False):
                continue
            for second in entries(first.path):
                if not second.is_dir(follow_symlinks=False):
                    continue
                for leaf in entries(second.path):
                    if leaf.is_file(follow_symlinks=False):
                        yield f"{base}/{first.name}/{second.name}/{leaf.name}"

    def _walk_fs(self, base: str) -> Iterator[str]:
        # One recursive listing: on object stores that is a paginated LIST, not a call per
        # folder.
        if not self._fs.exists(base):
            return iter(())
        return iter(sorted(str(path) for path in self._fs.find(base)))

    # -- writing -------------------------------------------------------------------------

    def put_bytes(self, data: bytes) -> str:
        """Store ``data`` and return its SHA-256.

        Idempotent: if the object is there already it is left untouched after checking its
        size (ObjectAltered if the size differs: that object is damaged and is reported,
        never repaired by overwriting).  On return the object is durable.
        """
        sha256 = sha256_of(data)
        key = self._key(sha256)
        if self._local:
            self._put_local(key, sha256, data)
        elif self._conditional:
            self._put_conditional(key, sha256, data)
        else:
            self._put_fs(key, sha256, data)
        return sha256

    def _check_existing_size(self, key: str, sha256: str, size: int) -> None:
        found = int(self._fs.size(key))
        if found != size:
            raise ObjectAltered(
                "archive_object_altered", sha256=sha256, expected_size=size, found_size=found
            )

    def _temp_name(self, folder: str, sha256: str) -> str:
        return f"{folder}/{_TMP_PREFIX}{sha256[:16]}-{secrets.token_hex(8)}"

    def _put_local(self, key: str, sha256: str, data: bytes) -> None:
        final = Path(key)
        if os.path.lexists(final):
            self._check_existing_size(key, sha256, len(data))
            return
        folder = final.parent
        created = _make_folders(folder)
        temp = Path(self._temp_name(str(folder), sha256))
        # Read-only from birth: nothing in this process or another tool rewrites it in place;
        # and the owner's alone whatever the umask, as its folders (personal data).
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o400)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            if not _publish_local(temp, final):
                # Another writer published the same object first.
                self._check_existing_size(key, sha256, len(data))
        finally:
            temp.unlink(missing_ok=True)
        # The new name (and any new folders) must reach the disk before callers commit a
        # catalogue row that points at it.
        _fsync_folder(folder)
        for made in created:
            _fsync_folder(made.parent)

    def _put_conditional(self, key: str, sha256: str, data: bytes) -> None:
        # No existence check first: the PUT's condition is the check, atomic on the server.
        try:
            self._fs.pipe_file(key, data, mode="create")
        except FileExistsError:
            self._check_existing_size(key, sha256, len(data))

    def _put_fs(self, key: str, sha256: str, data: bytes) -> None:
        fs = self._fs
        if fs.exists(key):
            self._check_existing_size(key, sha256, len(data))
            return
        folder = key.rsplit("/", 1)[0]
        fs.makedirs(folder, exist_ok=True)
        temp = self._temp_name(folder, sha256)
        fs.pipe_file(temp, data)
        try:
            if fs.exists(key):
                self._check_existing_size(key, sha256, len(data))
            else:
                fs.mv(temp, key)
        finally:
            if fs.exists(temp):
                fs.rm_file(temp)


def _publish_local(temp: Path, final: Path) -> bool:
    """Give ``temp`` the name ``final`` without ever replacing a file: False if taken."""
    try:
        os.link(temp, final)
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
        # No hard links here: rename, which would replace, so only onto a free name.  The
        # window between the check and the rename can only race a writer of the same bytes.
        if os.path.lexists(final):
            return False
        temp.rename(final)
    return True


def _make_folders(folder: Path) -> list[Path]:
    """Create ``folder`` and any missing parents, private (0700); return the ones created,
    outermost first."""
    return private_dir(folder)


def _fsync_folder(folder: Path) -> None:
    """Make a folder's entries durable (a no-op where folders cannot be opened)."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        fd = os.open(folder, flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as exc:
        # Some file systems refuse fsync on a folder; the file itself was fsynced.
        if exc.errno not in (errno.EINVAL, errno.EBADF, errno.ENOTSUP):
            raise
    finally:
        os.close(fd)
