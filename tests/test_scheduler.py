"""Scheduled runs fire at their time, recurring slots fire once, even with two schedulers running."""
import os
import subprocess
import sys
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Iterator

from rq import Queue
from sqlalchemy import select

from core.db import session_factory, transaction
from core.models import Account, Employee, Run, Schedule, utcnow
from core.queue import RUN_JOB
from core.runs import create_run
from rpa.lease import FREED, account_lock
from scheduler import JOB_GRACE, next_slot
from serve import ROOT
from tests.core_fixtures import wait_until
from tests.factories import make_post, seed_workspace
from tests.pg_fixtures import database_env


def _queued_run_ids(conn, settings):
    q = Queue(settings.queue_name, connection=conn)
    return [j.args[0] for j in q.get_jobs() if j.func_name == RUN_JOB]  # not the session checks (health)


def test_next_slot_reads_cron_in_the_workspace_time_zone():
    after = utcnow().replace(year=2026, month=11, day=23, hour=0, minute=30, second=0, microsecond=0)
    # 10:00 in Shanghai is 02:00 UTC
    assert next_slot("0 10 * * *", "Asia/Shanghai", after).hour == 2


def _runs_due(settings, tmp_path, *after_s: float):
    """A workspace with one run due ``after_s`` seconds from now for each, each on an account of its own (one
    run per account is let in at a time): (session factory, workspace, employee, an account no run uses,
    runs, now)."""
    db = session_factory(settings.db_url)
    ws, emp, acc = seed_workspace(db)
    now = utcnow()
    with transaction(db) as s:
        employee = s.get(Employee, emp)
        accounts = [Account(workspace_id=ws, site="xiaohongshu", name=f"账号{i}", status="active")
                    for i in range(len(after_s))]
        s.add_all(accounts)
        s.flush()
        runs = [create_run(s, account=account, employee=employee, post=make_post(tmp_path, f"定时{i}"),
                           not_before=now + timedelta(seconds=after)).id
                for i, (account, after) in enumerate(zip(accounts, after_s))]
        # A run due already is queued for the API to enqueue, and the scheduler leaves it to the API for
        # JOB_GRACE: made earlier, its job lost, it is the scheduler's at its first tick, however soon that is.
        for run in s.scalars(select(Run).where(Run.id.in_(runs), Run.status == "queued")):
            run.updated_at = now - 2 * JOB_GRACE
    return db, ws, emp, acc, runs, now


def _scheduler(settings, tick_s: float, stderr=subprocess.DEVNULL) -> subprocess.Popen:
    env = dict(os.environ, OPC_DATA_DIR=str(settings.data_dir), OPC_REDIS_URL=settings.redis_url,
               **database_env(settings.database_url), OPC_SCHEDULER_TICK_S=str(tick_s))
    return subprocess.Popen([sys.executable, str(ROOT / "scheduler.py")], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=stderr)


@contextmanager
def _running_scheduler(settings, tick_s: float, log: Path) -> Iterator[None]:
    """One scheduler process for the block, its log in ``log``."""
    with log.open("w") as out:
        proc = _scheduler(settings, tick_s, stderr=out)
    try:
        yield
    finally:
        proc.terminate()
        proc.wait(10)


