"""``residegi keys init`` and ``residegi verify``: exit codes, JSON keys, Persian messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive.catalogue import ObjectMeta, put
from generators.keys import load_signing_key
from registry.db import transaction
from registry.settings import load_settings
from tests.cli_support import Cli, isolated_cli
from tests.test_signing import WHEN, appended_update, flipped, make_answer, sign, trial_key


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    runner = isolated_cli(tmp_path, capsys, monkeypatch)
    monkeypatch.setenv("RESIDEGI_SIGNING_KEY_PASSPHRASE", "رمز آزمایشی")
    assert runner("init")[0] == 0
    return runner


def signed_with_office_key(cli: Cli, tmp_path: Path) -> Path:
    """A final answer signed with the key ``keys init`` made, written to a file."""
    settings = load_settings(home=cli.home)
    key = load_signing_key(settings.resolved_signing_key_path, "رمز آزمایشی")
    answer = make_answer()
    path = tmp_path / "answer.pdf"
    path.write_bytes(sign(answer.embedded, key, answer.stamp))
    return path


def archive(cli: Cli, path: Path) -> None:
    from office.runtime import Runtime

    state = Runtime(load_settings(home=cli.home))
    with transaction(state.sessions) as session:
        put(
            session,
            state.store,
            path.read_bytes(),
            ObjectMeta(media_type="application/pdf", kind="final_answer"),
            stored_by="test",
            at=WHEN,
        )


def test_keys_init_says_trial_and_never_overwrites(cli: Cli) -> None:
    code, out, err = cli("keys", "init")
    assert code == 0
    assert "آزمایشی" in err and "مورد اعتماد" in err
    key_path = cli.home / "keys" / "office.p12"
    cert_path = cli.home / "keys" / "office.crt"
    before = (key_path.read_bytes(), cert_path.read_bytes())
    assert oct(key_path.stat().st_mode & 0o777) == "0o600"
    code, out, _ = cli("keys", "init", "--json")
    assert code == 4
    assert json.loads(out)["error"]["code"] == "signing_key_exists"
    assert (key_path.read_bytes(), cert_path.read_bytes()) == before


def test_keys_init_without_a_passphrase_is_refused_and_writes_nothing(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RESIDEGI_SIGNING_KEY_PASSPHRASE")
    code, out, _ = cli("keys", "init", "--json")
    assert code == 2
    assert json.loads(out)["error"]["code"] == "signing_passphrase_required"
    assert not (cli.home / "keys" / "office.p12").exists()


def test_keys_init_refuses_a_mixed_name_and_writes_nothing(cli: Cli) -> None:
    code, out, _ = cli("keys", "init", "--name", "دفتر بازرسی (TEST)", "--json")
    assert code == 2
    assert json.loads(out)["error"]["code"] == "certificate_name_invalid"
    assert not (cli.home / "keys" / "office.p12").exists()


def test_verify_trial_signature_held_by_the_archive(cli: Cli, tmp_path: Path) -> None:
    assert cli("keys", "init")[0] == 0
    path = signed_with_office_key(cli, tmp_path)
    code, out, _ = cli("verify", str(path), "--json")
    report = json.loads(out)
    assert code == 5 and report["error"]["code"] == "signature_not_in_archive"
    assert report["trust"] == "trial_untrusted" and report["intact"] is True
    archive(cli, path)
    code, out, _ = cli("verify", str(path), "--json")
    report = json.loads(out)
    assert code == 0, report
    assert "error" not in report and report["problems"] == []
    assert report["archive"] == "held" and report["archive_records"][0]["kind"] == "final_answer"
    assert report["signing_time"] == WHEN.isoformat()
    assert report["coverage"] == "entire_file" and report["pdfa"] == "3U"
    code, out, _ = cli("verify", str(path))
    assert code == 0 and "آزمایشی" in out


def test_verify_flipped_byte_and_appended_update_exit_5(cli: Cli, tmp_path: Path) -> None:
    assert cli("keys", "init")[0] == 0
    path = signed_with_office_key(cli, tmp_path)
    archive(cli, path)
    data = path.read_bytes()
    bad = tmp_path / "flipped.pdf"
    bad.write_bytes(flipped(data, len(data) // 3))
    code, out, _ = cli("verify", str(bad), "--json")
    assert code == 5
    assert json.loads(out)["error"]["code"] in {"signature_invalid", "pdf_unreadable"}
    later = tmp_path / "appended.pdf"
    later.write_bytes(appended_update(data))
    code, out, err = cli("verify", str(later))
    assert code == 5
    assert "افزوده شده" in err


def test_verify_foreign_self_signed_key_is_untrusted(cli: Cli, tmp_path: Path) -> None:
    assert cli("keys", "init")[0] == 0
    answer = make_answer()
    path = tmp_path / "foreign.pdf"
    path.write_bytes(sign(answer.embedded, trial_key(), answer.stamp))
    archive(cli, path)
    code, out, _ = cli("verify", str(path), "--json")
    assert code == 5
    report = json.loads(out)
    assert report["trust"] == "untrusted" and report["error"]["code"] == "signature_untrusted"


def test_verify_missing_file_exits_3(cli: Cli, tmp_path: Path) -> None:
    code, out, _ = cli("verify", str(tmp_path / "none.pdf"), "--json")
    assert code == 3 and json.loads(out)["error"]["code"] == "file_not_found"


def test_verify_without_a_data_folder_says_not_in_the_archive(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answer = make_answer()
    path = tmp_path / "answer.pdf"
    path.write_bytes(answer.signed)
    runner = Cli(tmp_path / "nowhere", capsys)
    code, out, _ = runner("verify", str(path), "--json")
    assert code == 5
    assert json.loads(out)["archive"] == "absent"
    assert not (tmp_path / "nowhere").exists()  # looking never creates a data folder
