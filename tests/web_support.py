"""The desk under test: one data folder per module with a user per role, and clients
logged in as each (FastAPI's TestClient: the app in-process, over real HTTP semantics)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from office.runtime import Runtime
from office.setup import initialise
from office.users import add_user
from registry.kinds import Role
from registry.settings import Settings
from web.app import create_app

PASSWORD = "a-test-password-1405"
OFFICE = {"signatory_name": "محمد احمدی", "phone": "02833330000"}
# One user per role, named after it (the role matrix logs in as each).
USERS: dict[Role, str] = {role: role.value for role in Role}
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token a page carries in its forms."""
    match = _CSRF.search(html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


@dataclass
class DeskUnderTest:
    """A desk over its own data folder, with a logged-in client per role."""

    home: Path
    runtime: Runtime
    app: FastAPI
    clients: dict[Role | None, TestClient] = field(default_factory=dict)

    def client(self, role: Role | None) -> TestClient:
        """A client logged in with ``role`` (None: not logged in), made once."""
        if role not in self.clients:
            client = TestClient(self.app, follow_redirects=False)
            client.__enter__()
            if role is not None:
                log_in(client, USERS[role], PASSWORD)
            self.clients[role] = client
        return self.clients[role]

    def token(self, role: Role | None) -> str:
        """A CSRF token valid for ``role``'s session."""
        return csrf_of(self.client(role).get("/login").text)

    def close(self) -> None:
        for client in self.clients.values():
            client.__exit__(None, None, None)
        self.runtime.close()


def log_in(client: TestClient, username: str, password: str) -> None:
    """Log ``client`` in through the login form, as a browser does."""
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )
    assert response.status_code == 303, response.text


def make_desk(
    home: Path, database_url: str | None = None, office: dict[str, Any] | None = None
) -> DeskUnderTest:
    """A fresh data folder with the sample agencies, holidays and one user per role
    (``office``: the office profile, default ``OFFICE``)."""
    settings = Settings(home=home, database_url=database_url, office=office or OFFICE)
    runtime = Runtime(settings)
    initialise(runtime, sample=True, actor="tester")
    for role, username in USERS.items():
        add_user(
            runtime,
            "tester",
            username,
            full_name=f"کاربر {role.label_fa}",
            roles=frozenset({role}),
            password=PASSWORD,
        )
    return DeskUnderTest(home, runtime, create_app(settings, runtime=runtime))


def desk_fixture(tmp_path_factory: object) -> Iterator[DeskUnderTest]:
    """Body of a module-scoped ``desk`` fixture."""
    home = tmp_path_factory.mktemp("desk")  # type: ignore[attr-defined]
    the_desk = make_desk(home)
    yield the_desk
    the_desk.close()
