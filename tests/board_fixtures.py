"""Numbers for the 数据看板: readings written as a collection run writes them (``metrics.models``), relative
to now, and the demo workspace's numbers for the page walk (a week of its published note, video and item)."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from core.models import Account, Run, utcnow
from metrics.models import MetricPoint, Order


def add_readings(s, account: Account, subject: str, subject_id: str, metric: str,
                 readings: list[tuple[timedelta, float]], post_run_id: str | None = None, now=None) -> None:
    """``readings``: (how long before now, the site's running total then)."""
    now = now or utcnow()
    for ago, value in readings:
        s.add(MetricPoint(workspace_id=account.workspace_id, account_id=account.id, site=account.site,
                          subject=subject, subject_id=subject_id, metric=metric, value=value, at=now - ago,
                          post_run_id=post_run_id))
    s.flush()


def add_order(s, account: Account, order_no: str, item_id: str, title: str, amount: str, status: str,
              ago: timedelta, refund_status: str | None = None) -> None:
    s.add(Order(workspace_id=account.workspace_id, account_id=account.id, order_no=order_no, item_id=item_id,
                title=title, amount=Decimal(amount), status=status, refund_status=refund_status,
                created_at=utcnow() - ago))
    s.flush()


def add_demo_numbers(s, workspace_id: str) -> None:
    """A week of nightly readings for each published note, video and item of the demo, and a few orders."""
    days = [timedelta(days=d, hours=1) for d in range(6, -1, -1)]
    runs = (s.query(Run).filter_by(workspace_id=workspace_id, status="published")
            .filter(Run.graph.in_(("publish", "listing")), Run.external_id.isnot(None)).all())  # not inbox replies
    for run in runs:
        account = s.get(Account, run.account_id)
        if account.site == "xiaohongshu":
            for metric, step in (("views", 120), ("likes", 9), ("collects", 4), ("comments", 2), ("fans_gained", 1)):
                add_readings(s, account, "post", run.external_id, metric,
                             [(ago, step * (i + 1)) for i, ago in enumerate(days)], run.id)
            add_readings(s, account, "account", "", "fans", [(ago, 300 + 5 * i) for i, ago in enumerate(days)])
        elif account.site == "douyin":
            for metric, step in (("plays", 300), ("likes", 20), ("comments", 3), ("shares", 2)):
                add_readings(s, account, "post", run.external_id, metric,
                             [(ago, step * (i + 1)) for i, ago in enumerate(days)], run.id)
        elif account.site == "taobao":
            add_readings(s, account, "item", run.external_id, "stock",
                         [(ago, 100 - 3 * i) for i, ago in enumerate(days)], run.id)
            add_order(s, account, "3901000000001", run.external_id, "桂花图案手机壳", "19.90", "交易成功",
                      timedelta(days=2))
            add_order(s, account, "3901000000002", run.external_id, "桂花图案手机壳", "19.90", "买家已付款",
                      timedelta(hours=3), refund_status="退款成功")
