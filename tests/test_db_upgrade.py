"""An upgrade keeps the owner's data: the database is Alembic's, on SQLite and on Postgres alike.

The services upgrade their database at start (core.db.create_schema runs ``alembic upgrade head``); a
database from the release before migrations (no ``alembic_version``) is brought to the baseline first.
"""
from __future__ import annotations

import multiprocessing
import subprocess
import sys
from datetime import date
from decimal import Decimal

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from books.models import IncomeRecord
from core.db import alembic_config, engine_for, import_models, session_factory, sqlalchemy_url, transaction
from core.models import Account, Base, Employee, LedgerEntry, Run, Workspace, utcnow
from core.runs import create_run
from core.content import Post
from serve import ROOT
from tests.factories import make_image, seed_workspace
from tests.pg_fixtures import cluster


def _fresh_engine(url: str):
    """The database as a newly started process opens it (engine_for caches one engine per URL)."""
    engine_for.cache_clear()
    return engine_for(url)


def _baseline_tables():
    return ScriptDirectory.from_config(alembic_config()).get_revision("0001").module.META.tables


def test_a_database_from_before_migrations_gets_the_columns_added_since_with_their_defaults(empty_database,
                                                                                           tmp_path):
    db = session_factory(empty_database)
    _ws, emp, acc = seed_workspace(db)
    with transaction(db) as s:
        run_id = create_run(s, account=s.get(Account, acc), employee=s.get(Employee, emp),
                            post=Post(title="旧任务", body="旧", images=[str(make_image(tmp_path / "a.jpg"))])).id
    engine_for(empty_database).dispose()
    baseline = ScriptDirectory.from_config(alembic_config()).get_revision("0001").module.META.tables
    with create_engine(sqlalchemy_url(empty_database)).begin() as conn:  # what the earlier release left
        conn.execute(text("DROP TABLE alembic_version"))
        for table in inspect(conn).get_table_names():  # tables of later revisions: that release had none
            if table not in baseline:
                conn.execute(text(f"DROP TABLE {table}"))
        conn.execute(text("ALTER TABLE runs DROP COLUMN lease_token"))
    assert "lease_token" not in [c["name"] for c in inspect(create_engine(sqlalchemy_url(empty_database)))
                                 .get_columns("runs")]

    engine = _fresh_engine(empty_database)
    with session_factory(empty_database)() as s:
        assert s.get(Run, run_id).lease_token == 0
        assert s.get(Run, run_id).content["title"] == "旧任务"
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == _head()


def _head() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_the_previous_releases_database_with_an_owners_data_upgrades_and_keeps_it(empty_database):
    """Built by the baseline revision and filled through its own (frozen) tables, as that release wrote them."""
    url = sqlalchemy_url(empty_database)
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0001")
    t, now = _baseline_tables(), utcnow()
    with engine.begin() as conn:
        conn.execute(t["workspaces"].insert().values(id="ws1", name="茶叶小店", timezone="Asia/Shanghai",
                                                     created_at=now))
        conn.execute(t["users"].insert().values(id="u1", workspace_id="ws1", username="owner",
                                                password_hash="x", created_at=now))
        conn.execute(t["accounts"].insert().values(id="acc1", workspace_id="ws1", site="xiaohongshu",
                                                   name="茶小满的店", created_at=now))
        conn.execute(t["employees"].insert().values(id="emp1", workspace_id="ws1", role="marketing",
                                                    name="营销专员", settings={}))
        conn.execute(t["runs"].insert().values(id="run1", workspace_id="ws1", account_id="acc1", employee_id="emp1",
                                               site="xiaohongshu", mode="semi_auto", status="succeeded",
                                               content={"title": "桂花乌龙冷泡茶"}, not_before=now, created_at=now,
                                               updated_at=now))
        conn.execute(t["ledger"].insert().values(key="run1:publish", run_id="run1", site="xiaohongshu",
                                                 account_id="acc1", intent_at=now))
        conn.execute(t["income_records"].insert().values(id="inc1", workspace_id="ws1", day=date(2026, 11, 3),
                                                         amount=Decimal("1280.50"), category="goods",
                                                         rate=Decimal("0.0100"), created_at=now))
    engine.dispose()

    _fresh_engine(empty_database)  # the new release starts on it
    with session_factory(empty_database)() as s:
        assert s.get(Workspace, "ws1").name == "茶叶小店"
        assert s.get(Account, "acc1").name == "茶小满的店"
        assert s.get(Run, "run1").content == {"title": "桂花乌龙冷泡茶"} and s.get(Run, "run1").status == "succeeded"
        assert s.get(LedgerEntry, "run1:publish").run_id == "run1"
        assert s.get(IncomeRecord, "inc1").amount == Decimal("1280.50")


def test_a_database_upgraded_by_the_migrations_is_exactly_the_models(empty_database):
    import_models()
    engine = _fresh_engine(empty_database)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == [], f"models and migrations differ: {diff} (write one: python -m core.migrate new ...)"


def test_a_table_added_to_the_models_without_a_migration_is_caught():
    # A helper's new models module, registered the way core.db's docstring says, but with no revision.
    script = ("import sqlalchemy as sa\n"
              "from core.models import Base\n"
              "class Reminder(Base):\n"
              "    __tablename__ = 'reminders'\n"
              "    id = sa.Column(sa.Integer, primary_key=True)\n"
              "from core.migrate import main\n"
              "raise SystemExit(main(['check']))\n")
    found = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert found.returncode == 1, found.stdout + found.stderr
    assert "reminders" in found.stderr
    clean = subprocess.run([sys.executable, "-m", "core.migrate", "check"], cwd=ROOT, capture_output=True,
                           text=True, timeout=120)
    assert clean.returncode == 0, clean.stdout + clean.stderr


def _open_schema(url: str, barrier) -> None:
    from core.db import engine_for
    barrier.wait()  # every process reaches the upgrade together, as a stack's processes do on a new database
    engine_for(url)


def test_processes_starting_together_on_a_new_database_all_get_its_tables(empty_database, tmp_path):
    # A stack starts web, scheduler and two workers; each process imports the app first (~15 s on a busy
    # 2-core box), so the rounds are few: the lock makes the outcome the same in every round anyway.
    ctx = multiprocessing.get_context("spawn")
    for round_ in range(2):
        url = empty_database if round_ == 0 else _another_database(empty_database, tmp_path, round_)
        barrier = ctx.Barrier(4)
        procs = [ctx.Process(target=_open_schema, args=(url, barrier)) for _ in range(4)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(120)
        assert [p.exitcode for p in procs] == [0] * 4, f"round {round_}: a process failed to open the database"
        with create_engine(sqlalchemy_url(url)).connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [_head()]


def _another_database(like: str, tmp_path, n: int) -> str:
    if like.startswith("sqlite"):
        return f"sqlite:///{tmp_path}/race{n}.db"
    return cluster().new_database(f"race{n}")
