"""Fixtures for the core: a real Redis server, a tmp data dir with its Settings, a warm browser."""
from __future__ import annotations

import shutil
import subprocess
import time

import pytest
from redis import Redis

from core.settings import Settings
from serve import free_port, wait_redis
from tests.pg_fixtures import stack_database_url


@pytest.fixture(scope="session")
def redis_server():
    """A private redis-server for the whole test session (never the machine's own)."""
    port = free_port()
    proc = subprocess.Popen([shutil.which("redis-server"), "--port", str(port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
    wait_redis(port, proc)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def redis_conn(redis_server):
    conn = Redis.from_url(redis_server)
    conn.flushdb()
    yield conn
    conn.flushdb()


@pytest.fixture
def core_settings(tmp_path, redis_server) -> Settings:
    s = Settings(data_dir=tmp_path / "data", redis_url=redis_server, sandbox=True, lease_s=3,
                 database_url=stack_database_url())
    s.paths.ensure()
    return s


def wait_until(predicate, timeout: float = 30, every: float = 0.2, what: str = "condition"):
    """Poll ``predicate`` until it returns a truthy value (tests only: the thing under test is async)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
