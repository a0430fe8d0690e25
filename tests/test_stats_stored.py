"""What the service's figures read instead of recomputing (migration 0018) stays right.

The scenario is tests/test_stats.py's, answers worked out by hand there. Stored: each
case's count of visits in person after registration (``complaint.in_person_events``),
kept by the one writer of events, and who filed it (``complaint.complainant_key``), set at
registration; migration 0018 fills both for what was recorded before it. Not stored:
anything that depends on the holidays, so the figures follow a holiday's removal at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from office import complaints as office_complaints
from office import holidays, stats
from office.access import Staff
from office.runtime import Runtime
from registry import complaint_queries, migrate
from registry.db import make_engine, transaction
from registry.events import is_visit_in_person, record_event
from registry.kinds import DocumentKind, Role
from registry.models import Complaint, Event
from tests import factories
from tests.test_stats import AZAR, HEAD, _scenario, at

ADMIN = Staff("admin", "مدیر سامانه", frozenset({Role.ADMIN}))


@pytest.fixture
def runtime(migrated_url: str, tmp_path: Path) -> Iterator[Runtime]:
    runtime = factories.seeded_runtime(migrated_url, tmp_path / "home", at=at(12, 6))
    with transaction(runtime.sessions) as session:
        _scenario(session)
    yield runtime
    runtime.close()


def _counts(runtime: Runtime) -> dict[str, int]:
    # Each case's stored count, by its registration time (unique in the scenario).
    with runtime.sessions() as session:
        rows = session.execute(select(Complaint.registered_at, Complaint.in_person_events))
        return {str(registered.timestamp()): count for registered, count in rows}


def _keys(runtime: Runtime) -> dict[str, str]:
    with runtime.sessions() as session:
        rows = session.execute(select(Complaint.registered_at, Complaint.complainant_key))
        return {str(registered.timestamp()): key for registered, key in rows}


def test_visits_are_counted_as_they_are_recorded(runtime: Runtime) -> None:
    counts = _counts(runtime)
    # A: documents brought in person, the answer collected in person: 2 after registering.
    assert counts[str(at(11, 2).timestamp())] == 2
    # B: documents by mail: 0. D: an attach with no channel (before channels): 1.
    assert counts[str(at(11, 16, 9).timestamp())] == 0
    assert counts[str(at(10, 1).timestamp())] == 1
    # With the registration in person (A, C) the Azar figure is (3 + 0 + 1 + 1) / 4.
    assert stats.figures(runtime, HEAD, AZAR).served.visits_per_case == pytest.approx(1.25)


def test_migration_0018_counts_the_visits_recorded_before_it(
    runtime: Runtime, migrated_url: str
) -> None:
    """Down to 0017 (the column goes) and up again: the migration counts from the events
    what the writer had counted, on SQLite and PostgreSQL."""
    before, keys = _counts(runtime), _keys(runtime)
    assert sum(before.values()) == 3
    # A and B: person 1 twice; C person 2 (tests/factories.national_id).
    assert keys[str(at(11, 2).timestamp())] == keys[str(at(11, 16, 9).timestamp())]
    assert keys[str(at(11, 20).timestamp())].startswith("person:")
    assert len(set(keys.values())) == 9  # persons 1 to 9
    runtime.engine.dispose()
    engine = make_engine(migrated_url)
    migrate.downgrade(engine, "0017")
    migrate.upgrade(engine, "0018")
    engine.dispose()
    assert (_counts(runtime), _keys(runtime)) == (before, keys)
    assert stats.figures(runtime, HEAD, AZAR).served.visits_per_case == pytest.approx(1.25)


def test_the_complaint_text_made_at_acceptance_is_no_visit(
    runtime: Runtime, tmp_path: Path
) -> None:
    """Accepting with a summary files the complaint's full text on the case: the office made
    it, nobody brought it, so the case's visits stay as they were."""
    scan = factories.pdf_file(tmp_path / "scan.pdf").read_bytes()
    uploads = [office_complaints.Upload(DocumentKind.EVIDENCE, "scan.pdf", scan)]
    files = office_complaints.check_uploads(runtime, uploads)
    data = factories.complaint_input(
        complainant=factories.complainant_input(national_id=factories.national_id(77))
    )
    tracking = office_complaints.register(runtime, "tester", data, files).record["tracking_code"]
    office_complaints.review(
        runtime, "tester", tracking, office_complaints.Decision.ACCEPT, summary="خلاصه شکایت"
    )
    with runtime.sessions() as session:
        complaint = complaint_queries.get_complaint(session, tracking)
        kinds = [document.kind for document in complaint.documents]
        actions = set(
            session.scalars(select(Event.action).where(Event.complaint_id == complaint.id))
        )
        assert kinds == [DocumentKind.EVIDENCE, DocumentKind.COMPLAINT_TEXT]
        assert "document_made" in actions and "documents_attached" not in actions
        assert complaint.in_person_events == 0


