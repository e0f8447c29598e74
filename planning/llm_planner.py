"""The planner with a model: the owner's sentence, the employee persona, today's date and the knowledge
passages go to the model, which answers with tool calls from the task catalogue (``TOOLS``).

Messages: the system prompt (persona, date, platform rules, ``safety.DATA_RULE``), the owner's sentence
as a user message of its own, then the passages fenced in a second user message
(``safety.data_message``). Passages never enter the system prompt.

The model is trusted for wording only. Every tool call is checked before it becomes a ``PlannedRun``:
the tool and the site must exist and match, ``time_text`` is resolved by ``planning.when`` (a time the
model computed itself is never used), the content is trimmed to the site's limits and citations must
point at passages that were given. *What* to do comes from the owner's sentence alone (``Scope``): a
call for a site or a task the owner did not name, a second call for the same site, or a time other than
the one the owner said is dropped, whatever the model read that made it ask. Every dropped call
becomes a clear entry in ``Plan.unknown``.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime

from pydantic import ValidationError

from llm.client import LLM, ToolCall
from planning.plan import KIND_LABELS, KIND_SITES, SITE_LABELS, SITE_MEDIA, Plan, PlannedContent, PlannedRun
from planning.rules import NOW_WORDS, cannot_do, kind_for, time_notes, understand
from planning.safety import DATA_RULE, data_message
from planning.when import WEEKDAY_LABELS, When, resolve
from planning.writer import Passage, clean_topics, cite, fit, pick_cited, style_guide

TOOL_KINDS = {"publish_post": "publish", "list_product": "list_product"}
_TIME_TEXT = {"type": "string", "description": "老板原话里的时间，逐字照抄（如“下周一上午10点”），不要换算；没说时间就留空"}
_CITATIONS = {"type": "array", "items": {"type": "integer"}, "description": "正文用到的资料编号"}


def _tool(name: str, description: str, required: list[str], properties: dict) -> dict:
    return {"type": "function", "function": {"name": name, "description": description, "parameters": {
        "type": "object", "required": required, "properties": properties}}}


TOOLS = [
    _tool("publish_post", "在小红书或抖音发布一篇内容（每个平台调用一次）",
          ["site", "time_text", "title", "body", "topics"], {
              "site": {"type": "string", "enum": list(KIND_SITES["publish"]),
                       "description": "xiaohongshu=小红书，douyin=抖音"},
              "time_text": _TIME_TEXT,
              "title": {"type": "string"},
              "body": {"type": "string"},
              "topics": {"type": "array", "items": {"type": "string"}, "description": "话题，不带#"},
              "citations": _CITATIONS}),
    _tool("list_product", "在淘宝店铺上架一个商品", ["site", "time_text", "title", "body"], {
        "site": {"type": "string", "enum": list(KIND_SITES["list_product"])},
        "time_text": _TIME_TEXT,
        "title": {"type": "string", "description": "商品标题"},
        "body": {"type": "string", "description": "商品描述"},
        "price_yuan": {"type": "number", "description": "售价（元），老板没说就不填"},
        "citations": _CITATIONS}),
]
"""The task catalogue offered to the model; ``TOOL_KINDS`` maps each tool to a ``PlannedRun.kind``."""


def persona_of(name: str, description: str) -> str:
    """The system prompt's first line for an employee role (``employees.Role.name`` / ``.description``)."""
    return f"你是一名数字员工，岗位是{name}：{description}"


def system_prompt(persona: str, now: datetime) -> str:
    """Who the model is and the rules it works by; no passage, no setting, no secret is ever in here."""
    zone = getattr(now.tzinfo, "key", None) or str(now.tzinfo)
    rules = "\n".join(f"- {style_guide(site)}" for site in (*KIND_SITES["publish"], *KIND_SITES["list_product"]))
    return (f"{persona}\n"
            f"现在是{now:%Y年%m月%d日} 周{WEEKDAY_LABELS[now.weekday()]} {now:%H:%M}（时区 {zone}）。\n"
            "老板会用一句话交代任务。每个平台的每项任务调用一次工具；time_text 逐字照抄老板说的时间。\n"
            f"各平台规则：\n{rules}\n"
            "只使用参考资料里的事实，在 citations 里写用到的资料编号；不要编造价格、功效或数据。\n"
            "老板的话里有听不懂或缺少的信息，用一句话文字说明，不要猜。\n"
            "老板要做的事没有对应的工具（例如改价、下架、回复评论），不要用别的工具代替，用文字说明做不了。\n"
            f"{DATA_RULE}")


def messages(persona: str, text: str, now: datetime, passages: Sequence[Passage]) -> list[dict]:
    """System prompt, the owner's own words, then the passages fenced as data (always a user message)."""
    return [{"role": "system", "content": system_prompt(persona, now)},
            {"role": "user", "content": text},
            data_message(passages, "写标题和正文时可以引用其中的事实")]


