"""The planner with no model: keywords and patterns over the owner's sentence.

It finds the sites (小红书/红书/xhs, 抖音/douyin, 淘宝/店铺, 电子税务局), the time (``planning.when``), the kind
of task (发/发布/帖子/笔记/视频 → publish; 上架/上新/商品 → list_product; 报税/增值税/经营所得 → file_tax), the
subject (产品是…, 关于…, 把…上架, a quoted name), the theme (发一篇「新品上市」的帖子) and the owner's asks
(突出礼盒送人, 不要提价格). A verb the catalogue cannot do (改价, 下架, 回复 …) is said, never turned into
another task; whatever words are left over are reported in ``Plan.unknown`` instead of being guessed at.
Drafts come from the offline writer.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from planning import filing
from planning.plan import KIND_LABELS, KIND_SITES, SITE_LABELS, Plan, PlannedContent, PlannedRun
from planning.when import When, resolve
from planning.writer import AUTHOR_OFFLINE, Asks, Passage, draft

SITE_WORDS = {
    "xiaohongshu": re.compile(r"小红书|红书|xhs", re.I),
    "douyin": re.compile(r"抖音|douyin", re.I),
    "taobao": re.compile(r"淘宝|店铺|taobao", re.I),
    "etax": re.compile(r"电子税务局|税务局|税局", re.I),
}
KIND_WORDS = {
    "list_product": re.compile(r"上架|上新|商品|宝贝"),
    "file_tax": re.compile(r"报税|申报|增值税|附加税|经营所得|个人所得税|个税|[Aa]表|报了|报一下|报掉|报上去"),
    "publish": re.compile(r"发布|发帖子?|帖子|笔记|视频|图文|发"),
}
CANNOT = [
    (re.compile(r"改价|调价|降价|涨价|改(?:一下)?价格?|价格?改|价钱改|改成[\d.]+元|改到[\d.]+元"), "修改已上架商品的价格"),
    (re.compile(r"下架"), "下架商品"),
    (re.compile(r"改库存|补库存|补货|加库存"), "修改库存"),
    (re.compile(r"删除|删掉|删了|撤回"), "删除已发布的内容"),
    (re.compile(r"修改|更改|编辑|改(?:一下)?标题|改(?:一下)?文案|改(?:一下)?描述"), "修改已发布的内容"),
    (re.compile(r"回复|回评|回一下|私信|回消息"), "回复评论或私信"),
    (re.compile(r"发货|退款|退货|改地址"), "处理订单"),
    (re.compile(r"置顶|投流|投放|直播|开团|报名活动"), "平台上的运营操作"),
]
"""Verbs for work the task catalogue has no workflow for: said plainly, never planned as something else."""
KIND_VERBS = {"list_product": re.compile(r"上架|上新"), "file_tax": KIND_WORDS["file_tax"],
              "publish": re.compile(r"发布|发(?!货|票|现)")}
"""Next to a verb no workflow does, a kind counts only when asked with its own verb: in 「把那篇笔记删掉」
the 笔记 is what to delete, not a note to publish."""
NOW_WORDS = re.compile(r"立即|立刻|马上|现在")
PRICE = re.compile(r"(?:售价|价格|卖|定价|标价)?\s*(?P<p>\d+(?:\.\d{1,2})?)\s*(?:元|块钱?)"
                   r"(?:\s*(?:一|每|/)\s*(?:盒|包|袋|件|个|罐|瓶|套|斤))?")
STOP = r"，。,；;！!？?\s」”\"》"
OWNERS = re.compile(r"^(?:关于)?(?:(?:我们|咱们)(?:家|店|店里)?的?|(?:我|咱)(?:家|店|店里)?的|(?:我|咱)(?:家|店)|"
                    r"本店的?|店里的?|自家的?|自己的?)")
SUBJECT_PATTERNS = [
    re.compile(rf"(?:产品|商品|主角)(?:是|叫|为)[「“\"《]?(?P<s>[^{STOP}]+)"),
    re.compile(rf"关于(?P<s>[^{STOP}]+?)的(?:帖子|笔记|视频|图文|内容)"),
    re.compile(rf"关于(?P<s>[^{STOP}]+)"),
    re.compile(r"[「“\"《](?P<s>[^」”\"》]+)[」”\"》]"),
    re.compile(rf"(?:推广|介绍|宣传)(?:一下)?(?P<s>[^{STOP}]+)"),
    re.compile(rf"把(?P<s>[^{STOP}]{{2,}}?)(?:上架|上新|挂到|放到|发到|发在|发)"),
    re.compile(rf"(?:上架|上新)(?:一|1|几)?(?:款|个|件|批|套)?(?![到在去至])(?P<s>[^{STOP}]{{2,}})"),
    re.compile(rf"发(?:布)?(?:一|1|两|2)?(?:篇|条|个|则)?(?P<s>[^{STOP}]{{2,}})"),
]
THEME = re.compile(r"发(?:布)?(?:一|1|两|2|几)?(?:篇|条|个|则)?(?P<t>[^，。,；;的\s]{2,12})的(?:帖子|笔记|视频|图文)")
AVOID = re.compile(rf"(?:不要|别|不用|不必|勿|不)(?:再)?(?:提|写|说|讲|出现|放)(?:到|上)?(?P<a>[^{STOP}]{{1,12}})")
SHORT = re.compile(r"(?:写得?|篇幅)?(?:简短|精简|短)(?:一)?(?:点|些)|别太长|不要太长")
TONE = re.compile(r"(?:写得?|语气)?(?:活泼|正式|专业|温暖|幽默|可爱|俏皮|走心|高级|接地气)(?:一)?(?:点|些)")
TELL = r"(?:写写|讲讲|说说|聊聊|介绍|突出|写|讲|说|聊)"
EMPHASIS = re.compile(rf"(?:突出|强调|着重{TELL}?|重点{TELL}?|多{TELL}(?:点|些|一些)?|主打|侧重|"
                      rf"提一下|提到|写上|加上|说说|讲讲|写写|聊聊)(?:一下)?(?:是|在于|放在)?(?P<e>[^{STOP}]{{2,12}})")
ASPECT = re.compile(r"^(?P<s>.{2,}?)的(?P<a>冲泡方法|泡法|喝法|口感|规格|价格|用法|卖点|特点|亮点|包装|产地|做法)$")
"""「桂花乌龙冷泡茶的冲泡方法」: the product, and what to stress about it."""
FILLER = re.compile(r"(?:在|和|跟|与|及|以及|还有|同时|并且|一篇|一条|一个|篇|条|个|的|请|帮我|帮忙|麻烦|给我|把|"
                    r"一下|上|里|吧|呢|哦|啊|都|要|去|各|分别|是|平台|到|时间|时候|后台|那边)+")
SPLIT = re.compile(r"[\x00，。,；;！!？?、\s]+")


@dataclass
class Intent:
    """What the sentence asks for, before any drafting."""

    sites: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    when: When | None = None
    subject: str = ""
    theme: str = ""
    asks: Asks = field(default_factory=Asks)
    """What the owner asked the draft to stress or leave out (突出礼盒送人, 不要提价格)."""
    cannot: list[tuple[str, str]] = field(default_factory=list)
    """(the owner's words, what that work is) for verbs the catalogue has no workflow for (改价 …)."""
    now_words: bool = False
    price: float | None = None
    """A price in yuan the owner named (``售价39元``): prefills a listing's price."""
    quarter: filing.SaidQuarter | None = None
    """For a filing: the quarter named (or assumed)."""
    leftover: list[str] = field(default_factory=list)


def understand(text: str, now: datetime) -> Intent:
    """The parts of the sentence we recognise, and the fragments we do not."""
    spans: list[tuple[int, int]] = []
    intent = Intent(when=resolve(text, now))
    if intent.when:
        spans.append(intent.when.span)
    for pattern, what in CANNOT:  # before the kinds: 发货 is no 发布, 改价 no 上架
        for m in pattern.finditer(text):
            if not _inside(m.span(), spans):
                intent.cannot.append((m.group(0), what))
                spans.append(m.span())
    intent.sites = _found(text, SITE_WORDS, spans)
    cannot_spans = list(spans)
    intent.kinds = _found(text, KIND_WORDS, spans)
    if intent.cannot:
        intent.kinds = [k for k in intent.kinds if any(not _inside(m.span(), cannot_spans)
                                                       for m in KIND_VERBS[k].finditer(text))]
    if "file_tax" in intent.kinds:
        intent.quarter = filing.quarter_of(text, now)
        if intent.quarter.said:
            spans.append(intent.quarter.span)
        if "etax" not in intent.sites:
            intent.sites.append("etax")  # a return is filed on the tax bureau: no need to say so
    intent.asks = _asks(text, spans)
    for pattern in SUBJECT_PATTERNS:
        m = pattern.search(text)
        if m and not _overlaps(m.span("s"), spans):
            intent.subject = clean_subject(m.group("s"))
            spans.append(m.span())
            break
    theme = THEME.search(text)
    if theme:
        intent.theme = clean_subject(theme.group("t"))
        spans.append(theme.span("t"))
    if intent.theme == intent.subject:
        intent.theme = ""
    aspect = ASPECT.match(intent.subject or intent.theme)
    if aspect:
        intent.theme = intent.theme if intent.subject else ""  # the aspect was in the theme: no theme is left
        intent.subject = aspect.group("s")
        intent.asks = replace(intent.asks, stress=(aspect.group("a"), *intent.asks.stress))
    price = PRICE.search(text)
    if price and not _inside(price.span(), spans):
        intent.price = float(price.group("p"))
        spans.append(price.span())
    for m in NOW_WORDS.finditer(text):
        intent.now_words = True
        spans.append(m.span())
    intent.leftover = _leftover(text, spans)
    return intent


def clean_subject(words: str) -> str:
    """The product or theme without the owner's possessive: 「我们的桂花乌龙冷泡茶」 is 桂花乌龙冷泡茶 in a title."""
    return OWNERS.sub("", words.strip()).removeprefix("关于").strip()


def _asks(text: str, spans: list[tuple[int, int]]) -> Asks:
    avoid, stress = [], []
    for m in AVOID.finditer(text):
        avoid.append(m.group("a"))
        spans.append(m.span())
    for m in EMPHASIS.finditer(text):
        if not _inside(m.span(), spans):
            stress.append(clean_subject(m.group("e")))
            spans.append(m.span())
    short, tone = SHORT.search(text), TONE.search(text)
    spans += [m.span() for m in (short, tone) if m]
    return Asks(stress=tuple(stress), avoid=tuple(avoid), short=bool(short), tone=tone.group(0) if tone else "")


def cannot_do(intent: Intent) -> list[str]:
    """What the owner asked that no workflow does yet (zh-CN), with what can be done instead."""
    can = "；".join(f"在{'、'.join(SITE_LABELS[s] for s in sites)}{KIND_LABELS[k]}" for k, sites in KIND_SITES.items())
    said = dict.fromkeys(intent.cannot)
    return [f"「{words}」（{what}）现在还做不了，没有安排别的任务代替。现在能交给员工的是：{can}。"
            f"这类一次性的事可以在「让员工去做」里交给员工（需要接入大模型），或者在{_where(intent)}后台自己操作。"
            for words, what in said]


def _where(intent: Intent) -> str:
    return "、".join(SITE_LABELS[s] for s in intent.sites) or "平台"


def plan(text: str, now: datetime, passages: Sequence[Passage] = (),
         accounts: Mapping[str, str] | None = None) -> Plan:
    """A plan from keywords alone, drafted by the offline writer."""
    intent = understand(text, now)
    result = Plan(request=text, author=AUTHOR_OFFLINE)
    if not intent.cannot:  # else the leftover is the object of that verb (桂花图案手机壳), said with it
        result.unknown += [f"没看懂：「{frag}」" for frag in intent.leftover]
    result.unknown += cannot_do(intent)
    if not intent.sites and not intent.cannot:
        result.unknown.append("没说在哪个平台做（小红书、抖音或淘宝）")
    writes = [site for site in intent.sites if kind_for(site, intent.kinds, intent.cannot) in ("publish", "list_product")]
    if (writes or not intent.sites and not intent.cannot) and not intent.subject and not intent.theme:
        result.unknown.append("没说产品或主题是什么")
    for site in intent.sites:
        kind = kind_for(site, intent.kinds, intent.cannot)
        if kind is None:
            if intent.kinds:
                wanted = "、".join(KIND_LABELS[k] for k in intent.kinds)
                can = "、".join(KIND_LABELS[k] for k, sites in KIND_SITES.items() if site in sites)
                result.unknown.append(f"{SITE_LABELS[site]}不能{wanted}，只能{can}")
            continue
        if kind == "file_tax":
            _add_filings(result, intent, now, accounts or {})
            continue
        if not intent.subject and not intent.theme:
            continue  # never a draft about 「我们的新品」: the plan asks instead
        written = draft(intent.subject, site, passages, theme=intent.theme, asks=intent.asks, now=now,
                        listing_price=intent.price if kind == "list_product" else None)
        result.runs.append(PlannedRun(
            kind=kind, site=site, account_id=(accounts or {}).get(site), content=written.content,
            citations=written.citations, at=intent.when.at if intent.when else None,
            time_text=intent.when.text if intent.when else ""))
        result.notes += [n for n in written.notes if n not in result.notes]
    if any(r.kind != "file_tax" for r in result.runs):  # a filing has no time of its own (said above)
        result.notes += time_notes(intent.when, not intent.now_words)
    return result


def needs_writing(text: str, now: datetime) -> bool:
    """Whether the request asks for a draft (a post or a listing): a filing or work no workflow does is
    planned by the rules alone, a model would only add words to a plan with nothing to write."""
    intent = understand(text, now)
    kinds = {kind_for(site, intent.kinds, intent.cannot) for site in intent.sites}
    return bool(kinds & {"publish", "list_product"}) or not (kinds - {None}) and not intent.cannot


def _add_filings(result: Plan, intent: Intent, now: datetime, accounts: Mapping[str, str]) -> None:
    """One run per return asked for; a return is prepared as soon as the plan is confirmed (it waits for the
    owner's approval before it is submitted, so it has no time of its own)."""
    said = intent.quarter
    quarter = said.quarter
    late = filing.not_yet_due(quarter, now)
    if late:
        result.unknown.append(late)
        return
    forms = filing.forms_of(result.request)
    if not said.said:
        result.notes.append(f"没说哪个季度，按上季度（{quarter.label}）申报")
    if not any(pattern.search(result.request) for pattern in filing.FORM_WORDS.values()):
        result.notes.append("没说哪张申报表，按增值税及附加税费申报表（小规模纳税人）准备")
    if intent.when is not None:
        result.notes.append(f"报税不按「{intent.when.text}」定时：确认后就开始准备申报表，提交前会请你审批")
    for form in forms:
        title, body = filing.describe(quarter, form)
        result.runs.append(PlannedRun(kind="file_tax", site="etax", account_id=accounts.get("etax"),
                                      content=PlannedContent(title=title, body=body, period=str(quarter), form=form)))


def time_notes(when: When | None, missing_matters: bool) -> list[str]:
    """What the owner should know about the time we understood (zh-CN)."""
    if when is None:
        return ["没说时间，确认后立即执行"] if missing_matters else []
    if when.past:
        return [f"「{when.text}」（{when.label()}）已经过了，请在计划里改一个时间"]
    if when.time_assumed:
        return [f"「{when.text}」没说几点，按 {when.label()} 安排"]
    if when.rolled_over:
        return [f"「{when.text}」已经过了，按下一个 {when.label()} 安排，请核对"]
    return []


def kind_for(site: str, kinds: list[str], cannot: Sequence = ()) -> str | None:
    """The kind this site runs: the one asked for when the site supports it; the site's only kind when
    nothing was asked (淘宝 alone means a listing) — unless the owner asked for work no workflow does
    (淘宝改价 is not a listing)."""
    own = [k for k, sites in KIND_SITES.items() if site in sites]
    for kind in kinds:
        if kind in own:
            return kind
    return own[0] if not kinds and not cannot and len(own) == 1 else None


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


def _overlaps(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(a < span[1] and span[0] < b for a, b in spans)


def _inside(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(a <= span[0] and span[1] <= b for a, b in spans)


def _leftover(text: str, spans: list[tuple[int, int]]) -> list[str]:
    masked = list(text)
    for a, b in spans:
        masked[a:b] = "\x00" * (b - a)
    fragments = SPLIT.split("".join(masked))
    return [f for f in fragments if f and not FILLER.fullmatch(f)]
