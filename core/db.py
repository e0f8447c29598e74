"""Engine and session factory. SQLite by default (WAL, so the API, workers and schedulers share it)."""
from __future__ import annotations

import importlib
import time
from contextlib import contextmanager
from functools import lru_cache
from typing import Iterator

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from core.models import Base
from core.private import private_file

MODEL_MODULES = ("core.models", "core.idempotency", "knowledge.models", "books.models", "planning.models",
                 "core.inbox", "errands.models")
"""Every module that declares tables: all are created together. Adding tables: one line here."""


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    if url.startswith("sqlite"):
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            private_file(url.removeprefix("sqlite:///"))
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    for module in MODEL_MODULES:
        importlib.import_module(module)
    create_schema(engine)
    return engine


def create_schema(engine: Engine, tries: int = 5) -> None:
    """Missing tables and columns made, also when several processes start on a new database at once.

    The web, the scheduler and the workers each call this at start; on an empty database two of them
    may both see a table missing and both create it, and the second fails with "already exists". The
    loser only has to look again: the winner's tables are there by then.
    """
    for attempt in range(tries):
        try:
            Base.metadata.create_all(engine)
            add_missing_columns(engine)
            return
        except DBAPIError as e:
            if attempt == tries - 1 or not _lost_a_race(e):
                raise
            time.sleep(0.1 * (attempt + 1))


def _lost_a_race(e: DBAPIError) -> bool:
    text_ = str(e.orig).lower()
    return "already exists" in text_ or "duplicate" in text_


def add_missing_columns(engine: Engine) -> None:
    """The one schema upgrade the project does: a column added to a model is added to an existing table.

    ``create_all`` makes missing tables only, so a data dir from an earlier version would fail on the
    first query that names a new column. New columns must therefore be nullable or carry a scalar
    default (written as the column's SQL default); anything else (a renamed or retyped column) needs a
    written migration.
    """
    existing = inspect(engine)
    tables = set(existing.get_table_names())
    with engine.begin() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name not in tables:
                continue
            have = {c["name"] for c in existing.get_columns(table.name)}
            for column in table.columns:
                if column.name in have:
                    continue
                kind = column.type.compile(dialect=engine.dialect)
                default = column.default.arg if column.default is not None and column.default.is_scalar else None
                sql = f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}'
                if default is not None:
                    sql += f" DEFAULT {_literal(default)}"
                conn.execute(text(sql))


def _literal(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


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