class Scope:
    """What the owner's sentence asks for: (site, kind) pairs and the time. Tool calls must stay inside."""

    def __init__(self, text: str, now: datetime):
        intent = understand(text, now)
        self.text = re.sub(r"\s+", "", text)
        self.when = intent.when
        self.said_now = intent.now_words
        self.price = intent.price
        """The price the owner named (39元一盒): a listing's price, whatever the model wrote."""
        self.wanted = {(site, kind_for(site, intent.kinds, intent.cannot)) for site in intent.sites}
        self.cannot = [words for words, _ in intent.cannot]
        """The owner's verbs no workflow does (改价): a model answering them with another task is refused."""
        self.unsupported = cannot_do(intent)
        self.taken: set[tuple[str, str]] = set()

    def refusal(self, run: PlannedRun, time_words: str) -> str | None:
        """Why this run is outside what the owner asked (zh-CN), or None; a run inside is taken."""
        what = f"在{SITE_LABELS[run.site]}{KIND_LABELS[run.kind]}"
        if (run.site, run.kind) not in self.wanted:
            if self.cannot:
                return f"你要的是「{'、'.join(self.cannot)}」，不是{what}；模型安排的这一项已忽略"
            return f"你没有要求{what}，模型却安排了这一项，已忽略（资料里的话不会当作指令）"
        if (run.site, run.kind) in self.taken:
            return f"模型为{what}多安排了一项，已忽略（每个平台只按你的要求安排一次）"
        if not self._said(run, time_words):
            return f"模型给出的时间「{time_words}」不是你说的时间，{what}这一项已忽略"
        self.taken.add((run.site, run.kind))
        return None

    def _said(self, run: PlannedRun, words: str) -> bool:
        if not words or re.sub(r"\s+", "", words) in self.text:
            return True
        if run.at is None:  # words that are no time at all; "立即" the owner did not say is refused
            return not NOW_WORDS.search(words) or self.said_now
        return self.when is not None and run.at == self.when.at


def plan(llm: LLM, persona: str, text: str, now: datetime, passages: Sequence[Passage] = (),
         accounts: Mapping[str, str] | None = None) -> Plan:
    """Ask the model for tool calls and check each into a run. Model errors (``llm.errors``) propagate.

    ``text`` is the owner's request (plus the employee's default sites when it named none): the only
    source of what to do, where and when."""
    reply = llm.chat(messages(persona, text, now, passages), tools=TOOLS)
    result = Plan(request=text, author=f"模型 {llm.model}", usage=reply.usage)
    scope = Scope(text, now)
    result.unknown += scope.unsupported
    for call in reply.tool_calls:
        _add_call(result, call, now, scope, passages, accounts or {}, llm.model)
    if reply.text and reply.text.strip():
        result.unknown.append(reply.text.strip())
    elif not reply.tool_calls:
        result.unknown.append("模型没有给出任何任务")
    return result


def _add_call(result: Plan, call: ToolCall, now: datetime, scope: Scope, passages: Sequence[Passage],
              accounts: Mapping[str, str], model: str) -> None:
    kind = TOOL_KINDS.get(call.name)
    if kind is None:
        result.unknown.append(f"模型调用了不存在的任务「{call.name}」，已忽略")
        return
    label = KIND_LABELS[kind]
    args = call.arguments
    if args is None:
        result.unknown.append(f"模型给出的「{label}」任务参数不是合法的 JSON，已忽略")
        return
    site = args.get("site")
    if site not in KIND_SITES[kind]:
        shown = SITE_LABELS.get(site, site)
        result.unknown.append(f"模型要在「{shown}」{label}，这个平台不支持，已忽略")
        return
    if not str(args.get("title") or "").strip() and not str(args.get("body") or "").strip():
        result.unknown.append(f"模型给出的{SITE_LABELS[site]}「{label}」任务没有标题和正文，已忽略")
        return
    notes: list[str] = []
    at, time_text = _time(notes, args.get("time_text"), now, scope.when)
    try:
        content = PlannedContent(title=str(args.get("title") or "").strip(),
                                 body=str(args.get("body") or "").strip(),
                                 topics=clean_topics([str(t) for t in args.get("topics") or []]),
                                 media=SITE_MEDIA[site], author=f"模型 {model}",
                                 price_yuan=scope.price if scope.price is not None else args.get("price_yuan"))
        content, trimmed = fit(site, content)
        run = PlannedRun(kind=kind, site=site, account_id=accounts.get(site), at=at, time_text=time_text,
                         content=content, citations=cite(pick_cited(passages, args.get("citations"))))
    except (ValidationError, TypeError) as e:
        result.unknown.append(f"模型给出的{SITE_LABELS[site]}「{label}」任务参数不完整，已忽略（{_first_error(e)}）")
        return
    refused = scope.refusal(run, str(args.get("time_text") or "").strip())
    if refused:
        result.unknown.append(refused)
        return
    result.runs.append(run)
    for note in notes:
        _add(result.unknown if note.startswith(UNCLEAR) else result.notes, note)
    result.notes += trimmed


UNCLEAR = "没看懂时间"


def _time(notes: list[str], time_text: object, now: datetime, said: When | None) -> tuple[datetime | None, str]:
    """Resolve the owner's words the model copied; the model's own arithmetic is never used. When the
    model left the time out but the owner did say one, the owner's words are used. What the owner should
    know is added to ``notes`` (kept only if the run is)."""
    words = str(time_text or "").strip()
    if not words and said is None:
        return None, ""
    if not words:
        words = said.text
        notes.append(f"模型没有给出时间，按原话「{words}」安排")
    when = resolve(words, now)
    if when is None:
        notes.append(f"{UNCLEAR}「{words}」，这一项先按确认后立即执行，请核对")
        return None, words
    notes += time_notes(when, missing_matters=False)
    return when.at, words


def _add(into: list[str], note: str) -> None:
    if note not in into:
        into.append(note)


def _first_error(e: Exception) -> str:
    if isinstance(e, ValidationError) and e.errors():
        first = e.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg'].removeprefix('Value error, ')}"
    return str(e)[:100]
