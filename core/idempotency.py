"""Idempotency keys: a client's retry of a creating POST answers the first answer and creates nothing.

The phone sends an ``Idempotency-Key`` header (a fresh random key per tap, the same on every retry of
that tap). The key is stored in the same transaction as what the request created, with the ids of
those rows, so either both are committed or neither: a retry after a lost answer finds the key and
answers from the rows it names; a retry after a failed request finds no key and tries again. Keys
belong to a workspace and an operation, and are forgotten after ``KEY_TTL``.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import JSON, String, delete
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from core.models import Base, UTCDateTime, utcnow

KEY_TTL = timedelta(hours=24)
"""Longer than any client keeps retrying one tap."""
KEY_MAX_CHARS = 255


class IdempotencyKey(Base):
    __tablename__ = "idempotency_keys"
    workspace_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    scope: Mapped[str] = mapped_column(String(64), primary_key=True)
    """The operation, with its target where it has one (``approvals.decide:<id>``)."""
    key: Mapped[str] = mapped_column(String(KEY_MAX_CHARS), primary_key=True)
    answer: Mapped[dict] = mapped_column(JSON)
    """What the first request made: ``ids`` of the rows, plus anything else its answer carried."""
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


def recall(s: Session, workspace_id: str, scope: str, key: str | None) -> dict | None:
    """The first request's answer under this key, or None (no key sent, never seen, or expired)."""
    if key is None:
        return None
    row = s.get(IdempotencyKey, (workspace_id, scope, key))
    return row.answer if row is not None and row.expires_at > utcnow() else None


def remember(s: Session, workspace_id: str, scope: str, key: str | None, ids: list[str], **extra) -> None:
    """Record the key in the caller's transaction, before its commit. A concurrent request with the same
    key fails that commit on the primary key, so it creates nothing."""
    if key is None:
        return
    s.execute(delete(IdempotencyKey).where(IdempotencyKey.workspace_id == workspace_id,
                                           IdempotencyKey.scope == scope, IdempotencyKey.key == key,
                                           IdempotencyKey.expires_at <= utcnow()))
    s.add(IdempotencyKey(workspace_id=workspace_id, scope=scope, key=key, answer={"ids": ids, **extra},
                         expires_at=utcnow() + KEY_TTL))


def forget_expired(db: sessionmaker[Session], now: datetime) -> int:
    with db() as s, s.begin():
        return s.execute(delete(IdempotencyKey).where(IdempotencyKey.expires_at <= now)).rowcount
