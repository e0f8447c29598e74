"""Fixtures for the inbox (客服代表): the demo workspace with active 抖音 and 淘宝 accounts and the inbox
switched on, and, for unit tests of the workflow's own logic only, a tiny in-memory inbound adapter (the
end-to-end tests use the replicas over HTTP)."""
from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone

import pytest
from PIL import Image

from core.db import session_factory, transaction
from core.errors import LoginRequired, RateLimited
from core.models import Account, Approval, Employee, Workspace
from core.seed import seed_demo
from sites.inbound import Inbound, ReplyProof


@dataclass
class Inboxes:
    db: object
    workspace_id: str
    employee_id: str
    douyin: str
    taobao: str


def demo_inbox(settings, mode: str = "semi_auto", account_status: str = "active", **inbox) -> Inboxes:
    """The demo workspace (its two product sheets in the knowledge base), 客服代表 in ``mode`` with the inbox on
    (no quiet hours unless given), and active 抖音 and 淘宝 accounts."""
    seed_demo(settings)
    db = session_factory(settings.db_url)
    with transaction(db) as s:
        ws = s.query(Workspace).first()
        emp = s.query(Employee).filter_by(workspace_id=ws.id, role="service").one()
        emp.mode = mode
        emp.settings = {**(emp.settings or {}), "inbox": {"enabled": True, "quiet_hours": "", "spacing_s": [0, 0],
                                                        **inbox}}
        dy = Account(workspace_id=ws.id, site="douyin", name="小桂的茶", status=account_status)
        tb = Account(workspace_id=ws.id, site="taobao", name="小桂茶铺", status=account_status)
        s.add_all([dy, tb])
        s.flush()
        return Inboxes(db, ws.id, emp.id, dy.id, tb.id)


@pytest.fixture
def inbox(core_settings) -> Inboxes:
    return demo_inbox(core_settings)


def comment(item_id: str, text: str, author: str = "茶友", minutes_ago: int = 5, site: str = "douyin",
            kind: str = "comment", **kw) -> Inbound:
    return Inbound(site=site, account_key=None, kind=kind, item_id=item_id, author=author, text=text,
                   at=datetime.now(timezone.utc) - timedelta(minutes=minutes_ago), target_id="7301",
                   target_title="桂花乌龙冷泡茶上新", **kw)


class Crash(BaseException):
    """The worker dies (SIGKILL) right after the send click: nothing after it runs."""


@dataclass
class FakeInbox:
    """An in-memory inbound adapter: what is on the site, and every reply sent (to count duplicates)."""

    items: list[Inbound] = field(default_factory=list)
    sent: list[tuple[str, str]] = field(default_factory=list)
    reply_limit: int = 100
    inbound_kinds: tuple[str, ...] = ("comment", "reply")
    crash_after_click: int = 0
    """The next N sends die right after the click (the reply reaches the site, the worker does not return)."""
    rate_limited: bool = False
    owner_answers: set[str] = field(default_factory=set)
    login_wall: int = 0
    """The next N reads or replies meet the login wall (the site kicked the session out)."""

    def allowed_hosts(self) -> list[str]:
        return ["127.0.0.1"]

    def read_inbox(self, page, since):
        self._wall()
        return [replace(i, owner_replied=i.item_id in self.owner_answers) for i in self.items
                if since is None or i.at >= since]

    def reply(self, page, item, text):
        self._wall()
        if self.rate_limited:
            raise RateLimited("操作过于频繁", site_message="操作过于频繁，请稍后再试")
        self.sent.append((item.item_id, text))
        if self.crash_after_click:
            self.crash_after_click -= 1
            raise Crash()

    def _wall(self):
        if self.login_wall:
            self.login_wall -= 1
            raise LoginRequired("抖音登录已失效")

    def find_reply(self, page, item, text):
        if (item.item_id, text) in self.sent:
            return ReplyProof(item_id=f"r-{item.item_id}", text=text, by_author=True, visible=True)
        return None


