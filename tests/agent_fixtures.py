"""Fixtures for errands (``graphs.agent``): the whole stack with the Taobao replica, a shop with an item,
and a fake model that answers browser-use's ``agent_output`` from the page it is sent.

The fake is a test double of a model, not of browser-use: each request carries the page as browser-use
serialised it (``[index]<tag attrs />`` lines and their texts), and a script (``Script``) picks the next
action by looking for elements in it — so the indexes are the page's own, and what the agent does depends
on what the page shows. The judge's request (``graphs.agent.nodes.JUDGE``) gets its own answer.
"""
from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import httpx
import pytest

from api.auth import hash_password
from core.db import transaction
from core.models import Account, Approval, Employee, Run, User, Workspace
from core.queue import enqueue_run
from tests.fake_llm import FakeLLM, Received, Step
from tests.stack_fixtures import Env, alive, chromium_of, make_stack

PASSWORD = "owner-pass-123"
ON_SALE = "/home.htm/SellManage/on_sale"
ITEM = "桂花图案手机壳"
BROWSER_USE_ENV = {"ANONYMIZED_TELEMETRY": "false", "BROWSER_USE_CLOUD_SYNC": "false",
                   "BROWSER_USE_VERSION_CHECK": "false", "BROWSER_USE_DISABLE_EXTENSIONS": "1",
                   "BROWSER_USE_SETUP_LOGGING": "false"}
_n = itertools.count()
_ELEMENT = re.compile(r"\*?\[(\d+)\]<(\w+)([^>]*?)\s*/?>\s*(.*)$")


@dataclass
class Element:
    index: int
    tag: str
    attrs: str
    text: str

    def has(self, word: str) -> bool:
        return word in self.attrs or word in self.text


class PageView:
    """The page in one request to the agent's model, as browser-use showed it."""

    def __init__(self, received: Received):
        self.prompt = received.prompt_text
        user = [m for m in received.messages if m.get("role") == "user"]
        last = user[-1]["content"] if user else ""
        self.state = "\n".join(p.get("text", "") for p in last) if isinstance(last, list) else str(last)
        self.elements: list[Element] = []
        for line in self.state.split("<browser_state>", 1)[-1].splitlines():
            m = _ELEMENT.search(line)
            if m:
                self.elements.append(Element(int(m.group(1)), m.group(2), m.group(3), m.group(4).strip()))
            elif self.elements and line.strip() and not line.startswith("["):
                self.elements[-1].text = (self.elements[-1].text + " " + line.strip()).strip()

    @property
    def history(self) -> str:
        return self.state.split("<agent_history>", 1)[-1].split("</agent_history>", 1)[0]

    def shows(self, text: str) -> bool:
        return text in self.state.split("<browser_state>", 1)[-1]

    def find(self, word: str, tag: str | None = None, after: str | None = None) -> int | None:
        """The index of the first element with ``word`` in its attributes or text (after the element
        showing ``after``, when given: e.g. the row of an item)."""
        seen = after is None
        for e in self.elements:
            if not seen:
                seen = after in e.text
                continue
            if (tag is None or e.tag == tag) and e.has(word):
                return e.index
        return None


def agent_reply(*actions: dict, goal: str = "继续") -> Step:
    return Step(json_value={"evaluation_previous_goal": "看到了页面", "memory": "按任务进行", "next_goal": goal,
                            "action": list(actions)})


def is_judge(received: Received) -> bool:
    return any(m.get("role") == "system" and str(m.get("content", "")).startswith("你是核对员")
               for m in received.messages)


def judge_reply(passed: bool, reason: str, answer=None) -> Step:
    return Step(json_value={"passed": passed, "reason": reason, "answer": answer})


class Script:
    """A scripted model: ``agent(view)`` picks the agent's next action, ``judge(page_text)`` the verdict."""

    def __call__(self, received: Received) -> Step:
        if is_judge(received):
            return self.judge(received.prompt_text)
        if any(m.get("role") == "system" and "数字员工" in str(m.get("content", "")) for m in received.messages):
            return self.propose(received.messages[-1]["content"])
        return self.agent(PageView(received))

    def propose(self, instruction: str) -> Step:
        return Step(json_value={"goal": instruction, "done_when": "网站上能看到结果", "forbidden": [], "reads_only": False})

    def agent(self, view: PageView) -> Step:
        raise NotImplementedError

    def judge(self, prompt: str) -> Step:
        return judge_reply(False, "没有核对规则")


