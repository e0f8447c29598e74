"""Writing what a collection read: readings as metric points, orders upserted, the shop's totals summed.

Each point is tied to the collection run and, where one of our runs published or listed the subject, to that
run (matched by the site's id the publish or listing run recorded: ``Run.external_id``).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Run
from metrics.models import MetricPoint, Order

MAKING_GRAPHS = ("publish", "listing")
"""Runs whose ``external_id`` is a post or item the numbers are about."""
NOT_SALES = ("等待买家付款", "交易关闭")
"""Orders that bring no revenue: not paid yet, or closed (refunded in full, or cancelled)."""
REFUNDED = "退款成功"


@dataclass
class Collected:
    """What a collection read, as plain data (it passes through the workflow's checkpointed state)."""

    readings: list[dict]
    """{subject, subject_id, metric, value}"""
    orders: list[dict]
    """{order_no, item_id, title, amount (str), status, refund_status, created_at (ISO or None)}"""
    refunds: dict[str, str]
    pages: int


def save(s: Session, *, workspace_id: str, account_id: str, site: str, run_id: str, at: datetime,
         got: Collected) -> int:
    """Store one collection at time ``at``; the number of points written. Safe to call again for the same
    run and time (a retried node): points already there are left as they are."""
    readings = list(got.readings)
    if site == "taobao":
        _upsert_orders(s, workspace_id, account_id, got.orders, got.refunds, at)
        readings += _shop_totals(s, account_id)
    # A post can show on two list pages when a new one pushes the list down between them: one reading each.
    readings = list({(r["subject"], r["subject_id"], r["metric"]): r for r in readings}.values())
    made = _made_by(s, account_id, {r["subject_id"] for r in readings if r["subject_id"]})
    have = set(s.scalars(select(MetricPoint.id).where(MetricPoint.run_id == run_id, MetricPoint.at == at).limit(1)))
    if have:
        return 0
    for r in readings:
        s.add(MetricPoint(workspace_id=workspace_id, account_id=account_id, site=site, subject=r["subject"],
                          subject_id=r["subject_id"], metric=r["metric"], value=float(r["value"]), at=at,
                          run_id=run_id, post_run_id=made.get(r["subject_id"])))
    s.flush()
    return len(readings)


def _made_by(s: Session, account_id: str, ids: set[str]) -> dict[str, str]:
    """{site id: the run that published or listed it} for the ids one of our runs made."""
    if not ids:
        return {}
    rows = s.execute(select(Run.external_id, Run.id).where(
        Run.account_id == account_id, Run.graph.in_(MAKING_GRAPHS), Run.external_id.in_(ids)))
    return {external_id: run_id for external_id, run_id in rows}


def _upsert_orders(s: Session, workspace_id: str, account_id: str, orders: list[dict], refunds: dict[str, str],
                   at: datetime) -> None:
    known = {o.order_no: o for o in s.scalars(select(Order).where(
        Order.account_id == account_id, Order.order_no.in_([o["order_no"] for o in orders] + list(refunds))))}
    for o in orders:
        row = known.get(o["order_no"])
        if row is None:
            row = known[o["order_no"]] = Order(workspace_id=workspace_id, account_id=account_id,
                                               order_no=o["order_no"], created_at=_when(o["created_at"], at))
            s.add(row)
        row.item_id, row.title, row.amount = o["item_id"], o["title"], Decimal(o["amount"])
        row.status, row.refund_status, row.read_at = o["status"], o["refund_status"], at
    for order_no, refund_status in refunds.items():  # refunds on orders older than the orders read
        row = known.get(order_no)
        if row is not None and refund_status:
            row.refund_status, row.read_at = refund_status, at
            if refund_status == REFUNDED:
                row.status = "交易关闭"
    s.flush()


def _when(iso: str | None, fallback: datetime) -> datetime:
    return datetime.fromisoformat(iso) if iso else fallback


def _shop_totals(s: Session, account_id: str) -> list[dict]:
    """Running totals over every order kept: for the shop (subject account) and per item."""
    totals: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    totals[""]  # the shop has totals from its first collection on, zeros until it sells
    for o in s.scalars(select(Order).where(Order.account_id == account_id)):
        for key in ("", o.item_id):
            t = totals[key]
            t["orders"] += 1
            if o.status not in NOT_SALES:
                t["revenue"] += float(o.amount)
            if o.refund_status == REFUNDED:
                t["refunds"] += 1
                t["refund_amount"] += float(o.amount)
    out = []
    for key, t in totals.items():
        for metric in ("orders", "revenue", "refunds", "refund_amount"):
            out.append({"subject": "item" if key else "account", "subject_id": key, "metric": metric,
                        "value": round(t[metric], 2)})
    return out
