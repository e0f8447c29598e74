"""What a browser-use agent may do on the owner's site, checked before every action it takes.

The agent's actions go through ``GuardedTools.act``. Before an action runs the guard

- holds an irreversible click for the owner: announced by the agent (its ``request_approval`` action) or
  not (a click whose target reads like 保存, 发布, 删除 …, ``IRREVERSIBLE``). The click is not made; the
  agent is stopped after the step and the run asks the owner outside browser-use;
- looks at the page for what only the owner may pass (the site's slider or code check, ``Guard.look``):
  while one is up no action is made, and the agent is stopped after the step;
- stops a loop (the same action with the same target several times in a row) and the budgets (steps,
  wall time, model tokens, model cost), each with a reason the owner reads (the cost before an action too:
  a model answer that took the run past its cost cap is not acted on);
- records what the agent did as a trail of steps with the target's stable attributes (``Target``), so a
  page can be filled again without the model (after an approval, or as a skill: ``rpa.agent_replay``).

Text typed may carry browser-use's secret placeholders (``<secret>password</secret>``): the trail keeps
the placeholder, never the value. Actions that run scripts, read or write files or leave for a search
engine are not offered to the model at all (``EXCLUDED``).
"""
from __future__ import annotations

import json
import math
import re
import time
from dataclasses import asdict, dataclass, field
from typing import Awaitable, Callable
from urllib.parse import urlsplit

from llm.client import cost_yuan
from rpa import agent_env  # noqa: F401  (before browser_use: its switches)
from browser_use import ActionResult, Tools

IRREVERSIBLE = ("发布", "提交", "保存", "确认", "确定", "支付", "付款", "删除", "上架", "下架", "改价", "发送", "回复",
                "申报", "购买", "下单", "退款", "私密", "公开", "授权", "同意", "撤销", "注销",
                "仅自己可见", "好友可见")
"""Words on a button that make its click irreversible: publishing, saving, paying, deleting, changing price
or stock, sending, changing who can see a post (小红书 公开可见 / 仅自己可见 / 仅互关好友可见, 抖音 公开 / 好友可见 /
仅自己可见: a choice in the permission dialog is held too, its 确定 is then part of the approved action). A link
that goes to a page (``href``) is a navigation, not one of these; 权限设置 / 设置权限 only open the dialog."""
EXCLUDED = ("evaluate", "upload_file", "search", "extract", "screenshot", "save_as_pdf", "write_file",
            "replace_file", "read_file", "send_keys", "search_page", "find_elements")
"""Never offered: scripts on the page, files, a search engine, a second model, and raw keys (an Enter
could submit a form around the click guard)."""
BLOCKED_NOTE = "已暂停：网站弹出了安全验证，需要主人通过。不要再操作页面。"
RECORDED = ("navigate", "click", "input", "select_dropdown", "go_back")
STABLE_ATTRS = ("id", "name", "aria-label", "placeholder", "title", "type", "role", "for")
TEXT_MAX = 40
LOOP_LIMIT = 3


@dataclass
class Target:
    """An element as the trail remembers it: what a replay looks for, without the agent's index."""

    tag: str
    attrs: dict
    text: str
    scope: dict | None = None
    """The nearest ancestor carrying the site's own id (``data-item-id`` …): which row the element is in."""

    def label(self) -> str:
        return self.attrs.get("aria-label") or self.text or self.attrs.get("title") or \
            self.attrs.get("placeholder") or self.attrs.get("name") or self.tag

    def irreversible(self) -> bool:
        href = self.attrs.get("href", "")
        if self.tag == "a" and href and not href.startswith(("javascript:", "#")):
            return False
        words = " ".join([self.text, *(self.attrs.get(a, "") for a in ("aria-label", "title", "value"))])
        return len(self.text) <= TEXT_MAX and any(w in words for w in IRREVERSIBLE)


def target_of(node) -> Target:
    """A browser-use DOM node (``EnhancedDOMTreeNode``) as a ``Target``."""
    attrs = {k: v for k, v in (node.attributes or {}).items() if k in (*STABLE_ATTRS, "href", "value")}
    text = " ".join(node.get_all_children_text().split())[:TEXT_MAX * 2]
    if not text and node.ax_node and node.ax_node.name:
        text = node.ax_node.name.strip()
    return Target(node.node_name.lower(), attrs, text, _scope(node))


def _scope(node) -> dict | None:
    parent = node.parent_node
    while parent is not None:
        for name, value in (parent.attributes or {}).items():
            if re.fullmatch(r"data-[\w-]*id", name) and value:
                return {"attr": name, "value": value}
        parent = parent.parent_node
    return None


