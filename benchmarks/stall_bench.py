"""Stall benchmark: a worker stopped (SIGSTOP, with its browser) past its lease at a chosen step of an
irreversible workflow never makes a second post, listing, filing or payment, and every run ends final.

    .venv/bin/python benchmarks/stall_bench.py --workflow publish|douyin|listing|filing|paying \\
        --step fill|filling|intent|press|clicked|readback|all [more steps] [--trials 20]

Each trial: a run waits for the approval of its irreversible step (a semi-auto Xiaohongshu note, a Douyin
image post, a Taobao listing, a VAT return under the threshold, the payment of a return with tax due); the
worker is armed to stop itself at ``--step`` (``rpa.stall``: deterministic, not by timing) and the owner
approves; once it is stopped a second worker is started, the scheduler hands it the run when the lease
(4 s) runs out, and when the run has ended the first worker is continued and watched until its fence
makes it leave the run alone. Counted: effects on the replica per run (1 expected), runs not final, trials
whose step was really hit, woken workers that gave up, hand-over time. Replica delays are off; for
``filling`` the site's uploads (calls, on the tax bureau) are slowed so the fill is stopped inside.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.runs import TERMINAL  # noqa: E402
from rpa.stall import POINTS  # noqa: E402
from tests.stall_fixtures import SITE_OF, WORKFLOWS, Stalled, prepare, stall, stall_stack  # noqa: E402


class _Factory:
    """``tmp_path_factory``'s one method, for ``make_stack`` outside pytest."""

    def __init__(self, root: Path):
        self.root, self.n = root, 0

    def mktemp(self, name: str) -> Path:
        self.n += 1
        path = self.root / f"{name}{self.n}"
        path.mkdir()
        return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workflow", choices=WORKFLOWS, default="publish")
    parser.add_argument("--step", choices=(*POINTS, "all"), nargs="+", default=["press"],
                        help="where the worker stops; several (or all): --trials at each in turn, one stack")
    parser.add_argument("--trials", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env, stall_file = stall_stack(_Factory(Path(tmp)), sites=(SITE_OF[args.workflow],))
        by_step = {}
        try:
            for step in POINTS if "all" in args.step else dict.fromkeys(args.step):
                results = by_step.setdefault(step, [])
                for n in range(args.trials):
                    prep = prepare(env, args.workflow, Path(tmp))
                    try:
                        r = stall(env, stall_file, prep, step)
                    except AssertionError as e:  # the run did not end in time: counted as left non-final
                        print(f"{step} trial {n + 1}: {e}", flush=True)
                        r = Stalled(True, 0.0, env.run(prep.run_id).status, False)
                    effects = prep.count()
                    results.append((r, effects))
                    print(f"{step} trial {n + 1}: hit={r.hit} effects={effects} status={r.status} "
                          f"hand-over {r.handover_s:.1f}s gave-up={r.gave_up}", flush=True)
        finally:
            env.stack.stop()
    print()
    for step, results in by_step.items():
        summary(args.workflow, step, results)


def summary(workflow: str, step: str, results: list) -> None:
    dupes = sum(e > 1 for _, e in results)
    lost = sum(e == 0 and r.status == "published" for r, e in results)
    open_runs = sum(r.status not in TERMINAL for r, _ in results)
    hits = [r for r, _ in results if r.hit]
    hand = [r.handover_s for r in hits] or [0.0]
    print(f"{platform.node()} {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}, {workflow} at {step}: "
          f"{len(results)} trials, step hit {len(hits)}, duplicates {dupes}, published without effect {lost}, "
          f"runs left non-final {open_runs}, not published {sum(r.status != 'published' for r, _ in results)}, "
          f"woken workers that gave up {sum(r.gave_up for r in hits)}/{len(hits)}, "
          f"hand-over median {statistics.median(hand):.1f}s max {max(hand):.1f}s")


if __name__ == "__main__":
    main()
