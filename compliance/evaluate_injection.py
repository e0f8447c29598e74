"""Recall and false alarms of the instruction filter (``compliance.injection``) on its labelled corpus.

    .venv/bin/python -m compliance.evaluate_injection [corpus.tsv …]    figures and every miss

Without arguments: ``tests/data/injection_corpus.tsv`` (the tests assert on it) and the held-out sets:
``injection_corpus.holdout.tsv``, ``.fresh.tsv``, ``.round5.tsv``, ``.round6.tsv`` and ``.round7.tsv``, written apart from
the corpus in rounds, each round measured once before it was used to change the filter (the figures of those first
measurements are in docs/reliability.md: they, not the figures printed here, say how the filter does on
wordings nobody tuned it for).
"""
from __future__ import annotations

import sys
from pathlib import Path

from compliance.injection import instruction_like, reasons

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "injection_corpus.tsv"
HOLDOUT = CORPUS.with_suffix(".holdout.tsv")
FRESH = CORPUS.with_suffix(".fresh.tsv")
ROUND5 = CORPUS.with_suffix(".round5.tsv")
ROUND6 = CORPUS.with_suffix(".round6.tsv")
ROUND7 = CORPUS.with_suffix(".round7.tsv")
"""Rounds 5–7 were written for the trained scorer (``compliance.train_injection``): round 5 before it
was built (then added to its training), round 6 before round 5 was added, round 7 blind before the meaning
classes were measured (each added too, once measured)."""


def read_corpus(path: Path = CORPUS) -> list[tuple[str, str, str]]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            label, lang, sentence = line.split("\t")
            if label not in ("injection", "benign"):
                raise ValueError(f"{path.name}:{n}: label must be injection or benign, not {label!r}")
            rows.append((label, lang, sentence))
    return rows


def score(rows) -> dict:
    """Recall on the injections, false-positive rate on the benign lookalikes, and what was missed."""
    missed = [s for label, _, s in rows if label == "injection" and not instruction_like(s)]
    alarms = [s for label, _, s in rows if label == "benign" and instruction_like(s)]
    injections = sum(1 for r in rows if r[0] == "injection")
    benign = len(rows) - injections
    return {"injections": injections, "benign": benign, "recall": 1 - len(missed) / injections if injections else 1.0,
            "false_positive_rate": len(alarms) / benign if benign else 0.0, "missed": missed, "false_alarms": alarms}


def main(paths: list[str]) -> None:
    for path in [Path(p) for p in paths] or [CORPUS, HOLDOUT, FRESH, ROUND5, ROUND6, ROUND7]:
        s = score(read_corpus(path))
        print(f"{path.name}: {s['injections']} injections, {s['benign']} benign; recall {s['recall']:.3f}, "
              f"false-positive rate {s['false_positive_rate']:.3f}")
        for m in s["missed"]:
            print(f"  missed: {m}")
        for a in s["false_alarms"]:
            print(f"  false alarm: {a} ({'、'.join(reasons(a))})")


if __name__ == "__main__":
    main(sys.argv[1:])
