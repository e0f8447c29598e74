"""Invites: how a second owner joins a deployment. The operator makes a workspace and its owner
(``python -m core.admin invite``) and sends her a link; she opens it and sets her own password.

The link's token is random and shown once; only its SHA-256 is stored, so a copy of the database opens no
account. It works once, and only until it expires.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.models import Base, User, UTCDateTime, utcnow

NO_PASSWORD = "!"
"""The password hash of an owner who has not yet set hers: no password matches it (not a scrypt hash)."""
DEFAULT_HOURS = 72


class Invite(Base):
    __tablename__ = "invites"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def make(s: Session, user: User, hours: float = DEFAULT_HOURS) -> str:
    """A new invite for the user; returns the token (shown once). Earlier unused invites of hers stop working."""
    s.execute(update(Invite).where(Invite.user_id == user.id, Invite.used_at.is_(None)).values(used_at=utcnow()))
    token = secrets.token_urlsafe(24)
    s.add(Invite(token_hash=digest(token), user_id=user.id, expires_at=utcnow() + timedelta(hours=hours)))
    return token


def valid(s: Session, token: str) -> Invite | None:
    """The invite behind the token, while it is unused and unexpired."""
    invite = s.get(Invite, digest(token)) if token else None
    if invite is None or invite.used_at is not None or invite.expires_at < utcnow():
        return None
    return invite


def use(s: Session, invite: Invite) -> bool:
    """Marks the invite used: a compare-and-set, so two taps on one link set one password."""
    return s.execute(update(Invite).where(Invite.token_hash == invite.token_hash, Invite.used_at.is_(None))
                     .values(used_at=utcnow())).rowcount == 1
