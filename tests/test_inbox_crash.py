"""A worker SIGKILLed the moment its reply lands on the 抖音 replica (real processes: Redis, the replica, a
worker, the scheduler) never answers a comment twice: the restarted worker finds the ledger's intent and
reads the comment's replies before any click. ``INBOX_KILL_TRIALS`` trials (3 by default, 20 for the record
in docs/inbox.md)."""
from __future__ import annotations

import os
import signal

import httpx
import pytest

from core.approvals import decide
from core.db import transaction
from core.inbox import Conversation
from core.models import Approval, LedgerEntry
from core.queue import enqueue_run
from tests.core_fixtures import wait_until
from tests.inbox_fixtures import demo_inbox, start_sweep
from tests.stack_fixtures import Env, make_stack

TRIALS = int(os.environ.get("INBOX_KILL_TRIALS", "3"))
QUESTIONS = ("冷泡茶多少钱一盒？一盒几包", "冷泡茶每包几克", "礼盒有几罐？每罐多少克")
"""Questions the offline drafter answers from the demo's product sheets; distinct texts on one work."""


@pytest.fixture(scope="module")
def kill_env(tmp_path_factory):
    stack = make_stack(tmp_path_factory, workers=1, sites=("douyin",))
    yield Env(stack)
    stack.stop()


def _conv(env, item_id: str) -> Conversation | None:
    with env.db() as s:
        return s.query(Conversation).filter_by(item_id=item_id).first()


def _posted(url: str, item_id: str) -> int:
    return httpx.get(f"{url}/__sandbox__/inbound", timeout=10).json()["posted"].get(item_id, 0)


@pytest.mark.timeout(1800)
def test_a_worker_killed_as_its_reply_lands_never_replies_twice(kill_env):
    env = kill_env
    url = env.stack.replica_url("douyin")
    httpx.post(f"{url}/__sandbox__/reset", timeout=10).raise_for_status()
    boxes = demo_inbox(env.settings, account_status="needs_login", replies_per_hour=200, sweep_every_min=240)
    env.qr_login(boxes.douyin)
    caught_in_between = 0
    for trial in range(TRIALS):
        item = httpx.post(f"{url}/__sandbox__/inbound", json={"kind": "comment", "author": f"茶友{trial}",
                                                              "text": QUESTIONS[trial % len(QUESTIONS)]}, timeout=10).json()
        start_sweep(env, boxes)
        conv = wait_until(lambda: (c := _conv(env, item["id"])) and c.status == "awaiting_approval" and c,
                          timeout=120, what=f"trial {trial}: the comment's card")
        with transaction(env.db) as s:
            decide(s, s.query(Approval).filter_by(run_id=conv.reply_run_id).one(), approve=True)
        enqueue_run(env.settings, conv.reply_run_id)
        wait_until(lambda: _posted(url, item["id"]) >= 1, timeout=120, every=0.01, what=f"trial {trial}: the reply")
        name = next(n for n in env.stack.procs if n.startswith("worker"))
        proc = env.stack.procs.pop(name)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        with env.db() as s:
            entry = s.query(LedgerEntry).filter_by(run_id=conv.reply_run_id).first()
            caught_in_between += entry is not None and entry.status == "intent"
        env.stack.start_worker()
        wait_until(lambda: _conv(env, item["id"]).status == "replied", timeout=180,
                   what=f"trial {trial}: the conversation answered after the restart")
        assert _posted(url, item["id"]) == 1, f"trial {trial}: replied twice"
    print(f"{TRIALS} trials, {caught_in_between} killed between the click and the read-back, 0 duplicates")
