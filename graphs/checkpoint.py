"""The LangGraph checkpointer: SQLite by default, Postgres when the URL says so."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from langgraph.checkpoint.base import BaseCheckpointSaver

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

        Path(target).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(target, check_same_thread=False, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        saver = SqliteSaver(conn)
    saver.setup()
    return saver
