"""A throwaway Postgres cluster (Debian's postgresql) for the tests, and a fresh database per stack or test.

``OPC_TEST_DB=postgres`` makes the database-touching fixtures (core_settings, the web and stack fixtures) use
a new database on this cluster instead of SQLite in the data dir. Tests that are about Postgres itself ask
for the ``postgres`` fixture and run on it whatever ``OPC_TEST_DB`` says.

The cluster lives in a temp dir, listens on a free loopback port only, trusts local connections (nothing
else can reach it) and skips fsync: it holds test data for one test session. Postgres refuses to run as
root, so under root (CI, the dev box) its processes run as Debian's ``postgres`` system user.
"""
from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest

from serve import free_port, wait_port

USER = "opc"


def backend() -> str:
    """The database the DB-touching suites run on: 'sqlite' (default) or 'postgres'."""
    value = os.environ.get("OPC_TEST_DB", "sqlite").lower()
    if value not in ("sqlite", "postgres"):
        raise pytest.UsageError(f"OPC_TEST_DB must be sqlite or postgres, not {value!r}")
    return value


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError("Postgres is not installed: run scripts/setup.sh (apt-get install postgresql)")
    return found[-1]  # the newest installed major version


class Cluster:
    def __init__(self):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="opc-pg-"))
        self.data = self.dir / "data"
        self._names = itertools.count(1)
        self._as = []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            self._as = ["runuser", "-u", "postgres", "--"]

    def _run(self, *cmd: str) -> None:
        subprocess.run([*self._as, *cmd], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       cwd=self.dir)

    def start(self) -> "Cluster":
        self._run(_bin("initdb"), "-D", str(self.data), "-U", USER, "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        opts = (f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.dir} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300")
        self._run(_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "postgres.log"), "-o", opts,
                  "-w", "start")
        wait_port(self.port)
        return self

    def restart(self) -> None:
        """As an administrator restarts it (``pg_ctl restart -m fast``): every connection is cut, nothing
        committed is lost (the cluster runs without fsync, so a crash-like stop could lose commits)."""
        self._run(_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "postgres.log"), "-m", "fast", "-w",
                  "restart")

    def stop(self) -> None:
        try:
            self._run(_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, database: str = "postgres", driver: str = "postgresql+psycopg") -> str:
        return f"{driver}://{USER}@127.0.0.1:{self.port}/{database}"

    def new_database(self, prefix: str = "t") -> str:
        """A new empty database's SQLAlchemy URL (postgresql+psycopg://...)."""
        name = f"{prefix}_{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url(driver="postgresql"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


_cluster: Cluster | None = None


def cluster() -> Cluster:
    """The test session's cluster, started on first use (each xdist worker process has its own)."""
    global _cluster
    if _cluster is None:
        _cluster = Cluster().start()
    return _cluster


def stop_cluster() -> None:
    global _cluster
    if _cluster is not None:
        _cluster.stop()
        _cluster = None


def stack_database_url(prefix: str = "t") -> str | None:
    """The database URL a test's stack uses: None (SQLite in its data dir) or a new Postgres database."""
    return cluster().new_database(prefix) if backend() == "postgres" else None


def database_env(url: str | None) -> dict:
    """The environment a stack's processes need to share that database (the checkpointer follows it)."""
    return {"OPC_DATABASE_URL": url} if url else {}


@pytest.fixture(scope="session", autouse=True)
def _cluster_stopped_at_the_end():
    yield
    stop_cluster()


@pytest.fixture(scope="session")
def postgres():
    """The session's Postgres cluster, whatever OPC_TEST_DB says (for tests about Postgres itself)."""
    return cluster()


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database(request, tmp_path) -> str:
    """A new empty database's URL, once on SQLite and once on Postgres (tests that must hold on both)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'opc.db'}"
    return cluster().new_database()
