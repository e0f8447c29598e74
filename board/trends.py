"""Per account, over the last 7 or 30 days (the workspace's days: today and the days before it): each number's
total and its change, the chosen number's gain per day, the best and worst posts by it, and for a shop its
orders, revenue and refunds.

Values in ``metric_points`` are the sites' running totals, so a change is the newest reading now minus the
newest before the period (``board.readings``: what ``metrics.query.latest`` answers, found by index seeks), and
a day's gain is a subject's newest reading by that day's end minus its newest before. What comes back from the
database is one row per subject, never every reading.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from board.readings import readings_at
from core.models import Account, Run
from metrics.models import MetricPoint, Order

POST_METRICS = {
    "xiaohongshu": {"views": "观看", "likes": "点赞", "collects": "收藏", "comments": "评论", "shares": "分享",
                    "fans_gained": "涨粉"},
    "douyin": {"plays": "播放", "likes": "点赞", "comments": "评论", "shares": "分享", "collects": "收藏"},
}
"""The numbers each site's data center shows per note / work, in its order and words."""
ACCOUNT_METRICS = {"xiaohongshu": {"fans": "粉丝"}, "douyin": {"fans": "粉丝"}}
SHOP_SITES = ("taobao",)
ITEM_METRICS = {"taobao": {"orders": "订单", "revenue": "成交金额", "refunds": "退款", "refund_amount": "已退款金额",
                          "stock": "库存"}}
"""Per item: its orders' running totals (``metrics.store`` sums them over the kept orders) and its stock."""
MONEY = ("revenue", "refund_amount")
SNAPSHOTS = ("fans", "stock")
"""Numbers that are a state, not a count since the subject began: a change starts from the first reading."""
SUBJECT_NAMES = {"xiaohongshu": "笔记", "douyin": "作品", "taobao": "商品"}
PAID_STATUSES = ("买家已付款", "卖家已发货", "交易成功")
"""Orders whose money the shop has or will have (not 等待买家付款, not 交易关闭)."""
REFUNDED = "退款成功"
PERIODS = (7, 30)
RANKED = 3
"""How many posts the best and the worst lists show."""


def metric_labels(site: str) -> dict[str, str]:
    return {**POST_METRICS.get(site, {}), **ACCOUNT_METRICS.get(site, {}), **ITEM_METRICS.get(site, {})}


@dataclass
class Period:
    days: int
    tz: str
    now: datetime
    starts: list[datetime]
    """Each day's start (UTC), oldest first; ``starts[0]`` is the period's start."""

    @classmethod
    def last(cls, days: int, tz: str, now: datetime) -> "Period":
        zone = ZoneInfo(tz)
        today = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
        starts = [(today - timedelta(days=days - 1 - i)).astimezone(ZoneInfo("UTC")) for i in range(days)]
        return cls(days, tz, now, starts)

    @property
    def since(self) -> datetime:
        return self.starts[0]

    def day_labels(self) -> list[str]:
        zone = ZoneInfo(self.tz)
        return [f"{d.astimezone(zone).month}月{d.astimezone(zone).day}日" for d in self.starts]

    def bucket(self, column):
        """The day (0 = the first) a time falls on, as an SQL expression the database groups by."""
        return case(*[(column < start, i) for i, start in enumerate(self.starts[1:])], else_=len(self.starts) - 1)


@dataclass
class Tile:
    metric: str
    label: str
    total: float
    change: float
    money: bool = False
    running: bool = True
    """A running total (the site's count now, and its change in the period); False: counted in the period only."""


@dataclass
class Ranked:
    subject_id: str
    value: float
    title: str = ""
    run_id: str | None = None


@dataclass
class AccountBoard:
    account_id: str
    site: str
    name: str
    subject_name: str
    has_data: bool
    tiles: list[Tile] = field(default_factory=list)
    metric: str = ""
    """The number the chart and the rankings are by."""
    metric_label: str = ""
    daily: list[float] = field(default_factory=list)
    """The chosen number's gain on each day of the period (revenue per day for a shop)."""
    best: list[Ranked] = field(default_factory=list)
    worst: list[Ranked] = field(default_factory=list)


def ends(metric: str, readings: dict[str, list[float | None]]) -> tuple[dict[str, float], dict[str, float]]:
    """Each subject's reading now and before the period, from ``readings_at`` at (now, the period's start,
    oldest from the start); subjects not read by now are left out. A subject first read in the period counts
    from 0 (a new note's views), a snapshot from its first reading (an account's fans, an item's stock)."""
    now = {k: v[0] for k, v in readings.items() if v[0] is not None}
    return now, {k: _before(metric, readings[k][1:]) for k in now}


def _before(metric: str, later: list[float | None]) -> float:
    if later[0] is not None:
        return later[0]
    return next((v for v in later if v is not None), 0.0) if metric in SNAPSHOTS else 0.0


def tile(metric: str, label: str, readings: dict[str, list[float | None]]) -> Tile | None:
    now, before = ends(metric, readings)
    if not now:
        return None
    return Tile(metric, label, sum(now.values()), sum(now.values()) - sum(before.values()), money=metric in MONEY)


