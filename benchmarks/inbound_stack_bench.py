"""Inbox benchmark on the whole service (Redis, two workers, the scheduler, the 抖音 replica, delays off; the
offline drafter): new comment → approval card latency at a 1-minute sweep, and replies posted per minute for
one account once the owner approves them all at once (spacing 0, the cap at its maximum of 200 an hour).

    nice -n 19 .venv/bin/python benchmarks/inbound_stack_bench.py [--comments 20] [--spread-s 240]

Comments arrive at random moments over ``--spread-s`` seconds; a comment's latency is its card's
``created_at`` minus the moment the replica took it. Replies per minute: from the approvals to the last
reply read back (each reply is one run: lease, page, read, click, read-back).
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from core.approvals import decide  # noqa: E402
from core.db import transaction  # noqa: E402
from core.inbox import Conversation  # noqa: E402
from core.models import Approval  # noqa: E402
from core.queue import enqueue_run  # noqa: E402
from serve import Stack, free_port  # noqa: E402
from tests.core_fixtures import wait_until  # noqa: E402
from tests.inbox_fixtures import demo_inbox  # noqa: E402
from tests.stack_fixtures import Env  # noqa: E402

QUESTIONS = ("冷泡茶多少钱一盒？一盒几包", "冷泡茶每包几克", "礼盒有几罐？每罐多少克", "桂花红茶礼盒有几罐", "冷泡茶每包多少克呀")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--comments", type=int, default=20)
    parser.add_argument("--spread-s", type=float, default=240)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="inbound-stack-bench-"))
    stack = Stack(tmp, web_port=free_port(), redis_port=free_port(), xhs_port=free_port(), douyin_port=free_port(),
                  taobao_port=free_port(), etax_port=free_port(), workers=2, replica_delays=False,
                  extra_env={"OPC_LEASE_S": "10", "OPC_SCHEDULER_TICK_S": "1"})
    tmp.mkdir(parents=True, exist_ok=True)
    try:
        stack.start_redis()
        stack.start_replica("douyin")
        for _ in range(2):
            stack.start_worker()
        stack.start_scheduler()
        env = Env(stack)
        url = stack.replica_url("douyin")
        boxes = demo_inbox(env.settings, account_status="needs_login", sweep_every_min=1, replies_per_hour=200)
        env.qr_login(boxes.douyin)
        rng = random.Random(5)
        added: dict[str, datetime] = {}
        moments = sorted(rng.uniform(0, args.spread_s) for _ in range(args.comments))
        t0 = time.monotonic()
        for i, at in enumerate(moments):
            time.sleep(max(0.0, at - (time.monotonic() - t0)))
            item = httpx.post(f"{url}/__sandbox__/inbound", json={"kind": "comment", "author": f"茶友{i}",
                                                                  "text": QUESTIONS[i % len(QUESTIONS)]}, timeout=10).json()
            added[item["id"]] = datetime.now(timezone.utc)

        def cards() -> dict[str, Approval]:
            with env.db() as s:
                rows = (s.query(Conversation, Approval).join(Approval, Approval.run_id == Conversation.reply_run_id)
                        .filter(Conversation.item_id.in_(list(added))).all())
                return {c.item_id: a for c, a in rows}

        found = wait_until(lambda: (c := cards()) and len(c) == len(added) and c, timeout=300, every=1,
                           what="a card for every comment")
        latency = [(found[i].created_at - added[i]).total_seconds() for i in added]
        print("| comments | sweep every | card latency p50 (s) | p95 (s) | max (s) |")
        print("|---|---|---|---|---|")
        print(f"| {len(latency)} | 1 min (+0-20 %) | {statistics.median(latency):.1f} | "
              f"{percentile(latency, 0.95):.1f} | {max(latency):.1f} |")

        with transaction(env.db) as s:
            runs = []
            for approval in s.query(Approval).filter(Approval.id.in_([a.id for a in found.values()])):
                decide(s, approval, approve=True)
                runs.append(approval.run_id)
        t1 = time.monotonic()
        for run_id in runs:
            enqueue_run(env.settings, run_id)

        def replied() -> int:
            with env.db() as s:
                return s.query(Conversation).filter(Conversation.item_id.in_(list(added)),
                                                    Conversation.status == "replied").count()

        wait_until(lambda: replied() == len(runs), timeout=900, every=0.5, what="every reply posted")
        took = time.monotonic() - t1
        posted = httpx.get(f"{url}/__sandbox__/inbound", timeout=10).json()["posted"]
        print()
        print("| replies | approved at once, one account | wall (s) | replies per minute | duplicates |")
        print("|---|---|---|---|---|")
        print(f"| {len(runs)} | cap 200/h, spacing 0 | {took:.0f} | {len(runs) / took * 60:.1f} | "
              f"{sum(n - 1 for n in posted.values() if n > 1)} |")
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
