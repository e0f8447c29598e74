"""Workers killed with SIGKILL at random points never cause a second post, and leave no Chromium behind."""
from __future__ import annotations

import collections
import os
import random
import signal
import time

import pytest

from core.db import transaction
from core.models import Account
from core.runs import TERMINAL
from tests.factories import make_image, seed_workspace
from tests.stack_fixtures import Env, alive, chromium_of, make_stack
from core.content import Post

RUNS = 20
ACCOUNTS = 4


@pytest.fixture(scope="module")
def chaos_env(tmp_path_factory):
    stack = make_stack(tmp_path_factory, workers=2)
    yield Env(stack)
    stack.stop()


def test_sigkill_at_random_points_never_posts_twice(chaos_env, tmp_path):
    env = chaos_env
    env.replica.reset()
    rng = random.Random(int(os.environ.get("CHAOS_SEED", "7")))
    accounts = []
    for i in range(ACCOUNTS):
        _, emp, acc = seed_workspace(env.db, account_status="needs_login")
        with transaction(env.db) as s:
            s.get(Account, acc).name = f"chaos{i}"
        env.qr_login(acc, user=f"chaos-{acc}")
        accounts.append((emp, acc))
    image = str(make_image(tmp_path / "chaos.jpg"))
    runs = {}
    for i in range(RUNS):
        emp, acc = accounts[i % ACCOUNTS]
        title = f"压力测试笔记{i:02d}"
        runs[env.start_run(acc, emp, Post(title=title, body="正文", images=[image]), mode="auto")] = title

    killed_chromium: set[int] = set()
    kills = 0
    deadline = time.monotonic() + 420
    while time.monotonic() < deadline:
        if all(env.run(r).status in TERMINAL for r in runs):
            break
        time.sleep(rng.uniform(0.3, 2.5))
        workers = [n for n in env.stack.procs if n.startswith("worker")]
        if workers and kills < 12:
            victim = rng.choice(workers)
            proc = env.stack.procs.pop(victim)
            killed_chromium |= chromium_of(proc.pid)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            kills += 1
            env.stack.start_worker()
    statuses = {r: env.run(r).status for r in runs}
    assert all(s in TERMINAL for s in statuses.values()), statuses
    assert kills >= 5

    titles = collections.Counter(n["title"] for n in env.replica.state()["notes"])
    assert max(titles.values()) == 1, f"duplicates on the site: {titles}"
    for run_id, title in runs.items():
        run = env.run(run_id)
        if run.status == "published":
            assert titles[title] == 1 and run.external_id
        else:
            assert run.status == "failed" and run.reason, (run.status, run.reason)
            assert titles[title] == 0, f"{title} is on the site but the run says {run.status}"

    deadline = time.monotonic() + 20
    while any(alive(p) for p in killed_chromium) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not [p for p in killed_chromium if alive(p)], "Chromium outlived its killed worker"
