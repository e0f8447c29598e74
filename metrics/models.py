"""The metrics store: one row per number read from a site at one time, and the shop's orders."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from books.models import ExactDecimal
from core.models import Base, UTCDateTime, new_id, utcnow

SITES = ("xiaohongshu", "douyin", "taobao")
SUBJECTS = ("account", "post", "item", "order")
METRICS = ("views", "likes", "collects", "comments", "shares", "fans_gained", "fans", "plays",
           "orders", "revenue", "refunds", "refund_amount", "stock")


class MetricPoint(Base):
    """One number as the site showed it at ``at``: a post's views, an item's stock, the account's fans.

    Values are the site's running totals (not increments); a change over a period is the difference
    of two points (``metrics.query.delta``).
    """

    __tablename__ = "metric_points"
    __table_args__ = (
        UniqueConstraint("account_id", "subject", "subject_id", "metric", "at", name="uq_metric_point"),
        Index("ix_metric_points_series", "workspace_id", "account_id", "subject", "metric", "at"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    site: Mapped[str] = mapped_column(String(32))
    """xiaohongshu | douyin | taobao"""
    subject: Mapped[str] = mapped_column(String(16))
    """account | post | item | order"""
    subject_id: Mapped[str] = mapped_column(String(64), default="")
    """The site's id (笔记ID, 作品ID, 商品ID, 订单号); '' for the account itself."""
    metric: Mapped[str] = mapped_column(String(32))
    """One of ``METRICS``."""
    value: Mapped[float] = mapped_column(Float)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    """When the number was read from the site (UTC)."""
    run_id: Mapped[str | None] = mapped_column(ForeignKey("runs.id"), nullable=True)
    """The collection run that read it."""
    post_run_id: Mapped[str | None] = mapped_column(ForeignKey("runs.id"), nullable=True, index=True)
    """The run that published or listed the subject, when one of ours did."""


class Order(Base):
    """One order as 已卖出的宝贝 shows it; refreshed on every collection while it still changes."""

    __tablename__ = "orders"
    __table_args__ = (UniqueConstraint("account_id", "order_no", name="uq_order_account_no"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), index=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    order_no: Mapped[str] = mapped_column(String(64))
    """订单号 as the site prints it."""
    item_id: Mapped[str] = mapped_column(String(64), default="")
    """商品ID of the item sold."""
    title: Mapped[str] = mapped_column(String(200), default="")
    amount: Mapped[Decimal] = mapped_column(ExactDecimal(14, 2))
    """实收款 in yuan."""
    status: Mapped[str] = mapped_column(String(32))
    """The site's own Chinese status text (等待买家付款, 买家已付款, 卖家已发货, 交易成功, 交易关闭)."""
    refund_status: Mapped[str | None] = mapped_column(String(32), nullable=True)
    """The site's refund status text (退款中, 退款成功 ...), None when no refund was asked."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    """When the buyer placed the order (UTC)."""
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    """When we last read it from the site."""


class CollectionSlot(Base):
    """One account's nightly collection slot, taken once: two schedulers at once start one collection."""

    __tablename__ = "collection_slots"
    __table_args__ = (UniqueConstraint("account_id", "slot_at", name="uq_collection_slot"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    slot_at: Mapped[datetime] = mapped_column(UTCDateTime)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id"))