@dataclass
class Budget:
    max_steps: int
    max_seconds: float
    max_tokens: int
    loop_limit: int = LOOP_LIMIT
    max_cost: float = 0.0
    """Yuan per run; 0: no cap. Applied only when the model has a price (``priced``)."""
    price_in: float = 0.0
    price_out: float = 0.0
    """The model's yuan per million prompt / completion tokens (``Settings.llm_price_*_per_mtok``)."""

    @property
    def priced(self) -> bool:
        return self.price_in > 0 or self.price_out > 0


@dataclass
class Guard:
    """The state of one agent segment, shared by the tools (in browser-use's loop) and the caller."""

    budget: Budget
    allowed: list[str] = field(default_factory=list)
    """The site's hosts (``host`` or ``host:port``, as the host fence lists them): where ``navigate`` may go."""
    started: float = field(default_factory=time.monotonic)
    steps_before: int = 0
    tokens_before: int = 0
    cost_before: float = 0.0
    """Yuan the run's earlier stretches cost (before approvals)."""
    meter: Callable[[], tuple[int, int]] | None = None
    """This stretch's prompt and completion tokens so far, as the model reported them (set by the session)."""
    approved: dict | None = None
    """The owner's approved target: its one click is let through (made by the graph, not the agent)."""
    held: dict | None = None
    """The irreversible click waiting for the owner: {"target", "action", "announced", "url"}."""
    stop_reason: str | None = None
    blocked: str | None = None
    """What the site put up over the page that only the owner may pass (its slider): the agent stops after its
    step and the run hands the page to her (``rpa.agent_session.run_segment``'s ``watch``)."""
    look: Callable[[], Awaitable[str | None]] | None = None
    """The caller's watch, asked now (set by the session): what only the owner may pass over the page, or None.
    Asked before each action, so none is made under it: a check that came up between two of the watch's rounds
    would otherwise be clicked through (browser-use clicks an element under a modal with JavaScript)."""
    trail: list[dict] = field(default_factory=list)
    said: list[str] = field(default_factory=list)
    """What the actions of the current step did, in Chinese (for the run page), emptied per step."""
    _last: str | None = None
    _repeats: int = 0

    @property
    def stopping(self) -> bool:
        return self.held is not None or self.stop_reason is not None or self.blocked is not None

    def go_on(self, steps: int, tokens: int, cost: float) -> None:
        """After the owner passed what blocked the page: the next stretch counts on from this one's use."""
        self.blocked = None
        self.steps_before += steps
        self.tokens_before += tokens
        self.cost_before += cost

    def out_of_time(self) -> bool:
        if time.monotonic() - self.started > self.budget.max_seconds:
            self.stop_reason = self.stop_reason or f"运行超过{_minutes(self.budget.max_seconds)}分钟仍未完成，已停止"
        return self.stopping

    def count_step(self, steps: int, tokens: int) -> None:
        if self.steps_before + steps >= self.budget.max_steps and not self.stopping:
            self.stop_reason = f"已经走了{self.budget.max_steps}步仍未完成，已停止"
        if self.tokens_before + tokens > self.budget.max_tokens and not self.stopping:
            self.stop_reason = f"模型用量超过本次上限（{self.budget.max_tokens}个词元），已停止"
        self.over_cost()

    def cost(self) -> float | None:
        """Yuan the run's model calls cost so far; None when the model has no price."""
        if not self.budget.priced:
            return None
        prompt, completion = self.meter() if self.meter else (0, 0)
        return round(self.cost_before + cost_yuan(prompt, completion, self.budget.price_in, self.budget.price_out), 6)

    def over_cost(self) -> bool:
        """Stops the run once its cost passes the cap; checked after each step and before each action."""
        cost = self.cost()
        if cost is not None and self.budget.max_cost > 0 and cost > self.budget.max_cost and not self.stopping:
            self.stop_reason = f"模型费用已达上限 ¥{self.budget.max_cost:.2f}（本次 ¥{fen_up(cost)}），已停止"
        return self.stopping

    def hold(self, target: Target, action: str, announced: bool, url: str) -> ActionResult:
        self.held = {"target": asdict(target), "action": action, "announced": announced, "url": url}
        self.said.append(f"请主人批准：{action}")
        note = "已暂停：这一步需要主人批准，批准后由系统执行。不要再尝试点击。"
        return ActionResult(extracted_content=note, long_term_memory=note)

    def refusal(self, name: str, params: dict, target: "Target | None") -> str | None:
        """Why this action may not run at all, whatever the page or the model says."""
        if name == "navigate" and leaves_site(params.get("url", ""), self.allowed):
            return "不能打开任务网站以外的地址"
        text = params.get("text", "") if name == "input" else ""
        if "<secret>" in text:
            where = " ".join([target.tag, *target.attrs.values(), target.text]).lower() if target else ""
            if not target or not (target.attrs.get("type") == "password" or any(w in where for w in SECRET_FIELDS)):
                return "密码和验证码只能填进登录用的输入框"
        return None

    def repeated(self, name: str, params: dict, target: Target | None) -> bool:
        # Not the index: it changes with every page load, the element does not.
        same = {k: v for k, v in (params or {}).items() if k != "index"} if isinstance(params, dict) else params
        key = json.dumps([name, same, asdict(target) if target else None], sort_keys=True, ensure_ascii=False)
        self._repeats = self._repeats + 1 if key == self._last else 1
        self._last = key
        if self._repeats >= self.budget.loop_limit:
            self.stop_reason = f"同一个操作（{describe(name, params, target)}）连续重复了{self._repeats}次，已停止"
        return self.stop_reason is not None


