"""The complaint use cases of office/, called directly: register with receipt, the
duplicate window from the settings, review warnings as data, refusals that write nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from office import complaints as office
from office.messages import possible_duplicate_warning
from office.runtime import Runtime
from registry.errors import InvalidInput, Refused
from registry.kinds import ComplaintState, DocumentKind
from tests.cli_support import Cli, register_args
from tests.factories import complaint_input, office_runtime, pdf_file, seeded_runtime

TEHRAN = dt.timezone(dt.timedelta(hours=3, minutes=30))
NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=TEHRAN)
ACTOR = "دبیرخانه"


@pytest.fixture
def runtime(migrated_url: str, tmp_path: Path) -> Iterator[Runtime]:
    runtime = seeded_runtime(migrated_url, tmp_path, at=NOW)
    yield runtime
    runtime.close()


@pytest.fixture
def evidence(tmp_path: Path) -> list[tuple[DocumentKind, Path]]:
    return [(DocumentKind.EVIDENCE, pdf_file(tmp_path / "evidence.pdf"))]


def test_register_with_receipt(runtime: Runtime, evidence: list[tuple[DocumentKind, Path]]) -> None:
    registered = office.register(runtime, ACTOR, complaint_input(), evidence, receipt=True)
    record = registered.record
    assert record["state"] == "registered"
    assert record["complainant"] == "زهرا کریمی"  # records name without «خانم»
    assert registered.possible_duplicate_of == []
    assert registered.receipt_number is not None
    assert registered.receipt_pdf is not None and registered.receipt_pdf.startswith(b"%PDF")
    shown = office.show(runtime, "tester", record["tracking_code"])
    assert [d["kind"] for d in shown["documents"]] == ["evidence"]
    assert shown["text"] == complaint_input().text


def test_receipt_readiness_is_checked_before_anything_is_written(
    migrated_url: str, tmp_path: Path, evidence: list[tuple[DocumentKind, Path]]
) -> None:
    runtime = seeded_runtime(migrated_url, tmp_path, at=NOW, office={"signatory_name": ""})
    with pytest.raises(InvalidInput) as refused:
        office.register(runtime, ACTOR, complaint_input(), evidence, receipt=True)
    assert refused.value.code == "signatory_required"
    assert office.list_complaints(runtime, "tester") == []
    runtime.close()


@pytest.mark.parametrize(("window", "flagged"), [(30, False), (60, True)])
def test_the_duplicate_window_is_the_setting(
    migrated_url: str,
    tmp_path: Path,
    evidence: list[tuple[DocumentKind, Path]],
    window: int,
    flagged: bool,
) -> None:
    earlier = seeded_runtime(migrated_url, tmp_path, at=NOW - dt.timedelta(days=40))
    first = office.register(earlier, ACTOR, complaint_input(), evidence).record
    earlier.close()

    runtime = office_runtime(migrated_url, tmp_path, at=NOW, duplicate_window_days=window)
    second = office.register(runtime, ACTOR, complaint_input(), evidence)
    runtime.close()
    assert second.duplicate_window_days == window
    assert second.possible_duplicate_of == ([first["tracking_code"]] if flagged else [])
    warning = possible_duplicate_warning(second.duplicate_window_days, ["123"])
    assert f"در {'۳۰' if window == 30 else '۶۰'} روز گذشته" in warning
    assert "۹۰" not in warning


def test_review_warnings_come_back_as_data(
    runtime: Runtime, evidence: list[tuple[DocumentKind, Path]]
) -> None:
    data = complaint_input(anonymous=True, text="اینجانب زهرا كريمي از شهرداری شکایت دارم.")
    code = office.register(runtime, ACTOR, data, evidence).record["tracking_code"]
    summary = "شاکی از عملکرد شهرداری گله دارد و رسیدگی می‌خواهد."
    reviewed = office.review(runtime, "بازرس", code, office.Decision.ACCEPT, summary=summary)
    assert reviewed.state is ComplaintState.ACCEPTED
    # No follow-up document, and the anonymous complainant's text names her.
    assert reviewed.warnings == ["followup_missing", "anonymous_text_names_name"]
    assert reviewed.letter_number is None


def test_a_review_letter_that_cannot_be_made_changes_nothing(
    migrated_url: str, tmp_path: Path, evidence: list[tuple[DocumentKind, Path]]
) -> None:
    runtime = seeded_runtime(migrated_url, tmp_path, at=NOW, office={"signatory_name": " "})
    code = office.register(runtime, ACTOR, complaint_input(), evidence).record["tracking_code"]
    with pytest.raises(InvalidInput) as refused:
        office.review(
            runtime, "بازرس", code, office.Decision.INCOMPLETE, missing=[DocumentKind.FOLLOWUP]
        )
    assert refused.value.code == "signatory_required"
    assert office.show(runtime, "tester", code)["state"] == "registered"
    runtime.close()


def test_moves_the_state_machine_forbids_are_refused(
    runtime: Runtime, evidence: list[tuple[DocumentKind, Path]]
) -> None:
    code = office.register(runtime, ACTOR, complaint_input(), evidence).record["tracking_code"]
    with pytest.raises(Refused) as refused:
        office.close(runtime, ACTOR, code)
    assert refused.value.code == "illegal_transition"
    assert office.show(runtime, "tester", code)["state"] == "registered"
    withdrawn = office.withdraw(runtime, ACTOR, code, reason="شاکی منصرف شد")
    assert withdrawn["state"] == "withdrawn"
    with pytest.raises(Refused) as refused:  # back from withdrawn by reopen only
        office.review(runtime, "بازرس", code, office.Decision.ACCEPT)
    assert refused.value.code == "illegal_transition"
    assert office.show(runtime, "tester", code)["state"] == "withdrawn"
    assert office.reopen(runtime, ACTOR, code, reason="درخواست دوباره")["state"] == "accepted"
    states = {r["tracking_code"]: r["state"] for r in office.list_complaints(runtime, "tester")}
    assert states == {code: "accepted"}
    assert office.list_complaints(runtime, "tester", ComplaintState.WITHDRAWN) == []


def test_attach_returns_an_incomplete_complaint_to_review(
    runtime: Runtime, evidence: list[tuple[DocumentKind, Path]], tmp_path: Path
) -> None:
    data = dataclasses.replace(complaint_input(), documents=())
    code = office.register(runtime, ACTOR, data, []).record["tracking_code"]
    office.review(
        runtime, "بازرس", code, office.Decision.INCOMPLETE, missing=[DocumentKind.EVIDENCE]
    )
    assert office.show(runtime, "tester", code)["state"] == "incomplete"
    record = office.attach(runtime, ACTOR, code, evidence)
    assert record["state"] == "registered"


def test_the_cli_duplicate_warning_follows_the_setting(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = cli.json(*register_args(tmp_path))
    monkeypatch.setenv("RESIDEGI_DUPLICATE_WINDOW_DAYS", "45")
    code, _out, err = cli(*register_args(tmp_path))
    assert code == 0
    assert "در ۴۵ روز گذشته ثبت شده است" in err
    assert first["tracking_code"] in err
    assert "۹۰" not in err
