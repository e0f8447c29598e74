"""Maintained word lists (``compliance/data/*.txt``) and finding their words in a text.

File format (UTF-8, one entry a line)::

    # comment                       ignored
    @source 《…》第…条               where the list comes from (shown with every finding)
    [terms]                         words to find
    最好 => 很好 | 非常好            a term and its rewrites, first one preferred
    100% =>                         empty rewrite: suggest deleting the words
    治疗                            no rewrite: the message says what to do
    [review]                        words that are usually a claim but have ordinary uses too: the same
    唯一 => 少有的                  format as [terms]; a match blocks unless the owner overrides it
    [allow]                         harmless phrases that contain a term (最近 contains 最 …)
    最近

Matching is case-insensitive for ASCII, longest term first, and skips any match that lies inside an
allowed phrase.
"""
from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    term: str
    """The list's spelling of the word (the text's own spelling is ``text[start:end]``)."""
    rewrites: tuple[str, ...] | None
    """None: no rewrite given; (): delete; otherwise the suggested replacements, best first."""
    overridable: bool = False
    """A ``[review]`` term: the owner may publish it anyway, with a reason."""


@dataclass(frozen=True)
class WordList:
    name: str
    source: str = ""
    terms: dict[str, tuple[str, ...] | None] = field(default_factory=dict)
    allow: tuple[str, ...] = ()
    review: frozenset[str] = frozenset()
    """The terms listed under ``[review]`` (they are in ``terms`` too)."""

    def find(self, text: str) -> list[Hit]:
        """Non-overlapping matches, left to right, the longest term winning at each position."""
        if not self.terms:
            return []
        folded = fold(text)
        allowed = self.allowed_spans(folded)
        hits = []
        for m in _pattern(tuple(self.terms)).finditer(folded):
            if any(a <= m.start() and m.end() <= b for a, b in allowed):
                continue
            term = self.canonical(m.group())
            hits.append(Hit(m.start(), m.end(), term, self.terms[term], term in self.review))
        return hits

    def allowed_spans(self, folded: str) -> list[tuple[int, int]]:
        if not self.allow:
            return []
        # Overlapping search: an allowed phrase may start inside another one.
        return [(m.start(), m.start() + len(m.group(1))) for m in _lookahead(self.allow).finditer(folded)]

    def canonical(self, folded_match: str) -> str:
        return next(t for t in self.terms if fold(t) == folded_match)


_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def fold(text: str) -> str:
    """Lower-case ASCII only, so every index in the folded text is the same index in the original."""
    return text.translate(_ASCII_LOWER)


def _alternation(words) -> str:
    return "|".join(re.escape(fold(w)) for w in sorted(words, key=len, reverse=True))


# Compiled once per list: every run's content is checked against every list, field by field (the allow list's
# alternation was built anew at each look, ~10 % of an auto publish's Python in the worker).
@lru_cache(maxsize=64)
def _pattern(words: tuple[str, ...]) -> re.Pattern:
    return re.compile(_alternation(words))


@lru_cache(maxsize=64)
def _lookahead(words: tuple[str, ...]) -> re.Pattern:
    return re.compile(f"(?=({_alternation(words)}))")


def parse(name: str, text: str) -> WordList:
    source, section = "", None
    terms: dict[str, tuple[str, ...] | None] = {}
    allow: list[str] = []
    review: set[str] = set()
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@source"):
            source = line.removeprefix("@source").strip()
        elif re.fullmatch(r"\[\w+\]", line):
            section = line[1:-1]
        elif section in ("terms", "review"):
            word, arrow, rewrites = (p.strip() for p in line.partition("=>"))
            terms[word] = tuple(r.strip() for r in rewrites.split("|") if r.strip()) if arrow else None
            if section == "review":
                review.add(word)
        elif section == "allow":
            allow.append(line)
        else:
            raise ValueError(f"{name}: line outside a [terms]/[review]/[allow] section: {line!r}")
    return WordList(name, source, terms, tuple(allow), frozenset(review))


@lru_cache(maxsize=16)
def load(name: str) -> WordList:
    """``compliance/data/<name>.txt``, parsed once per process."""
    return parse(name, (DATA_DIR / f"{name}.txt").read_text(encoding="utf-8"))


def workspace_list(words) -> WordList:
    """The owner's own banned words as a list (blank entries and duplicates dropped)."""
    cleaned = dict.fromkeys(w.strip() for w in words if w and w.strip())
    return WordList("workspace", "本店设置的禁用词", {w: None for w in cleaned})
