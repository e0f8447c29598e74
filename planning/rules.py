"""The planner with no model: keywords and patterns over the owner's sentence.

It finds the sites (小红书/红书/xhs, 抖音/douyin, 淘宝/店铺), the time (``planning.when``), the kind of task
(发/发布/帖子/笔记/视频 → publish; 上架/上新/商品 → list_product), the subject (产品是…, 关于…, a quoted
name) and the theme (发一篇「新品上市」的帖子). Whatever words are left over are reported in
``Plan.unknown`` instead of being guessed at. Drafts come from the offline writer.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from planning.plan import KIND_LABELS, KIND_SITES, SITE_LABELS, Plan, PlannedRun
from planning.when import When, resolve
from planning.writer import AUTHOR_OFFLINE, Passage, draft

SITE_WORDS = {
    "xiaohongshu": re.compile(r"小红书|红书|xhs", re.I),
    "douyin": re.compile(r"抖音|douyin", re.I),
    "taobao": re.compile(r"淘宝|店铺|taobao", re.I),
}
KIND_WORDS = {
    "list_product": re.compile(r"上架|上新|商品|宝贝"),
    "publish": re.compile(r"发布|发帖子?|帖子|笔记|视频|图文|发"),
}
NOW_WORDS = re.compile(r"立即|立刻|马上|现在")
PRICE = re.compile(r"(?:售价|价格|卖|定价)?\s*(?P<p>\d+(?:\.\d{1,2})?)\s*(?:元|块钱?)")
STOP = r"，。,；;！!？?\s」”\"》"
SUBJECT_PATTERNS = [
    re.compile(rf"(?:产品|商品|主角)(?:是|叫|为)[「“\"《]?(?P<s>[^{STOP}]+)"),
    re.compile(rf"关于(?P<s>[^{STOP}]+?)的(?:帖子|笔记|视频|图文|内容)"),
    re.compile(rf"关于(?P<s>[^{STOP}]+)"),
    re.compile(r"[「“\"《](?P<s>[^」”\"》]+)[」”\"》]"),
    re.compile(rf"(?:推广|介绍|宣传)(?:一下)?(?P<s>[^{STOP}]+)"),
    re.compile(rf"(?:上架|上新)(?:一|1|几)?(?:款|个|件|批|套)?(?P<s>[^{STOP}]{{2,}})"),
]
THEME = re.compile(r"发(?:布)?(?:一|1|两|2|几)?(?:篇|条|个|则)?(?P<t>[^，。,；;的\s]{2,12})的(?:帖子|笔记|视频|图文)")
FILLER = re.compile(r"(?:在|和|跟|与|及|以及|还有|同时|并且|一篇|一条|一个|篇|条|个|的|请|帮我|帮忙|麻烦|给我|"
                    r"一下|上|里|吧|呢|哦|啊|都|要|去|各|分别|是|平台|到|时间|时候)+")
SPLIT = re.compile(r"[\x00，。,；;！!？?、\s]+")


@dataclass
class Intent:
    """What the sentence asks for, before any drafting."""

    sites: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    when: When | None = None
    subject: str = ""
    theme: str = ""
    now_words: bool = False
    price: float | None = None
    """A price in yuan the owner named (``售价39元``): prefills a listing's price."""
    leftover: list[str] = field(default_factory=list)


def understand(text: str, now: datetime) -> Intent:
    """The parts of the sentence we recognise, and the fragments we do not."""
    spans: list[tuple[int, int]] = []
    intent = Intent(when=resolve(text, now))
    if intent.when:
        spans.append(intent.when.span)
    intent.sites = _found(text, SITE_WORDS, spans)
    intent.kinds = _found(text, KIND_WORDS, spans)
    for pattern in SUBJECT_PATTERNS:
        m = pattern.search(text)
        if m:
            intent.subject = m.group("s").strip()
            spans.append(m.span())
            break
    theme = THEME.search(text)
    if theme:
        intent.theme = theme.group("t")
        spans.append(theme.span("t"))
    price = PRICE.search(text)
    if price and not _inside(price.span(), spans):
        intent.price = float(price.group("p"))
        spans.append(price.span())
    for m in NOW_WORDS.finditer(text):
        intent.now_words = True
        spans.append(m.span())
    intent.leftover = _leftover(text, spans)
    return intent


def plan(text: str, now: datetime, passages: Sequence[Passage] = (),
         accounts: Mapping[str, str] | None = None) -> Plan:
    """A plan from keywords alone, drafted by the offline writer."""
    intent = understand(text, now)
    result = Plan(request=text, author=AUTHOR_OFFLINE)
    result.unknown += [f"没看懂：「{frag}」" for frag in intent.leftover]
    if not intent.sites:
        result.unknown.append("没说在哪个平台做（小红书、抖音或淘宝）")
    if not intent.subject and not intent.theme:
        result.unknown.append("没说产品或主题是什么")
    for site in intent.sites:
        kind = kind_for(site, intent.kinds)
        if kind is None:
            wanted = "、".join(KIND_LABELS[k] for k in intent.kinds)
            can = "、".join(KIND_LABELS[k] for k, sites in KIND_SITES.items() if site in sites)
            result.unknown.append(f"{SITE_LABELS[site]}不能{wanted}，只能{can}")
            continue
        written = draft(intent.subject, site, passages, theme=intent.theme)
        if kind == "list_product" and intent.price is not None:
            written.content.price_yuan = intent.price
        result.runs.append(PlannedRun(
            kind=kind, site=site, account_id=(accounts or {}).get(site), content=written.content,
            citations=written.citations, at=intent.when.at if intent.when else None,
            time_text=intent.when.text if intent.when else ""))
        result.notes += written.notes
    result.notes += time_notes(intent.when, bool(result.runs) and not intent.now_words)
    return result


def time_notes(when: When | None, missing_matters: bool) -> list[str]:
    """What the owner should know about the time we understood (zh-CN)."""
    if when is None:
        return ["没说时间，确认后立即执行"] if missing_matters else []
    if when.time_assumed:
        return [f"「{when.text}」没说几点，按 {when.label()} 安排"]
    if when.rolled_over:
        return [f"「{when.text}」今天已经过了，顺延到 {when.label()}"]
    return []


def kind_for(site: str, kinds: list[str]) -> str | None:
    """The kind this site runs: the one asked for when the site supports it; the site's only kind when
    nothing was asked (淘宝 alone means a listing) or when that kind was asked too (淘宝上架, 小红书发帖)."""
    own = [k for k, sites in KIND_SITES.items() if site in sites]
    for kind in kinds:
        if kind in own:
            return kind
    return own[0] if not kinds and len(own) == 1 else None


def _found(text: str, words: Mapping[str, re.Pattern], spans: list[tuple[int, int]]) -> list[str]:
    """Names whose words occur in ``text``, in order of first occurrence; their spans are recorded."""
    first: dict[str, int] = {}
    for name, pattern in words.items():
        for m in pattern.finditer(text):
            if _inside(m.span(), spans):
                continue
            first.setdefault(name, m.start())
            spans.append(m.span())
    return sorted(first, key=first.get)


def _inside(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(a <= span[0] and span[1] <= b for a, b in spans)


def _leftover(text: str, spans: list[tuple[int, int]]) -> list[str]:
    masked = list(text)
    for a, b in spans:
        masked[a:b] = "\x00" * (b - a)
    fragments = SPLIT.split("".join(masked))
    return [f for f in fragments if f and not FILLER.fullmatch(f)]
