"""Pushes to the owner's phone: a card waiting for approval, a step only the owner can do (a code, a
slider, a scan), the quarterly return coming due or overdue, an account whose login the session
checker found expired (``health``), and a collection a site's slider stopped (in the day only).

They go to the workspace's own group bots when it has any (set on 运营管家's page, passed in as ``bots``), else
to the deployment's one webhook (WeCom and DingTalk share a message shape, Feishu has its own, or plain JSON
for anything else), configured by ``OPC_NOTIFY_WEBHOOK_URL``: the deployment's first workspace's (an owner invited later is told
through her own bots only); with neither, nothing is sent or recorded. The
scheduler calls ``send_due`` on every tick. Each thing is told once: its ``Notice`` row is inserted (unique
per workspace and key) before the send, so schedulers side by side or a restart never tell it twice; a
failed send deletes the row again and the next tick retries.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from books.reminders import tax_reminder
from core.db import transaction
from core.models import Account, Approval, Employee, HumanStep, Notice, Run, Schedule, Workspace
from core.settings import Settings
from health.models import EXPIRED, SessionHealth

log = logging.getLogger("notify")

SEND_TIMEOUT_S = 5.0
TAX_STATES = {"due_soon", "overdue"}
"""Reminder states worth a push; "upcoming" and "filed" stay on the dashboard only."""


@dataclass(frozen=True)
class Message:
    key: str
    text: str
    path: str
    """Where on the phone the owner acts, relative to the service's address."""


class WorkspaceBots(Protocol):
    """A workspace's own group bots (``butler.channels.WorkspaceBots``); core does not know their kinds."""

    def has(self, workspace_id: str) -> bool: ...

    def send(self, workspace_id: str, text: str, url: str | None) -> bool:
        """True when a bot of the workspace took it."""


def payload(fmt: str, text: str, url: str | None) -> dict:
    """The webhook body: ``wecom`` (企业微信 and 钉钉 group bots), ``feishu`` (飞书), or ``json``."""
    line = f"{text}\n{url}" if url else text
    if fmt == "feishu":
        return {"msg_type": "text", "content": {"text": line}}
    if fmt == "json":
        return {"text": text, "url": url}
    return {"msgtype": "text", "text": {"content": line}}


def _who(s: Session, run: Run) -> str:
    employee = s.get(Employee, run.employee_id)
    return employee.name if employee else "数字员工"


def _what(run: Run) -> str:
    from sites import SITES  # sites import playwright; keep core importable without it

    c = run.content or {}
    site = SITES[run.site].label if run.site in SITES else run.site
    return f"{site}「{c.get('title') or c.get('period') or run.id}」"


def approval_messages(s: Session, ws_id: str) -> list[Message]:
    out = []
    pending = (s.query(Approval, Run).join(Run, Run.id == Approval.run_id)
               .filter(Run.workspace_id == ws_id, Approval.status == "pending"))
    for approval, run in pending:
        kind = (approval.fields or {}).get("kind")
        asks = f"批准缴款 ¥{approval.fields.get('amount')}" if kind == "payment" else "审批"
        out.append(Message(f"approval:{approval.id}", f"{_who(s, run)}请你{asks}：{_what(run)}",
                           f"/approvals/{approval.id}"))
    return out


def step_messages(s: Session, ws_id: str, now: datetime) -> list[Message]:
    """Steps that time out within minutes: the push is what lets the owner make it in time."""
    out = []
    steps = (s.query(HumanStep).outerjoin(Run, Run.id == HumanStep.run_id)
             .outerjoin(Account, Account.id == HumanStep.account_id)
             .filter(HumanStep.status == "pending", HumanStep.expires_at > now,
                     (Run.workspace_id == ws_id) | (Account.workspace_id == ws_id)))
    for step in steps:
        path = f"/runs/{step.run_id}" if step.run_id else f"/accounts/{step.account_id}"
        out.append(Message(f"step:{step.id}", f"需要你在手机上操作：{step.prompt}", path))
    return out


