"""The checker on a labelled corpus of hand-written marketing sentences (tests/data/compliance_corpus.tsv):
it catches the banned ones and leaves ordinary copy alone. ``python -m compliance.evaluate`` prints the same
figures with every miss; docs/compliance.md reports them."""
from __future__ import annotations

from compliance.evaluate import flags, read_corpus, score

ROWS = read_corpus()


def test_the_corpus_has_at_least_300_sentences_of_both_kinds_and_no_duplicates():
    banned = [r for r in ROWS if r[0] == "banned"]
    clean = [r for r in ROWS if r[0] == "clean"]
    assert len(ROWS) >= 300 and len(banned) >= 150 and len(clean) >= 150
    assert len({r[2] for r in ROWS}) == len(ROWS)
    assert {"tea", "phone_case", "clothes", "cosmetics", "food"} <= {r[1] for r in ROWS}


def test_the_checker_finds_at_least_95_percent_of_the_banned_sentences():
    s = score(ROWS)
    assert s.recall >= 0.95, s.missed


def test_the_checker_flags_at_most_2_percent_of_the_clean_sentences():
    s = score(ROWS)
    assert s.false_positive_rate <= 0.02, s.false_alarms


def test_the_sentence_from_the_issue_is_clean_in_the_corpus_and_not_flagged():
    row = next(r for r in ROWS if r[2].startswith("第一泡20秒"))
    assert row[0] == "clean" and flags(row[2]) == []