class PriceChange(Script):
    """改价 the way a model would: the list, the row's 编辑价格, type the price, then 保存 — announced through
    ``request_approval`` or clicked straight away (``announce=False``: the guard must catch it)."""

    def __init__(self, price: str = "19.9", announce: bool = True):
        self.price, self.announce = price, announce

    def agent(self, view: PageView) -> Step:
        if "主人已批准" in view.prompt or "可能已经执行过" in view.prompt:
            return agent_reply({"done": {"text": f"{ITEM}已改价为{self.price}元", "success": True}}, goal="完成")
        if view.shows(f"¥{float(self.price):.2f}"):  # the list shows the new price already (the owner saved it)
            return agent_reply({"done": {"text": f"{ITEM}的价格已经是{self.price}元", "success": True}}, goal="完成")
        if not view.shows(ITEM):
            return agent_reply({"click": {"index": view.find("出售中的宝贝", tag="a")}}, goal="打开出售中的宝贝")
        field = view.find("name=price", tag="input") or view.find("请输入新价格", tag="input")
        if field is None:
            return agent_reply({"click": {"index": view.find("编辑价格", tag="button", after=ITEM)}}, goal="打开改价")
        if f"value={self.price} " not in view.state:
            return agent_reply({"input": {"index": field, "text": self.price, "clear": True}}, goal="输入新价格")
        save = view.find("保存", tag="button")
        if self.announce:
            return agent_reply({"request_approval": {"index": save, "action": f"保存新价格{self.price}元"}},
                               goal="请主人批准保存")
        return agent_reply({"click": {"index": save}}, goal="保存")

    def judge(self, prompt: str) -> Step:
        page = prompt.split("<page_text>", 1)[-1]
        ok = f"¥{float(self.price):.2f}" in page
        return judge_reply(ok, f"页面显示{ITEM}的价格为¥{float(self.price):.2f}" if ok else "页面上的价格没有变")


def metered(script: Script, usage: tuple[int, int]) -> Callable[[Received], Step]:
    """The script's answers, each of the agent's reporting exactly ``usage`` (prompt, completion tokens)."""
    def answer(received: Received) -> Step:
        step = script(received)
        if not is_judge(received):
            step.usage = usage
        return step
    return answer


PRICE_IN, PRICE_OUT = 4.0, 16.0
"""Yuan per million prompt / completion tokens of the priced stack (``priced_env``)."""
DEFAULT_CAP = 0.04
"""... and its deployment-wide cost cap per run: four fen."""


def _agent_stack(tmp_path_factory, fake: FakeLLM, sites: tuple[str, ...], **env: str):
    # the worker's own temp dir, so a test can see what browser-use leaves there
    temp = tmp_path_factory.mktemp("worker-temp")
    return make_stack(tmp_path_factory, workers=1, web=True, sites=sites, OPC_LLM_BASE_URL=fake.base_url,
                      OPC_LLM_MODEL="fake-qwen", OPC_LLM_API_KEY="sk-test-9f8e7d6c5b4a", OPC_LLM_TIMEOUT_S="20",
                      OPC_CODE_TIMEOUT_S="60", TMPDIR=str(temp), **BROWSER_USE_ENV, **env)


def left_in_temp(env: Env) -> list[str]:
    """What browser-use left in the worker's temp dir (its per-agent folders hold a PNG of every step)."""
    temp = Path(env.stack.extra_env["TMPDIR"])
    return sorted(p.name for pattern in ("browser_use_agent_*", "browser-use-downloads-*", "opc-agent-downloads-*")
                  for p in temp.glob(pattern))


@pytest.fixture(scope="module")
def agent_env(tmp_path_factory, fake_llm_server: FakeLLM):
    stack = _agent_stack(tmp_path_factory, fake_llm_server, ("taobao",))
    yield Env(stack)
    stack.stop()


