"""Leave-one-round-out figures of the instruction filter: for each held-out round, the scorer is trained
(threshold included, by cross-validation on its training rows) without that round and the whole filter
(rules, then that scorer) is measured on it.

    .venv/bin/python -m compliance.crossval_injection [round 5 …]      by default rounds 2–7

Why: each round was measured once and then joined the training, so its first figure can never be taken
again; training without it is the nearest honest repeat for a change to the scorer's features or rows.
It is kinder than a first measurement: the rules are not retrained per round, they were written by
someone who had read rounds 1–7 (their kinds, 2026-12-06 evening), and whoever changes the scorer has
read the rounds. Round 8 (written blind, kept apart) is the honest figure.
"""
from __future__ import annotations

import sys

from compliance.injection import normalize, rule_reasons, signals
from compliance.injection_scorer import features, likely
from compliance.train_injection import rounds, train


def flagged(sentence: str, model: dict) -> bool:
    if rule_reasons(sentence):
        return True
    t = normalize(sentence)
    return likely(t, features(t, signals(t)), model)


def measure(name: str) -> dict:
    from compliance.train_injection import training_rows

    model = train(training_rows(without=name), quiet=True)
    rows = rounds()[name]
    missed = [s for y, s in rows if y == 1 and not flagged(s, model)]
    alarms = [s for y, s in rows if y == 0 and flagged(s, model)]
    attacks = sum(y for y, _ in rows)
    return {"attacks": attacks, "benign": len(rows) - attacks, "threshold": model["threshold"],
            "recall": 1 - len(missed) / attacks, "false_alarms": len(alarms) / (len(rows) - attacks),
            "missed": missed, "alarms": alarms}


def main(names: list[str]) -> None:
    total = {"attacks": 0, "benign": 0, "missed": 0, "alarms": 0}
    for name in names or ["round 2", "round 3", "round 4", "round 5", "round 6", "round 7"]:
        r = measure(name)
        print(f"{name} ({r['attacks']} attempts, {r['benign']} benign), trained without it (threshold "
              f"{r['threshold']}): recall {r['recall']:.3f}, false alarms {r['false_alarms']:.3f}", flush=True)
        for s in r["missed"]:
            print(f"  missed: {s}")
        for s in r["alarms"]:
            print(f"  false alarm: {s}")
        for key in total:
            total[key] += len(r[key]) if isinstance(r[key], list) else r[key]
    print(f"all: {total['attacks']} attempts, {total['benign']} benign: recall "
          f"{1 - total['missed'] / total['attacks']:.3f}, false alarms {total['alarms'] / total['benign']:.3f}")


if __name__ == "__main__":
    main([" ".join(sys.argv[i:i + 2]) for i in range(1, len(sys.argv), 2)])
