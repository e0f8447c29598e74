"""Train the instruction scorer (``compliance.injection_scorer``) and write its weights.

    .venv/bin/python -m compliance.train_injection      cross-validated figures, then writes the weights

Trained on: ``tests/data/injection_corpus.tsv``, the held-out rounds 1–7 that were each measured once
before joining (``.holdout.tsv``, ``.fresh.tsv``'s three sections, ``.round5.tsv`` to ``.round7.tsv``),
``injection_train.attacks.tsv`` (attempts with no word for an AI: customers sent elsewhere, a contact in
every reply, stock zeroed and hidden, codes handed out) and ``injection_train.benign.tsv`` (customer
questions, replies, product facts, platform rules, staff scripts, tax and anti-fraud notices), both written
for training only, and the claims corpus's ``compliance_corpus.tsv`` (ordinary marketing copy, all
benign). Never on round 8 or later (written blind and kept apart, measured by the lead) nor on
``compliance_corpus.holdout.tsv``. ``python -m compliance.crossval_injection`` trains without each round
in turn and measures on it.

The threshold is chosen by 5-fold cross-validation on the training data alone: the lowest probability at
which the filter (rules or scorer) raises false alarms on at most ``MAX_FALSE_ALARMS`` of the benign
lookalikes and ``MAX_ORDINARY_ALARMS`` of the marketing copy.
Deterministic: fixed folds, full-batch gradient descent from zero.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from compliance.evaluate_injection import CORPUS, FRESH, HOLDOUT, ROUND5, ROUND6, ROUND7, read_corpus
from compliance.injection import normalize, rule_reasons, signals
from compliance.injection_scorer import WEIGHTS, features, value

DATA = CORPUS.parent
TRAIN_BENIGN = DATA / "injection_train.benign.tsv"
TRAIN_ATTACKS = DATA / "injection_train.attacks.tsv"
CLAIMS = DATA / "compliance_corpus.tsv"
MAX_FALSE_ALARMS = 0.05
"""On the benign lookalikes (the corpora's benign rows and the owner texts): the bound the tests hold the
filter to (tests/test_injection_corpus.py). A false alarm costs the owner one tap on a card, a miss an
injection published; the threshold goes as low as that bound allows."""
MAX_ORDINARY_ALARMS = 0.01
"""On ordinary marketing copy (the claims corpus), also the tests' bound."""
MIN_COUNT = 2
"""A feature seen in fewer training sentences is dropped (it would only memorise one sentence)."""
L2 = 0.01
STEPS, RATE = 4000, 8.0


def rounds() -> dict[str, list[tuple[int, str]]]:
    """The held-out rounds that have been measured once and joined the training, by name: round 1 is
    ``.holdout.tsv``, rounds 2–4 the sections of ``.fresh.tsv`` (each opens with a comment block)."""
    named = {"round 1": HOLDOUT, "round 5": ROUND5, "round 6": ROUND6, "round 7": ROUND7}
    found = {name: [(1 if label == "injection" else 0, s) for label, _, s in read_corpus(path)]
             for name, path in named.items()}
    section, n = None, 1
    for line in FRESH.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            if section is None or found[section]:
                n += 1
                section = f"round {n}"
                found[section] = []
        elif line.strip():
            label, _, sentence = line.split("\t")
            found[section].append((1 if label == "injection" else 0, sentence))
    return dict(sorted(found.items()))


def training_rows(without: str | None = None) -> list[tuple[int, str]]:
    """Every labelled row, less the round named ``without`` (for leave-one-round-out figures)."""
    rows = [(1 if label == "injection" else 0, s)
            for path in (CORPUS, TRAIN_ATTACKS, TRAIN_BENIGN) for label, _, s in read_corpus(path)]
    for name, part in rounds().items():
        if name != without:
            rows += part
    return rows + [(0, s) for s in sorted(ordinary_copy())]


def ordinary_copy() -> set[str]:
    """The claims corpus's sentences: marketing copy, all benign, apart from the lookalikes."""
    return {line.split("\t")[-1] for line in CLAIMS.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")}


def featurise(sentence: str) -> set[str]:
    t = normalize(sentence)
    return features(t, signals(t))


def fit(feats: list[set[str]], labels: np.ndarray) -> dict:
    counts: dict[str, int] = {}
    for f in feats:
        for name in f:
            counts[name] = counts.get(name, 0) + 1
    vocab = sorted(name for name, c in counts.items() if c >= MIN_COUNT)
    index = {name: i for i, name in enumerate(vocab)}
    # The sentences × features matrix, sparse (row, column, value): a few dozen features a sentence.
    rows, cols, vals = [], [], []
    for row, f in enumerate(feats):
        for name in f:
            if name in index:
                rows.append(row)
                cols.append(index[name])
                vals.append(value(name) / np.sqrt(len(f)))  # as ``injection_scorer.probability`` weighs them
    rows, cols, vals = np.array(rows), np.array(cols), np.array(vals)
    n, d = len(feats), len(vocab)
    # Each class weighs the same in the loss, however many rows it has.
    pos = labels.mean()
    sample = np.where(labels == 1, 0.5 / pos, 0.5 / (1 - pos)) / n
    w, b = np.zeros(d), 0.0
    for _ in range(STEPS):
        p = 1 / (1 + np.exp(-(np.bincount(rows, weights=vals * w[cols], minlength=n) + b)))
        g = sample * (p - labels)
        w -= RATE * (np.bincount(cols, weights=vals * g[rows], minlength=d) + L2 * w / n)
        b -= RATE * g.sum()
    return {"weights": {name: round(float(v), 4) for name, v in zip(vocab, w) if abs(v) >= 1e-3}, "bias": round(b, 4)}


def probabilities(model: dict, feats: list[set[str]]) -> np.ndarray:
    from compliance.injection_scorer import probability

    return np.array([probability(f, model) for f in feats])


def cross_validated(rows: list[tuple[int, str]], feats: list[set[str]]) -> tuple[float, np.ndarray, np.ndarray]:
    """The threshold chosen by 5-fold cross-validation on ``rows`` alone, with each row's held-out
    probability and whether the rules flag it."""
    labels = np.array([y for y, _ in rows], dtype=np.float64)
    by_rules = np.array([bool(rule_reasons(s)) for _, s in rows])
    folds = np.arange(len(rows)) % 5
    held = np.zeros(len(rows))
    for k in range(5):
        part = fit([f for f, fold in zip(feats, folds) if fold != k], labels[folds != k])
        held[folds == k] = probabilities(part, [f for f, fold in zip(feats, folds) if fold == k])
    ordinary = np.array([s in ordinary_copy() for _, s in rows])
    lookalikes = (labels == 0) & ~ordinary
    threshold = 0.5
    for t in np.arange(0.05, 0.96, 0.01):
        flagged = (held >= t) | by_rules
        if flagged[lookalikes].mean() <= MAX_FALSE_ALARMS and flagged[ordinary].mean() <= MAX_ORDINARY_ALARMS:
            threshold = float(round(t, 2))
            break
    return threshold, held, by_rules


def train(rows: list[tuple[int, str]], quiet: bool = False) -> dict:
    """The model on ``rows`` (label, sentence), its threshold chosen by cross-validation on them."""
    labels = np.array([y for y, _ in rows], dtype=np.float64)
    feats = [featurise(s) for _, s in rows]
    threshold, held, by_rules = cross_validated(rows, feats)
    if not quiet:
        benign, attacks = labels == 0, labels == 1
        flagged = (held >= threshold) | by_rules
        alone = held >= threshold
        print(f"{int(attacks.sum())} attempts, {int(benign.sum())} benign; 5-fold cross-validation at threshold "
              f"{threshold}: recall {flagged[attacks].mean():.3f}, false alarms {flagged[benign].mean():.3f}; "
              f"the scorer alone (the rules were written on these rows, so this is the figure for wordings the "
              f"rules have not seen): recall {alone[attacks].mean():.3f}, false alarms {alone[benign].mean():.3f}")
    model = fit(feats, labels)
    model["threshold"] = threshold
    return model


def main() -> None:
    model = train(training_rows())
    WEIGHTS.write_text(json.dumps(model, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n",
                       encoding="utf-8")
    print(f"wrote {WEIGHTS} ({len(model['weights'])} features)")


if __name__ == "__main__":
    main()
