"""Every route the desk defines, for every role and for no login: staff pages answer 303 to
/login without one, 403 to a role their action does not admit, 200 (GET) or 303 (POST) to
one it does.  Routes are discovered from the app, so a new one cannot skip the matrix;
public routes are listed here by name."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute
from starlette.routing import Mount

from registry.kinds import Role
from tests import (
    web_samples_answer14,
    web_samples_approval16,
    web_samples_batches14,
    web_samples_classify16,
    web_samples_dispatchrec16,
    web_samples_replies14,
    web_samples_stats14,
    web_samples_verify16,
    web_samples_web13a,
    web_samples_web13b,
)
from tests.web_support import DeskUnderTest, desk_fixture
from web.desk import needs

pytestmark = pytest.mark.xdist_group("web_roles")

# Routes anyone may call, logged in or not.
PUBLIC: set[tuple[str, str]] = {
    ("GET", "/healthz"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
    ("GET", "/track"),
    ("POST", "/track"),
    ("GET", "/verify/{guid}"),
    ("POST", "/verify/{guid}"),
}
MOUNTS = {"/static", "/fonts"}

# Values for path parameters, by name; a route with a parameter not named here fails the
# test until its value is added.
PathValues = Callable[[DeskUnderTest], dict[str, str]]
PATH_VALUES: dict[str, PathValues] = {}

# A valid submission for each staff POST route, made afresh for each role that may send it:
# the path parameters and the form (and files) that make it succeed with a 303.
Submission = tuple[dict[str, str], dict[str, Any], dict[str, Any] | None]
POST_SAMPLES: dict[str, Callable[[DeskUnderTest], Submission]] = {}

# One case serves every page that names a tracking code: the intake pages' (it has a
# receipt, documents and letters), which the archive pages' dossiers take as well.
PATH_VALUES.update(web_samples_web13b.PATH_VALUES)
PATH_VALUES.update(web_samples_web13a.PATH_VALUES)
PATH_VALUES.update(web_samples_verify16.PATH_VALUES)
POST_SAMPLES.update(web_samples_web13a.POST_SAMPLES)
POST_SAMPLES.update(web_samples_web13b.POST_SAMPLES)
POST_SAMPLES.update(web_samples_replies14.POST_SAMPLES)
PATH_VALUES.update(web_samples_stats14.PATH_VALUES)
POST_SAMPLES.update(web_samples_stats14.POST_SAMPLES)
POST_SAMPLES.update(web_samples_dispatchrec16.POST_SAMPLES)
PATH_VALUES.update(web_samples_approval16.PATH_VALUES)
POST_SAMPLES.update(web_samples_approval16.POST_SAMPLES)
POST_SAMPLES.update(web_samples_classify16.POST_SAMPLES)
POST_SAMPLES.update(web_samples_answer14.POST_SAMPLES)
POST_SAMPLES.update(web_samples_batches14.POST_SAMPLES)


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeskUnderTest]:
    yield from desk_fixture(tmp_path_factory)


def _flattened(routes: list[Any]) -> Iterator[Any]:
    # FastAPI keeps an included router as one entry that holds the router's own routes.
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _flattened(included.routes)
        else:
            yield route


def _routes(desk: DeskUnderTest) -> list[tuple[str, str, APIRoute]]:
    found = []
    for route in _flattened(desk.app.routes):
        if isinstance(route, Mount):
            assert route.path in MOUNTS, f"unexpected mount {route.path}"
            continue
        assert isinstance(route, APIRoute), f"unexpected route {route!r}"
        for method in sorted(route.methods or ()):
            found.append((method, route.path, route))
    return found


def _action(route: APIRoute) -> Any:
    actions = [d.call.action for d in route.dependant.dependencies if isinstance(d.call, needs)]
    return actions[0] if actions else None


def _path(desk: DeskUnderTest, template: str, values: dict[str, str] | None = None) -> str:
    names = [part[1:-1] for part in template.split("/") if part.startswith("{")]
    given = dict(values or {})
    for name in names:
        if name not in given:
            assert name in PATH_VALUES, f"no sample value for path parameter {name!r}"
            given.update(PATH_VALUES[name](desk))
    return template.format(**given)


def test_every_route_is_public_or_guarded_by_an_action(desk: DeskUnderTest) -> None:
    for method, path, route in _routes(desk):
        if (method, path) in PUBLIC:
            assert _action(route) is None, f"{method} {path} is listed public but guarded"
        else:
            assert _action(route) is not None, f"{method} {path} names no action (needs(...))"


def test_openapi_pages_are_off(desk: DeskUnderTest) -> None:
    client = desk.client(None)
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert client.get(path).status_code == 404


def test_staff_routes_without_login_go_to_login(desk: DeskUnderTest) -> None:
    client = desk.client(None)
    token = desk.token(None)
    for method, path, _route in _routes(desk):
        if (method, path) in PUBLIC:
            continue
        url = _path(desk, path)
        if method == "GET":
            response = client.get(url)
        else:
            response = client.request(method, url, data={"csrf_token": token})
        assert response.status_code == 303, f"{method} {path}: {response.status_code}"
        assert response.headers["location"].startswith("/login"), f"{method} {path}"


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_each_role_gets_what_its_actions_allow(desk: DeskUnderTest, role: Role) -> None:
    client = desk.client(role)
    token = desk.token(role)
    for method, path, route in _routes(desk):
        if (method, path) in PUBLIC:
            continue
        action = _action(route)
        allowed = role in action.roles
        if method == "GET":
            response = client.get(_path(desk, path))
            expected = 200 if allowed else 403
        elif not allowed:
            response = client.request(method, _path(desk, path), data={"csrf_token": token})
            expected = 403
        else:
            assert path in POST_SAMPLES, f"no valid sample submission for {method} {path}"
            values, form, files = POST_SAMPLES[path](desk)
            url = _path(desk, path, values)
            response = client.request(method, url, data={**form, "csrf_token": token}, files=files)
            expected = 303
        assert response.status_code == expected, (
            f"{role.value}: {method} {path} -> {response.status_code}, expected {expected}"
        )


def test_a_post_without_the_csrf_token_is_refused(desk: DeskUnderTest) -> None:
    for role in Role:
        client = desk.client(role)
        for method, path, _route in _routes(desk):
            if method != "POST":
                continue
            response = client.post(_path(desk, path), data={})
            assert response.status_code == 403, f"{role.value}: POST {path} without CSRF"
            assert "فرم منقضی" in response.text


def test_a_failure_of_the_system_is_one_persian_sentence(
    desk: DeskUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from fastapi.testclient import TestClient

    from web.routes import work_queue

    def full_disk(*args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(work_queue, "work_queue", full_disk)
    client = TestClient(desk.app, raise_server_exceptions=False, follow_redirects=False)
    with client:
        from tests.web_support import PASSWORD, USERS, log_in

        log_in(client, USERS[Role.INSPECTOR], PASSWORD)
        response = client.get("/")
    assert response.status_code == 503
    assert "Traceback" not in response.text and "OSError" not in response.text
    assert "دیسک" in response.text or "فضا" in response.text
