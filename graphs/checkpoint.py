"""The LangGraph checkpointer: SQLite by default, Postgres when the URL says so."""
from __future__ import annotations

import sqlite3

from langgraph.checkpoint.base import BaseCheckpointSaver

from core.private import private_file
from core.settings import Settings


def open_checkpointer(settings: Settings) -> BaseCheckpointSaver:
    target = settings.checkpoint_target
    if target.startswith(("postgres://", "postgresql://")):
        from langgraph.checkpoint.postgres import PostgresSaver  # optional extra: .[postgres]
        from psycopg import Connection

        conn = Connection.connect(target, autocommit=True, prepare_threshold=0)
        saver = PostgresSaver(conn)
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
