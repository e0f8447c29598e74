"""Slows password guessing down: refused logins are counted per user name and per client address.

Below ``FREE_TRIES`` failures in ``WINDOW`` nothing changes. Past it, each further try waits twice as long
as the last (1 s, 2 s, 4 s … at most ``MAX_WAIT``) after the latest failure; a try inside the wait is
answered 429 without the password being checked, so it costs the guesser a try and tells nothing. A
success clears the user name's count. The address count is looser (one office may share an address).
Counts live in the database, so every web process and a restart see the same numbers.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func
from sqlalchemy.orm import Session

from core.models import LoginFailure, utcnow

WINDOW = timedelta(minutes=15)
MAX_WAIT = timedelta(minutes=15)
FREE_TRIES = {"user": 5, "addr": 20}


def keys(username: str, address: str | None) -> list[str]:
    return [f"user:{username.strip().lower()}", f"addr:{address or '?'}"]


def wait_left(s: Session, keys_: list[str], now: datetime | None = None) -> int:
    """Seconds until another try is allowed for any of these keys (0: go ahead)."""
    now = now or utcnow()
    longest = 0.0
    for key in keys_:
        count, latest = (s.query(func.count(LoginFailure.id), func.max(LoginFailure.at))
                         .filter(LoginFailure.key == key, LoginFailure.at > now - WINDOW).one())
        over = count - FREE_TRIES[key.split(":", 1)[0]]
        if over < 0 or latest is None:
            continue
        latest = latest if latest.tzinfo else latest.replace(tzinfo=now.tzinfo)
        wait = min(timedelta(seconds=2 ** min(over, 20)), MAX_WAIT)
        longest = max(longest, (latest + wait - now).total_seconds())
    return int(longest + 0.999) if longest > 0 else 0


def failed(s: Session, keys_: list[str]) -> None:
    now = utcnow()
    s.add_all(LoginFailure(key=k, at=now) for k in keys_)
    # Old rows say nothing any more; dropping them here keeps the table as small as the window.
    s.query(LoginFailure).filter(LoginFailure.at < now - WINDOW).delete()


def succeeded(s: Session, keys_: list[str]) -> None:
    s.query(LoginFailure).filter(LoginFailure.key == keys_[0]).delete()