@pytest.fixture(scope="module")
def priced_env(tmp_path_factory, fake_llm_server: FakeLLM):
    """The Taobao stack with a priced model (``PRICE_IN``, ``PRICE_OUT``): errands count their cost, capped at
    ``DEFAULT_CAP`` yuan for an employee with no cap of her own."""
    stack = _agent_stack(tmp_path_factory, fake_llm_server, ("taobao",), OPC_LLM_PRICE_IN_PER_MTOK=str(PRICE_IN),
                         OPC_LLM_PRICE_OUT_PER_MTOK=str(PRICE_OUT), OPC_AGENT_MAX_COST_YUAN=str(DEFAULT_CAP))
    yield Env(stack)
    stack.stop()


@pytest.fixture(scope="module")
def social_env(tmp_path_factory, fake_llm_server: FakeLLM):
    """The stack with the Xiaohongshu and Douyin replicas (their 笔记管理 / 作品管理) instead of Taobao's."""
    stack = _agent_stack(tmp_path_factory, fake_llm_server, ("xiaohongshu", "douyin"))
    yield Env(stack)
    stack.stop()


SITE_USER = {"taobao": "tb", "xiaohongshu": "xhs", "douyin": "dy"}


def creator(env: Env, site: str, fake_llm: FakeLLM, role: str = "marketing", name: str = "营销专员") -> dict:
    """A workspace whose employee has a ``site`` account logged in by QR scan, and its owner: the keys
    ``start_errand``, ``phone`` and ``pending_card`` use."""
    replica = env.replicas[site]
    replica.reset()
    n = next(_n)
    with transaction(env.db) as s:
        ws = Workspace(name=f"店{n}")
        s.add(ws)
        s.flush()
        emp = Employee(workspace_id=ws.id, role=role, name=name, mode="semi_auto", settings={})
        acc = Account(workspace_id=ws.id, site=site, name=f"{SITE_USER[site]}{n}", status="needs_login")
        s.add_all([emp, acc, User(workspace_id=ws.id, username=f"owner{ws.id}", password_hash=hash_password(PASSWORD))])
        s.flush()
        ids = {"workspace": ws.id, "employee": emp.id, "account": acc.id, "user": f"{SITE_USER[site]}-{acc.id}"}
    env.qr_login(ids["account"], user=ids["user"])
    return {**ids, "site": site, "replica": replica, "llm": fake_llm}


def add_posts(account: dict, titles: list[str]) -> None:
    """Notes or works on the account, the first the newest (an hour apart), through the replica's control API."""
    for i, title in enumerate(titles):
        httpx.post(f"{account['replica'].url}/__sandbox__/posts",
                   json={"user": account["user"], "title": title, "hours_ago": 1 + i * 7}, timeout=10).raise_for_status()


@pytest.fixture
def shop(agent_env, fake_llm):
    """A workspace with a Taobao shop logged in by QR scan, its 销售助理, its owner, and 桂花图案手机壳 on sale."""
    ids = creator(agent_env, "taobao", fake_llm, role="sales", name="销售助理")
    item = httpx.post(f"{ids['replica'].url}/__sandbox__/items", json={"user": ids["user"], "title": ITEM, "price": "29.90"},
                      timeout=10).json()
    return {**ids, "item": item}


def set_budget(env: Env, shop: dict, **settings) -> None:
    with transaction(env.db) as s:
        emp = s.get(Employee, shop["employee"])
        emp.settings = {**(emp.settings or {}), **settings}


def start_errand(env: Env, shop: dict, instruction: str = f"把{ITEM}改价到19.9元", goal: str = f"把{ITEM}的价格改成19.9元",
                 done_when: str = f"出售中的宝贝里{ITEM}的价格显示为19.90元", reads_only: bool = False,
                 forbidden: tuple[str, ...] = ("不改其他商品",)) -> str:
    site = shop.get("site", "taobao")
    content = {"instruction": instruction, "site": site, "goal": goal, "done_when": done_when,
               "forbidden": list(forbidden), "reads_only": reads_only}
    with transaction(env.db) as s:
        run = Run(workspace_id=shop["workspace"], account_id=shop["account"], employee_id=shop["employee"],
                  graph="agent", site=site, mode="semi_auto", status="queued", content=content)
        s.add(run)
        s.flush()
        run_id = run.id
    enqueue_run(env.settings, run_id)
    return run_id


