"""The owner's daily brief: yesterday's numbers and what changed, what waits for her, what runs today,
deadlines, and accounts whose sessions need her. Read from the database at the moment it is made; every
number from the sites is read through ``metrics.query`` (the store's running totals, differenced).

Days are the workspace's days (Asia/Shanghai by default); "yesterday" is the local calendar day before.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from books.periods import Quarter
from books.reminders import upcoming
from butler.models import Reminder
from butler.wording import day_label
from core.accounts import live_accounts
from core.inbox import Conversation
from core.models import Account, Approval, Run, Schedule, Workspace
from metrics import query
from planning.plan import SITE_LABELS

SITE_METRICS = {
    "xiaohongshu": ("views", "likes", "collects", "comments", "shares", "fans"),
    "douyin": ("plays", "likes", "comments", "shares", "collects", "fans"),
    "taobao": ("orders", "revenue", "refunds", "refund_amount"),
}
"""What the brief reports per site, in this order (the store's metric names)."""
METRIC_LABELS = {"views": "观看", "plays": "播放", "likes": "点赞", "collects": "收藏", "comments": "评论",
                 "shares": "分享", "fans": "粉丝", "fans_gained": "涨粉", "orders": "订单", "revenue": "成交额",
                 "refunds": "退款", "refund_amount": "退款金额"}
MONEY = {"revenue", "refund_amount"}
LISTED = 5
"""At most this many items per section are named; the rest are counted."""
DEADLINE_DAYS = 7
STATUS_WORDS = {"needs_login": "需要重新登录", "logging_in": "正在等你扫码登录"}


@dataclass(frozen=True)
class Section:
    title: str
    lines: list[str]


@dataclass(frozen=True)
class Brief:
    title: str
    sections: list[Section]

    def text(self) -> str:
        parts = [self.title]
        for sec in self.sections:
            parts.append(f"\n【{sec.title}】")
            parts += [f"· {line}" for line in sec.lines]
        return "\n".join(parts)

    def markdown(self) -> str:
        parts = [f"**{self.title}**"]
        for sec in self.sections:
            parts.append(f"\n**{sec.title}**")
            parts += [f"- {line}" for line in sec.lines]
        return "\n".join(parts)


def build(s: Session, ws: Workspace, now: datetime) -> Brief:
    tz = ZoneInfo(ws.timezone)
    today = now.astimezone(tz).date()
    return Brief(f"运营管家日报 · {day_label(datetime.combine(today, time(0), tz))}", [
        Section("昨天的数据", numbers(s, ws, today)),
        Section("等你处理", waiting(s, ws.id)),
        Section("今天要做", runs_today(s, ws, today)),
        Section("截止日期", deadlines(s, ws, now, today)),
        Section("账号登录", sessions(s, ws.id)),
    ])


def _day_start(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tz).astimezone(ZoneInfo("UTC"))


def _amount(metric: str, value: float) -> str:
    sign = "+" if value >= 0 else "-"
    return f"{sign}¥{abs(value):,.2f}" if metric in MONEY else f"{sign}{abs(value):,.0f}"


def numbers(s: Session, ws: Workspace, today: date) -> list[str]:
    """Per account: each number's change yesterday, and the day before's change beside it."""
    tz = ZoneInfo(ws.timezone)
    yesterday, before, end = (_day_start(today - timedelta(days=n), tz) for n in (1, 2, 0))
    out = []
    for account in live_accounts(s, ws.id):
        parts = []
        for metric in SITE_METRICS.get(account.site, ()):
            now_change = query.delta(s, ws.id, account.id, metric, yesterday, end)
            if not now_change:
                continue
            was = sum(query.delta(s, ws.id, account.id, metric, before, yesterday).values())
            parts.append(f"{METRIC_LABELS[metric]} {_amount(metric, sum(now_change.values()))}"
                         f"（前一天 {_amount(metric, was)}）")
        if parts:
            out.append(f"{SITE_LABELS.get(account.site, account.site)}「{account.name}」：{'，'.join(parts)}")
    return out or ["还没有从平台读到数据（数据采集每晚进行）"]


def _named(items: list[str], unit: str) -> list[str]:
    shown = items[:LISTED]
    return shown + ([f"还有{len(items) - LISTED}{unit}"] if len(items) > LISTED else [])


def waiting(s: Session, ws_id: str) -> list[str]:
    cards = (s.query(Approval, Run).join(Run, Run.id == Approval.run_id)
             .filter(Run.workspace_id == ws_id, Approval.status == "pending").order_by(Approval.created_at))
    items = [f"审批：{SITE_LABELS.get(run.site, run.site)}「{_subject(run)}」" for _, run in cards]
    human = s.query(Conversation).filter_by(workspace_id=ws_id, status="human").order_by(Conversation.id)
    items += [f"转人工：{c.author}「{c.text[:20]}」" for c in human]
    return _named(items, "项") or ["没有等你处理的事"]


def _subject(run: Run) -> str:
    """A post's or item's title; a return as its quarter (2026年第3季度申报), never the machine's 2026Q3."""
    content = run.content or {}
    if content.get("title"):
        return content["title"]
    try:
        return f"{Quarter.parse(content.get('period', '')).label}申报"
    except ValueError:
        return "任务"


def runs_today(s: Session, ws: Workspace, today: date) -> list[str]:
    """Timed runs and schedule slots due today, and the reminders that fire today, by time."""
    tz = ZoneInfo(ws.timezone)
    start, end = _day_start(today, tz), _day_start(today + timedelta(days=1), tz)
    timed = [(r.not_before, f"{SITE_LABELS.get(r.site, r.site)}「{_subject(r)}」")
             for r in s.query(Run).filter(Run.workspace_id == ws.id, Run.status == "scheduled",
                                          Run.not_before >= start, Run.not_before < end)]
    timed += [(sch.next_at, f"重复发布「{(sch.content or {}).get('title') or '任务'}」")
              for sch in s.query(Schedule).filter(Schedule.workspace_id == ws.id, Schedule.enabled,
                                                  Schedule.next_at >= start, Schedule.next_at < end)]
    timed += [(r.next_at, f"提醒：{r.what}")
              for r in s.query(Reminder).filter(Reminder.workspace_id == ws.id, Reminder.status == "active",
                                                Reminder.next_at >= start, Reminder.next_at < end)]
    items = [f"{at.astimezone(tz):%H:%M} {what}" for at, what in sorted(timed, key=lambda x: x[0])]
    return _named(items, "项") or ["今天没有安排的任务"]


def deadlines(s: Session, ws: Workspace, now: datetime, today: date) -> list[str]:
    """The tax deadlines 财务助手 reminds of (within a week, or overdue and not filed here): the VAT return,
    and the 经营所得 A表 for the owner whose 纳税人类型 files it (``books.entity``); and her own deadlines."""
    has_tax = any(a.site == "etax" for a in live_accounts(s, ws.id))
    items = [d["text"] for d in upcoming(s, ws, now=now) if d["soon"]] if has_tax else []
    horizon = now + timedelta(days=DEADLINE_DAYS)
    own = (s.query(Reminder).filter(Reminder.workspace_id == ws.id, Reminder.status == "active",
                                    Reminder.kind == "deadline", Reminder.deadline_at >= now,
                                    Reminder.deadline_at <= horizon).order_by(Reminder.deadline_at))
    tz = ZoneInfo(ws.timezone)
    items += [f"{r.what}：截止{day_label(r.deadline_at.astimezone(tz))}" for r in own]
    return _named(items, "项") or ["一周内没有截止的事"]


def sessions(s: Session, ws_id: str) -> list[str]:
    """Accounts whose saved login no longer works (or was never made): she has to scan again."""
    rows = live_accounts(s, ws_id).filter(Account.status != "active")
    items = [f"{SITE_LABELS.get(a.site, a.site)}「{a.name}」{STATUS_WORDS.get(a.status, '需要重新登录')}" for a in rows]
    return _named(items, "个账号") or ["所有账号都在登录状态"]
