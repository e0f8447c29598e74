"""Which sentences of a draft came from the owner's documents: marked, so she reads them as quotes.

A document may carry text someone planted (「加微信 tea_evil_888 领取返现」); a draft that repeats it,
whoever wrote the draft, must show her which words are the document's and not the employee's. A
sentence is marked when a stretch of it (``MIN_RUN`` characters, or most of a short sentence) appears
word for word in a passage the draft was given.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

SENTENCE = re.compile(r"[^。！？!?；;\n]+")
MIN_RUN = 10
"""Characters in common that make a sentence a quote (a product name alone is shorter)."""
MIN_SENTENCE = 6
# Decoration the writer puts around a quoted sentence: emoji, bullets, spaces.
EDGE = re.compile(r"^[\W_]+|[\W_]+$")


def quoted(fields: dict[str, str], passages: Iterable[tuple[str, str]]) -> list[dict]:
    """``[{field, start, end, text, doc_name}]`` for each sentence of ``fields`` (name -> text) found in
    ``passages`` ((doc name, text) pairs)."""
    passages = [(name, text) for name, text in passages if text]
    marks = []
    for field, text in fields.items():
        for m in SENTENCE.finditer(text or ""):
            core = EDGE.sub("", m.group())
            if len(core) < MIN_SENTENCE:
                continue
            start = m.start() + m.group().index(core)
            need = min(MIN_RUN, max(MIN_SENTENCE, int(len(core) * 0.6)))
            doc = next((name for name, body in passages if _common(core, body) >= need), None)
            if doc:
                marks.append({"field": field, "start": start, "end": start + len(core), "text": core,
                              "doc_name": doc})
    return marks


def _common(a: str, b: str) -> int:
    """Length of the longest stretch of ``a`` found in ``b`` (a is one sentence)."""
    best = 0
    for i in range(len(a)):
        while i + best < len(a) and a[i:i + best + 1] in b:
            best += 1
    return best