def phone(env: Env, shop: dict) -> httpx.Client:
    c = httpx.Client(base_url=env.stack.web_url, timeout=60)
    r = c.post("/api/session", json={"username": f"owner{shop['workspace']}", "password": PASSWORD})
    r.raise_for_status()
    c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return c


def pending_card(env: Env, run_id: str) -> Approval:
    with env.db() as s:
        return s.query(Approval).filter_by(run_id=run_id, status="pending").one()


def price_edits(shop: dict) -> list[dict]:
    return [e for e in shop["replica"].state()["edits"] if e["item_id"] == shop["item"]["id"]]


def item_now(shop: dict) -> dict:
    return next(i for i in shop["replica"].state()["items"] if i["id"] == shop["item"]["id"])


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)


class ReadsList(Script):
    """「读出出售中的宝贝的标题和价格」: a reading errand, answered from the rows the page shows."""

    def propose(self, instruction: str) -> Step:
        return Step(json_value={"goal": "读出出售中所有宝贝的标题和价格", "done_when": "出售中的宝贝列表里每件宝贝的标题和价格都读到了",
                                "forbidden": ["不修改任何宝贝"], "reads_only": True})

    def agent(self, view: PageView) -> Step:
        if not view.shows("共 "):
            return agent_reply({"click": {"index": view.find("出售中的宝贝", tag="a")}}, goal="打开出售中的宝贝")
        lines = [ln.strip() for ln in view.state.split("<browser_state>", 1)[-1].splitlines() if ln.strip()]
        rows, title = [], None
        for i, line in enumerate(lines):
            if line.startswith("ID:"):
                title = lines[i - 1]
            elif line.startswith("¥") and title:
                rows.append({"标题": title, "价格": line[1:]})
                title = None
        return agent_reply({"done": {"text": dumps(rows), "success": True}}, goal="把读到的写下来")

    def judge(self, prompt: str) -> Step:
        said = json.loads(prompt.split("\n<page_text>", 1)[0].split("\n")[-1])["助手的报告"]
        rows = json.loads(said)
        page = prompt.split("<page_text>", 1)[-1]
        ok = bool(rows) and all(r["标题"] in page and f"¥{r['价格']}" in page for r in rows)
        return judge_reply(ok, f"读到了{len(rows)}件宝贝的标题和价格，与页面一致" if ok else "和页面对不上", rows)


class Delists(Script):
    """下架 an item: announced with ``request_approval`` on the row's 下架 button."""

    def agent(self, view: PageView) -> Step:
        if "主人已批准" in view.prompt:
            return agent_reply({"done": {"text": f"{ITEM}已下架", "success": True}}, goal="完成")
        if not view.shows(ITEM):
            return agent_reply({"click": {"index": view.find("出售中的宝贝", tag="a")}}, goal="打开出售中的宝贝")
        button = view.find("下架", tag="button", after=ITEM)
        return agent_reply({"request_approval": {"index": button, "action": f"下架{ITEM}"}}, goal="请主人批准下架")

    def judge(self, prompt: str) -> Step:
        page = prompt.split("<page_text>", 1)[-1]
        ok = ITEM not in page
        return judge_reply(ok, "出售中的宝贝里已经没有这件宝贝" if ok else "宝贝还在出售中")


def failing_model(received: Received) -> Step:
    """A model that is down: every call answers 500."""
    return Step(status=500, error="model is down")


class Wanders(Script):
    """A model that keeps clicking between the shop's lists (``loop=True``: always the same link)."""

    def __init__(self, loop: bool = False):
        self.loop, self.turn = loop, 0

    def agent(self, view: PageView) -> Step:
        self.turn += 1
        name = "出售中的宝贝" if self.loop or self.turn % 2 else "仓库中的宝贝"
        return agent_reply({"click": {"index": view.find(name, tag="a")}}, goal=f"打开{name}")


