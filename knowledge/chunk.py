"""Text -> passages a writer can quote: up to ~500 characters, cut on paragraph and sentence boundaries.

Running prose fills passages close to ``MAX_CHARS``; a document with headings is cut at its sections
(each at least ``MIN_CHARS``, so typically 120-500 characters).

A heading (a ``#`` line from ``extract``) always stays with the text after it, and a passage that
had to end mid-paragraph hands its last short sentence on to the next one, so a fact that straddles
the cut is still found whole in one of them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

MAX_CHARS = 500
MIN_CHARS = 120
"""A heading starts a new passage once the current one has this much: sections stay apart (an FAQ's
answers are found one by one) while tiny sections are merged rather than stored as scraps."""
OVERLAP_CHARS = 80

_SENTENCE_END = re.compile(r"(?<=[。！？!?；;…])(?![。！？!?；;…”’」』）)])")
_SOFT_BREAK = re.compile(r"[，,、：:]")


@dataclass(frozen=True)
class _Unit:
    text: str
    heading: bool = False
    new_paragraph: bool = False
    """Starts a paragraph (joined with a newline) rather than continuing one (joined as is)."""


def chunk_text(text: str, max_chars: int = MAX_CHARS, min_chars: int = MIN_CHARS,
               overlap_chars: int = OVERLAP_CHARS) -> list[str]:
    """Passages of at most ``max_chars``; a new section starts a new passage once ``min_chars`` is reached."""
    chunks: list[str] = []
    current: list[_Unit] = []
    for unit in _units(text, max_chars):
        size = _size(current)
        joiner = 1 if current and (unit.new_paragraph or unit.heading) else 0
        full = size + joiner + len(unit.text) > max_chars
        section_break = unit.heading and size >= min_chars
        if current and (full or section_break):
            carried = _pop_trailing_headings(current)
            if current:
                chunks.append(_render(current))
                if not unit.heading and not carried and not unit.new_paragraph:
                    carried = _overlap(current, overlap_chars, max_chars - len(unit.text) - 1)
            current = carried
        current.append(unit)
    if current:
        chunks.append(_render(current))
    return [c for c in chunks if c.strip()]


def _units(text: str, max_chars: int):
    """Headings, then each paragraph's sentences; a sentence longer than a passage is cut at commas."""
    for paragraph in re.split(r"\n\s*\n|\n", text):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if paragraph.startswith("#"):
            title = paragraph.lstrip("#").strip()
            if title:
                yield _Unit(title[:max_chars], heading=True, new_paragraph=True)
            continue
        first = True
        for sentence in _SENTENCE_END.split(paragraph):
            for piece in _cut(sentence, max_chars // 2):
                if piece.strip():
                    yield _Unit(piece, new_paragraph=first)
                    first = False


def _cut(sentence: str, limit: int) -> list[str]:
    pieces = []
    while len(sentence) > limit:
        soft = [m.end() for m in _SOFT_BREAK.finditer(sentence, 0, limit)]
        at = soft[-1] if soft and soft[-1] > limit // 2 else limit
        pieces.append(sentence[:at])
        sentence = sentence[at:]
    return [*pieces, sentence]


def _size(units: list[_Unit]) -> int:
    return len(_render(units)) if units else 0


def _render(units: list[_Unit]) -> str:
    out = ""
    for u in units:
        out += ("\n" if out and (u.new_paragraph or u.heading) else "") + u.text
    return out.strip()


def _pop_trailing_headings(units: list[_Unit]) -> list[_Unit]:
    """A heading never ends a passage: move it (and any heading above it) to the next one."""
    moved = []
    while units and units[-1].heading:
        moved.insert(0, units.pop())
    return moved


def _overlap(units: list[_Unit], overlap_chars: int, room: int) -> list[_Unit]:
    last = units[-1]
    if last.heading or len(last.text) > min(overlap_chars, room):
        return []
    return [_Unit(last.text, new_paragraph=True)]
