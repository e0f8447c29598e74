"""Stall benchmark: a worker paused (SIGSTOP) past its lease at a random moment of a run never causes a
second post, and every run ends in a final status.

    .venv/bin/python benchmarks/stall_bench.py [--trials 20]

Each trial: a semi-auto Xiaohongshu run waits for approval; the owner approves; while the resume job runs
(re-fill with slow uploads, the press, the read-back) the worker's process group is stopped after a random
0–6 s; a second worker is started and the scheduler hands it the run once the lease (4 s) runs out; the
first worker is continued 30 s later. Counted: notes on the replica per run (1 expected), runs not final
after the trial, and how long the hand-over took. Replica delays are off.
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.approvals import decide  # noqa: E402
from core.content import Post  # noqa: E402
from core.db import transaction  # noqa: E402
from core.models import Approval  # noqa: E402
from core.queue import enqueue_resume  # noqa: E402
from core.runs import TERMINAL  # noqa: E402
from serve import Stack, free_port  # noqa: E402
from tests.factories import make_image, seed_workspace  # noqa: E402
from tests.stack_fixtures import Env  # noqa: E402


def trial(env: Env, n: int, images: list[str], rng: random.Random) -> dict:
    _ws, emp, acc = seed_workspace(env.db, account_status="needs_login")
    env.qr_login(acc, user=f"stall-{n}")
    title = f"桂花乌龙冷泡茶第{n}批"
    run_id = env.start_run(acc, emp, Post(title=title, body="清香回甘。", images=images), mode="semi_auto")
    env.wait_status(run_id, "awaiting_approval", timeout=90)
    env.replica.faults(slow_upload=rng.choice([0, 1500, 3000]))
    with transaction(env.db) as s:
        payload = decide(s, s.query(Approval).filter_by(run_id=run_id, status="pending").one(), approve=True)
    enqueue_resume(env.settings, run_id, payload)
    worker = env.stack.procs[f"worker-{env.stack._workers_started}"]
    time.sleep(rng.uniform(0, 6))
    os.killpg(worker.pid, signal.SIGSTOP)
    stopped = time.monotonic()
    env.replica.faults(slow_upload=0)
    env.stack.start_worker()
    try:
        run = env.wait_status(run_id, *TERMINAL, timeout=120)
        handed_over = time.monotonic() - stopped
        time.sleep(max(0.0, 30 - handed_over))
    finally:
        os.killpg(worker.pid, signal.SIGCONT)
    time.sleep(8)  # the stalled worker wakes up and reaches whatever step it was at
    os.killpg(worker.pid, signal.SIGKILL)
    notes = [x for x in env.replica.state()["notes"] if x["title"] == title]
    final = env.run(run_id)
    return {"notes": len(notes), "final": final.status in TERMINAL, "status": final.status,
            "handover_s": handed_over, "first_status": run.status}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        stack = Stack(data, web_port=free_port(), redis_port=free_port(), xhs_port=free_port(),
                      douyin_port=free_port(), taobao_port=free_port(), etax_port=free_port(), workers=1,
                      replica_delays=False,
                      extra_env={"OPC_LEASE_S": "4", "OPC_SCHEDULER_TICK_S": "0.5", "OPC_RETRY_BACKOFF_S": "[1, 1, 1]"})
        data.mkdir(parents=True)
        stack.start_redis()
        stack.start_replica("xiaohongshu")
        stack.start_worker()
        stack.start_scheduler()
        env = Env(stack)
        images = [str(make_image(Path(tmp) / f"p{i}.jpg", text=str(i))) for i in range(2)]
        results = []
        try:
            for n in range(args.trials):
                r = trial(env, n, images, rng)
                results.append(r)
                print(f"trial {n + 1}: notes={r['notes']} status={r['status']} hand-over {r['handover_s']:.1f}s",
                      flush=True)
        finally:
            stack.stop()
    dupes = sum(r["notes"] > 1 for r in results)
    lost = sum(r["notes"] == 0 and r["status"] == "published" for r in results)
    open_runs = sum(not r["final"] for r in results)
    hand = [r["handover_s"] for r in results]
    print(f"\n{platform.node()} {os.cpu_count()} cores, {len(results)} trials: duplicates {dupes}, "
          f"published without a note {lost}, runs left non-final {open_runs}, "
          f"hand-over median {statistics.median(hand):.1f}s max {max(hand):.1f}s")


if __name__ == "__main__":
    main()
