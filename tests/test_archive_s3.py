"""The archive store on a real S3 server (moto in server mode, shared by the module): the
storage itself refuses an overwrite (conditional PUT, ``If-None-Match: *``)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import s3fs
from botocore.exceptions import ClientError

from archive.errors import NotLocalStore, ObjectAltered, ObjectMissing
from archive.store import ArchiveStore, sha256_of
from tests.servers import moto_s3

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def aws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    with moto_s3(tmp_path_factory.mktemp("moto")) as env, pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        yield env
        s3fs.S3FileSystem.clear_instance_cache()


@pytest.fixture
def client(aws: dict[str, str]) -> Any:
    return boto3.client("s3", endpoint_url=aws["AWS_ENDPOINT_URL"])


@pytest.fixture
def bucket(client: Any) -> str:
    """A versioned bucket of its own: every write, even a refused one, would show as a
    version."""
    name = f"archive-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    client.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return name


@pytest.fixture
def store(bucket: str) -> ArchiveStore:
    return ArchiveStore(f"s3://{bucket}/residegi")


def versions(client: Any, bucket: str) -> list[tuple[str, str]]:
    """(key, version id) of every version in the bucket, temporary names included."""
    found = client.list_object_versions(Bucket=bucket).get("Versions", [])
    return sorted((v["Key"], v["VersionId"]) for v in found)


def test_moto_refuses_a_conditional_put_onto_an_existing_key(client: Any, bucket: str) -> None:
    """What the store relies on, checked on the server itself (moto 5.2 implements it)."""
    client.put_object(Bucket=bucket, Key="k", Body=b"first", IfNoneMatch="*")
    with pytest.raises(ClientError) as refused:
        client.put_object(Bucket=bucket, Key="k", Body=b"second", IfNoneMatch="*")
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412
    assert client.get_object(Bucket=bucket, Key="k")["Body"].read() == b"first"
    assert len(versions(client, bucket)) == 1


def test_round_trip_one_put_per_object_and_no_temporary_names(
    store: ArchiveStore, client: Any, bucket: str
) -> None:
    data = b"%PDF-1.7 letter"
    sha = store.put_bytes(data)
    assert sha == sha256_of(data)
    assert store.put_bytes(data) == sha  # again: refused by the server, left as it is
    assert store.get(sha) == data and store.exists(sha)
    assert store.url_of(sha) == f"s3://{bucket}/residegi/sha256/{sha[:2]}/{sha[2:4]}/{sha}"
    (key, _), *others = versions(client, bucket)
    assert (key, others) == (f"residegi/sha256/{sha[:2]}/{sha[2:4]}/{sha}", [])
    with pytest.raises(NotLocalStore):
        store.path_of(sha)


def test_writers_racing_on_one_object_leave_one_version(
    store: ArchiveStore, client: Any, bucket: str
) -> None:
    data = b"same bytes from eight writers" * 100
    start = threading.Barrier(8)
    names: list[str] = []

    def write() -> None:
        start.wait(timeout=30)
        names.append(ArchiveStore(store.url).put_bytes(data))

    threads = [threading.Thread(target=write) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert names == [sha256_of(data)] * 8
    assert len(versions(client, bucket)) == 1


def test_an_object_of_another_size_is_reported_never_rewritten(
    store: ArchiveStore, client: Any, bucket: str
) -> None:
    data = b"the archived record"
    sha = sha256_of(data)
    key = f"residegi/sha256/{sha[:2]}/{sha[2:4]}/{sha}"
    client.put_object(Bucket=bucket, Key=key, Body=b"damaged")
    with pytest.raises(ObjectAltered):
        store.put_bytes(data)
    with pytest.raises(ObjectAltered):
        store.get(sha)
    assert client.get_object(Bucket=bucket, Key=key)["Body"].read() == b"damaged"
    assert len(versions(client, bucket)) == 1


def test_missing_object_and_listing_sees_another_writers_objects(
    store: ArchiveStore, bucket: str
) -> None:
    with pytest.raises(ObjectMissing):
        store.get("0" * 64)
    assert list(store.iter_objects()) == []
    # Another machine's store writes; this one lists afresh (no listing cache).
    names = {ArchiveStore(store.url).put_bytes(f"doc {n}".encode()) for n in range(12)}
    assert list(store.iter_objects()) == sorted(names)


def test_archive_url_from_the_settings_reaches_s3(bucket: str, tmp_path: Path) -> None:
    from office.runtime import Runtime
    from registry.settings import Settings

    runtime = Runtime(Settings(home=tmp_path, archive_url=f"s3://{bucket}/x"))
    sha = runtime.store.put_bytes(b"through the settings")
    assert not runtime.store.is_local
    assert ArchiveStore(f"s3://{bucket}/x").get(sha) == b"through the settings"
