"""A worker serving several runs at once on one shared Chromium (OPC_RUNS_PER_WORKER=2, rpa.shared)."""
from __future__ import annotations

import itertools
import os
import signal
from pathlib import Path

import pytest
from rq import Worker as RQWorker

from core.content import Post
from core.db import transaction
from core.models import Account
from core.queue import redis_for
from tests.factories import make_image, seed_workspace
from tests.core_fixtures import wait_until
from tests.stack_fixtures import Env, alive, chromium_of, descendants, make_stack

_users = itertools.count()


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    stack = make_stack(tmp_path_factory, workers=1, OPC_RUNS_PER_WORKER="2")
    yield Env(stack)
    stack.stop()


@pytest.fixture
def shops(env, tmp_path):
    """Two logged-in Xiaohongshu accounts (each its own owner's session) and two real images."""
    env.replica.reset()
    out = []
    for _ in range(2):
        ws, emp, acc = seed_workspace(env.db, account_status="needs_login")
        with transaction(env.db) as s:
            s.get(Account, acc).name = f"shared{next(_users)}"
        env.qr_login(acc, user=f"shared-{acc}")
        out.append((emp, acc))
    images = [str(make_image(tmp_path / f"p{i}.jpg", text=str(i))) for i in range(2)]
    return out, images


def _worker(env):
    return next(p for name, p in env.stack.procs.items() if name.startswith("worker") and p.poll() is None)


def _browsers(pid: int) -> set[int]:
    """Chromium's main processes under ``pid`` (its helpers carry a ``--type``)."""
    out = set()
    for p in chromium_of(pid):
        try:
            if b"--type=" not in Path(f"/proc/{p}/cmdline").read_bytes():
                out.add(p)
        except OSError:
            pass
    return out


def _drivers(pid: int) -> set[int]:
    """Playwright's driver processes (node) under ``pid``."""
    out = set()
    for p in descendants(pid):
        try:
            if Path(f"/proc/{p}/comm").read_text().startswith("node"):
                out.add(p)
        except OSError:
            pass
    return out


def _start_two(env, shops, tag: str) -> tuple[list[str], list[str]]:
    accounts, images = shops
    titles = [f"{tag}桂花乌龙{i}" for i in range(2)]
    runs = [env.start_run(acc, emp, Post(title=t, body="清香回甘。", images=images, topics=["冷泡茶"]),
                          mode="auto") for (emp, acc), t in zip(accounts, titles)]
    return runs, titles


def _published_once(env, runs: list[str], titles: list[str]) -> None:
    for run_id in runs:
        run = env.wait_status(run_id, "published", "failed", timeout=120)
        assert run.status == "published", run.reason
    published = [n["title"] for n in env.replica.state()["notes"]]
    assert sorted(t for t in published if t in titles) == titles  # each once


def test_two_runs_at_once_on_one_worker_each_publish_once_on_its_one_chromium(env, shops):
    worker = _worker(env)
    conn = redis_for(env.settings)
    wait_until(lambda: sum(w.pid == worker.pid for w in RQWorker.all(connection=conn)) == 2, timeout=60,
               what="the worker's two run threads to listen")
    _published_once(env, *_start_two(env, shops, "并行"))
    assert len(_browsers(worker.pid)) == 1
    assert len(_drivers(worker.pid)) == 1  # one Playwright driver for both run threads (rpa.bridge)


# The shared Chromium's browser process, or the worker's one Playwright driver (Chromium goes with it,
# launched over its pipe): either way both runs on it fail, are tried again, and publish once, on a new one.
@pytest.mark.parametrize("victim", ["chromium", "driver"])
def test_what_dies_under_two_runs_is_started_again_and_both_runs_publish_once(env, shops, victim):
    worker = _worker(env)
    processes = _browsers if victim == "chromium" else _drivers
    dead, = wait_until(lambda: processes(worker.pid), timeout=60, what=f"the shared {victim}")
    # Each image takes 20 s, and the victim dies once the replica receives both runs' images: both are on their
    # pages then. ("running" is set before a run opens its page, and with 3 s an image one run could publish
    # before the other reached its page, under CI's load.)
    env.replica.faults(slow_upload=20_000)
    runs, titles = _start_two(env, shops, f"{victim}重启后")
    wait_until(lambda: env.replica.state()["uploading"] >= 2, timeout=90, what="both accounts uploading")
    os.kill(dead, signal.SIGKILL)
    env.replica.faults(slow_upload=0)
    _published_once(env, runs, titles)
    assert all(env.run(r).attempts >= 1 for r in runs)  # each failed with it and was tried again
    assert processes(worker.pid) - {dead} and worker.poll() is None  # a new one, the same worker


def test_sigkill_of_a_shared_worker_leaves_no_chromium_behind(env):
    worker = _worker(env)
    chromium = wait_until(lambda: chromium_of(worker.pid), timeout=60, what="the worker's chromium")
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    wait_until(lambda: not any(alive(p) for p in chromium), timeout=20, what="chromium to exit")