def test_migration_0020_takes_back_the_visits_the_complaint_text_counted(
    runtime: Runtime, migrated_url: str
) -> None:
    """An acceptance recorded before 0020 filed the text as an attach at the desk, and it
    was counted: 0020 takes that visit back off, and only that one; down again, it returns."""
    before, c = _counts(runtime), str(at(11, 20).timestamp())
    runtime.engine.dispose()
    engine = make_engine(migrated_url)
    migrate.downgrade(engine, "0019")
    with transaction(runtime.sessions) as session:
        case_c = session.scalars(select(Complaint).where(Complaint.registered_at == at(11, 20)))
        documents = [{"kind": "complaint_text", "name": "complaint-text.pdf"}]
        record_event(  # as the acceptance wrote it then: counted as a visit
            session,
            at=at(11, 21),
            actor="tester",
            action="documents_attached",
            complaint=case_c.one(),
            data={"documents": documents, "channel": "in-person"},
        )
    runtime.engine.dispose()
    assert _counts(runtime)[c] == before[c] + 1
    migrate.upgrade(engine, "0020")
    assert _counts(runtime) == before
    migrate.downgrade(engine, "0019")
    assert _counts(runtime)[c] == before[c] + 1
    engine.dispose()


@pytest.mark.parametrize(
    ("action", "after", "data", "visit"),
    [
        ("documents_attached", None, {"channel": "in-person"}, True),
        ("documents_attached", None, None, True),
        ("documents_attached", None, {"channel": "mail"}, False),
        ("state_changed", "closed", {"channel": "in-person"}, True),
        ("state_changed", "closed", None, False),
        ("state_changed", "answered", {"channel": "in-person"}, False),
        ("complaint_registered", None, {"channel": "in-person"}, False),
    ],
)
def test_which_events_are_visits(
    action: str, after: str | None, data: dict[str, str] | None, visit: bool
) -> None:
    assert is_visit_in_person(action, after, data) is visit


def test_the_working_days_follow_a_holiday_removed(runtime: Runtime) -> None:
    """Without the holiday of Tue 12-01: B (11-16, 12-08] has 16 working days, D (10-01,
    12-10] 49; A 16 and C 2 as before. Sorted 2, 16, 16, 49: median 16, average 83 / 4 =
    20.75. شهرداری قزوین's reply sent 11-20 and answered 12-03 waited 10, not 9: latencies
    2, 4, 5, 10, 11, median 5, 90th percentile 10 + 0.6 * (11 - 10) = 10.6."""
    before = stats.figures(runtime, HEAD, AZAR)
    assert before.served.median_working_days == pytest.approx(15.5)
    holidays.remove(runtime, ADMIN, at(12, 1).date())
    after = stats.figures(runtime, HEAD, AZAR)
    assert after.served.median_working_days == pytest.approx(16)
    assert after.served.average_working_days == pytest.approx(20.75)
    assert after.served.median_days == before.served.median_days
    city = next(row for row in after.agencies if row.agency == "شهرداری قزوین")
    assert (city.median_working_days, city.p90_working_days) == pytest.approx((5, 10.6))
