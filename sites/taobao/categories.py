"""Leaf categories of Taobao's tree the service knows, to resolve the owner's category word before any
browser work: a word that fits several leaves (「茶叶」: 绿茶, 红茶, 乌龙茶) is never guessed, she picks one.

The paths are GUESS shaped like the real ones (``A>B>C``), the same leaves the replica serves
(``sandbox/taobao/catalog.py``; a test keeps the two in step). A word that fits no leaf here is left to
the site: its category search decides, and the adapter refuses to guess there too (``CategoryPage.choose``).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KnownLeaf:
    path: str
    keywords: tuple[str, ...]
    """Words the site's category search also matches (synonyms), besides the path's own parts."""


KNOWN_LEAVES = (
    KnownLeaf("手机>手机配件>手机壳", ("手机壳", "保护套", "手机套")),
    KnownLeaf("手机>手机配件>数据线", ("数据线", "充电线", "快充线")),
    KnownLeaf("女装/女士精品>T恤", ("T恤", "短袖")),
    KnownLeaf("男装>T恤", ("T恤", "短袖", "男士")),
    KnownLeaf("女装/女士精品>连衣裙", ("连衣裙", "裙子")),
    KnownLeaf("茶>茶叶>绿茶", ("茶叶", "绿茶", "龙井")),
    KnownLeaf("茶>茶叶>红茶", ("茶叶", "红茶")),
    KnownLeaf("茶>茶叶>乌龙茶", ("茶叶", "乌龙茶", "乌龙", "铁观音")),
)


def norm_path(path: str) -> str:
    """``手机 > 手机配件＞手机壳`` → ``手机>手机配件>手机壳``."""
    return ">".join(part.strip() for part in path.replace("＞", ">").split(">"))


def is_path(word: str) -> bool:
    return ">" in word.replace("＞", ">")


def candidates(word: str) -> list[str]:
    """Known leaf paths the word fits, as the site's search would list them. A word written as a whole
    path fits that path only."""
    word = word.strip()
    if not word:
        return []
    if is_path(word):
        return [leaf.path for leaf in KNOWN_LEAVES if leaf.path == norm_path(word)]
    low = word.lower()
    return [leaf.path for leaf in KNOWN_LEAVES
            if low in leaf.path.lower() or any(low in k.lower() for k in leaf.keywords)]
