"""The data model. All times are stored in UTC (naive columns hold UTC; ``utcnow`` is the one clock)."""
from __future__ import annotations

import os
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


CLOCK_AHEAD = timedelta(seconds=float(os.environ.get("OPC_CLOCK_AHEAD_S") or 0)
                        if os.environ.get("OPC_SANDBOX", "").lower() in ("1", "true", "yes") else 0)
"""How far this process's clock runs ahead of the machine's: always 0 against the real sites. With the replicas
(``OPC_SANDBOX``) an end-to-end test starts the service's processes with it to live a later day for real (the
night's collection, the board's 7-day changes) instead of writing readings into the past."""


def utcnow() -> datetime:
    return datetime.now(timezone.utc) + CLOCK_AHEAD


def new_id() -> str:
    return uuid.uuid4().hex[:16]


class UTCDateTime(TypeDecorator):
    """Stores UTC, always returns aware datetimes (SQLite forgets the zone otherwise)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return value.replace(tzinfo=timezone.utc) if value is not None else None


class Base(DeclarativeBase):
    pass


class Workspace(Base):
    __tablename__ = "workspaces"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class User(Base):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Account(Base):
    """A login on one site. Its session (storage_state) lives encrypted in the vault, never here."""

    __tablename__ = "accounts"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    site: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(32), default="needs_login")
    """needs_login | logging_in | active"""
    login_qr: Mapped[str | None] = mapped_column(Text, nullable=True)
    """The current login QR as a data URL, while a login is in progress (not a secret: it expires)."""
    login_qr_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    logged_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Employee(Base):
    __tablename__ = "employees"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    role: Mapped[str] = mapped_column(String(32))
    """Key into ``employees.EMPLOYEES``."""
    name: Mapped[str] = mapped_column(String(64))
    mode: Mapped[str] = mapped_column(String(16), default="semi_auto")
    """auto | semi_auto | suggest"""
    settings: Mapped[dict] = mapped_column(JSON, default=dict)


class Schedule(Base):
    """A recurring publish: a cron expression in the workspace time zone."""

    __tablename__ = "schedules"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    employee_id: Mapped[str] = mapped_column(ForeignKey("employees.id"))
    graph: Mapped[str] = mapped_column(String(32), default="publish")
    content: Mapped[dict] = mapped_column(JSON)
    cron: Mapped[str] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    mode: Mapped[str | None] = mapped_column(String(16), nullable=True)
    next_at: Mapped[datetime] = mapped_column(UTCDateTime)
    enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Run(Base):
    """One execution of a workflow for one account. ``id`` is the LangGraph thread id."""

    __tablename__ = "runs"
    __table_args__ = (UniqueConstraint("schedule_id", "slot_at", name="uq_run_schedule_slot"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    employee_id: Mapped[str] = mapped_column(ForeignKey("employees.id"))
    graph: Mapped[str] = mapped_column(String(32), default="publish")
    site: Mapped[str] = mapped_column(String(32))
    mode: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(32), default="scheduled")
    """scheduled | queued | running | awaiting_login | awaiting_approval | awaiting_code | awaiting_human |
    published |
    suggested | rejected | failed | cancelled (by the owner, before anything reached the site: ``core.undo``)"""
    content: Mapped[dict] = mapped_column(JSON)
    external_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """The site's id of what was published (note id, item id ...)."""
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    """Why the run failed or was rejected, in words the owner understands."""
    not_before: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    schedule_id: Mapped[str | None] = mapped_column(ForeignKey("schedules.id"), nullable=True)
    slot_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    lease_token: Mapped[int] = mapped_column(Integer, default=0)
    """The fencing token: raised by one each time a worker takes the run. A worker may change the run, or
    press anything irreversible for it, only while the run still carries the token it took (``rpa.lease``)."""
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Approval(Base):
    __tablename__ = "approvals"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    """pending | approved | rejected | expired | cancelled (its run was cancelled)"""
    fields: Mapped[dict] = mapped_column(JSON)
    """The values read back from the filled form."""
    screenshot_id: Mapped[str | None] = mapped_column(ForeignKey("artifacts.id"), nullable=True)
    edits: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class HumanStep(Base):
    """Something only the owner can do while a worker holds the site's page open (an SMS code ...).

    The answer is a one-time code: it is wiped as soon as the worker has typed it.
    """

    __tablename__ = "human_steps"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    run_id: Mapped[str | None] = mapped_column(ForeignKey("runs.id"), index=True, nullable=True)
    """The run that waits, or None for an account's login (then ``account_id`` is set)."""
    account_id: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"), index=True, nullable=True)
    kind: Mapped[str] = mapped_column(String(16), default="code")
    """code (type what the site sent) | drag (a live take-over: the owner taps, drags and types on a
    refreshed picture of the page, see ``rpa.takeover``) | scan (the owner scans a QR with an app)"""
    prompt: Mapped[str] = mapped_column(Text)
    screenshot_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    """For a drag: the picture of the live page the owner drags on."""
    status: Mapped[str] = mapped_column(String(16), default="pending")
    """pending | answered | used | expired"""
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    """The owner's code (wiped once typed), or, for a take-over, the queue of actions not yet replayed."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LedgerEntry(Base):
    """Exactly-once guard: written before the irreversible click, completed after read-back."""

    __tablename__ = "ledger"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id"))
    site: Mapped[str] = mapped_column(String(32))
    account_id: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="intent")
    """intent (the click may have happened) | done (read back)"""
    intent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    external_id: Mapped[str | None] = mapped_column(String(64), nullable=True)


class Artifact(Base):
    __tablename__ = "artifacts"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    run_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(32))
    """screenshot | thumbnail"""
    path: Mapped[str] = mapped_column(String(500))
    mime: Mapped[str] = mapped_column(String(64), default="image/jpeg")
    step: Mapped[str | None] = mapped_column(String(32), nullable=True)
    thumb_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditLog(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workspace_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(64), nullable=True)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Notice(Base):
    """A push sent to the owner (``core.notify``): one row per thing told, so it is told once."""

    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("workspace_id", "key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workspace_id: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(100))
    """What was told: ``approval:<id>``, ``step:<id>``, ``tax:<period>:<due_soon|overdue>``"""
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LoginSession(Base):
    """A logged-in browser. The cookie carries the id; only its SHA-256 is stored, so a copy of the database
    cannot be replayed as a cookie. Deleting the row logs that browser out (logout, password change)."""

    __tablename__ = "login_sessions"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LoginFailure(Base):
    """One refused login, counted per user name and per address to slow guessing down (``api.login_guard``)."""

    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200), index=True)
    """``user:<name>`` or ``addr:<client address>``"""
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
