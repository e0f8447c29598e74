"""Redis outage benchmark: kill -9 the run stack's Redis mid-run, N trials, with its append-only file and
without any persistence, and report lost runs, duplicates and recovery times (docs/reliability.md).

    .venv/bin/python benchmarks/redis_outage_bench.py [--trials 20] [--runs 3] [--down 1.0]

Each trial posts ``--runs`` runs through the API (auto mode, one Xiaohongshu account on the replica, delays
off), kills Redis with SIGKILL while the first is in the browser, posts one more run while Redis is down
(which must answer 201), starts Redis again after ``--down`` seconds and waits until every run is final.
Recovery is the time from Redis answering again to a worker taking up the run posted while it was down
(that run's job never existed: the scheduler's sweep finds it in the database). A run is lost when it is not
published; a duplicate is a title the replica shows more than once.
"""
from __future__ import annotations

import argparse
import collections
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.outage_fixtures import final_statuses, kill_redis_mid_run, start_outage_env  # noqa: E402


def bench(persist: bool, trials: int, runs: int, down_s: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="opc-outage-") as tmp:
        env = start_outage_env(Path(tmp) / "data", persist=persist)
        try:
            done = []
            for i in range(trials):
                done.append(kill_redis_mid_run(env, runs=runs, down_s=down_s))
                print(f"  trial {i + 1}/{trials}: recovery {done[-1].recovery_s:.2f} s", flush=True)
            statuses = final_statuses(env, [r for t in done for r in t.run_ids])
            published = collections.Counter(env.published_titles())
        finally:
            env.stack.stop()
    titles = [title for t in done for title in t.titles]
    recovery = sorted(t.recovery_s for t in done)
    return {"runs": len(titles), "lost": sum(not s.startswith("published") for s in statuses.values()),
            "duplicates": sum(published[t] > 1 for t in titles),
            "answered_201_while_down": sum(t.posted_while_down == 201 for t in done),
            "recovery_median_s": statistics.median(recovery), "recovery_max_s": recovery[-1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3, help="runs posted before each kill")
    parser.add_argument("--down", type=float, default=1.0, help="seconds Redis stays down")
    args = parser.parse_args()
    for persist in (True, False):
        name = "append-only file, fsync every second" if persist else "no persistence (Redis loses everything)"
        print(f"{name}: {args.trials} trials", flush=True)
        r = bench(persist, args.trials, args.runs, args.down)
        print(f"| {name} | {args.trials} | {r['runs']} | {r['lost']} | {r['duplicates']} | "
              f"{r['answered_201_while_down']}/{args.trials} | {r['recovery_median_s']:.1f} s | "
              f"{r['recovery_max_s']:.1f} s |", flush=True)


if __name__ == "__main__":
    main()
