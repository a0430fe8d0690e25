"""The batch page with ``PREFECT_API_URL`` set: «ارسال» takes the lease and starts the batch
as a run of the ``letter-dispatch/residegi`` deployment (``residegi deploy``) on a real
Prefect server, with the batch's id among its parameters, and starts no process beside the
desk.  No worker runs here: what a worker does with the run is what the desk's own child
does (``letter_dispatch`` keeping the lease, tests/test_web_batches.py), and running the
deployments on workers is tests/test_scale_out.py's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from flows import background
from flows.prefect_setup import configure_prefect
from office import batches
from registry import batches as lease
from registry.kinds import Role
from tests.web_samples_batches14 import SECRETARIAT
from tests.web_support import DeskUnderTest, desk_fixture

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("web_batches")]


@pytest.fixture(scope="module")
def prefect_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Prefect API server for the module (Prefect's own start waits for it)."""
    configure_prefect(Path(tmp_path_factory.mktemp("prefect-server")))
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    server.start(timeout=180)
    yield server.api_url
    server.stop()


@pytest.fixture
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeskUnderTest]:
    yield from desk_fixture(tmp_path_factory)


def test_with_a_server_the_batch_goes_to_the_deployment(
    desk: DeskUnderTest, prefect_api: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.deploy import deploy

    monkeypatch.setenv("PREFECT_API_URL", prefect_api)
    with temporary_settings(updates={PREFECT_API_URL: prefect_api}):
        (dispatch, *_) = deploy(desk.runtime.settings, pool="residegi", actor="پیگیری خودکار")
        assert dispatch.name == "letter-dispatch/residegi"
        client = desk.client(Role.SECRETARIAT)
        response = client.post("/batches", data={"csrf_token": desk.token(Role.SECRETARIAT)})
        assert response.status_code == 303
        assert background.CHILDREN == []  # nothing started beside the desk
        (run,) = batches.history(desk.runtime, SECRETARIAT)
        assert run.state == lease.RUNNING and run.pid is None and run.lease == "dispatch"
        page = client.get("/batches").text
        assert "دسته آغاز شد" in page and 'hx-trigger="every 2s"' in page
        with get_client(sync_client=True) as prefect:
            runs = prefect.read_flow_runs(
                deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[dispatch.id]))
            )
    (flow_run,) = runs
    expected = {"actor": "secretariat", "batch_run": run.run_id, "chunk_size": 100, "workers": 2}
    assert flow_run.parameters == expected
