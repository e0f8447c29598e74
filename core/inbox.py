"""The inbox: what people say to the owner on her sites (comments, replies, messages, reviews, questions),
one ``Conversation`` per item, and its history (``ConversationEvent``), the ticket record.

A conversation is unique per (site, account, item id): two sweeps that read the same comment at once
insert one row (the second insert fails on the constraint and is skipped), so each item is drafted once.
Statuses are codes; the owner reads their Chinese labels.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.models import Base, UTCDateTime, new_id, utcnow

STATUS_LABELS = {"new": "新", "awaiting_approval": "待审批", "replied": "已回复", "human": "转人工",
                 "ignored": "已忽略"}
OPEN = ("new", "awaiting_approval", "human")
REPLY_GRAPH = "inbound_reply"
"""The workflow that posts one conversation's reply (``graphs/inbound_reply``)."""
CATEGORY_LABELS = {"product": "产品咨询", "price_shipping": "价格/物流/售后", "complaint": "投诉",
                   "praise": "好评/夸奖", "spam": "广告/垃圾", "other": "其他"}
KIND_LABELS = {"comment": "评论", "reply": "回复我的评论", "message": "私信", "review": "买家评价",
               "question": "问大家"}
EVENT_LABELS = {"received": "收到", "drafted": "起草回复", "handed_over": "转人工", "edited": "主人修改了回复",
                "approved": "主人批准", "rejected": "主人拒绝", "posted": "已在平台回复", "replied_by_owner":
                "主人已在平台上亲自回复", "closed": "关闭", "reopened": "重新打开", "ignored": "标记为不回复",
                "paused": "回复暂停", "gone": "原内容已不存在"}


class Conversation(Base):
    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("site", "account_id", "item_id", name="uq_conversation_item"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), index=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    site: Mapped[str] = mapped_column(String(32))
    item_id: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    """comment | reply | message | review | question (``sites.inbound.KINDS``)"""
    author: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    target_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    target_title: Mapped[str | None] = mapped_column(String(300), nullable=True)
    thread: Mapped[list] = mapped_column(JSON, default=list)
    extra: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    """When it was said on the site (UTC)."""
    status: Mapped[str] = mapped_column(String(24), default="new")
    """new | awaiting_approval | replied | human | ignored (``STATUS_LABELS``)"""
    category: Mapped[str | None] = mapped_column(String(24), nullable=True)
    draft: Mapped[str | None] = mapped_column(Text, nullable=True)
    """The reply waiting for the owner (her edits written into it)."""
    citations: Mapped[list] = mapped_column(JSON, default=list)
    """The knowledge passages the draft used: ``{"chunk_id", "doc_name", "text"}``."""
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    """Why it went to 转人工, or what the owner should know, in Chinese."""
    reply_run_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    replied_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    replied_by: Mapped[str | None] = mapped_column(String(16), nullable=True)
    """employee (posted by the reply run) | owner (she replied on the site herself)"""
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ConversationEvent(Base):
    """One line of a conversation's record: received, drafted (with citations), edited, approved, posted ..."""

    __tablename__ = "conversation_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    actor: Mapped[str] = mapped_column(String(32), default="system")
    """system | employee | owner"""
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    screenshot_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InboxAccount(Base):
    """Per account: when its inbox is swept next, and whether its replies are paused (a site's rate limit)."""

    __tablename__ = "inbox_accounts"
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    next_sweep_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_sweep_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    pause_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


def log(s: Session, conv: Conversation, kind: str, actor: str = "system", text: str | None = None,
        detail: dict | None = None, screenshot_id: str | None = None) -> None:
    s.add(ConversationEvent(conversation_id=conv.id, kind=kind, actor=actor, text=text, detail=detail or {},
                            screenshot_id=screenshot_id))


def inbox_account(s: Session, account_id: str) -> InboxAccount:
    row = s.get(InboxAccount, account_id)
    if row is None:
        row = InboxAccount(account_id=account_id)
        s.add(row)
        s.flush()
    return row


class NotAllowed(Exception):
    """The conversation's status does not allow this change (message in Chinese)."""


def close(s: Session, conv: Conversation, actor: str = "owner") -> None:
    """The owner answered it elsewhere or it needs nothing more: 已回复 is for posted replies, so closing
    marks it 已忽略 with her word in the record."""
    ignore(s, conv, actor, kind="closed")


def ignore(s: Session, conv: Conversation, actor: str = "owner", kind: str = "ignored") -> None:
    if conv.status == "replied":
        raise NotAllowed("这条已经回复过了")
    if conv.status == "awaiting_approval" and conv.reply_run_id:
        _withdraw_card(s, conv)
    conv.status = "ignored"
    log(s, conv, kind, actor)


def reopen(s: Session, conv: Conversation, actor: str = "owner") -> None:
    """A closed or ignored conversation back to 转人工: the owner decides what to do with it."""
    if conv.status not in ("ignored",):
        raise NotAllowed("只有已忽略的对话可以重新打开")
    conv.status = "human"
    conv.note = "已重新打开，等你处理"
    log(s, conv, "reopened", actor)


def hand_over(s: Session, conv: Conversation, note: str, actor: str = "system") -> None:
    if conv.status == "replied":
        raise NotAllowed("这条已经回复过了")
    if conv.status == "awaiting_approval" and conv.reply_run_id:
        _withdraw_card(s, conv)
    conv.status = "human"
    conv.note = note
    log(s, conv, "handed_over", actor, note)


def _withdraw_card(s: Session, conv: Conversation) -> None:
    """The reply run's card is cancelled with its run (``core.undo.cancel``): nothing is posted for a
    conversation taken back. A run that is posting right now, or has pressed send, cannot be taken back."""
    from core.models import Run
    from core.runs import TERMINAL
    from core.undo import Refused, cancel

    run = s.get(Run, conv.reply_run_id)
    if run is None or run.status in TERMINAL:
        return
    try:
        cancel(s, run, "owner")
    except Refused as e:
        raise NotAllowed(e.message) from e
