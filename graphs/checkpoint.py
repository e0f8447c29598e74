"""The LangGraph checkpointer: SQLite by default, Postgres when the URL says so."""
from __future__ import annotations

import sqlite3

from langgraph.checkpoint.base import BaseCheckpointSaver

from core.db import libpq_url
from core.private import private_file
from core.settings import Settings

CHECKPOINT_SETUP_LOCK = 7_243_002
"""Postgres advisory lock key held while the checkpointer's tables are made (core.db.SCHEMA_LOCK + 1)."""


def open_checkpointer(settings: Settings) -> BaseCheckpointSaver:
    target = settings.checkpoint_target
    if target.startswith(("postgres://", "postgresql")):
        from langgraph.checkpoint.postgres import PostgresSaver  # optional extra: .[postgres]
        from psycopg import Connection
        from psycopg.rows import dict_row

        # Opened as PostgresSaver.from_conn_string opens it: autocommit, rows by column name.
        conn = Connection.connect(libpq_url(target), autocommit=True, prepare_threshold=0, row_factory=dict_row)
        saver = PostgresSaver(conn)
        # setup() numbers its migrations by inserting rows: two workers starting on a new database at
        # once would both insert version 0. The lock makes the second wait and then find them done. It is
        # a session lock, not a transaction's: setup() creates indexes CONCURRENTLY, outside any transaction.
        conn.execute("SELECT pg_advisory_lock(%s)", (CHECKPOINT_SETUP_LOCK,))
        try:
            saver.setup()
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (CHECKPOINT_SETUP_LOCK,))
        return saver
    else:
        from langgraph.checkpoint.sqlite import SqliteSaver

        private_file(target)
        conn = sqlite3.connect(target, check_same_thread=False, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        # No fsync per step: a power cut may lose the last checkpoint, which only repeats a node; the
        # ledger in the main database (fully synced) is what keeps a submit from happening twice.
        conn.execute("PRAGMA synchronous=NORMAL")
        saver = SqliteSaver(conn)
    saver.setup()
    return saver