class Obeys(Script):
    """A model that does what the page tells it: open the other site (``leave``: a list of URLs tried in turn),
    type the password into the price box, and save."""

    def __init__(self, leave: list[str], lure: str):
        self.leave, self.lure = list(leave), lure

    def agent(self, view: PageView) -> Step:
        if not view.shows(ITEM):
            return agent_reply({"click": {"index": view.find("出售中的宝贝", tag="a")}}, goal="打开出售中的宝贝")
        if self.leave:
            return agent_reply({"navigate": {"url": self.leave.pop(0)}}, goal="按页面上说的打开另一个网站")
        field = view.find("name=price", tag="input")
        if field is None:
            return agent_reply({"click": {"index": view.find("编辑价格", tag="button", after=self.lure)}}, goal="打开输入框")
        if "密码和验证码只能" not in view.history:
            return agent_reply({"input": {"index": field, "text": "<secret>password</secret>"}}, goal="输入密码")
        return agent_reply({"click": {"index": view.find("保存", tag="button")}}, goal="保存")


class EvilServer:
    """Another host's server on loopback (another port): every request that reaches it is recorded."""

    def __init__(self):
        import http.server
        import threading

        from serve import free_port

        seen = self.seen = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                seen.append(self.path)
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"<p>evil</p>")

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def evil():
    server = EvilServer()
    yield server
    server.server.shutdown()


def kill_worker(env: Env) -> set[int]:
    """SIGKILL the stack's worker and start another; the pids of the Chromium processes the killed one ran."""
    import os
    import signal

    name = next(n for n in env.stack.procs if n.startswith("worker"))
    proc = env.stack.procs.pop(name)
    browsers = chromium_of(proc.pid)  # read from /proc, a helper that exits meanwhile skipped (psutil raised)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    env.stack.start_worker()
    return browsers


def still_running(pids: set[int]) -> set[int]:
    return {p for p in pids if alive(p)}


def _shown_text(line: str) -> str:
    """A line of the page as browser-use showed it, without its ``[index]<tag …/>`` part."""
    m = _ELEMENT.search(line)
    return m.group(4).strip() if m else line.strip()


class ReadsNotes(Script):
    """「读出小红书最近5篇笔记的标题和点赞数」: 笔记管理, and the first five rows' titles and 点赞 as the page shows
    them (a row: its title, then 发布于 …, then its numbers)."""

    def propose(self, instruction: str) -> Step:
        return Step(json_value={"goal": "读出最近5篇笔记的标题和点赞数", "done_when": "读到了最近5篇笔记的标题和点赞数",
                                "forbidden": ["不修改任何笔记"], "reads_only": True})

    def agent(self, view: PageView) -> Step:
        if not view.shows("发布于"):
            return agent_reply({"click": {"index": view.find("笔记管理", tag="a")}}, goal="打开笔记管理")
        lines = [ln for ln in view.state.split("<browser_state>", 1)[-1].splitlines() if _shown_text(ln)]
        starts = [i for i, ln in enumerate(lines) if _shown_text(ln).startswith("发布于")]
        rows = []
        for k, at in enumerate(starts[:5]):
            chunk = " ".join(_shown_text(ln) for ln in lines[at:starts[k + 1] if k + 1 < len(starts) else None])
            rows.append({"标题": _shown_text(lines[at - 1]), "点赞": int(re.search(r"点赞\s*(\d+)", chunk).group(1))})
        return agent_reply({"done": {"text": dumps(rows), "success": True}}, goal="把读到的写下来")

    def judge(self, prompt: str) -> Step:
        said = json.loads(prompt.split("\n<page_text>", 1)[0].split("\n")[-1])["助手的报告"]
        rows = json.loads(said)
        page = prompt.split("<page_text>", 1)[-1]
        ok = len(rows) == 5 and all(r["标题"] in page and f"点赞 {r['点赞']}" in page for r in rows)
        return judge_reply(ok, f"读到了{len(rows)}篇笔记的标题和点赞数，与页面一致" if ok else "和页面对不上", rows)


def _cards(text: str, word: str) -> dict[str, str]:
    """Each work whose title has ``word`` -> its card's text up to its 设置权限 button (作品管理 as read)."""
    out = {}
    for line in text.splitlines():
        title = _shown_text(line)
        if word in title and len(title) <= 40 and title not in out:
            at = text.index(line)
            out[title] = text[at:text.find("设置权限", at)]
    return out


