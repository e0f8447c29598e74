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
from sqlalchemy.exc import IntegrityError
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
    """Record the key in the caller's transaction, before its commit (``commit``). A concurrent request
    with the same key fails that commit on the primary key, so it creates nothing."""
    if key is None:
        return
    s.execute(delete(IdempotencyKey).where(IdempotencyKey.workspace_id == workspace_id,
                                           IdempotencyKey.scope == scope, IdempotencyKey.key == key,
                                           IdempotencyKey.expires_at <= utcnow()))
    s.add(IdempotencyKey(workspace_id=workspace_id, scope=scope, key=key, answer={"ids": ids, **extra},
                         expires_at=utcnow() + KEY_TTL))


class KeyBusy(Exception):
    """Another request with the same key took it, and its answer cannot be read (yet): the client retries."""


def commit(s: Session, workspace_id: str, scope: str, key: str | None) -> dict | None:
    """Commit the caller's transaction, which ``remember``-ed the key. None: committed, the caller answers
    with what it made. A dict: a concurrent request with the same key committed first; everything this one
    did is rolled back and the dict is the first one's answer, for the caller to answer with instead.

    No polling is needed: the database makes the second writer wait for the first one's commit (SQLite's
    write lock within its busy timeout, PostgreSQL's lock on the key's index entry), so the first answer
    is readable by the time the key's insert fails. Raises ``KeyBusy`` if it is not (it expired between)."""
    try:
        s.commit()
        return None
    except IntegrityError as e:
        s.rollback()
        if key is None or IdempotencyKey.__tablename__ not in str(e.orig):
            raise
        return answered(s, workspace_id, scope, key)


def answered(s: Session, workspace_id: str, scope: str, key: str | None) -> dict:
    """After losing a race (a failed commit, or a compare-and-set that found the work done) and rolling
    back: the winner's answer under the same key, or ``KeyBusy``."""
    first = recall(s, workspace_id, scope, key)
    if first is None:
        raise KeyBusy(key)
    return first


def forget_expired(db: sessionmaker[Session], now: datetime) -> int:
    with db() as s, s.begin():
        return s.execute(delete(IdempotencyKey).where(IdempotencyKey.expires_at <= now)).rowcount
