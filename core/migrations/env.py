"""Alembic's entry: runs on the connection core.db hands it, or on the URL of the settings (CLI use)."""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from core.db import import_models, sqlalchemy_url
from core.models import Base

import_models()
config = context.config


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    from core.settings import Settings

    url = config.get_main_option("sqlalchemy.url") or Settings().db_url
    with create_engine(sqlalchemy_url(url)).connect() as conn:
        _migrate(conn)
        conn.commit()


def _migrate(connection) -> None:
    # Batch mode: SQLite alters a table by copying it, which a column change on SQLite needs.
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                      compare_type=True, render_item=_import_own_types)
    with context.begin_transaction():
        context.run_migrations()


def _import_own_types(kind: str, obj, autogen_context):
    """A revision that names the project's own column types (``core.models.UTCDateTime()``) imports them."""
    module = type(obj).__module__
    if kind == "type" and not module.startswith("sqlalchemy"):
        autogen_context.imports.add(f"import {module}")
    return False  # rendered as usual


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported: run against a database")
run()