class FakePage:
    url = "http://127.0.0.1/fake"

    def screenshot(self, **_kw) -> bytes:
        buf = io.BytesIO()
        Image.new("RGB", (390, 300), (240, 240, 240)).save(buf, "JPEG")
        return buf.getvalue()


class FakeWorkbench:
    """The job's page for a fake adapter (no browser is needed to talk to ``FakeInbox``)."""

    fence = None

    def page(self, account_id, allowed_hosts):
        return FakePage()

    def live_page(self):
        return None

    def save_session(self):
        pass

    def close(self):
        pass


def step_run(settings, db, redis_conn, saver, run_id: str) -> str:
    """One job of a run in this process, as the worker does it (lease, fence, checkpoint, resume), with the
    fake adapter's page; the run's status after it."""
    from langgraph.types import Command

    from core.models import Run
    from graphs import GRAPHS
    from graphs.context import RunContext
    from graphs.runner import _mark_running
    from rpa.lease import Lease, account_lock

    settings = settings.model_copy(update={"lease_s": 30})  # a loaded test machine must not lose the lease
    with db() as s:
        run = s.get(Run, run_id)
    graph = GRAPHS[run.graph](saver)
    config = {"configurable": {"thread_id": run_id}}
    snapshot = graph.get_state(config)
    value = {"run_id": run_id} if not snapshot.values else (Command(resume={"logged_in": True})
                                                            if snapshot.interrupts else None)
    lock = account_lock(redis_conn, run.account_id, settings.lease_s)
    assert lock.acquire(blocking=True, blocking_timeout=5)
    try:
        with Lease(db, run_id, lock, settings.lease_s, on_start=_mark_running) as lease:
            graph.invoke(value, config, context=RunContext(settings, db, FakeWorkbench(), lease))
    finally:
        lock.release()
    with db() as s:
        return s.get(Run, run_id).status


def add_inbox_day(s, ws, douyin, taobao, service) -> None:
    """A day of the inbox on the demo workspace, for the page walk: a conversation in every status, a draft
    with its citation and card, the owner's edit, a posted reply, her own reply on the site, one ignored."""
    from core.inbox import Conversation, log
    from graphs.inbound.store import make_reply_run

    now = datetime.now(timezone.utc)

    def conv(account, item_id, kind, author, text, status, **kw):
        c = Conversation(workspace_id=ws.id, account_id=account.id, site=account.site, item_id=item_id, kind=kind,
                         author=author, text=text, target_id="7301234567890123456", target_title="桂花乌龙冷泡茶上新",
                         at=now - timedelta(minutes=30), status=status, **kw)
        s.add(c)
        s.flush()
        log(s, c, "received", "system", text)
        return c

    cite = [{"chunk_id": "c1", "doc_name": "示例-产品资料-桂花乌龙冷泡茶.md", "text": "每盒12包，每包3克，到手价39元。"}]
    waiting = conv(douyin, "7400000000000000001", "comment", "爱喝茶的小王", "多少钱一盒？", "new", category="price_shipping",
                   draft="您好，每盒12包，到手价39元。", citations=cite, confidence=0.6)
    log(s, waiting, "drafted", "employee", waiting.draft, {"citations": cite})
    make_reply_run(s, waiting, service, 1.0)
    conv(taobao, "rv-1001", "review", "t**8", "包装破了，要求退款", "human", category="complaint",
         note="涉及退款/退换货，需要你亲自处理", thread=["t**8：追评：客服不理人"])
    posted = conv(douyin, "7400000000000000002", "reply", "茶友小李", "冷泡几个小时？", "replied", category="product",
                  replied_text="您好，冷藏4到6小时即可。", replied_by="employee", replied_at=now)
    log(s, posted, "edited", "owner", "您好，冷藏4到6小时即可。")
    log(s, posted, "approved", "owner", "您好，冷藏4到6小时即可。")
    log(s, posted, "posted", "employee", "您好，冷藏4到6小时即可。")
    conv(douyin, "7400000000000000003", "comment", "路人甲", "好喝", "replied", category="praise", replied_by="owner",
         replied_at=now)
    ignored = conv(taobao, "q-2001", "question", "匿名买家", "加微信领红包", "ignored", category="spam",
                   note="疑似广告或引流，建议不回复")
    log(s, ignored, "ignored", "employee", ignored.note)
    conv(douyin, "7400000000000000004", "message", "新朋友", "在吗", "new")
    from core.models import Run
    s.add(Run(workspace_id=ws.id, account_id=douyin.id, employee_id=service.id, graph="inbound_sweep", site="douyin",
              mode="semi_auto", status="published", content={"title": "查看新的评论、私信和评价"}))


