"""A classified case on the desk (issue 16): every route that shows cases gives a user
without the clearance nothing (the list, the queue, search, the case page and each of its
files, the dossier), a 404 like an unknown case; a user cleared for it sees it all.  The
review form offers the priority and the classifications up to the reviewer's clearance."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

import pytest

from generators.batch import RenderPool
from office import complaints as office
from office.access import Staff
from office.cases import case_view
from office.complaints import Upload
from office.pipeline import Batch, number_and_send, pending_referrals
from office.users import clear_user
from registry.kinds import Classification, DocumentKind, Priority, Role
from registry.models import Letter
from registry.text import to_persian_digits
from registry.tracking import format_tracking_code, new_tracking_code
from tests.factories import complainant_input, complaint_input, national_id, png_bytes
from tests.letters_support import docx_text, pdf_page_texts, squash
from tests.web_samples_web13a import pdf_bytes
from tests.web_support import DeskUnderTest, desk_fixture

pytestmark = pytest.mark.xdist_group("web_classified")

SUBJECT = "ریزش دیوار قلعه"
# The head is cleared for «سری»; the inspector, like every user, for «عادی» only.
CLEARED, UNCLEARED = Role.HEAD, Role.INSPECTOR


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeskUnderTest]:
    yield from desk_fixture(tmp_path_factory)


def _staff(role: Role) -> Staff:
    return Staff(role.value, role.label_fa, frozenset({role}), Classification.SECRET)


@pytest.fixture(scope="module")
def secret(desk: DeskUnderTest) -> dict[str, str]:
    """A case classified «سری» and urgent, referred (its letter sent with a deadline), with
    a receipt, a PDF and a PNG; and a second one back in review (the review queue's)."""
    runtime = desk.runtime
    assert clear_user(runtime, "tester", CLEARED.value, "secret")["clearance"] == "secret"
    data = complaint_input(
        complainant=complainant_input(national_id=national_id(9101)), subject=SUBJECT
    )
    uploads = [
        Upload(DocumentKind.EVIDENCE, "evidence.pdf", pdf_bytes()),
        Upload(DocumentKind.FOLLOWUP, "followup.png", png_bytes()),
    ]
    files = office.check_uploads(runtime, uploads)
    tracking = office.register(runtime, "tester", data, files, receipt=True).record["tracking_code"]
    office.review(
        runtime,
        _staff(Role.HEAD),
        tracking,
        office.Decision.ACCEPT,
        priority=Priority.URGENT,
        classification=Classification.SECRET,
    )
    batch = Batch(runtime, "tester")
    with RenderPool[int](1) as pool:
        number_and_send(batch, pool, pending_referrals(batch, None))
    view = case_view(runtime, _staff(Role.HEAD), tracking)
    referral = next(x for x in view.letters if x["kind"] == "referral")
    # The second: asked for documents as «سری», then completed: back in review.
    second_data = complaint_input(complainant=complainant_input(national_id=national_id(9102)))
    waiting = office.register(runtime, "tester", second_data).record["tracking_code"]
    office.review(
        runtime,
        _staff(Role.INSPECTOR),
        waiting,
        office.Decision.INCOMPLETE,
        missing=[DocumentKind.EVIDENCE],
        classification=Classification.SECRET,
    )
    evidence = office.check_uploads(
        runtime, [Upload(DocumentKind.EVIDENCE, "evidence.pdf", pdf_bytes())]
    )
    office.attach(runtime, _staff(Role.SECRETARIAT), waiting, evidence)
    return {
        "tracking": tracking,
        "waiting": waiting,
        "document": str(view.documents[0]["id"]),
        "image": str(view.documents[1]["id"]),
        "letter": str(referral["id"]),
    }


def _case_routes(case: dict[str, str]) -> list[str]:
    base = f"/complaints/{case['tracking']}"
    letter = f"{base}/letters/{case['letter']}"
    return [
        base,
        f"{base}/receipt.pdf",
        f"{base}/documents/{case['document']}",
        f"{base}/documents/{case['image']}",
        f"{base}/documents/{case['image']}/document.pdf",
        f"{letter}/letter.pdf",
        f"{letter}/letter.docx",
        f"{letter}/deadline",
        f"{base}/dossier.pdf",
        f"{base}/dossier.zip",
    ]


def _shown(code: str) -> list[str]:
    return [code, to_persian_digits(format_tracking_code(code)), to_persian_digits(code)]


def test_without_the_clearance_each_case_route_is_not_found(
    desk: DeskUnderTest, secret: dict[str, str]
) -> None:
    client = desk.client(UNCLEARED)
    unknown_code = new_tracking_code(random.Random(16))  # seeded: the same page every run
    unknown = desk.client(UNCLEARED).get(f"/complaints/{unknown_code}")
    assert unknown.status_code == 404
    for url in _case_routes(secret):
        response = client.get(url)
        assert response.status_code == 404, url
        assert SUBJECT not in response.text, url
    # The case page says exactly what an unknown case's says: its existence is not told.
    page = client.get(f"/complaints/{secret['tracking']}")
    page_text, unknown_text = page.text, unknown.text
    for shown, unknown_shown in zip(_shown(secret["tracking"]), _shown(unknown_code), strict=True):
        page_text = page_text.replace(shown, "CODE")
        unknown_text = unknown_text.replace(unknown_shown, "CODE")
    # The session's CSRF token is signed with the time: two requests a second apart differ.
    token = re.compile(r'(X-CSRFToken": "|name="csrf_token" value=")[^"]+')
    assert token.sub(r"\1TOKEN", page_text) == token.sub(r"\1TOKEN", unknown_text)


def test_with_the_clearance_each_case_route_answers(
    desk: DeskUnderTest, secret: dict[str, str]
) -> None:
    client = desk.client(CLEARED)
    for url in _case_routes(secret):
        assert client.get(url).status_code == 200, url
    page = client.get(f"/complaints/{secret['tracking']}").text
    assert SUBJECT in page
    assert 'class="mark mark-classified">سری<' in page
    assert 'class="mark mark-urgent">فوری<' in page


def test_the_list_the_queue_and_search_leave_it_out_without_the_clearance(
    desk: DeskUnderTest, secret: dict[str, str]
) -> None:
    hidden, cleared = desk.client(UNCLEARED), desk.client(CLEARED)
    # The hits alone (as typing asks for them), without the box that echoes the query.
    hits = {"HX-Request": "true"}
    for code in ("tracking", "waiting"):
        listed = hidden.get("/complaints").text
        assert not any(shown in listed for shown in _shown(secret[code])), code
        assert any(shown in cleared.get("/complaints").text for shown in _shown(secret[code]))
    queue = hidden.get("/").text
    assert not any(shown in queue for shown in _shown(secret["waiting"]))
    assert any(shown in cleared.get("/").text for shown in _shown(secret["waiting"]))
    with desk.runtime.sessions() as session:
        letter = session.get(Letter, int(secret["letter"]))
        assert letter is not None
        number = letter.number
    # Its tracking code, its words and its letter's number find nothing.
    for typed in (secret["tracking"], SUBJECT, number):
        found = hidden.get("/search", params={"q": typed}, headers=hits).text
        assert "پرونده‌ای یافت نشد" in found, typed
        assert not any(shown in found for shown in _shown(secret["tracking"])), typed
        seen = cleared.get("/search", params={"q": typed}, headers=hits).text
        assert any(shown in seen for shown in _shown(secret["tracking"])), typed


def test_the_referral_prints_its_marks_and_counts_the_urgent_deadline(
    desk: DeskUnderTest, secret: dict[str, str]
) -> None:
    client = desk.client(CLEARED)
    letter = f"/complaints/{secret['tracking']}/letters/{secret['letter']}"
    pages = pdf_page_texts(client.get(f"{letter}/letter.pdf").content)
    for page in pages:
        assert squash(page).count(squash("سری")) == 2
    assert squash("فوری") in squash(pages[0])
    docx = docx_text(client.get(f"{letter}/letter.docx").content)
    assert squash("سری") in squash(docx) and squash("فوری") in squash(docx)
    with desk.runtime.sessions() as session:
        frozen = session.get(Letter, int(secret["letter"]))
        assert frozen is not None
        facts = frozen.facts or {}
    # Urgent: 5 working days (the setting's default), not the agency's 10.
    assert facts["answer_within_days"] == 5
    assert (facts["complaint"]["priority"], facts["complaint"]["classification"]) == (
        "urgent",
        "secret",
    )


def test_the_review_form_offers_the_levels_up_to_the_reviewer_s_clearance(
    desk: DeskUnderTest, secret: dict[str, str]
) -> None:
    tracking = office.register(
        desk.runtime,
        "tester",
        complaint_input(complainant=complainant_input(national_id=national_id(9103))),
    ).record["tracking_code"]
    plain = desk.client(UNCLEARED).get(f"/complaints/{tracking}").text
    assert 'name="classification"' in plain and 'value="confidential"' not in plain
    assert 'value="immediate"' in plain
    cleared = desk.client(CLEARED).get(f"/complaints/{tracking}").text
    assert 'value="secret"' in cleared and 'value="top_secret"' not in cleared
    # Posted above the reviewer's clearance: refused beside the field, nothing changed.
    form = {
        "decision": "accept",
        "note": "کامل است",
        "priority": "very_urgent",
        "classification": "confidential",
        "csrf_token": desk.token(UNCLEARED),
    }
    refused = desk.client(UNCLEARED).post(f"/complaints/{tracking}/review", data=form)
    assert refused.status_code == 409
    assert 'id="review-classification-error"' in refused.text
    form["csrf_token"] = desk.token(CLEARED)
    accepted = desk.client(CLEARED).post(f"/complaints/{tracking}/review", data=form)
    assert accepted.status_code == 303
    shown = office.show(desk.runtime, _staff(CLEARED), tracking)
    assert (shown["state"], shown["priority"], shown["classification"]) == (
        "accepted",
        "very_urgent",
        "confidential",
    )
    # And the uncleared reviewer no longer finds it.
    assert desk.client(UNCLEARED).get(f"/complaints/{tracking}").status_code == 404


def test_the_admin_clears_a_user_on_the_desk(desk: DeskUnderTest, secret: dict[str, str]) -> None:
    admin = desk.client(Role.ADMIN)
    listed = admin.get("/admin/users").text
    assert 'action="/admin/users/archivist/clear"' in listed
    form = {"level": "top", "csrf_token": desk.token(Role.ADMIN)}
    refused = admin.post("/admin/users/archivist/clear", data=form)
    assert refused.status_code == 400 and "top" in refused.text
    assert desk.client(Role.ARCHIVIST).get(f"/complaints/{secret['tracking']}").status_code == 404
    form["level"] = "top_secret"
    assert admin.post("/admin/users/archivist/clear", data=form).status_code == 303
    # At the archivist's next request: the case, its dossier.
    archivist = desk.client(Role.ARCHIVIST)
    assert archivist.get(f"/complaints/{secret['tracking']}").status_code == 200
    assert archivist.get(f"/complaints/{secret['tracking']}/dossier.pdf").status_code == 200
    listed = admin.get("/admin/users").text
    assert '<option value="top_secret" selected>به‌کلی سری</option>' in listed


def test_without_the_clearance_no_change_reaches_the_case(
    desk: DeskUnderTest, secret: dict[str, str]
) -> None:
    """The inspector, who may take each of these actions on cases they may see, is told
    of this one what an unknown case would tell (404), and nothing is recorded."""
    tracking = secret["tracking"]
    base = f"/complaints/{tracking}"
    before = case_view(desk.runtime, _staff(CLEARED), tracking).events
    client, token = desk.client(UNCLEARED), desk.token(UNCLEARED)
    for url, form in (
        (f"{base}/inspect", {"inspector": "رضا کریمی"}),
        (f"{base}/report", {"conclusion": "نتیجه"}),
        (f"{base}/answer", {"decision": "پاسخ"}),
        (
            f"{base}/deadline",
            {"letter": secret["letter"], "change": "extend", "days": "3", "reason": "دستگاه"},
        ),
        (f"{base}/withdraw", {"reason": "انصراف"}),
    ):
        response = client.post(url, data={**form, "csrf_token": token})
        assert response.status_code == 404, url
        assert SUBJECT not in response.text, url
    assert client.get(f"{base}/answer/preview.pdf").status_code == 404
    assert case_view(desk.runtime, _staff(CLEARED), tracking).events == before
