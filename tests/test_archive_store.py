"""The archive store: content-addressed, never overwritten, never half-written; and its
catalogue, idempotent on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
import stat
import threading
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import fsspec
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from archive.catalogue import ObjectMeta, catalogue_for_case, catalogue_for_object, put
from archive.errors import (
    CatalogueConflict,
    InvalidObjectMeta,
    InvalidObjectName,
    NotLocalStore,
    ObjectAltered,
    ObjectMissing,
)
from archive.store import ArchiveStore, sha256_of
from registry import migrate
from registry.db import make_engine, session_factory, transaction
from registry.errors import ErrorKind
from registry.kinds import (
    Channel,
    ComplainantKind,
    ComplaintState,
    LetterKind,
    LetterState,
)
from registry.models import ArchiveObject, Complainant, Complaint, Letter

AT = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
PDF = ObjectMeta(media_type="application/pdf", kind="evidence", original_name="scan.pdf")


# -- stores ------------------------------------------------------------------------------


@pytest.fixture
def local_store(tmp_path: Path) -> ArchiveStore:
    return ArchiveStore(str(tmp_path / "archive"))


@pytest.fixture
def memory_store() -> Iterator[ArchiveStore]:
    # The memory file system is one dictionary per process: a root of our own, removed after.
    root = f"archive-test-{uuid.uuid4().hex}"
    yield ArchiveStore(f"memory://{root}")
    fs = fsspec.filesystem("memory")
    if fs.exists(f"/{root}"):
        fs.rm(f"/{root}", recursive=True)


@pytest.fixture(params=["local", "memory"])
def any_store(request: pytest.FixtureRequest) -> ArchiveStore:
    store: ArchiveStore = request.getfixturevalue(f"{request.param}_store")
    return store


def blob(n: int) -> bytes:
    return f"document {n}\n".encode() * (n + 1)


def test_round_trip_and_the_name_is_the_contents_hash(any_store: ArchiveStore) -> None:
    data = b"%PDF-1.7 a letter\n"
    sha = any_store.put_bytes(data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert any_store.exists(sha)
    assert any_store.get(sha) == data
    assert any_store.get(sha.upper()) == data  # names are read case-blind
    assert any_store.url_of(sha).endswith(f"/sha256/{sha[:2]}/{sha[2:4]}/{sha}")


def test_local_layout_and_the_stored_file_hashes_to_its_name(local_store: ArchiveStore) -> None:
    data = bytes(range(256)) * 100
    sha = local_store.put_bytes(data)
    path = local_store.path_of(sha)
    assert path == Path(local_store.url) / "sha256" / sha[:2] / sha[2:4] / sha
    assert hashlib.sha256(path.read_bytes()).hexdigest() == sha == path.name
    assert not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert [p.name for p in path.parent.iterdir()] == [sha]  # no temporary left behind


def test_plain_folder_and_file_url_are_the_same_store(tmp_path: Path) -> None:
    sha = ArchiveStore(str(tmp_path / "a")).put_bytes(b"x")
    same = ArchiveStore((tmp_path / "a").as_uri())
    assert same.is_local
    assert same.get(sha) == b"x"


def test_same_bytes_twice_is_one_object_left_untouched(local_store: ArchiveStore) -> None:
    data = blob(7)
    sha = local_store.put_bytes(data)
    path = local_store.path_of(sha)
    before = path.stat()
    assert local_store.put_bytes(data) == sha
    after = path.stat()
    assert local_store.path_of(sha) == path
    assert (after.st_ino, after.st_mtime_ns, after.st_ctime_ns, after.st_nlink) == (
        before.st_ino,
        before.st_mtime_ns,
        before.st_ctime_ns,
        1,
    )
    assert list(local_store.iter_objects()) == [sha]


def test_new_object_is_fsynced_file_and_folder_an_existing_one_is_not(
    local_store: ArchiveStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[str] = []
    real_fsync = os.fsync

    def recording_fsync(fd: int) -> None:
        synced.append("folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    local_store.put_bytes(b"durable")
    assert synced[0] == "file"
    assert "folder" in synced[1:]
    synced.clear()
    local_store.put_bytes(b"durable")
    assert synced == []


def test_missing_object(any_store: ArchiveStore) -> None:
    absent = sha256_of(b"never stored")
    assert not any_store.exists(absent)
    with pytest.raises(ObjectMissing) as caught:
        any_store.get(absent)
    assert caught.value.code == "archive_object_missing"
    assert caught.value.kind is ErrorKind.NOT_FOUND


def test_path_of_a_missing_object(local_store: ArchiveStore) -> None:
    with pytest.raises(ObjectMissing):
        local_store.path_of(sha256_of(b"never stored"))


@pytest.mark.parametrize("name", ["../../etc/passwd", "", "ab" * 31, "g" * 64, "a" * 65])
def test_a_malformed_name_is_refused(any_store: ArchiveStore, name: str) -> None:
    with pytest.raises(InvalidObjectName) as caught:
        any_store.get(name)
    assert caught.value.code == "archive_bad_sha256"
    assert caught.value.kind is ErrorKind.INPUT


def test_crash_before_publishing_leaves_no_object_and_a_rerun_succeeds(
    local_store: ArchiveStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = blob(3)
    sha = sha256_of(data)

    def crash(src: Any, dst: Any) -> None:
        raise OSError(errno.EIO, "simulated crash between the write and the publish")

    monkeypatch.setattr(os, "link", crash)
    with pytest.raises(OSError, match="simulated crash"):
        local_store.put_bytes(data)
    real_name = Path(local_store.url) / "sha256" / sha[:2] / sha[2:4] / sha
    assert not real_name.exists()
    assert not local_store.exists(sha)
    assert list(local_store.iter_objects()) == []

    monkeypatch.undo()
    assert local_store.put_bytes(data) == sha
    assert local_store.path_of(sha).read_bytes() == data


def test_leftovers_of_a_hard_crash_are_not_objects(local_store: ArchiveStore) -> None:
    sha = local_store.put_bytes(b"kept")
    folder = local_store.path_of(sha).parent
    (folder / f".tmp-{sha[:16]}-0123456789abcdef").write_bytes(b"kep")  # killed mid-write
    (folder / sha256_of(b"elsewhere")).write_bytes(b"elsewhere")  # not in its own folder
    (Path(local_store.url) / "sha256" / "README").write_text("not an object")
    assert list(local_store.iter_objects()) == [sha]
    assert local_store.put_bytes(b"kept") == sha


def test_without_hard_links_it_renames_onto_a_free_name_only(
    local_store: ArchiveStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(src: Any, dst: Any) -> None:
        raise OSError(errno.EPERM, "hard links not supported here")

    monkeypatch.setattr(os, "link", no_links)
    sha = local_store.put_bytes(b"on a FAT stick")
    path = local_store.path_of(sha)
    before = path.stat()
    assert local_store.put_bytes(b"on a FAT stick") == sha
    assert path.stat().st_ino == before.st_ino
    assert [p.name for p in path.parent.iterdir()] == [sha]


def test_losing_a_race_to_another_writer_keeps_the_winners_file(
    local_store: ArchiveStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = blob(5)
    real_link = os.link
    winner: list[int] = []

    def other_writer_first(src: Any, dst: Any) -> None:
        # Another process publishes the same object just before we do.
        other = Path(str(dst) + ".other")
        other.write_bytes(data)
        real_link(other, dst)
        other.unlink()
        winner.append(Path(dst).stat().st_ino)
        real_link(src, dst)

    monkeypatch.setattr(os, "link", other_writer_first)
    sha = local_store.put_bytes(data)
    assert local_store.path_of(sha).stat().st_ino == winner[0]
    assert [p.name for p in local_store.path_of(sha).parent.iterdir()] == [sha]


def test_a_damaged_object_is_reported_never_rewritten(local_store: ArchiveStore) -> None:
    data = blob(9)
    sha = local_store.put_bytes(data)
    path = local_store.path_of(sha)
    path.chmod(0o644)
    path.write_bytes(data[:-1])  # truncated behind the archive's back
    with pytest.raises(ObjectAltered) as caught:
        local_store.put_bytes(data)
    assert caught.value.kind is ErrorKind.VERIFICATION
    assert path.read_bytes() == data[:-1]

    path.write_bytes(b"X" + data[1:])  # same size, one byte changed
    assert local_store.put_bytes(data) == sha  # only the size is checked when storing
    with pytest.raises(ObjectAltered):
        local_store.get(sha)
    assert local_store.get(sha, verify=False) == b"X" + data[1:]


def test_memory_store(memory_store: ArchiveStore) -> None:
    assert not memory_store.is_local
    sha = memory_store.put_bytes(b"in memory")
    assert memory_store.put_bytes(b"in memory") == sha
    assert memory_store.get(sha) == b"in memory"
    assert memory_store.url_of(sha).startswith("memory://")
    with pytest.raises(NotLocalStore):
        memory_store.path_of(sha)
    fs = fsspec.filesystem("memory")
    folder = memory_store.url_of(sha).removeprefix("memory://").rsplit("/", 1)[0]
    assert [p.rsplit("/", 1)[1] for p in fs.ls(folder, detail=False)] == [sha]


def test_memory_store_crash_before_publishing(
    memory_store: ArchiveStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    fs = fsspec.filesystem("memory")

    def crash(path1: str, path2: str, **kwargs: Any) -> None:
        raise OSError("simulated crash between the write and the publish")

    monkeypatch.setattr(fs, "mv", crash)
    with pytest.raises(OSError, match="simulated crash"):
        memory_store.put_bytes(b"half")
    assert list(memory_store.iter_objects()) == []
    monkeypatch.undo()
    sha = memory_store.put_bytes(b"half")
    assert memory_store.get(sha) == b"half"


def test_iter_objects_lists_exactly_what_was_put(any_store: ArchiveStore) -> None:
    assert list(any_store.iter_objects()) == []
    put_names = {any_store.put_bytes(blob(n)) for n in range(40)}
    any_store.put_bytes(blob(0))  # again: still one object
    listed = list(any_store.iter_objects())
    assert listed == sorted(put_names)
    assert all(sha256_of(any_store.get(sha)) == sha for sha in listed)


# -- catalogue ---------------------------------------------------------------------------


def add_complaint(session: Session, code: str = "123456789012") -> int:
    complainant = Complainant(
        kind=ComplainantKind.PERSON,
        national_id="0084575948",
        first_name="زهرا",
        last_name="کریمی",
        mobile="09121234567",
        address="قزوین",
        name_norm="زهرا کریمی",
    )
    complaint = Complaint(
        tracking_code=code,
        complainant=complainant,
        subject="آسفالت",
        text="متن",
        subject_norm="آسفالت",
        text_norm="متن",
        channel=Channel.IN_PERSON,
        state=ComplaintState.REGISTERED,
        registered_at=AT,
        registered_by="دبیرخانه",
    )
    session.add(complaint)
    session.flush()
    return complaint.id


def add_letter(session: Session, complaint_id: int) -> int:
    letter = Letter(
        series="ص",
        year=1404,
        seq=1,
        number="1404/ص/1",
        kind=LetterKind.REFERRAL,
        state=LetterState.NUMBERED,
        complaint_id=complaint_id,
        recipient="شهرداری قزوین",
        issued_at=AT,
        date=AT.date(),
        guid=str(uuid.UUID(int=1)),
        verification_code="ABCDEFGH",
        facts={},
        created_by="دبیرخانه",
    )
    session.add(letter)
    session.flush()
    return letter.id


def count_rows(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ArchiveObject)) or 0


def test_put_stores_the_bytes_and_catalogues_them(
    sessions: sessionmaker[Session], local_store: ArchiveStore
) -> None:
    with transaction(sessions) as session:
        case = add_complaint(session)
        letter = add_letter(session, case)
        meta = ObjectMeta(
            media_type="application/pdf",
            kind="referral",
            complaint_id=case,
            letter_id=letter,
            letter_number="1404/ص/1",
        )
        row = put(session, local_store, b"%PDF letter", meta, stored_by="دبیرخانه", at=AT)
    assert local_store.get(row.sha256) == b"%PDF letter"
    with transaction(sessions) as session:
        [again] = catalogue_for_case(session, case)
        assert (again.id, again.size, again.letter_number) == (row.id, 11, "1404/ص/1")
        assert (again.role, again.stored_by, again.stored_at) == ("original", "دبیرخانه", AT)


def test_catalogue_is_idempotent_even_where_columns_are_null(
    sessions: sessionmaker[Session], local_store: ArchiveStore
) -> None:
    with transaction(sessions) as session:
        case = add_complaint(session)
    meta = ObjectMeta(media_type="image/png", kind="evidence", complaint_id=case)
    with transaction(sessions) as session:
        first = put(session, local_store, b"scan", meta, stored_by="a", at=AT)
        assert put(session, local_store, b"scan", meta, stored_by="a", at=AT).id == first.id
    # A rerun after a crash, in a later transaction, by someone else, later: the same row.
    later = AT + dt.timedelta(hours=1)
    with transaction(sessions) as session:
        again = put(session, local_store, b"scan", meta, stored_by="b", at=later)
        assert (again.id, again.stored_by) == (first.id, "a")
        # letter_id is NULL in both: the unique constraint alone would have let this in.
        nothing = ObjectMeta(media_type="image/png", kind="evidence")
        loose = put(session, local_store, b"scan", nothing, stored_by="a", at=AT)
        assert put(session, local_store, b"scan", nothing, stored_by="a", at=AT).id == loose.id
        assert count_rows(session) == 2
    assert list(local_store.iter_objects()) == [first.sha256]


def test_same_object_in_two_roles_or_cases_is_catalogued_twice_stored_once(
    sessions: sessionmaker[Session], local_store: ArchiveStore
) -> None:
    with transaction(sessions) as session:
        one = add_complaint(session, "111111111111")
        two = add_complaint(session, "222222222222")
        metas = [
            replace(PDF, complaint_id=one),
            replace(PDF, complaint_id=two),  # another case
            replace(PDF, complaint_id=one, kind="other"),  # another kind
            replace(PDF, complaint_id=one, role="derived"),  # another role
        ]
        a, b, c, d = (put(session, local_store, b"same", m, stored_by="a", at=AT) for m in metas)
        assert len({a.id, b.id, c.id, d.id}) == 4
        assert [r.id for r in catalogue_for_case(session, one)] == [a.id, c.id, d.id]
        assert [r.id for r in catalogue_for_object(session, a.sha256)] == [a.id, b.id, c.id, d.id]
    assert list(local_store.iter_objects()) == [a.sha256]


def test_catalogue_for_case_is_in_stored_order(
    sessions: sessionmaker[Session], local_store: ArchiveStore
) -> None:
    with transaction(sessions) as session:
        case = add_complaint(session)
        meta = ObjectMeta(media_type="application/pdf", kind="evidence", complaint_id=case)
        # Stored later but stamped earlier: the order is the order of storing.
        ids = [
            put(session, local_store, blob(n), meta, stored_by="a", at=AT - dt.timedelta(n)).id
            for n in range(5)
        ]
    with transaction(sessions) as session:
        assert [r.id for r in catalogue_for_case(session, case)] == ids
        assert catalogue_for_case(session, case + 1) == []


def test_a_rolled_back_transaction_leaves_an_unreferenced_object_a_rerun_references(
    sessions: sessionmaker[Session], local_store: ArchiveStore
) -> None:
    class Crash(Exception):
        pass

    with pytest.raises(Crash), transaction(sessions) as session:
        put(session, local_store, b"rendered", PDF, stored_by="a", at=AT)
        raise Crash
    sha = sha256_of(b"rendered")
    assert local_store.exists(sha)
    with transaction(sessions) as session:
        assert catalogue_for_object(session, sha) == []
        row = put(session, local_store, b"rendered", PDF, stored_by="a", at=AT)
    with transaction(sessions) as session:
        assert [r.id for r in catalogue_for_object(session, sha)] == [row.id]


def test_disagreeing_catalogue_data_is_refused(
    sessions: sessionmaker[Session], local_store: ArchiveStore
) -> None:
    with transaction(sessions) as session:
        put(session, local_store, b"scan", PDF, stored_by="a", at=AT)
        renamed = ObjectMeta(media_type="application/pdf", kind="evidence", original_name="b")
        assert put(session, local_store, b"scan", renamed, stored_by="a", at=AT).original_name == (
            "scan.pdf"
        )
        retyped = ObjectMeta(media_type="image/png", kind="evidence")
        with pytest.raises(CatalogueConflict) as caught:
            put(session, local_store, b"scan", retyped, stored_by="a", at=AT)
        assert caught.value.params["fields"] == ["media_type"]
        assert caught.value.kind is ErrorKind.REFUSED


def test_a_derived_object_names_an_original_that_is_stored(
    sessions: sessionmaker[Session], local_store: ArchiveStore
) -> None:
    with transaction(sessions) as session:
        scan = put(session, local_store, b"jpeg", PDF, stored_by="a", at=AT)
        derived = ObjectMeta(
            media_type="application/pdf", kind="evidence", role="derived", derived_from=scan.sha256
        )
        row = put(session, local_store, b"pdf of jpeg", derived, stored_by="a", at=AT)
        assert row.derived_from == scan.sha256
        orphan = ObjectMeta(
            media_type="application/pdf", kind="evidence", derived_from=sha256_of(b"nowhere")
        )
        with pytest.raises(ObjectMissing):
            put(session, local_store, b"pdf of nothing", orphan, stored_by="a", at=AT)


@pytest.mark.parametrize(
    ("meta", "field"),
    [
        (ObjectMeta(media_type="pdf", kind="evidence"), "media_type"),
        (ObjectMeta(media_type="application/pdf", kind=" "), "kind"),
        (ObjectMeta(media_type="application/pdf", kind="k" * 41), "kind"),
        (
            ObjectMeta(media_type="application/pdf", kind="e", original_name="n" * 256),
            "original_name",
        ),
        (ObjectMeta(media_type="application/pdf", kind="e", derived_from="x"), None),
    ],
)
def test_malformed_catalogue_data_stores_nothing(
    sessions: sessionmaker[Session], local_store: ArchiveStore, meta: ObjectMeta, field: str | None
) -> None:
    with transaction(sessions) as session:
        with pytest.raises((InvalidObjectMeta, InvalidObjectName)) as caught:
            put(session, local_store, b"data", meta, stored_by="a", at=AT)
        if field is not None:
            assert caught.value.params["field"] == field
        assert count_rows(session) == 0
    assert list(local_store.iter_objects()) == []


def test_a_naive_time_is_refused(
    sessions: sessionmaker[Session], local_store: ArchiveStore
) -> None:
    with transaction(sessions) as session, pytest.raises(InvalidObjectMeta):
        put(session, local_store, b"d", PDF, stored_by="a", at=dt.datetime(2026, 1, 1))


@pytest.mark.postgres
def test_concurrent_puts_of_the_same_object_make_one_row_on_postgresql(
    pg_url: str, local_store: ArchiveStore
) -> None:
    engine = make_engine(pg_url)
    migrate.upgrade(engine)
    sessions = session_factory(engine)
    meta = ObjectMeta(media_type="application/pdf", kind="evidence")  # NULL case and letter
    results: list[int] = []
    failures: list[BaseException] = []
    finished = threading.Event()

    def second_writer() -> None:
        try:
            with transaction(sessions) as session:
                results.append(put(session, local_store, b"twice", meta, stored_by="b", at=AT).id)
        except BaseException as exc:  # reported to the test thread below
            failures.append(exc)
        finally:
            finished.set()

    try:
        with transaction(sessions) as first:
            row = put(first, local_store, b"twice", meta, stored_by="a", at=AT)
            worker = threading.Thread(target=second_writer)
            worker.start()
            # Hold the first transaction open until the second is seen waiting on our lock.
            with engine.connect() as probe:
                waiting = text(
                    "select count(*) from pg_locks where locktype = 'advisory' and not granted"
                )
                polls = 0
                while not probe.scalar(waiting):
                    polls += 1
                    assert polls < 600, "the second writer never waited for the first"
                    assert not finished.wait(0.05), f"second writer did not wait: {failures}"
                    probe.rollback()
        worker.join(timeout=60)
        assert not worker.is_alive()
        assert failures == []
        assert results == [row.id]
        with transaction(sessions) as session:
            assert count_rows(session) == 1
    finally:
        engine.dispose()
