"""Staff users: the `user` commands, argon2 hashes, the roles office enforces for the
command line and the desk alike, and the slowing of password guessers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from office import complaints as office_complaints
from office.access import Action, Forbidden, Staff, may, require
from office.runtime import Runtime
from office.users import LoginThrottled, add_user, disable_user, log_in, staff_for
from registry.clock import Clock
from registry.errors import InvalidInput, Refused
from registry.kinds import Role
from registry.models import StaffUser
from registry.settings import Settings
from registry.users import Throttle
from tests.cli_support import Cli

PASSWORD = "correct horse battery"


def _password_file(tmp_path: Path, text: str = PASSWORD) -> Path:
    path = tmp_path / "password.txt"
    path.write_text(text + "\n", encoding="utf-8")
    return path


def test_user_add_list_disable(cli: Cli, tmp_path: Path) -> None:
    password = str(_password_file(tmp_path))
    code, out, err = cli(
        "user", "add", "Sara", "--role", "secretariat", "--role", "inspector",
        "--full-name", "سارا احمدی", "--password-file", password,
    )  # fmt: skip
    assert code == 0, (out, err)
    assert "sara" in out
    users = cli.json("user", "list")
    assert users == [
        {
            "username": "sara",
            "full_name": "سارا احمدی",
            "roles": ["inspector", "secretariat"],
            "active": True,
            "clearance": "normal",
        }
    ]
    assert cli.json("user", "disable", "sara")["active"] is False
    assert cli.json("user", "list")[0]["active"] is False


def test_the_password_is_stored_as_an_argon2_hash(cli: Cli, tmp_path: Path) -> None:
    cli("user", "add", "sara", "--role", "head", "--password-file", str(_password_file(tmp_path)))
    runtime = Runtime(Settings(home=cli.home))
    with runtime.sessions() as session:
        stored = session.scalar(select(StaffUser.password_hash))
    runtime.close()
    assert stored is not None and stored.startswith("$argon2id$")
    assert PASSWORD not in stored


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["--role", "boss"], 2, "boss"),
        (["--role", "head", "--password-file", "SHORT"], 2, "دست‌کم"),
    ],
)
def test_user_add_refusals(
    cli: Cli, tmp_path: Path, args: list[str], code: int, words: str
) -> None:
    args = [str(_password_file(tmp_path, "short")) if a == "SHORT" else a for a in args]
    if "--password-file" not in args:
        args += ["--password-file", str(_password_file(tmp_path))]
    result, out, err = cli("user", "add", "sara", *args)
    assert result == code
    assert words in out + err
    assert cli.json("user", "list") == []


def test_a_taken_name_and_a_malformed_name_are_refused(cli: Cli, tmp_path: Path) -> None:
    password = str(_password_file(tmp_path))
    assert cli("user", "add", "sara", "--role", "head", "--password-file", password)[0] == 0
    assert cli("user", "add", "SARA", "--role", "head", "--password-file", password)[0] == 4
    assert cli("user", "add", "سارا", "--role", "head", "--password-file", password)[0] == 2


def _runtime(tmp_path: Path, at: dt.datetime) -> Runtime:
    from office.setup import initialise

    runtime = Runtime(Settings(home=tmp_path / "home"), fixed_clock=Clock(fixed_now=at))
    initialise(runtime, sample=False, actor="op")
    return runtime


NOW = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)


def test_log_in_checks_the_password_and_a_disabled_user_is_out(tmp_path: Path) -> None:
    runtime = _runtime(tmp_path, NOW)
    add_user(
        runtime, "op", "sara", full_name="سارا", roles=frozenset({Role.HEAD}), password=PASSWORD
    )
    staff = log_in(runtime, "Sara", PASSWORD, address="10.0.0.1")
    assert staff == Staff("sara", "سارا", frozenset({Role.HEAD}))
    with pytest.raises(InvalidInput):
        log_in(runtime, "sara", "wrong password!", address="10.0.0.1")
    with pytest.raises(InvalidInput):
        log_in(runtime, "nobody", PASSWORD, address="10.0.0.1")
    disable_user(runtime, "op", "sara")
    assert staff_for(runtime, "sara") is None
    with pytest.raises(InvalidInput):
        log_in(runtime, "sara", PASSWORD, address="10.0.0.1")
    runtime.close()


def test_failed_logins_slow_the_user_and_the_address(tmp_path: Path) -> None:
    runtime = _runtime(tmp_path, NOW)
    add_user(
        runtime, "op", "sara", full_name="سارا", roles=frozenset({Role.HEAD}), password=PASSWORD
    )
    throttle = Throttle(free=3)
    for _ in range(3):
        with pytest.raises(InvalidInput):
            log_in(runtime, "sara", "wrong password!", address="10.0.0.9", throttle=throttle)
    # Now even the right password waits, from that address or any other.
    with pytest.raises(LoginThrottled) as refused:
        log_in(runtime, "sara", PASSWORD, address="10.0.0.8", throttle=throttle)
    assert refused.value.params["seconds"] == 15
    # And the address waits for any user name.
    with pytest.raises(LoginThrottled):
        log_in(runtime, "ali", PASSWORD, address="10.0.0.9", throttle=throttle)
    later = Runtime(runtime.settings, fixed_clock=Clock(fixed_now=NOW + dt.timedelta(seconds=16)))
    assert log_in(later, "sara", PASSWORD, address="10.0.0.8", throttle=throttle).username == "sara"
    runtime.close()
    later.close()


def test_office_enforces_roles_for_every_shell(tmp_path: Path) -> None:
    archivist = Staff("bayegan", "بایگان", frozenset({Role.ARCHIVIST}))
    assert not may(archivist, Action.REGISTER)
    assert may(archivist, Action.DOSSIER)
    assert may("operator", Action.MANAGE_USERS)  # the machine's operator holds every role
    with pytest.raises(Forbidden) as refused:
        require(archivist, Action.REVIEW)
    assert refused.value.code == "role_required"
    runtime = _runtime(tmp_path, NOW)
    with pytest.raises(Forbidden):
        office_complaints.withdraw(runtime, archivist, "7605-0950-0072", reason="x")
    with pytest.raises(Forbidden):
        add_user(
            runtime,
            archivist,
            "x1",
            full_name="x",
            roles=frozenset({Role.ADMIN}),
            password=PASSWORD,
        )
    runtime.close()


def test_the_cli_can_act_as_a_registered_user(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    password = str(_password_file(tmp_path))
    cli("user", "add", "bayegan", "--role", "archivist", "--password-file", password)
    monkeypatch.setenv("RESIDEGI_CLI_ACTS_AS_USER", "true")
    code, out, err = cli("holiday", "add", "1405/10/01", "روز آزمون", "--as", "bayegan")
    assert code == 4
    assert "مدیر سامانه" in out + err
    assert cli("holiday", "add", "1405/10/01", "روز آزمون", "--as", "nobody")[0] == 3


def test_an_admin_cannot_disable_themselves(tmp_path: Path) -> None:
    runtime = _runtime(tmp_path, NOW)
    add_user(
        runtime, "op", "boss", full_name="مدیر", roles=frozenset({Role.ADMIN}), password=PASSWORD
    )
    boss = staff_for(runtime, "boss")
    assert boss is not None
    with pytest.raises(Refused):
        disable_user(runtime, boss, "boss")
    runtime.close()