def account_board(s: Session, account: Account, period: Period, metric: str | None = None) -> AccountBoard:
    if account.site in SHOP_SITES:
        return _shop(s, account, period)
    board = AccountBoard(account.id, account.site, account.name, SUBJECT_NAMES.get(account.site, ""), False)
    read: dict[str, dict[str, list[float | None]]] = {}
    for subject, metrics in (("post", POST_METRICS.get(account.site, {})),
                             ("account", ACCOUNT_METRICS.get(account.site, {}))):
        read.update(readings_at(s, account, subject, list(metrics), [period.now, period.since],
                                oldest_from=period.since))
        board.tiles += [t for m, label in metrics.items() if (t := tile(m, label, read[m]))]
    board.has_data = bool(board.tiles)
    shown = [t.metric for t in board.tiles]
    board.metric = metric if metric in shown else (shown[0] if shown else "")
    if not board.metric:
        return board
    board.metric_label = metric_labels(account.site)[board.metric]
    subject = "account" if board.metric in ACCOUNT_METRICS.get(account.site, {}) else "post"
    now, _start = ends(board.metric, read[board.metric])
    # only the subjects read in the period can have a gain on one of its days (older posts are no longer
    # read nightly: their newest reading is from before it)
    read_in_period = [k for k, v in read[board.metric].items() if v[2] is not None]
    board.daily = daily_gains(s, account, subject, board.metric, period, read_in_period)
    if subject == "post":
        board.best, board.worst = _ranked(s, account, now)
    return board


def daily_gains(s: Session, account: Account, subject: str, metric: str, period: Period,
                only: list[str] | None = None) -> list[float]:
    """The gain of ``metric`` on each day of the period, summed over the subjects (those given, when given):
    each subject's newest reading by each day's end minus its newest before (0 before its first reading)."""
    ends_of_days = [start - timedelta(microseconds=1) for start in period.starts] + [period.now]
    read = readings_at(s, account, subject, [metric], ends_of_days, only)[metric]
    gains = [0.0] * period.days
    for values in read.values():
        before = _before(metric, values)
        for day, value in enumerate(values[1:]):
            if value is not None:
                gains[day] += value - before
                before = value
    return gains


def _ranked(s: Session, account: Account, values: dict[str, float]) -> tuple[list[Ranked], list[Ranked]]:
    order = sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))
    best = order[:RANKED]
    worst = list(reversed(order[RANKED:]))[:RANKED]
    picked = [Ranked(sid, v) for sid, v in best + worst]
    _titles(s, account, picked)
    return picked[:len(best)], picked[len(best):]


def _titles(s: Session, account: Account, posts: list[Ranked], subject: str = "post") -> None:
    """The title of each post one of our runs published (the run named on its readings)."""
    for p in posts:
        run_id = s.scalar(select(MetricPoint.post_run_id)
                          .where(MetricPoint.account_id == account.id, MetricPoint.subject == subject,
                                 MetricPoint.subject_id == p.subject_id, MetricPoint.post_run_id.is_not(None))
                          .limit(1))
        run = s.get(Run, run_id) if run_id else None
        if run is not None and run.workspace_id == account.workspace_id:
            p.run_id, p.title = run.id, str((run.content or {}).get("title", ""))


def _shop(s: Session, account: Account, period: Period) -> AccountBoard:
    """A shop's orders placed in the period, summed as ``metrics.store`` sums them: how many, the money paid,
    refunds (退款成功) and their money; revenue per day; the items that sold the most and the least money."""
    board = AccountBoard(account.id, account.site, account.name, SUBJECT_NAMES.get(account.site, ""), False)
    mine = (Order.workspace_id == account.workspace_id, Order.account_id == account.id)
    in_period = (*mine, Order.created_at >= period.since, Order.created_at <= period.now)
    paid = Order.status.in_(PAID_STATUSES)
    n, revenue, refunds, refunded = s.execute(select(
        func.count(Order.id), func.sum(case((paid, Order.amount), else_=0)),
        func.sum(case((Order.refund_status == REFUNDED, 1), else_=0)),
        func.sum(case((Order.refund_status == REFUNDED, Order.amount), else_=0)))
        .where(*in_period)).one()
    ever = s.scalar(select(func.count(Order.id)).where(*mine))
    stock = readings_at(s, account, "item", ["stock"], [period.now, period.since],
                        oldest_from=period.since)["stock"]
    board.has_data = bool(ever or stock)
    revenue, refunded = float(Decimal(revenue or 0)), float(Decimal(refunded or 0))
    refunds = refunds or 0
    board.tiles = [Tile("orders", "订单", n, n, running=False),
                   Tile("revenue", "成交金额", revenue, revenue, money=True, running=False),
                   Tile("refunds", "退款", refunds, refunds, running=False),
                   Tile("refund_amount", "已退款金额", refunded, refunded, money=True, running=False)]
    if stock_tile := tile("stock", "库存", stock):
        board.tiles.append(stock_tile)
    board.metric, board.metric_label = "revenue", "成交金额"
    day = period.bucket(Order.created_at)
    board.daily = [0.0] * period.days
    for d, money in s.execute(select(day, func.sum(Order.amount)).where(*in_period, paid).group_by(day)):
        board.daily[d] = float(Decimal(money or 0))
    items = s.execute(select(Order.item_id, func.max(Order.title), func.sum(Order.amount))
                      .where(*in_period, paid).group_by(Order.item_id)).all()
    order = sorted(((i, t, float(Decimal(v or 0))) for i, t, v in items), key=lambda r: (-r[2], r[0]))
    board.best = [Ranked(i, v, t) for i, t, v in order[:RANKED]]
    board.worst = [Ranked(i, v, t) for i, t, v in reversed(order[RANKED:])][:RANKED]
    return board