def tax_messages(s: Session, ws: Workspace, now: datetime) -> list[Message]:
    due = tax_reminder(s, ws, now)
    if not due or due["state"] not in TAX_STATES:
        return []
    return [Message(f"tax:{due['period']}:{due['state']}", f"财务助手提醒：{due['text']}", "/finance")]


def inbox_messages(s: Session, ws_id: str, now: datetime) -> list[Message]:
    """Conversations handed to the owner (转人工), and accounts whose replies a site's rate limit paused."""
    from core.inbox import Conversation, InboxAccount, KIND_LABELS

    out = [Message(f"inbox:{c.id}:human", f"客服代表转给你：{c.author}的{KIND_LABELS.get(c.kind, '留言')}「{c.text[:30]}」"
                   f"（{c.note or '需要你处理'}）", f"/inbox/{c.id}")
           for c in s.query(Conversation).filter_by(workspace_id=ws_id, status="human")]
    paused = (s.query(InboxAccount, Account).join(Account, Account.id == InboxAccount.account_id)
              .filter(Account.workspace_id == ws_id, InboxAccount.paused_until > now))
    out += [Message(f"inbox-pause:{a.id}:{p.paused_until:%Y%m%d%H%M}", f"客服代表：{a.name} {p.pause_reason}", "/inbox")
            for p, a in paused]
    return out


def relogin_messages(s: Session, ws: Workspace, now: datetime) -> list[Message]:
    """Accounts the session checker found logged out (``health.check``): one push per expiry, naming the next
    timed run that needs the account, with a link to the account's page (its 开始扫码登录 shows the QR)."""
    from sites import SITES  # sites import playwright; keep core importable without it

    out = []
    expired = (s.query(Account, SessionHealth).join(SessionHealth, SessionHealth.account_id == Account.id)
               .filter(Account.workspace_id == ws.id, Account.status == "needs_login", SessionHealth.state == EXPIRED))
    for account, health in expired:
        if account.logged_in_at is not None and account.logged_in_at > health.expired_at:
            continue  # logged in again since (and out again by some other way): not this expiry's to tell
        adapter = SITES.get(account.site)
        site = adapter.label if adapter else account.site
        how = "重新登录" if getattr(adapter, "login_kind", "qr") == "password" else "重新扫码登录"
        found = health.expired_at.astimezone(ZoneInfo(ws.timezone))
        text = f"运营管家提醒：{site}账号「{account.name}」的登录已失效（{found:%H:%M}检查发现），请打开账号页{how}"
        due = _next_timed(s, account.id, now)
        if due is not None:
            at = due[0].astimezone(ZoneInfo(ws.timezone))
            text += f"。{at.month}月{at.day}日 {at:%H:%M}的「{due[1]}」要用这个账号"
        out.append(Message(f"relogin:{account.id}:{health.expired_at:%Y%m%d%H%M%S}", text, f"/accounts/{account.id}"))
    return out


QUIET_HOURS = (22, 8)
"""From 22:00 to 08:00 (workspace zone) a push that can wait, waits for the morning."""


def slider_messages(s: Session, ws: Workspace, now: datetime) -> list[Message]:
    """Collections a site's slider stopped (``graphs.collect``): once per run, saying where and that what was
    read is kept. Unlike a login code or a card waiting, nothing here is due: no post fails for it, the numbers
    are a night late at worst, and the slider of a 02:00 run is long gone by the time she could reach a computer.
    So the owner is not woken for it: a run in the night is told at 08:00 (in time for her morning look at the
    numbers). A day later it is not told at all: the next night's run tells its own."""
    local = now.astimezone(ZoneInfo(ws.timezone))
    if local.hour >= QUIET_HOURS[0] or local.hour < QUIET_HOURS[1]:
        return []
    out = []
    stopped = (s.query(Run, Account).join(Account, Account.id == Run.account_id)
               .filter(Run.workspace_id == ws.id, Run.graph == "collect", Run.status == "failed",
                       Run.updated_at > now - timedelta(days=1)).order_by(Run.updated_at))
    for run, account in stopped:
        if not (run.content or {}).get("slider"):
            continue
        at = run.updated_at.astimezone(ZoneInfo(ws.timezone))
        out.append(Message(f"collect-slider:{run.id}", f"运营管家提醒：账号「{account.name}」{at.month}月{at.day}日 "
                           f"{at:%H:%M}读取数据时，{run.reason}", f"/runs/{run.id}"))
    return out