class MakesPrivate(Script):
    """「把抖音上标题里有'试用'的作品设为私密」: 作品管理; for each such work still visible to others, its 设置权限,
    then 仅自己可见 announced with ``request_approval`` (the dialog's 确定 is part of the approved action) or
    clicked straight away (``announce=False``: the guard must catch it)."""

    def __init__(self, word: str = "试用", announce: bool = True):
        self.word, self.current, self.announce = word, None, announce

    def agent(self, view: PageView) -> Step:
        if not view.shows("个作品"):  # 共 N 个作品: the list is open
            return agent_reply({"click": {"index": view.find("内容管理", tag="a")}}, goal="打开作品管理")
        radio = view.find("visibility-private", tag="input")
        if radio is not None and not self.announce:
            return agent_reply({"click": {"index": radio}}, goal="选择仅自己可见")
        if radio is not None:
            return agent_reply({"request_approval": {"index": radio, "action": f"把「{self.current}」设为仅自己可见"}},
                               goal="请主人批准设为仅自己可见")
        page = view.state.split("<browser_state>", 1)[-1]
        left = [t for t, card in _cards(page, self.word).items() if "仅自己可见" not in card]
        if not left:
            return agent_reply({"done": {"text": f"标题里有「{self.word}」的作品都已设为仅自己可见", "success": True}},
                               goal="完成")
        self.current = left[0]
        return agent_reply({"click": {"index": view.find("设置权限", tag="button", after=left[0])}},
                           goal=f"打开「{left[0]}」的设置权限")

    def judge(self, prompt: str) -> Step:
        page = prompt.split("<page_text>", 1)[-1]
        cards = _cards(page, self.word)
        ok = bool(cards) and all("仅自己可见" in card for card in cards.values())
        return judge_reply(ok, f"{len(cards)}个标题里有「{self.word}」的作品都显示仅自己可见" if ok else "还有作品没有设为仅自己可见")


class DeletesNote(Script):
    """删除 a note in 笔记管理: announced with ``request_approval`` on its row's 删除 (the site's 确定删除…吗？ is
    part of the approved action)."""

    def __init__(self, title: str):
        self.title = title

    def agent(self, view: PageView) -> Step:
        if "主人已批准" in view.prompt:
            return agent_reply({"done": {"text": f"笔记「{self.title}」已删除", "success": True}}, goal="完成")
        if not view.shows("发布于"):
            return agent_reply({"click": {"index": view.find("笔记管理", tag="a")}}, goal="打开笔记管理")
        button = view.find("删除", tag="button", after=self.title)
        return agent_reply({"request_approval": {"index": button, "action": f"删除笔记「{self.title}」"}},
                           goal="请主人批准删除")

    def judge(self, prompt: str) -> Step:
        page = prompt.split("<page_text>", 1)[-1]
        ok = self.title not in page and "发布于" in page
        return judge_reply(ok, "笔记管理里已经没有这篇笔记" if ok else "笔记还在")
def approve_card(env: Env, shop: dict, run_id: str) -> dict:
    """The owner approves the run's card from the phone; the fields the card showed."""
    env.wait_status(run_id, "awaiting_approval", timeout=240)
    card = pending_card(env, run_id)
    phone(env, shop).post(f"/api/approvals/{card.id}/decision", json={"approve": True}).raise_for_status()
    return card.fields


def saved_price_skill(env: Env, shop: dict) -> str:
    """The price change done once by the agent (approved, published) and saved as 「改价」 with 价格 as its
    parameter; the skill's id."""
    shop["llm"].responder = PriceChange(announce=True)
    run_id = start_errand(env, shop)
    approve_card(env, shop, run_id)
    run = env.wait_status(run_id, "published", "failed", timeout=240)
    assert run.status == "published", run.reason
    r = phone(env, shop).post(f"/api/errands/{run_id}/skill", json={"name": "改价", "params": {"价格": "19.9"}})
    assert r.status_code == 201, r.text
    return r.json()["skill"]["id"]
