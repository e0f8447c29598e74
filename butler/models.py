"""Tables of 运营管家: reminders, what it told the owner (bulletins), and the workspace's group bots."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base, UTCDateTime, new_id, utcnow


class Reminder(Base):
    """A reminder the owner confirmed. ``next_at`` is the next time it fires (UTC); the scheduler fires it
    by inserting the bulletin keyed by the reminder and that time, and moving ``next_at`` on in the same
    transaction with a compare-and-set, so two schedulers never fire one time twice."""

    __tablename__ = "reminders"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    """The owner's own words."""
    what: Mapped[str] = mapped_column(String(200))
    """What to remind of (给张总报价)."""
    kind: Mapped[str] = mapped_column(String(16))
    """once | recurring | deadline (reminded ahead: the morning before and on the day)."""
    cron: Mapped[str | None] = mapped_column(String(100), nullable=True)
    """recurring only, read in ``timezone``."""
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    times: Mapped[list] = mapped_column(JSON, default=list)
    """once / deadline: every time it fires (UTC ISO), in order."""
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    next_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    """None once it has nothing left to fire."""
    status: Mapped[str] = mapped_column(String(16), default="active")
    """active | done | cancelled."""
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Bulletin(Base):
    """Something 运营管家 told the owner in the app (a reminder firing, the day's brief). Its key is the
    claim: one per workspace and key (``reminder:<id>:<time>``, ``brief:<date>``). ``push_at`` is set by the
    scheduler that pushes it to the group bots (compare-and-set on NULL), and set back on a failed send."""

    __tablename__ = "bulletins"
    __table_args__ = (UniqueConstraint("workspace_id", "key", name="uq_bulletin_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workspace_id: Mapped[str] = mapped_column(String(32), index=True)
    key: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))
    """reminder | brief."""
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    """Plain text, lines: the app shows it, and text-only bots get it."""
    markdown: Mapped[str | None] = mapped_column(Text, nullable=True)
    """The same in markdown for the bots that render it (a brief); None sends the text."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    push_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    pushed: Mapped[dict] = mapped_column(JSON, default=dict)
    """channel id -> "sent" | "failed: <kind>" (never the address)."""


class Channel(Base):
    """A group bot of the workspace. The webhook address (its key) and the signing secret are sealed by the
    vault (``rpa.vault.Vault.seal``); only a masked form is ever shown."""

    __tablename__ = "notify_channels"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    """wecom (企业微信) | dingtalk (钉钉) | feishu (飞书)."""
    name: Mapped[str] = mapped_column(String(50))
    sealed: Mapped[str] = mapped_column(Text)
    """The vault's token of {"url": ..., "secret": ...}."""
    masked_url: Mapped[str] = mapped_column(String(200))
    has_secret: Mapped[bool] = mapped_column(default=False)
    enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