def _next_timed(s: Session, account_id: str, now: datetime) -> tuple[datetime, str] | None:
    """The account's next timed run (a 定时 post or listing, a schedule's slot) and its title."""
    run = (s.query(Run).filter(Run.account_id == account_id, Run.status == "scheduled", Run.not_before > now)
           .order_by(Run.not_before).first())
    sched = (s.query(Schedule).filter(Schedule.account_id == account_id, Schedule.enabled, Schedule.next_at > now)
             .order_by(Schedule.next_at).first())
    found = [(r.not_before, (r.content or {}).get("title") or "定时任务") for r in [run] if r]
    found += [(x.next_at, (x.content or {}).get("title") or "重复发布") for x in [sched] if x]
    return min(found, key=lambda f: f[0]) if found else None


def messages(s: Session, ws: Workspace, now: datetime) -> list[Message]:
    return [*approval_messages(s, ws.id), *step_messages(s, ws.id, now), *tax_messages(s, ws, now),
            *inbox_messages(s, ws.id, now), *relogin_messages(s, ws, now), *slider_messages(s, ws, now)]


def _claim(db: sessionmaker[Session], ws_id: str, key: str) -> bool:
    try:
        with transaction(db) as s:
            s.add(Notice(workspace_id=ws_id, key=key))
        return True
    except IntegrityError:
        return False  # told already (or another scheduler is telling it right now)


def _send(settings: Settings, message: Message, ws_id: str = "", bots: WorkspaceBots | None = None) -> bool:
    base = settings.public_url.rstrip("/") if settings.public_url else None
    url = f"{base}{message.path}" if base else None
    if bots is not None and bots.has(ws_id):
        return bots.send(ws_id, message.text, url)
    body = payload(settings.notify_format, message.text, url)
    try:
        r = httpx.post(settings.notify_webhook_url.get_secret_value(), json=body, timeout=SEND_TIMEOUT_S)
        r.raise_for_status()
        return True
    except httpx.HTTPError as e:
        # Never the URL: a bot webhook's address is its key.
        log.warning("notice %s not sent (%s); retrying next tick", message.key, type(e).__name__)
        return False


def send_due(settings: Settings, db: sessionmaker[Session], now: datetime,
             bots: WorkspaceBots | None = None) -> list[str]:
    """Tell what has not been told yet; the keys sent. ``bots``: the workspaces' own group bots."""
    sent = []
    with db() as s:
        workspaces = s.query(Workspace).order_by(Workspace.created_at, Workspace.id).all()
        # The deployment's one webhook is its first owner's group. Owners invited later (``core.admin``) are
        # told by their own bots only: the webhook would tell their cards (titles, amounts) to her group.
        first = workspaces[0].id if workspaces and settings.notify_webhook_url is not None else None
        told_to = [ws for ws in workspaces if ws.id == first or (bots is not None and bots.has(ws.id))]
        todo = [(ws.id, m) for ws in told_to for m in messages(s, ws, now)]
        told = {(n.workspace_id, n.key) for n in s.query(Notice.workspace_id, Notice.key)}
    for ws_id, message in todo:
        if (ws_id, message.key) in told or not _claim(db, ws_id, message.key):
            continue
        if _send(settings, message, ws_id, bots):
            sent.append(message.key)
            continue
        with transaction(db) as s:
            s.execute(delete(Notice).where(Notice.workspace_id == ws_id, Notice.key == message.key))
    return sent
