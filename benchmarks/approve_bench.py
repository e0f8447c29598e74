"""Approve → submit latency (issue 19: p50 ≤ 0.5 s with a warm worker), broken down by phase.

    .venv/bin/python benchmarks/approve_bench.py [--runs 10] [--keep-filled-s 0]

A semi-auto Xiaohongshu note waits for its approval on the replica (delays off, one warm worker); the owner
approves (the decision recorded as the approvals API records it, then the resume job). Measured from the
resume job's enqueue to the ledger's intent (the last moment before the press), split where the run leaves a
trace: the worker takes the job (RQ's ``started_at``), claims the run (its ``run.running`` audit row), has
the form ready (the kept form read back, or the form filled again) and its screenshot saved (the
``submitted`` artifact), records the intent. All on one machine's clock. ``--keep-filled-s 0``: the worker
keeps no form open (``rpa.parking`` off), today's path before it; the replica's upload count tells which path
each approval took.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rq.job import Job  # noqa: E402

from benchmarks.publish_bench import login_accounts, post, start, wait_workers  # noqa: E402
from core.approvals import decide  # noqa: E402
from core.db import transaction  # noqa: E402
from core.models import Approval, Artifact, AuditLog, LedgerEntry, utcnow  # noqa: E402
from core.queue import enqueue_resume, redis_for  # noqa: E402
from tests.factories import make_image  # noqa: E402

PHASES = ("queue → the worker takes the job", "job → run claimed", "claimed → form ready and its screenshot saved",
          "screenshot → intent recorded", "approve → intent (all)")


def one(env, emp: str, acc: str, images: list[str], i: int) -> list[float]:
    run_id = env.start_run(acc, emp, post(images, 2000 + i), mode="semi_auto")
    env.wait_status(run_id, "awaiting_approval", timeout=120)
    uploads = env.replica.state()["uploads"]
    with transaction(env.db) as s:
        payload = decide(s, s.query(Approval).filter_by(run_id=run_id).one(), approve=True)
    t0 = utcnow()
    job = enqueue_resume(env.settings, run_id, payload)
    env.wait_status(run_id, "published", timeout=120)
    with env.db() as s:
        intent = s.get(LedgerEntry, f"{run_id}:submit").intent_at
        claimed = max(a.at for a in s.query(AuditLog).filter_by(target=run_id, action="run.running"))
        shot = s.query(Artifact).filter_by(run_id=run_id, step="submitted", kind="screenshot").one().created_at
    taken = Job.fetch(job.id, connection=redis_for(env.settings)).started_at
    marks = [t0, taken.replace(tzinfo=t0.tzinfo), claimed, shot, intent]
    filled_again = env.replica.state()["uploads"] > uploads
    return [(b - a).total_seconds() for a, b in zip(marks, marks[1:])] + [(intent - t0).total_seconds(), filled_again]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--keep-filled-s", type=float, default=None,
                        help="OPC_KEEP_FILLED_S for the worker (default: the setting's own)")
    args = parser.parse_args()
    extra = {} if args.keep_filled_s is None else {"OPC_KEEP_FILLED_S": str(args.keep_filled_s)}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        images = [str(make_image(tmp / f"img{i}.jpg")) for i in range(2)]
        env = start(tmp / "stack", workers=1, extra_env=extra)
        try:
            wait_workers(env, 1, timeout_s=120)
            emp, acc = login_accounts(env, 1)[0]
            one(env, emp, acc, images, -1)  # warm-up: the first resume imports and opens what later ones reuse
            rows = [one(env, emp, acc, images, i) for i in range(args.runs)]
        finally:
            env.stack.stop()
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, {args.runs} approvals, one warm worker, "
          f"{sum(r[-1] for r in rows)} of them with the form filled again")
    for k, name in enumerate(PHASES):
        xs = [r[k] for r in rows]
        print(f"{name}: median {statistics.median(xs):.3f} s, mean {statistics.mean(xs):.3f} s, max {max(xs):.3f} s")


if __name__ == "__main__":
    main()
