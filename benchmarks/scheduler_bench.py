"""Scheduler benchmark (issue 19): how long one tick takes to let a burst of timed runs into the queue while
one owner's backlog waits in the database, with the real database and a real Redis and no browser.

    .venv/bin/python benchmarks/scheduler_bench.py [--workspaces 20] [--backlog 500] [--burst 25] [--rounds 5]
        [--writers 2]

The load_bench's shape at one minute mark: the first workspace has ``--backlog`` runs queued at once (its share
in Redis, the rest waiting in the database), and ``--burst`` timed runs of the other workspaces fall due at
the same second. ``--writers`` threads commit small transactions to the same database all the while, as the
workers do (their audit rows, statuses, ledger), since a commit waits for the others' on SQLite. Reported: the
tick's time, and the burst's lag (its time → the claim returns, every run of it committed ``queued``); with
``--database-url`` it runs on Postgres instead.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import update  # noqa: E402

import scheduler  # noqa: E402
from benchmarks.load_bench import post  # noqa: E402
from core import fairshare  # noqa: E402
from core.models import Account, AuditLog, Employee, Run, new_id, utcnow  # noqa: E402
from core.queue import queue_for, redis_for  # noqa: E402
from core.runs import create_run  # noqa: E402
from serve import Stack, free_port  # noqa: E402
from tests.factories import make_image, seed_workspace  # noqa: E402
from tests.stack_fixtures import Env  # noqa: E402


def seed(env: Env, workspaces: int) -> list[tuple[str, str, str]]:
    return [seed_workspace(env.db, mode="auto") for _ in range(workspaces)]


def own_account(s, workspace_id: str, name: str) -> Account:
    """Fair share lets one run per account in at a time: every run here has an account of its own, so what
    is measured is the claim, not an account's queue."""
    account = Account(workspace_id=workspace_id, site="xiaohongshu", name=name, status="active")
    s.add(account)
    s.flush()
    return account


def backlog(env: Env, owner, images, n: int) -> None:
    ws, emp, _acc = owner
    with env.db() as s, s.begin():
        made = [create_run(s, account=own_account(s, ws, f"积压{i}"), employee=s.get(Employee, emp),
                           post=post(images, f"积压{i}")) for i in range(n)]
        s.flush()
        fairshare.enqueue_new(env.settings, s, ws, [r.id for r in made])


def burst(env: Env, owners, images, n: int, at) -> list[str]:
    ids = []
    with env.db() as s, s.begin():
        for i in range(n):
            ws, emp, _acc = owners[i % len(owners)]
            run = create_run(s, account=own_account(s, ws, f"定时{i}-{new_id()}"),
                             employee=s.get(Employee, emp), post=post(images, f"定时{i}", at=at))
            s.flush()
            ids.append(run.id)
    return ids


class Writers(threading.Thread):
    """Small commits to the same database, one after another, as busy workers make them."""

    def __init__(self, env: Env, workspace_id: str):
        super().__init__(daemon=True)
        self.env, self.ws, self.done, self.commits = env, workspace_id, threading.Event(), 0

    def run(self) -> None:
        while not self.done.is_set():
            with self.env.db() as s, s.begin():
                s.add(AuditLog(workspace_id=self.ws, actor="bench", action="bench.write", target="x", detail={}))
            self.commits += 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workspaces", type=int, default=20)
    parser.add_argument("--backlog", type=int, default=500)
    parser.add_argument("--burst", type=int, default=25)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        extra = {"OPC_DATABASE_URL": args.database_url} if args.database_url else {}
        stack = Stack(tmp / "stack", redis_port=free_port(), workers=0, extra_env=extra)
        stack.data_dir.mkdir(parents=True)
        stack.start_redis()
        try:
            env = Env(stack)
            conn = redis_for(env.settings)
            owners = seed(env, args.workspaces)
            images = [str(make_image(tmp / f"img{i}.jpg")) for i in range(2)]
            backlog(env, owners[0], images, args.backlog)
            writers = [Writers(env, owners[0][0]) for _ in range(args.writers)]
            for w in writers:
                w.start()
            queue_key = queue_for(env.settings, conn).key
            claim, claimed_at = scheduler.claim_ready, []

            def timed_claim(*a, **kw):  # the burst is in once the claim returns: each run committed before
                out = claim(*a, **kw)
                claimed_at.append((utcnow(), len(out)))
                return out

            scheduler.claim_ready = timed_claim
            ticks, lags = [], []
            for _ in range(args.rounds):
                ids = burst(env, owners[1:], images, args.burst, utcnow() + timedelta(hours=1))
                at = utcnow() + timedelta(seconds=1)  # made first: under load making them takes seconds
                with env.db() as s, s.begin():
                    s.execute(update(Run).where(Run.id.in_(ids)).values(not_before=at))
                held = conn.llen(queue_key)
                time.sleep(max(0.0, (at - utcnow()).total_seconds()))
                t0 = time.monotonic()
                scheduler.tick(env.settings, env.db, conn)
                ticks.append(time.monotonic() - t0)
                when, n = claimed_at[-1]
                assert n == len(ids), f"the tick claimed {n} runs of a burst of {len(ids)}"
                lags.append((when - at).total_seconds())
                with env.db() as s, s.begin():  # as if the burst ran: out of the next round's way
                    s.execute(update(Run).where(Run.id.in_(ids)).values(status="published"))
                conn.ltrim(queue_key, 0, held - 1)  # RQ appends: the burst's jobs are the tail
            for w in writers:
                w.done.set()
            print(f"database: {env.settings.db_url.split(':')[0]}, {args.workspaces} workspaces, backlog "
                  f"{args.backlog}, burst {args.burst}, {args.writers} writer threads "
                  f"({sum(w.commits for w in writers)} commits meanwhile)")
            print(f"tick: median {statistics.median(ticks) * 1000:.0f} ms, max {max(ticks) * 1000:.0f} ms "
                  f"over {args.rounds} rounds")
            print(f"the burst's time → its last run queued: median {statistics.median(lags):.3f} s, "
                  f"max {max(lags):.3f} s")
        finally:
            stack.stop()


if __name__ == "__main__":
    main()
