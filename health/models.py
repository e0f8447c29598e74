"""What the session checker knows about each account's saved login."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base, UTCDateTime

VALID, EXPIRED, UNKNOWN = "valid", "expired", "unknown"


class SessionHealth(Base):
    """One row per account, made at its first check. Not a run: checks never show in the owner's runs list."""

    __tablename__ = "session_health"
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), default=UNKNOWN)
    """valid | expired | unknown (the last look could tell nothing: a network error, a page that never came)."""
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    """The last look (conclusive or not); a run's look-ahead check is due while this is older than its lead."""
    valid_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    """The last look that found the session alive."""
    expired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    """When a look first found the login wall: one expiry, told to the owner once."""
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    """The next look on the jittered interval (or the retry after a look that could tell nothing)."""
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    """A check job was queued then and has not reported yet (one check per account at a time)."""
    failures: Mapped[int] = mapped_column(Integer, default=0)
    """Looks in a row that could tell nothing."""
