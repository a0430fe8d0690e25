"""BagIt export (RFC 8493): complete and valid bags, tampering found, all-or-nothing writes."""

from __future__ import annotations

import hashlib
import json
import zoneinfo
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from archive.bagit import check_bag, safe_file_name, write_bag
from archive.dossier import export_dossier
from archive.errors import DossierOutputRefused
from archive.store import ArchiveStore
from generators.dossier_cover import render_cover
from registry.db import transaction
from tests.dossier_support import OFFICE, build_case
from tests.factories import AT

PAYLOAD = [("case.json", b'{"a": 1}\n'), ("documents/۱ نامه.pdf", b"%PDF-1.4 x"), ("x%y", b"")]
INFO = {"Source-Organization": "استانداری قزوین", "Bagging-Date": "2026-11-25"}


def test_written_bag_is_valid_and_well_formed(tmp_path: Path) -> None:
    summary = write_bag(tmp_path / "bag", PAYLOAD, INFO)
    bag = tmp_path / "bag"
    assert check_bag(bag) == []
    assert summary.files == 3 and summary.bytes == sum(len(d) for _, d in PAYLOAD)
    assert (bag / "bagit.txt").read_text() == (
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    )
    info = (bag / "bag-info.txt").read_text(encoding="utf-8").splitlines()
    assert info == [
        "Source-Organization: استانداری قزوین",
        "Bagging-Date: 2026-11-25",
        f"Payload-Oxum: {summary.bytes}.3",
    ]
    manifest = (bag / "manifest-sha256.txt").read_text(encoding="utf-8").splitlines()
    digest = hashlib.sha256(b"%PDF-1.4 x").hexdigest()
    assert f"{digest}  data/documents/۱ نامه.pdf" in manifest
    assert any(line.endswith("  data/x%25y") for line in manifest)  # % is percent-encoded
    tags = (bag / "tagmanifest-sha256.txt").read_text(encoding="utf-8")
    for name in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt"):
        assert f"  {name}\n" in tags
    assert [p.name for p in tmp_path.iterdir()] == ["bag"]  # no staging folder left


def test_check_bag_finds_every_kind_of_damage(tmp_path: Path) -> None:
    bag = tmp_path / "bag"
    write_bag(bag, PAYLOAD, INFO)
    (bag / "data" / "case.json").write_bytes(b'{"a": 2}\n')
    (bag / "data" / "x%y").unlink()
    (bag / "data" / "extra.txt").write_text("smuggled in")
    problems = check_bag(bag)
    assert "altered: data/case.json" in problems
    assert "missing: data/x%y" in problems
    assert "not in manifest: data/extra.txt" in problems
    assert any(p.startswith("Payload-Oxum") for p in problems)


def test_an_occupied_target_is_refused_and_nothing_written(tmp_path: Path) -> None:
    (tmp_path / "bag").mkdir()
    (tmp_path / "bag" / "keep").write_text("x")
    with pytest.raises(DossierOutputRefused):
        write_bag(tmp_path / "bag", PAYLOAD, INFO)
    with pytest.raises(DossierOutputRefused):
        write_bag(tmp_path / "missing" / "bag", PAYLOAD, INFO)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bag"]
    empty = tmp_path / "empty"
    empty.mkdir()
    write_bag(empty, PAYLOAD, INFO)  # an empty folder is fine
    assert check_bag(empty) == []


def test_bad_payload_paths_are_refused(tmp_path: Path) -> None:
    for path in ("../escape", "/abs", "a//b", "dup"):
        payload = [(path, b"")] if path != "dup" else [("dup", b""), ("dup", b"x")]
        with pytest.raises(ValueError):
            write_bag(tmp_path / "bag", payload, INFO)
    assert list(tmp_path.iterdir()) == []


def test_safe_file_names() -> None:
    assert safe_file_name("نامه/۱۴۰۵\\ص:۱.pdf") == "نامه_۱۴۰۵_ص_۱.pdf"
    assert safe_file_name(" ..hidden. ") == "hidden"
    assert safe_file_name("\x00\n", "fallback") == "__"
    assert safe_file_name("...", "fallback") == "fallback"
    long = safe_file_name("ا" * 300 + ".pdf")
    assert len(long) == 120 and long.endswith(".pdf")


def test_dossier_bag_holds_case_json_dossier_and_every_original(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    store = ArchiveStore(str(tmp_path / "archive"))
    with transaction(sessions) as session:
        case = build_case(session, store, referrals=1, reminders_each=1)
        tracking = case.complaint.tracking_code
    bag = tmp_path / "bag"
    with sessions() as session:
        result = export_dossier(
            session, store, tracking, tmp_path / "d.pdf", render_cover, office=OFFICE,
            zone=zoneinfo.ZoneInfo("Asia/Tehran"), at=AT, bag=bag,
        )  # fmt: skip
    assert check_bag(bag) == []
    data = bag / "data"
    assert (data / "dossier.pdf").read_bytes() == (tmp_path / "d.pdf").read_bytes()
    record = json.loads((data / "case.json").read_text(encoding="utf-8"))
    assert record["tracking_code"] == tracking
    assert record["dossier"]["sha256"] == result.sha256
    first = record["dossier"]["index"][0]
    assert first["start_page"] == result.dossier.cover_pages + 1
    # Every original: 4 filed files, 2 letters in two formats, 1 reply; no derived PDF.
    listed = {f["path"]: f["sha256"] for f in record["bag_files"]}
    assert len(listed) == 4 + 2 * 2 + 1
    for path, sha256 in listed.items():
        assert hashlib.sha256((bag / path).read_bytes()).hexdigest() == sha256
        assert store.exists(sha256)
    letters = {letter["number"] for letter in record["letters"]}
    assert len(letters) == 2 and record["complainant"]["national_id"]
    info = (bag / "bag-info.txt").read_text(encoding="utf-8")
    assert f"External-Identifier: {tracking}" in info and "Bagging-Date: 2026-11-25" in info
