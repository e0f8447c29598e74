"""A local S3-compatible server (moto's, as its own process on a free port) and a fresh bucket per test."""
from __future__ import annotations

import itertools
import subprocess
import sys
from dataclasses import dataclass

import boto3
import pytest

from serve import free_port, wait_port

KEY_ID, SECRET = "test-key-id", "test-secret-key"
"""moto takes any credentials; they reach the services as OPC_STORAGE_* like a real deployment's."""
REGION = "cn-north-1"
_buckets = itertools.count()


@dataclass
class Bucket:
    endpoint: str
    name: str
    prefix: str = "opc"

    @property
    def url(self) -> str:
        return f"s3://{self.name}/{self.prefix}?endpoint={self.endpoint}&region={REGION}"

    @property
    def env(self) -> dict[str, str]:
        """What a process (web, worker) is told to use this bucket."""
        return {"OPC_STORAGE_URL": self.url, "OPC_STORAGE_ACCESS_KEY_ID": KEY_ID,
                "OPC_STORAGE_SECRET_ACCESS_KEY": SECRET}

    @property
    def client(self):
        return boto3.client("s3", endpoint_url=self.endpoint, region_name=REGION, aws_access_key_id=KEY_ID,
                            aws_secret_access_key=SECRET)

    def keys(self, under: str = "") -> list[str]:
        """Every object's key below the prefix (``artifacts/…``, ``sessions/…``)."""
        found = self.client.list_objects_v2(Bucket=self.name, Prefix=f"{self.prefix}/{under}").get("Contents", [])
        return sorted(o["Key"][len(self.prefix) + 1:] for o in found)

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=f"{self.prefix}/{key}")["Body"].read()


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server in its own process (the stack's web and workers reach it over HTTP, as a real store)."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(port)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)


def new_bucket(endpoint: str) -> Bucket:
    b = Bucket(endpoint, f"opc-test-{next(_buckets)}")
    b.client.create_bucket(Bucket=b.name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return b


@pytest.fixture
def bucket(s3_server) -> Bucket:
    return new_bucket(s3_server)
