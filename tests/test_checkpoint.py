"""A run paused at its approval card resumes from the checkpoint, on SQLite and on the Postgres checkpointer.

The resume happens on a second checkpointer connection, as it does when another worker process (or host)
picks up the owner's decision.
"""
from __future__ import annotations

from typing import TypedDict

import psycopg
from langgraph.graph import END, START, StateGraph
from langgraph.types import Command, interrupt

from core.db import libpq_url
from core.settings import Settings
from graphs.checkpoint import open_checkpointer
from tests.core_fixtures import wait_until


class State(TypedDict, total=False):
    title: str
    decision: dict
    submitted: str


def _graph(saver, pressed: list):
    def approve(state: State) -> State:
        return {"decision": interrupt({"kind": "approval", "fields": {"title": state["title"]}})}

    def submit(state: State) -> State:
        pressed.append(state["decision"]["title"])
        return {"submitted": state["decision"]["title"]}

    g = StateGraph(State)
    g.add_node("approve", approve)
    g.add_node("submit", submit)
    g.add_edge(START, "approve")
    g.add_edge("approve", "submit")
    g.add_edge("submit", END)
    return g.compile(checkpointer=saver)


def test_a_paused_run_resumes_with_the_owners_edit_on_another_connection(empty_database, tmp_path):
    settings = Settings(data_dir=tmp_path, database_url=None if empty_database.startswith("sqlite") else empty_database)
    config = {"configurable": {"thread_id": "run-7f3a"}}
    pressed: list = []

    first = _graph(open_checkpointer(settings), pressed)
    paused = first.invoke({"title": "桂花乌龙冷泡茶"}, config)
    assert paused["__interrupt__"][0].value["fields"] == {"title": "桂花乌龙冷泡茶"}
    assert pressed == []  # nothing submitted before the owner decides

    second = _graph(open_checkpointer(settings), pressed)  # another worker, its own connection
    done = second.invoke(Command(resume={"title": "桂花乌龙冷泡茶（改）"}), config)
    assert done["submitted"] == "桂花乌龙冷泡茶（改）"
    assert pressed == ["桂花乌龙冷泡茶（改）"]  # submitted once, with the edit


def test_the_checkpointer_follows_a_postgres_database_url(postgres, tmp_path):
    url = postgres.new_database()
    settings = Settings(data_dir=tmp_path, database_url=url)
    _graph(open_checkpointer(settings), []).invoke({"title": "冷泡茶"}, {"configurable": {"thread_id": "r1"}})
    with psycopg.connect(libpq_url(url)) as conn:
        assert conn.execute("SELECT count(*) FROM checkpoints WHERE thread_id = 'r1'").fetchone()[0] >= 1
    assert not (tmp_path / "checkpoints.db").exists()  # nothing kept on this host's disk


def test_a_run_resumes_after_the_postgres_server_dropped_the_workers_connections(postgres, tmp_path):
    url = postgres.new_database()
    settings = Settings(data_dir=tmp_path, database_url=url)
    config = {"configurable": {"thread_id": "run-restart"}}
    pressed: list = []
    graph = _graph(open_checkpointer(settings), pressed)
    graph.invoke({"title": "冷泡茶"}, config)

    # What a Postgres restart does to a worker that waited for the owner: its connections are gone.
    with psycopg.connect(libpq_url(url), autocommit=True) as admin:
        dropped = admin.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                "WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchone()[0]
    assert dropped >= 1

    done = graph.invoke(Command(resume={"title": "冷泡茶"}), config)  # the same worker, the same saver
    assert done["submitted"] == "冷泡茶" and pressed == ["冷泡茶"]


def test_a_worker_waiting_to_set_up_the_checkpointer_never_holds_up_an_index_built_concurrently(postgres, tmp_path):
    # Two workers start on a new database: one holds the setup lock while its setup() builds indexes
    # CONCURRENTLY, which waits for every statement in the database older than it, the other worker's
    # wait for the lock included. That wait must not be one statement, or neither ever goes on.
    from concurrent.futures import ThreadPoolExecutor

    from graphs.checkpoint import CHECKPOINT_SETUP_LOCK

    url = postgres.new_database()
    settings = Settings(data_dir=tmp_path, database_url=url)
    with psycopg.connect(libpq_url(url), autocommit=True) as holder, \
            psycopg.connect(libpq_url(url), autocommit=True) as builder, ThreadPoolExecutor(1) as pool:
        holder.execute("SELECT pg_advisory_lock(%s)", (CHECKPOINT_SETUP_LOCK,))
        builder.execute("CREATE TABLE notes (id int)")
        # the first worker's setup() writes its migration rows meanwhile: a snapshot taken now is older
        # than the one the index build will wait behind
        writing = psycopg.connect(libpq_url(url))
        writing.execute("INSERT INTO notes VALUES (1)")
        waiting = pool.submit(open_checkpointer, settings)  # the second worker: waits for the lock
        wait_until(lambda: holder.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND query LIKE 'SELECT pg\\_%%advisory\\_lock(%%'").fetchone()[0],
            timeout=30, every=0.02, what="the second worker at the setup lock")
        writing.commit()
        writing.close()
        builder.execute("SET statement_timeout = '15s'")
        try:
            builder.execute("CREATE INDEX CONCURRENTLY notes_id ON notes (id)")  # the first worker's setup()
        finally:
            holder.execute("SELECT pg_advisory_unlock(%s)", (CHECKPOINT_SETUP_LOCK,))
        waiting.result(timeout=60)  # and the second sets up once the lock is free