def test_two_schedulers_fire_each_run_and_each_slot_once(core_settings, redis_conn, tmp_path):
    db, ws, emp, acc, one_offs, now = _runs_due(core_settings, tmp_path, *[2] * 5)
    with transaction(db) as s:
        s.add(Schedule(workspace_id=ws, account_id=acc, employee_id=emp, content=make_post(tmp_path).model_dump(mode="json"),
                       cron="*/5 * * * *", next_at=now - timedelta(seconds=1)))
    assert all(r.status == "scheduled" for r in db().query(Run).all())
    assert _queued_run_ids(redis_conn, core_settings) == []  # nothing fires early

    procs = [_scheduler(core_settings, 0.2) for _ in range(2)]
    try:
        # Generous: two fresh processes import the whole app first (12 s measured at load 16 on 2 cores).
        wait_until(lambda: len(_queued_run_ids(redis_conn, core_settings)) >= 6, timeout=90, what="6 jobs")
        import time; time.sleep(2)  # let both schedulers tick a few more times: nothing may fire again
    finally:
        for p in procs:
            p.terminate()
            p.wait(10)
    enqueued = _queued_run_ids(redis_conn, core_settings)
    assert sorted(enqueued) == sorted(set(enqueued)), "a run was enqueued twice"
    with db() as s:
        recurring = s.query(Run).filter(Run.schedule_id.isnot(None)).all()
        sched = s.query(Schedule).one()
    assert len(recurring) == 1
    assert set(one_offs) | {recurring[0].id} == set(enqueued)
    assert sched.next_at > now and sched.next_at.minute % 5 == 0


def test_a_timed_run_is_queued_at_its_time_not_a_tick_later(core_settings, redis_conn, tmp_path):
    """Owners pick round times: the scheduler wakes for the next due run instead of sleeping its whole tick."""
    # The second: later than the scheduler's start and first tick (which loads the workflows: 12 s measured
    # at load 16), far sooner than its tick.
    *_, (first, timed), now = _runs_due(core_settings, tmp_path, -1, 30)
    due = now + timedelta(seconds=30)
    log = tmp_path / "scheduler.log"
    with _running_scheduler(core_settings, 60, log):
        # The tick's end (its log line), when the scheduler decides how long to sleep.
        wait_until(lambda: "enqueued 1 run(s)" in log.read_text(), timeout=60, what="the first tick")
        assert first in _queued_run_ids(redis_conn, core_settings)
        assert utcnow() < due, "the scheduler started too late for this test to mean anything"
        wait_until(lambda: timed in _queued_run_ids(redis_conn, core_settings), timeout=40, every=0.05,
                   what="the timed run queued")
        queued_at = utcnow()
    assert due <= queued_at < due + timedelta(seconds=2), f"queued {(queued_at - due).total_seconds():.2f} s after its time"


def test_an_accounts_next_run_is_queued_as_soon_as_the_account_is_freed_not_a_tick_later(core_settings, redis_conn,
                                                                                         tmp_path):
    """A run waits in the database while its account's previous run holds the account (``core.fairshare``); the
    release of the account's lock (``rpa.lease.FREED``) lets it in at once, whatever the tick."""
    db, _ws, emp, acc, (marker,), _now = _runs_due(core_settings, tmp_path, -1)
    with transaction(db) as s:
        account, employee = s.get(Account, acc), s.get(Employee, emp)
        first = create_run(s, account=account, employee=employee, post=make_post(tmp_path, "先发"))
        first.status, first.lease_until = "running", utcnow() + timedelta(minutes=5)
        following = create_run(s, account=account, employee=employee, post=make_post(tmp_path, "后发")).id
        first = first.id
    with _running_scheduler(core_settings, 60, tmp_path / "scheduler.log"):
        # The first tick (it loads the workflows: 12 s measured at load 16, 40 s seen) lets in the run on the other
        # account, not the busy account's; then the scheduler waits out its tick, listening for freed accounts.
        wait_until(lambda: marker in _queued_run_ids(redis_conn, core_settings), timeout=90, what="the first tick")
        wait_until(lambda: redis_conn.pubsub_numsub(FREED)[0][1] >= 1, timeout=90, what="the scheduler listening")
        assert following not in _queued_run_ids(redis_conn, core_settings)
        with transaction(db) as s:
            s.get(Run, first).status = "published"
        lock = account_lock(redis_conn, acc, 30)
        assert lock.acquire(blocking=False)
        freed = utcnow()
        lock.release()  # what the first run's worker does last
        wait_until(lambda: following in _queued_run_ids(redis_conn, core_settings), timeout=20, every=0.05,
                   what="the account's next run queued")
        queued_at = utcnow()
    assert queued_at - freed < timedelta(seconds=5), f"queued {(queued_at - freed).total_seconds():.2f} s after"
