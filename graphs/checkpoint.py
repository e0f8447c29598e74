"""The LangGraph checkpointer: SQLite by default, Postgres when the URL says so."""
from __future__ import annotations

import sqlite3
import time

from langgraph.checkpoint.base import BaseCheckpointSaver

from core.db import libpq_url
from core.private import private_file
from core.settings import Settings

CHECKPOINT_SETUP_LOCK = 7_243_002
"""Postgres advisory lock key held while the checkpointer's tables are made (core.db.SCHEMA_LOCK + 1)."""


def _take_setup_lock(conn) -> None:
    # Tried, never waited for inside a statement: a statement waiting on the lock holds a snapshot, and
    # CREATE INDEX CONCURRENTLY in the holder's setup() waits for every older snapshot in the database,
    # so the holder waited for the waiter and the waiter for the holder (two workers starting on a new
    # database froze until one was killed: docs/benchmarks.md, load_bench on Postgres).
    while not conn.execute("SELECT pg_try_advisory_lock(%s) AS taken", (CHECKPOINT_SETUP_LOCK,)).fetchone()["taken"]:
        time.sleep(0.1)


def open_checkpointer(settings: Settings) -> BaseCheckpointSaver:
    target = settings.checkpoint_target
    if target.startswith(("postgres://", "postgresql")):
        from langgraph.checkpoint.postgres import PostgresSaver  # optional extra: .[postgres]
        from psycopg.rows import dict_row
        from psycopg_pool import ConnectionPool

        # A small pool, each connection opened as PostgresSaver.from_conn_string opens its one (autocommit,
        # rows by column name), checked before use: after a Postgres restart or a dropped connection the
        # next step gets a fresh one instead of failing every later run of this worker.
        pool = ConnectionPool(libpq_url(target), min_size=1, max_size=4, check=ConnectionPool.check_connection,
                              kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row},
                              name="checkpoints", open=True)
        saver = PostgresSaver(pool)
        # setup() numbers its migrations by inserting rows: two workers starting on a new database at
        # once would both insert version 0. The lock makes the second wait and then find them done. It is
        # a session lock, not a transaction's: setup() creates indexes CONCURRENTLY, outside any transaction.
        with pool.connection() as conn:
            _take_setup_lock(conn)
            try:
                saver.setup()  # on another of the pool's connections
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
