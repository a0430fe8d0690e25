"""Inspection and the final answer from the case page (TestClient): an inspection assigned
(its letter to the inspector), findings with a file, the report, the head's shelf; the
answer drafted, previewed as it will print, and signed by the head with the key's
passphrase typed for that signature only; each form's refusals beside their fields with
nothing changed, and the roles each form admits."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from pypdf import PdfReader

from generators.keys import install_trial_key
from office import answer_desk, cases
from office.verify import verify_signed
from registry.kinds import Role
from tests.web_samples_answer14 import (
    DECISION,
    FINDINGS,
    drafted,
    replied_case,
    under_inspection,
)
from tests.web_samples_replies14 import referral
from tests.web_samples_web13a import pdf_bytes
from tests.web_support import DeskUnderTest, desk_fixture

pytestmark = pytest.mark.xdist_group("web_answer14")

PASSPHRASE = "گذرواژه-کلید-۱۴۰۵"


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeskUnderTest]:
    """A desk whose office key is encrypted with a passphrase the server does not know:
    the head types it when signing."""
    for the_desk in desk_fixture(tmp_path_factory):
        settings = the_desk.runtime.settings
        settings.resolved_signing_key_path.parent.mkdir(parents=True, exist_ok=True)
        install_trial_key(
            settings.resolved_signing_key_path,
            settings.office_certificate_path,
            common_name="دفتر بازرسی قزوین",
            organisation="قزوین",
            now=the_desk.runtime.clock.now(),
            passphrase=PASSPHRASE,
        )
        yield the_desk


def _post(
    desk: DeskUnderTest,
    role: Role,
    path: str,
    form: dict[str, Any],
    files: dict[str, Any] | None = None,
) -> httpx2.Response:
    return desk.client(role).post(path, data={**form, "csrf_token": desk.token(role)}, files=files)


def _beside(html: str, form: str, field: str) -> str:
    found = re.search(rf'<p class="field-error" id="{form}-{field}-error"[^>]*>([^<]+)</p>', html)
    assert found, f"no message beside {form}.{field}"
    return found.group(1)


def _state(desk: DeskUnderTest, tracking: str) -> str:
    return str(cases.case_view(desk.runtime, "test", tracking).record["state"])


# -- inspection ---------------------------------------------------------------------------


def test_assign_record_findings_and_report_from_the_case_page(desk: DeskUnderTest) -> None:
    tracking = referral(desk, days_ago=2).tracking
    page = desk.client(Role.INSPECTOR).get(f"/complaints/{tracking}").text
    assert f'action="/complaints/{tracking}/inspect"' in page
    assert 'name="inspector_honorific"' in page

    assigned = _post(
        desk,
        Role.INSPECTOR,
        f"/complaints/{tracking}/inspect",
        {"inspector": "رضا محمدی", "inspector_honorific": "mr", "date": "", "agency": ""},
    )
    assert assigned.status_code == 303
    view = cases.case_view(desk.runtime, "test", tracking)
    assert view.state.value == "under_inspection"
    assert view.inspection is not None and view.inspection["assignment"]
    assignment = next(x for x in view.letters if x["kind"] == "inspection_assignment")
    assert assignment["recipient"].endswith("رضا محمدی")
    shown = desk.client(Role.INSPECTOR).get(assigned.headers["location"]).text
    assert "نامه ابلاغ بازرسی به شماره" in shown

    before = len(view.documents)
    findings = _post(
        desk,
        Role.INSPECTOR,
        f"/complaints/{tracking}/inspect",
        {"inspector": "رضا محمدی", "findings": FINDINGS},
        files={"other": ("photo.pdf", pdf_bytes(), "application/pdf")},
    )
    assert findings.status_code == 303
    view = cases.case_view(desk.runtime, "test", tracking)
    assert len(view.documents) == before + 1
    assert view.inspection is not None and "نتیجه" in view.inspection["findings"]

    reported = _post(desk, Role.INSPECTOR, f"/complaints/{tracking}/report", {"conclusion": ""})
    assert reported.status_code == 303
    view = cases.case_view(desk.runtime, "test", tracking)
    assert view.state.value == "report_ready"
    assert view.inspection is not None and view.inspection["report"]
    # The head's work queue shelves the report for the answer.
    queue = desk.client(Role.HEAD).get("/").text
    assert "گزارش بازرسی آماده" in queue and tracking in queue.replace("-", "")


def test_inspection_refusals_beside_their_fields(desk: DeskUnderTest) -> None:
    tracking = referral(desk, days_ago=2).tracking
    path = f"/complaints/{tracking}/inspect"
    nameless = _post(desk, Role.INSPECTOR, path, {"inspector": " "})
    assert nameless.status_code == 400
    assert "نام بازرس" in _beside(nameless.text, "inspect", "inspector")
    bad_day = _post(desk, Role.INSPECTOR, path, {"inspector": "رضا", "date": "۱۴۰۵/۱۳/۴۰"})
    assert bad_day.status_code == 400
    _beside(bad_day.text, "inspect", "date")
    assert 'value="رضا"' in bad_day.text  # what was typed comes back
    bad_title = _post(desk, Role.INSPECTOR, path, {"inspector": "رضا", "inspector_honorific": "x"})
    assert bad_title.status_code == 400
    _beside(bad_title.text, "inspect", "inspector_honorific")
    unknown = _post(desk, Role.INSPECTOR, path, {"inspector": "رضا", "agency": "ناموجود"})
    assert unknown.status_code in (400, 404)
    _beside(unknown.text, "inspect", "agency")
    bad_file = _post(
        desk,
        Role.INSPECTOR,
        path,
        {"inspector": "رضا"},
        files={"other": ("a.pdf", b"not a pdf at all", "application/pdf")},
    )
    assert bad_file.status_code == 400
    _beside(bad_file.text, "inspect", "other")
    assert _state(desk, tracking) == "awaiting_reply"  # nothing happened

    # A report needs an inspection under way, and one with findings and a conclusion.
    early = _post(desk, Role.INSPECTOR, f"/complaints/{tracking}/report", {"conclusion": "x"})
    assert early.status_code == 409
    # The page offers no report form yet: the refusal stands at the top of the page.
    assert '<p class="error" role="alert">' in early.text and "بازرسی" in early.text
    _post(desk, Role.INSPECTOR, path, {"inspector": "رضا"})
    empty = _post(desk, Role.INSPECTOR, f"/complaints/{tracking}/report", {"conclusion": ""})
    assert empty.status_code == 409
    assert "یافته" in _beside(empty.text, "report", "form")
    assert _state(desk, tracking) == "under_inspection"


def test_only_casework_inspects_and_reports(desk: DeskUnderTest) -> None:
    tracking = under_inspection(desk)
    for role in (Role.SECRETARIAT, Role.ARCHIVIST, Role.ADMIN):
        page = desk.client(role).get(f"/complaints/{tracking}")
        assert f'action="/complaints/{tracking}/report"' not in page.text
        for form in ("inspect", "report"):
            refused = _post(desk, role, f"/complaints/{tracking}/{form}", {"inspector": "x"})
            assert refused.status_code == 403, (role, form)
    assert _state(desk, tracking) == "under_inspection"


# -- the final answer ---------------------------------------------------------------------


def test_the_inspector_drafts_and_the_head_sees_the_letter_as_it_will_print(
    desk: DeskUnderTest,
) -> None:
    tracking = replied_case(desk)
    inspector = desk.client(Role.INSPECTOR)
    page = inspector.get(f"/complaints/{tracking}").text
    assert f'action="/complaints/{tracking}/answer"' in page
    assert "امضا و ارسال" not in page  # signing is the head's

    saved = _post(desk, Role.INSPECTOR, f"/complaints/{tracking}/answer", {"decision": DECISION})
    assert saved.status_code == 303
    draft = answer_desk.answer_draft(desk.runtime, "operator", tracking)
    assert draft is not None and draft.decision == DECISION and draft.drafted_by == "inspector"
    assert _state(desk, tracking) == "replied"  # a draft moves nothing

    head_page = desk.client(Role.HEAD).get(f"/complaints/{tracking}").text
    assert DECISION in head_page
    assert f'data="/complaints/{tracking}/answer/preview.pdf"' in head_page
    assert "امضا و ارسال" in head_page and 'type="password"' in head_page
    assert f'name="draft" value="{draft.id}"' in head_page

    preview = desk.client(Role.HEAD).get(f"/complaints/{tracking}/answer/preview.pdf")
    assert preview.status_code == 200
    assert preview.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(_io(preview.content)).pages)
    assert "آسفالت" in text  # the decision as drafted, not the placeholder
    assert "پیش‌نویس" in text or "پیش" in text
    # The preview numbered and stored nothing.
    assert not [
        x
        for x in cases.case_view(desk.runtime, "test", tracking).letters
        if x["kind"] == "final_answer"
    ]


def _io(data: bytes) -> Any:
    import io

    return io.BytesIO(data)


def test_draft_refusals(desk: DeskUnderTest) -> None:
    tracking = replied_case(desk)
    empty = _post(desk, Role.INSPECTOR, f"/complaints/{tracking}/answer", {"decision": "  "})
    assert empty.status_code == 400
    _beside(empty.text, "answer", "decision")
    assert answer_desk.answer_draft(desk.runtime, "operator", tracking) is None
    waiting = referral(desk).tracking  # no reply yet: nothing to answer
    early = _post(desk, Role.INSPECTOR, f"/complaints/{waiting}/answer", {"decision": DECISION})
    assert early.status_code == 403 or early.status_code == 409
    assert answer_desk.answer_draft(desk.runtime, "operator", waiting) is None
    for role in (Role.SECRETARIAT, Role.ARCHIVIST, Role.ADMIN):
        refused = _post(desk, role, f"/complaints/{tracking}/answer", {"decision": DECISION})
        assert refused.status_code == 403
        assert (
            desk.client(role).get(f"/complaints/{tracking}/answer/preview.pdf").status_code == 403
        )


def test_the_head_signs_with_the_passphrase_typed_and_kept_nowhere(desk: DeskUnderTest) -> None:
    tracking, draft = drafted(desk)
    head = desk.client(Role.HEAD)
    path = f"/complaints/{tracking}/answer/sign"

    wrong = _post(desk, Role.HEAD, path, {"draft": str(draft), "passphrase": "wrong-secret-7"})
    assert wrong.status_code == 400
    assert "گذرواژه" in _beside(wrong.text, "sign", "passphrase")
    assert "wrong-secret-7" not in wrong.text  # what was typed is not sent back
    field = re.search(r'<input type="password" id="sign-passphrase"[^>]*>', wrong.text)
    assert field and "value=" not in field.group(0)
    assert _state(desk, tracking) == "replied"

    # Signing what the head did not see: the draft was written again meanwhile.
    stale = _post(desk, Role.HEAD, path, {"draft": str(draft - 1), "passphrase": PASSPHRASE})
    assert stale.status_code == 409
    _beside(stale.text, "sign", "form")

    for role in (Role.INSPECTOR, Role.SECRETARIAT, Role.ARCHIVIST, Role.ADMIN):
        refused = _post(desk, role, path, {"draft": str(draft), "passphrase": PASSPHRASE})
        assert refused.status_code == 403
    assert _state(desk, tracking) == "replied"

    signed = _post(desk, Role.HEAD, path, {"draft": str(draft), "passphrase": PASSPHRASE})
    assert signed.status_code == 303
    assert _state(desk, tracking) == "answered"
    for cookie in head.cookies.jar:  # the session holds no passphrase
        value = cookie.value or ""
        decoded = base64.urlsafe_b64decode(value.split(".")[0] + "==")
        assert PASSPHRASE.encode() not in decoded and PASSPHRASE not in value
    page = head.get(f"/complaints/{tracking}").text
    assert "امضا، بایگانی و ارسال شد" in page
    answer = cases.case_view(desk.runtime, "test", tracking).answer
    assert answer is not None and answer["decision"] == DECISION
    pdf = head.get(f"/complaints/{tracking}/letters/{answer['id']}/letter.pdf")
    assert pdf.status_code == 200
    check = verify_signed(desk.runtime, pdf.content, path="answer.pdf")
    assert check.record["signed"] and check.record["intact"], check.record
    assert check.record["archive"] == "held"

    again = _post(desk, Role.HEAD, path, {"draft": str(draft), "passphrase": PASSPHRASE})
    assert again.status_code == 409  # answered: nothing to sign
