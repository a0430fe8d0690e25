"""The drafts page: the head signs a whole batch after its sample, a rejection needs its
reason (shown beside the batch), a deputy reads and signs but does not approve."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from office import drafts
from office.users import add_user, name_deputy
from registry.kinds import Role
from registry.models import LetterDraft
from tests.web_samples_approval16 import new_draft
from tests.web_support import PASSWORD, DeskUnderTest, csrf_of, desk_fixture, log_in

pytestmark = pytest.mark.xdist_group("web_drafts")


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeskUnderTest]:
    yield from desk_fixture(tmp_path_factory)


def _state(desk: DeskUnderTest, draft: str) -> str:
    every = drafts.list_drafts(desk.runtime, "t", every=True)
    return str(next(d["state"] for d in every if str(d["id"]) == draft))


def test_the_head_signs_a_batch_after_its_sample(desk: DeskUnderTest) -> None:
    draft, code = new_draft(desk)
    client = desk.client(Role.HEAD)
    page = client.get("/drafts")
    assert page.status_code == 200
    assert 'href="/drafts"' in page.text  # the menu offers the page
    assert f"/drafts/{draft}/preview.pdf" in page.text and code in page.text
    sample = client.get(f"/drafts/{draft}/preview.pdf")
    assert sample.status_code == 200 and sample.content.startswith(b"%PDF")
    token = csrf_of(page.text)
    done = client.post("/drafts/sign", data={"batch": code, "csrf_token": token})
    assert (done.status_code, done.headers["location"]) == (303, "/drafts")
    assert _state(desk, draft) == "signed"
    assert "امضاشده" in client.get("/drafts").text
    # The desk decides; it numbers nothing: the next letter batch does.
    with desk.runtime.sessions() as session:
        numbered = session.scalars(
            select(LetterDraft.letter_id).where(LetterDraft.id == int(draft))
        )
        assert numbered.one() is None


def test_a_rejection_without_reason_is_refused_beside_its_batch(desk: DeskUnderTest) -> None:
    draft, code = new_draft(desk)
    client = desk.client(Role.INSPECTOR)
    token = csrf_of(client.get("/drafts").text)
    form = {"draft": draft, "batch": code, "reason": " ", "csrf_token": token}
    refused = client.post("/drafts/reject", data=form)
    assert refused.status_code == 400
    assert f'id="error-{code}"' in refused.text and "علت" in refused.text
    assert _state(desk, draft) == "draft"
    done = client.post("/drafts/reject", data={**form, "reason": "گیرنده نادرست"})
    assert done.status_code == 303 and _state(desk, draft) == "rejected"
    # A decision on a draft already decided: refused (409), the page says why.
    again = client.post("/drafts/approve", data={"draft": draft, "csrf_token": token})
    assert again.status_code == 409 and "ردشده" in again.text


def test_a_deputy_reads_and_signs_but_does_not_approve(desk: DeskUnderTest) -> None:
    runtime = desk.runtime
    add_user(
        runtime,
        "tester",
        "deputy",
        full_name="علی رضایی",
        roles=frozenset({Role.SECRETARIAT}),
        password=PASSWORD,
    )
    name_deputy(runtime, "tester", "deputy", title="معاون دفتر")
    client = TestClient(desk.app, follow_redirects=False)
    with client:
        log_in(client, "deputy", PASSWORD)
        page = client.get("/drafts")
        assert page.status_code == 200
        token = csrf_of(page.text)
        draft, _ = new_draft(desk)
        refused = client.post("/drafts/approve", data={"draft": draft, "csrf_token": token})
        assert refused.status_code == 403
        drafts.approve(runtime, "tester", [int(draft)])
        done = client.post("/drafts/sign", data={"draft": draft, "csrf_token": token})
        assert done.status_code == 303
        signed = next(d for d in drafts.list_drafts(runtime, "t") if str(d["id"]) == draft)
        assert (signed["signed_by"], signed["deputy_name"]) == ("deputy", "علی رضایی")
        assert "علی رضایی (از طرف مدیر)" in client.get("/drafts").text
