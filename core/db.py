"""Engine and session factory. SQLite by default (WAL, so the API, workers and schedulers share it), or
Postgres by URL. The schema is Alembic's (core/migrations, docs/database.md)."""
from __future__ import annotations

import fcntl
import importlib
import time
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from core.private import private_file

MODEL_MODULES = ("core.models", "core.idempotency", "knowledge.models", "books.models", "planning.models",
                 "core.inbox", "metrics.models", "butler.models", "health.models", "errands.models",
                 "core.invites")
"""Every module that declares tables: all are created together. Adding tables: one line here."""


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    url = sqlalchemy_url(url)
    if url.startswith("sqlite"):
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            private_file(url.removeprefix("sqlite:///"))
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    import_models()
    create_schema(engine)
    return engine


def import_models() -> None:
    for module in MODEL_MODULES:
        importlib.import_module(module)


def sqlalchemy_url(url: str) -> str:
    """A plain postgres:// URL (as libpq and the checkpointer take it) names psycopg 3 for SQLAlchemy,
    whose default Postgres driver (psycopg2) the project does not install."""
    for plain in ("postgres://", "postgresql://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url.removeprefix(plain)
    return url


def libpq_url(url: str) -> str:
    """The same database as a libpq URL (psycopg.connect, the LangGraph checkpointer)."""
    return "postgresql://" + url.split("://", 1)[1]


MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SCHEMA_LOCK = 7_243_001
"""Postgres advisory lock key held while the schema is upgraded (any number no other code uses)."""


def alembic_config(connection=None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def create_schema(engine: Engine, tries: int = 5) -> None:
    """The database brought to the newest migration (``alembic upgrade head``), also when several
    processes start on it at once.

    A new database gets every table from the migrations; one from a release before migrations (tables,
    no ``alembic_version``) gets what it lacks from the baseline revision, then the later revisions. The
    web, the scheduler and the workers each call this at start, so it is serialized: on Postgres by an
    advisory lock held for the upgrade's transaction, on SQLite by a lock file beside the database. If a
    process still loses a race ("already exists"), it only has to look again: the winner's tables are
    there by then.
    """
    for attempt in range(tries):
        try:
            with _schema_lock(engine), engine.begin() as conn:
                if engine.dialect.name == "postgresql":
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK})")
                command.upgrade(alembic_config(conn), "head")
            return
        except DBAPIError as e:
            if attempt == tries - 1 or not _lost_a_race(e):
                raise
            time.sleep(0.1 * (attempt + 1))


@contextmanager
def _schema_lock(engine: Engine) -> Iterator[None]:
    """SQLite: an exclusive lock on ``<db>.lock`` (never on the database file itself: closing another
    descriptor of it would drop SQLite's own POSIX locks in this process)."""
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if not path or path == ":memory:":
        yield
        return
    with open(private_file(f"{path}.lock"), "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _lost_a_race(e: DBAPIError) -> bool:
    text_ = str(e.orig).lower()
    return "already exists" in text_ or "duplicate" in text_ or "unique constraint" in text_


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def session_factory(url: str) -> sessionmaker[Session]:
    return sessionmaker(engine_for(url), expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error: nothing is half-saved."""
    with factory() as s:
        with s.begin():
            yield s
