"""The office functions behind the public, archive and admin pages, called directly:
tracking a complaint (and its throttle), marking search hits, the
dossier as one file to hand out, reading an uploaded PDF within its limit, and every
reason a new user is refused."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.bagit import check_bag, zip_bag
from office import complaints as office
from office.complaints import Decision
from office.dossiers import dossier_file
from office.public import TRACK_THROTTLE, TrackRefused, track
from office.runtime import Runtime
from office.search import highlight, search
from office.verify import read_signed_upload
from registry.errors import InvalidInput, NotFound
from registry.kinds import ComplaintState, DocumentKind
from registry.text import to_persian_digits
from registry.tracking import format_tracking_code, new_tracking_code
from tests.factories import (
    complainant_input,
    complaint_input,
    office_runtime,
    pdf_file,
    seeded_runtime,
)

TEHRAN = dt.timezone(dt.timedelta(hours=3, minutes=30))
NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=TEHRAN)
ADDRESS = "192.0.2.7"


@pytest.fixture
def runtime(migrated_url: str, tmp_path: Path) -> Iterator[Runtime]:
    runtime = seeded_runtime(
        migrated_url, tmp_path, at=NOW, office={"signatory_name": "محمد احمدی"}
    )
    yield runtime
    runtime.close()


def filed(runtime: Runtime, tmp_path: Path, *, receipt: bool = False, **person: str) -> str:
    scan = pdf_file(tmp_path / "scan.pdf")
    data = complaint_input(complainant=complainant_input(**person))
    registered = office.register(
        runtime, "tester", data, [(DocumentKind.EVIDENCE, scan)], receipt=receipt
    )
    return str(registered.record["tracking_code"])


def later(runtime: Runtime, tmp_path: Path, by: dt.timedelta) -> Runtime:
    """Another process on the same registry whose clock stands ``by`` later."""
    return office_runtime(
        str(runtime.settings.database_url), tmp_path, at=NOW + by, office={"signatory_name": "x"}
    )


# -- track --------------------------------------------------------------------------------


def test_track_gives_the_state_and_the_date_of_each_step(runtime: Runtime, tmp_path: Path) -> None:
    code = filed(runtime, tmp_path)
    office.review(runtime, "tester", code, Decision.ACCEPT)
    typed = to_persian_digits(format_tracking_code(code))  # as printed on the receipt
    tracked = track(runtime, typed, "٤٥٦٧", address=ADDRESS)
    assert tracked.tracking_code == code and tracked.state is ComplaintState.ACCEPTED
    assert tracked.steps == (
        (ComplaintState.REGISTERED, NOW.date()),
        (ComplaintState.ACCEPTED, NOW.date()),
    )
    assert tracked.code_display == format_tracking_code(code)
    assert not any(
        isinstance(value, str) and "کریمی" in value for value in dataclasses.astuple(tracked)
    )


def test_a_wrong_pair_and_a_throttled_try_are_one_refusal(runtime: Runtime, tmp_path: Path) -> None:
    code = filed(runtime, tmp_path)
    refusals = []
    for _ in range(TRACK_THROTTLE.free):
        with pytest.raises(TrackRefused) as wrong:
            track(runtime, code, "0000", address=ADDRESS)
        refusals.append((type(wrong.value), wrong.value.code, wrong.value.params))
    with pytest.raises(TrackRefused) as throttled:  # the right pair, but too soon
        track(runtime, code, "4567", address=ADDRESS)
    refusals.append((type(throttled.value), throttled.value.code, throttled.value.params))
    assert len(set(map(repr, refusals))) == 1
    # Another address is still slowed by the code; after the wait the right pair works.
    with pytest.raises(TrackRefused):
        track(runtime, code, "4567", address="198.51.100.1")
    waited = later(runtime, tmp_path, TRACK_THROTTLE.first_wait + dt.timedelta(seconds=1))
    try:
        assert (
            track(waited, code, "4567", address="198.51.100.1").state is ComplaintState.REGISTERED
        )
    finally:
        waited.close()


def test_an_unknown_code_is_refused_as_a_wrong_pair(runtime: Runtime) -> None:
    with pytest.raises(TrackRefused) as refused:
        track(runtime, new_tracking_code(), "4567", address=ADDRESS)
    assert refused.value.code == "track_refused" and refused.value.params == {}


def test_malformed_input_is_named_and_costs_no_try(runtime: Runtime, tmp_path: Path) -> None:
    code = filed(runtime, tmp_path)
    for _ in range(TRACK_THROTTLE.free + 2):
        with pytest.raises(InvalidInput) as bad:
            track(runtime, code, "45", address=ADDRESS)
        assert bad.value.code == "track_last4_invalid"
    with pytest.raises(InvalidInput) as bad:
        track(runtime, "1234", "4567", address=ADDRESS)
    assert bad.value.code == "invalid_tracking_code"
    assert track(runtime, code, " 4567 ", address=ADDRESS).state is ComplaintState.REGISTERED


# -- highlighting search hits ---------------------------------------------------------------


def test_highlight_marks_words_as_the_search_compared_them() -> None:
    pieces = highlight("علي رضايي، چاله‌ها", ("علی", "چاله"))
    assert pieces == [("علي", True), (" رضايي، ", False), ("چاله", True), ("\u200cها", False)]
    assert highlight("عَلی", ("علی",)) == [("عَلی", True)]  # a diacritic inside the word
    assert highlight("شهرداری قزوین", ("شهر",), prefix=True) == [
        ("شهرداری", True),
        (" قزوین", False),
    ]
    assert highlight("شهرداری قزوین", ("شهر",), prefix=False) == [("شهرداری قزوین", False)]
    assert highlight("<b>x</b>", ()) == [("<b>x</b>", False)]
    assert highlight("", ("x",)) == []


def test_search_gives_the_words_it_compared(runtime: Runtime, tmp_path: Path) -> None:
    filed(runtime, tmp_path, first_name="یاسین")
    found = search(runtime, "tester", "ياسين")
    assert found.words == ("یاسین",) and found.prefix
    (record,) = found.records
    assert highlight(record["complainant"], found.words, found.prefix) == [
        ("یاسین", True),
        (" کریمی", False),
    ]
    assert search(runtime, "tester", "ص/1405/1").words == ()  # a letter number marks no words


# -- the dossier as one file ----------------------------------------------------------------


def test_dossier_file_of_a_registered_case(runtime: Runtime, tmp_path: Path) -> None:
    code = filed(runtime, tmp_path)
    pdf_folder = tmp_path / "pdf"
    pdf_folder.mkdir()
    path = dossier_file(runtime, "tester", format_tracking_code(code), pdf_folder)
    assert path == pdf_folder / f"dossier-{code}.pdf" and path.read_bytes().startswith(b"%PDF-")
    bag_folder = tmp_path / "bag"
    bag_folder.mkdir()
    path = dossier_file(runtime, "tester", code, bag_folder, bag=True)
    assert path == bag_folder / f"dossier-{code}.zip"
    with zipfile.ZipFile(path) as bag:
        bag.extractall(tmp_path / "out")
    assert check_bag(tmp_path / "out" / f"dossier-{code}") == []


def test_dossier_file_of_an_unknown_case(runtime: Runtime, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(NotFound):
        dossier_file(runtime, "tester", new_tracking_code(), folder)
    assert list(folder.iterdir()) == []


def test_zip_bag_never_overwrites(tmp_path: Path) -> None:
    root = tmp_path / "bag"
    (root / "data").mkdir(parents=True)
    (root / "bagit.txt").write_text("BagIt-Version: 1.0\n")
    target = tmp_path / "bag.zip"
    target.write_bytes(b"old")
    with pytest.raises(FileExistsError):
        zip_bag(root, target)
    assert target.read_bytes() == b"old"


# -- reading an upload ----------------------------------------------------------------------


def test_read_signed_upload_within_its_limit() -> None:
    assert read_signed_upload(io.BytesIO(b"%PDF-1.7"), name="a.pdf", limit=8) == b"%PDF-1.7"
    with pytest.raises(InvalidInput) as big:
        read_signed_upload(io.BytesIO(b"%PDF-1.7!"), name="a.pdf", limit=8)
    assert big.value.code == "file_too_large" and big.value.params["limit"] == 8
    with pytest.raises(InvalidInput) as empty:
        read_signed_upload(io.BytesIO(b""), name="a.pdf", limit=8)
    assert empty.value.code == "verify_file_missing"


# -- a new user's problems, all at once ----------------------------------------------------


def test_new_user_problems_name_every_field(runtime: Runtime) -> None:
    from office.access import Forbidden, Staff
    from office.users import add_user, new_user_problems
    from registry.kinds import Role

    problems = new_user_problems(runtime, "tester", "Bad Name", full_name=" ", password="short")
    assert [(p.code, p.params["field"]) for p in problems] == [
        ("invalid_username", "username"),
        ("full_name_missing", "full_name"),
        ("password_too_short", "password"),
    ]
    good = {"full_name": "مینا کریمی", "password": "a-long-password-1"}
    assert new_user_problems(runtime, "tester", "m.karimi", **good) == []
    add_user(runtime, "tester", "m.karimi", roles=frozenset({Role.HEAD}), **good)
    (taken,) = new_user_problems(runtime, "tester", "M.Karimi", **good)
    assert taken.code == "username_taken"
    with pytest.raises(InvalidInput) as first:  # add_user raises the first problem
        add_user(runtime, "tester", "x y", roles=frozenset({Role.HEAD}), full_name="", password="")
    assert first.value.code == "invalid_username"
    clerk = Staff("clerk", "کارمند", frozenset({Role.SECRETARIAT}))
    with pytest.raises(Forbidden):
        new_user_problems(runtime, clerk, "m.other", **good)