@dataclass
class WaitingReply:
    conversation: str
    approval: str
    run: str


def waiting_reply(db, item_id: str, text: str = "冷泡茶多少钱一盒？", draft: str = "您好，每盒12包，到手价39元。") -> WaitingReply:
    """A 抖音 comment of the demo workspace drafted and waiting on its reply card (the account is made once)."""
    from core.inbox import Conversation, log
    from graphs.inbound.store import make_reply_run

    with transaction(db) as s:
        ws = s.query(Workspace).first()
        service = s.query(Employee).filter_by(workspace_id=ws.id, role="service").one()
        account = (s.query(Account).filter_by(workspace_id=ws.id, site="douyin").first()
                   or Account(workspace_id=ws.id, site="douyin", name="小桂的茶", status="active"))
        s.add(account)
        s.flush()
        conv = Conversation(workspace_id=ws.id, account_id=account.id, site="douyin", item_id=item_id, kind="comment",
                            author="阿橙", text=text, target_id="7301234567890123456", target_title="桂花乌龙冷泡茶上新",
                            at=datetime.now(timezone.utc) - timedelta(minutes=3), category="price_shipping", draft=draft,
                            confidence=0.7)
        s.add(conv)
        s.flush()
        log(s, conv, "received", "system", text)
        log(s, conv, "drafted", "employee", draft)
        run = make_reply_run(s, conv, service, 1.0)
        card = s.query(Approval).filter_by(run_id=run.id).one()
        return WaitingReply(conv.id, card.id, run.id)


def background_sweeps(db, count: int) -> list[str]:
    """``count`` finished inbox sweeps of the demo workspace's 抖音 account, as the scheduler leaves them."""
    from core.models import Run

    with transaction(db) as s:
        ws = s.query(Workspace).first()
        service = s.query(Employee).filter_by(workspace_id=ws.id, role="service").one()
        account = s.query(Account).filter_by(workspace_id=ws.id, site="douyin").one()
        runs = [Run(workspace_id=ws.id, account_id=account.id, employee_id=service.id, graph="inbound_sweep",
                    site="douyin", mode="semi_auto", status="published", content={"title": "查看新的评论、私信和评价"})
                for _ in range(count)]
        s.add_all(runs)
        s.flush()
        return [r.id for r in runs]


def start_sweep(env, boxes: Inboxes, account_id: str | None = None) -> str:
    """A sweep of the account's inbox (the 抖音 one by default) queued on the stack now, as the scheduler
    starts one (``graphs.inbound.schedule``) but without its once-per-interval guard."""
    from core.models import Run
    from core.queue import enqueue_run

    account_id = account_id or boxes.douyin
    with transaction(env.db) as s:
        site = s.get(Account, account_id).site
        run = Run(workspace_id=boxes.workspace_id, account_id=account_id, employee_id=boxes.employee_id,
                  graph="inbound_sweep", site=site, mode="semi_auto", status="queued",
                  content={"title": "查看新的评论、私信和评价"})
        s.add(run)
    enqueue_run(env.settings, run.id)
    return run.id
