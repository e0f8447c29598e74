"""Find the passages of one workspace's knowledge base that answer a query: jieba tokens + BM25.

BM25 needs no model and no network, ranks short factual passages well, and is explainable (a
passage scores because it shares rare words with the query). Scores are computed in memory over the
workspace's own chunks: a small business has hundreds of passages, not millions.
"""
from __future__ import annotations

import logging
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import jieba
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.models import KnowledgeChunk, KnowledgeDoc

jieba.setLogLevel(logging.WARNING)

K1 = 1.5
B = 0.75

# Function words and question words: they carry no topic, and a question ("怎么…？") would otherwise
# favour every passage written as a question.
STOP_WORDS = frozenset("""
的 了 和 与 及 或 是 在 也 就 都 而 着 过 把 被 让 给 对 从 向 于 为 以 之 其 这 那 这个 那个 这些 那些
一个 一些 一种 有 有的 没有 不 没 很 还 又 再 更 吗 呢 吧 啊 呀 哦 嘛 么 我 你 他 她 它 我们 你们 他们
咱们 大家 自己 怎么 怎么样 怎样 如何 什么 为什么 哪 哪里 哪些 多少 几 请问 可以 能 会 要 想 啦 哈
a an the of to in on for and or is are be with as at by it this that what how do does can
""".split())


@dataclass(frozen=True)
class Passage:
    doc_id: str
    doc_name: str
    chunk_id: str
    text: str
    score: float


def tokenize(text: str) -> list[str]:
    """Search-mode jieba tokens, ASCII lower-cased, without punctuation, spaces and stop words."""
    tokens = []
    for token in jieba.cut_for_search(unicodedata.normalize("NFKC", text)):
        token = token.strip().lower()
        if token and not _is_punctuation(token) and token not in STOP_WORDS:
            tokens.append(token)
    return tokens


def _is_punctuation(token: str) -> bool:
    return all(unicodedata.category(ch)[0] in "PSZC" for ch in token)


def search(session: Session, workspace_id: str, query: str, k: int = 4) -> list[Passage]:
    """The ``k`` best passages of the workspace for ``query``, best first; only passages sharing a word."""
    terms = set(tokenize(query))
    if not terms or k <= 0:
        return []
    rows = session.execute(
        select(KnowledgeChunk.id, KnowledgeChunk.doc_id, KnowledgeDoc.name, KnowledgeChunk.text,
               KnowledgeChunk.tokens)
        .join(KnowledgeDoc, KnowledgeDoc.id == KnowledgeChunk.doc_id)
        .where(KnowledgeChunk.workspace_id == workspace_id, KnowledgeDoc.workspace_id == workspace_id)
    ).all()
    scores = bm25_scores(terms, [r.tokens for r in rows])
    ranked = sorted((i for i, s in enumerate(scores) if s > 0), key=lambda i: (-scores[i], rows[i].id))
    return [Passage(rows[i].doc_id, rows[i].name, rows[i].id, rows[i].text, round(scores[i], 4))
            for i in ranked[:k]]


def bm25_scores(terms: set[str], documents: list[list[str]], k1: float = K1, b: float = B) -> list[float]:
    """Okapi BM25 of each token list for the query terms (idf with +1 so it is never negative)."""
    n = len(documents)
    if n == 0:
        return []
    avg_len = sum(len(d) for d in documents) / n or 1.0
    df = Counter(t for d in documents for t in set(d) if t in terms)
    idf = {t: math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5)) for t in df}
    scores = []
    for tokens in documents:
        tf = Counter(t for t in tokens if t in idf)
        norm = k1 * (1 - b + b * len(tokens) / avg_len)
        scores.append(sum(idf[t] * f * (k1 + 1) / (f + norm) for t, f in tf.items()))
    return scores


def quote(passages: list[Passage], max_chars: int = 1500) -> str:
    """Passages as a prompt block for a writer (``【文件名】text``), cut to ``max_chars`` in total."""
    out, used = [], 0
    for p in passages:
        text = re.sub(r"\s+", " ", p.text)
        block = f"【{p.doc_name}】{text}"
        if used + len(block) > max_chars:
            block = block[: max(0, max_chars - used)]
        if block:
            out.append(block)
            used += len(block)
    return "\n".join(out)