SECRET_FIELDS = ("password", "密码", "验证码", "code", "账号", "login", "user")
"""Where a secret placeholder may be typed: a password field, or one named like a login's."""


def leaves_site(url: str, allowed: list[str]) -> bool:
    """True unless ``url`` is http(s) on one of the allowed hosts (data:, blob:, javascript: … always leave)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return True
    default = 443 if parts.scheme == "https" else 80
    host, port = parts.hostname, parts.port or default
    return not any(a in (host, f"{host}:{port}") for a in allowed)


def describe(name: str, params: dict, target: Target | None) -> str:
    """One action in the owner's words."""
    label = f"「{target.label()}」" if target else ""
    if name == "navigate":
        return f"打开页面 {_path(params.get('url', ''))}"
    if name == "click":
        return f"点击{label}"
    if name == "input":
        text = params.get("text", "")
        shown = "（密码等机密，已隐藏）" if "<secret>" in text else f"「{text}」"
        return f"在{label}输入{shown}"
    if name == "select_dropdown":
        return f"在{label}选择「{params.get('text', '')}」"
    if name == "go_back":
        return "返回上一页"
    if name == "done":
        return "完成"
    if name == "scroll":
        return "滚动页面"
    if name == "wait":
        return "等待页面"
    return "其他操作"


def _path(url: str) -> str:
    """A URL without its query (it may carry tokens): host and path."""
    return re.sub(r"[?#].*$", "", url)


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:g}"


class GuardedTools(Tools):
    """browser-use's tools with the guard in front, and ``request_approval`` for the agent to announce."""

    def __init__(self, guard: Guard):
        super().__init__(exclude_actions=list(EXCLUDED))
        self.guard = guard

        @self.registry.action(
            "Before any irreversible click (publish, save, submit, pay, delete, change price or stock, send), "
            "call this with the element index of the button and what it will do, in Chinese. The owner approves "
            "it and the system makes the click; do not click it yourself.")
        async def request_approval(index: int, action: str, browser_session) -> ActionResult:
            node = await browser_session.get_element_by_index(index)
            if node is None:
                return ActionResult(error=f"Element index {index} not found")
            url = await browser_session.get_current_page_url()
            return self.guard.hold(target_of(node), action, True, url)

    async def act(self, action, browser_session, *args, **kwargs) -> ActionResult:
        name, params = next(((k, v) for k, v in action.model_dump(exclude_unset=True).items() if v is not None),
                            ("", {}))
        if self.guard.over_cost():
            return ActionResult(error="已暂停，等待处理")
        if name != "done" and self.guard.look is not None and await self.guard.look():
            return ActionResult(extracted_content=BLOCKED_NOTE, long_term_memory=BLOCKED_NOTE)
        target = None
        if isinstance(params, dict) and params.get("index") is not None and name != "request_approval":
            node = await browser_session.get_element_by_index(params["index"])
            target = target_of(node) if node is not None else None
        if name != "done" and self.guard.repeated(name, params, target):
            return ActionResult(error=self.guard.stop_reason)
        refused = self.guard.refusal(name, params, target)
        if refused:
            self.guard.said.append(f"已拒绝：{refused}")
            return ActionResult(error=refused)
        if name == "click" and target is not None and target.irreversible():
            url = await browser_session.get_current_page_url()
            return self.guard.hold(target, f"点击「{target.label()}」", False, url)
        result = await super().act(action, browser_session, *args, **kwargs)
        if name in RECORDED and not result.error:
            self.guard.trail.append({"action": name, "params": _recorded(name, params),
                                     "target": asdict(target) if target else None})
        if name != "request_approval":
            self.guard.said.append(describe(name, params, target) + ("（失败）" if result.error else ""))
        return result


def _recorded(name: str, params: dict) -> dict:
    """What a replay needs of an action's parameters: never the agent's index (it changes per page)."""
    if name == "navigate":
        return {"url": params.get("url", "")}
    if name in ("input", "select_dropdown"):
        return {"text": params.get("text", "")}
    return {}


def fen_up(yuan: float) -> str:
    """Yuan to the fen above: a cost just past a cap of ¥0.04 reads ¥0.05, never the cap itself."""
    return f"{math.ceil(round(yuan * 100, 6)) / 100:.2f}"
