"""A data dir from an earlier version keeps working: columns added to the models are added on start."""
from __future__ import annotations

import multiprocessing
import sqlite3

from core.db import engine_for, session_factory, transaction
from core.models import Account, Employee, Run
from core.runs import create_run
from core.content import Post
from tests.factories import make_image, seed_workspace


def test_a_table_without_a_new_column_gets_it_with_its_default(tmp_path):
    path = tmp_path / "old.db"
    url = f"sqlite:///{path}"
    db = session_factory(url)
    _ws, emp, acc = seed_workspace(db)
    with transaction(db) as s:
        run_id = create_run(s, account=s.get(Account, acc), employee=s.get(Employee, emp),
                            post=Post(title="旧任务", body="旧", images=[str(make_image(tmp_path / "a.jpg"))])).id
    engine_for(url).dispose()
    engine_for.cache_clear()
    with sqlite3.connect(path) as conn:  # what the previous version's database looked like
        conn.execute("ALTER TABLE runs DROP COLUMN lease_token")
    assert "lease_token" not in [r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(runs)")]

    with session_factory(url)() as s:
        assert s.get(Run, run_id).lease_token == 0


def _open_schema(url: str, barrier) -> None:
    from core.db import engine_for
    barrier.wait()  # every process reaches create_all together, as a stack's processes do on a new database
    engine_for(url)


def test_processes_starting_together_on_a_new_database_all_get_its_tables(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    for round_ in range(3):
        url = f"sqlite:///{tmp_path}/race{round_}.db"
        barrier = ctx.Barrier(6)
        procs = [ctx.Process(target=_open_schema, args=(url, barrier)) for _ in range(6)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(120)
        assert [p.exitcode for p in procs] == [0] * 6, f"round {round_}: a process failed to open the database"
