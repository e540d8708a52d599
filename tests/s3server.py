"""A local S3 server for the remote-input tests: moto's server mode on a free localhost port, no network.

``s3_server`` (session scope) starts it once and yields an :class:`S3`: the endpoint, the fsspec storage
options that reach it, and helpers to upload a local tree. Credentials are dummies set in the environment
for the session (botocore wants some), so no real AWS configuration is read. Skipped when moto or s3fs is
not installed (``pip install 'newsdedup[test]'``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}


@dataclass(frozen=True)
class S3:
    endpoint: str  # http://127.0.0.1:<port>
    client: Any  # a boto3 S3 client on the server

    @property
    def options(self) -> dict[str, Any]:
        """input.storage_options for s3fs to reach the server."""
        return {"endpoint_url": self.endpoint, "key": "testing", "secret": "testing"}

    def bucket(self, name: str) -> str:
        """Create a bucket (if new); returns its name."""
        existing = {b["Name"] for b in self.client.list_buckets().get("Buckets", [])}
        if name not in existing:
            self.client.create_bucket(Bucket=name)
        return name

    def put(self, bucket: str, key: str, data: bytes, *, public: bool = False) -> None:
        """Upload one object; ``public``: readable without credentials (at its plain http URL)."""
        extra = {"ACL": "public-read"} if public else {}
        self.client.put_object(Bucket=bucket, Key=key, Body=data, **extra)

    def upload_tree(self, local: Path, bucket: str, prefix: str) -> None:
        """Every file under ``local`` to ``s3://bucket/prefix/<relative path>``."""
        for path in sorted(local.rglob("*")):
            if path.is_file():
                self.put(bucket, f"{prefix}/{path.relative_to(local).as_posix()}", path.read_bytes())


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3]:
    pytest.importorskip("s3fs")
    boto3 = pytest.importorskip("boto3")
    server_mod = pytest.importorskip("moto.server")
    with pytest.MonkeyPatch.context() as mp:
        for k, v in _ENV.items():
            mp.setenv(k, v)
        server = server_mod.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        try:
            host, port = server.get_host_and_port()
            endpoint = f"http://{host}:{port}"
            client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
            yield S3(endpoint, client)
        finally:
            server.stop()
