"""Precision and recall of the checker on a labelled corpus (``tests/data/compliance_corpus.tsv``).

    .venv/bin/python -m compliance.evaluate [corpus.tsv …]    prints the figures and every miss

Without arguments it reads the corpus the tests assert on and the held-out set (sentences written after
the last round of rule changes, never used to change the rules), which says how the checker does on new text.

A sentence counts as flagged when the checker reports any claim finding on it (blocking or warning):
platform limits, promotion periods and the workspace's own words are other questions, not measured here.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from compliance.check import check
from compliance.draft import Draft

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "compliance_corpus.tsv"
HOLDOUT = CORPUS.with_suffix(".holdout.tsv")
CLAIM_RULES = {"ad_law.absolute", "ad_law.superlative", "medical_claim", "financial_claim", "contact"}


@dataclass
class Scores:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    missed: list[str] = field(default_factory=list)
    """Banned sentences the checker let through."""
    false_alarms: list[str] = field(default_factory=list)
    """Clean sentences the checker flagged, with what it flagged."""

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def false_positive_rate(self) -> float:
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else 0.0


def read_corpus(path: Path = CORPUS) -> list[tuple[str, str, str]]:
    """(label, topic, sentence) rows; ``#`` lines are comments."""
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        label, topic, sentence = line.split("\t")
        if label not in ("banned", "clean"):
            raise ValueError(f"{path.name}:{n}: label must be banned or clean, not {label!r}")
        rows.append((label, topic, sentence))
    return rows


def flags(sentence: str, *, blocking_only: bool = False) -> list[str]:
    found = check(Draft(body=sentence), None)
    return [f.text for f in found if f.rule in CLAIM_RULES and (f.severity == "blocking" or not blocking_only)]


def score(rows, *, blocking_only: bool = False) -> Scores:
    s = Scores()
    for label, _topic, sentence in rows:
        hit = flags(sentence, blocking_only=blocking_only)
        if label == "banned":
            s.tp, s.fn = s.tp + bool(hit), s.fn + (not hit)
            if not hit:
                s.missed.append(sentence)
        else:
            s.fp, s.tn = s.fp + bool(hit), s.tn + (not hit)
            if hit:
                s.false_alarms.append(f"{sentence}  ←  {'、'.join(hit)}")
    return s


def report(rows) -> str:
    lines = [f"{len(rows)} sentences: {sum(r[0] == 'banned' for r in rows)} banned, "
             f"{sum(r[0] == 'clean' for r in rows)} clean"]
    for name, blocking_only in (("any finding", False), ("blocking findings only", True)):
        s = score(rows, blocking_only=blocking_only)
        lines.append(f"{name}: precision {s.precision:.3f}, recall {s.recall:.3f}, "
                     f"false-positive rate {s.false_positive_rate:.3f} (tp {s.tp}, fp {s.fp}, fn {s.fn}, tn {s.tn})")
        lines += [f"  missed: {m}" for m in s.missed] + [f"  false alarm: {m}" for m in s.false_alarms]
    return "\n".join(lines)


if __name__ == "__main__":
    for path in [Path(p) for p in sys.argv[1:]] or [CORPUS, HOLDOUT]:
        print(f"== {path.name}\n{report(read_corpus(path))}\n")
