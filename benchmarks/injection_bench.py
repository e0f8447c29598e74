"""Instruction-filter benchmark: the CPU time ``compliance.injection.instruction_like`` spends on one
sentence (rules, then the trained scorer for what the rules pass), over every labelled sentence of the
corpora and the claims corpus's marketing copy (mostly ordinary text, as inbound comments are).

    .venv/bin/python benchmarks/injection_bench.py [--runs 5]

Why CPU time: the filter runs on every inbound comment and every draft sentence, in the worker's own
thread; process time hardly moves with the load of a shared machine, wall time does. The weights are read
once before timing (as a worker does on its first sentence).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from compliance.injection import instruction_like  # noqa: E402
from compliance.injection_scorer import model  # noqa: E402
from compliance.train_injection import rounds, training_rows  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    sentences = sorted({s for _, s in training_rows()} | {s for part in rounds().values() for _, s in part})
    model()
    per_run = []
    slowest = 0.0
    for _ in range(args.runs):
        start = time.process_time()
        for s in sentences:
            t0 = time.process_time()
            instruction_like(s)
            slowest = max(slowest, time.process_time() - t0)
        per_run.append((time.process_time() - start) / len(sentences))
    print(f"{len(sentences)} sentences × {args.runs} runs: CPU a sentence median {statistics.median(per_run) * 1e6:.0f} µs "
          f"(runs {min(per_run) * 1e6:.0f}–{max(per_run) * 1e6:.0f} µs), slowest sentence {slowest * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
