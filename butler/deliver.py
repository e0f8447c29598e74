"""A bulletin is told once: recorded in the app (its key is the claim), then pushed once to each of the
workspace's group bots.

``record`` inserts the bulletin; the caller's other change (a reminder moving to its next time) rides in
the same transaction, so of two schedulers one records it and the other's insert fails on the key.
``push_pending`` takes each bulletin not yet pushed with a compare-and-set on ``push_at``: one scheduler
sends it; a bot that failed is tried again next tick (the bots that took it are not sent it again), at most
``PUSH_TRIES`` times. A crash between the claim and the send loses that push (never doubles it).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from butler import channels
from butler.models import Bulletin, Channel
from core.db import transaction
from rpa.vault import Vault

PUSH_TRIES = 5
PUSH_WITHIN = timedelta(hours=24)
"""A bulletin older than this is not pushed any more (a day-old brief is noise)."""
SENT = "sent"


def record(db: sessionmaker[Session], now: datetime, ws_id: str, key: str, kind: str, title: str, text: str,
           markdown: str | None = None, also: Callable[[Session], bool] | None = None) -> int | None:
    """The new bulletin's id; None when it was recorded already (or ``also`` says its change lost a race)."""
    try:
        with transaction(db) as s:
            b = Bulletin(workspace_id=ws_id, key=key, kind=kind, title=title, text=text, markdown=markdown,
                         created_at=now)
            s.add(b)
            s.flush()
            if also is not None and not also(s):
                raise _Lost
            return b.id
    except (IntegrityError, _Lost):
        return None


class _Lost(Exception):
    """The caller's change in ``record`` lost its compare-and-set: the bulletin is rolled back with it."""


def push(db: sessionmaker[Session], vault: Vault, bulletin_id: int, now: datetime) -> dict[str, str]:
    """Send one bulletin to the workspace's bots it has not reached yet; {channel id: outcome}."""
    with db() as s, s.begin():
        b = s.get(Bulletin, bulletin_id)
        if b is None:
            return {}
        won = s.execute(update(Bulletin).where(Bulletin.id == b.id, Bulletin.push_at.is_(None))
                        .values(push_at=now)).rowcount
        if not won:
            return {}  # another scheduler is sending it
        pushed = dict(b.pushed or {})
        bots = s.scalars(select(Channel).where(Channel.workspace_id == b.workspace_id, Channel.enabled)
                            .order_by(Channel.created_at)).all()
        title, text, markdown = b.title, b.text, b.markdown
    for bot in bots:
        outcome = pushed.get(bot.id)
        if outcome == SENT or (isinstance(outcome, list) and len(outcome) >= PUSH_TRIES):
            continue
        failed = channels.send(bot, vault, title, text, markdown)
        pushed[bot.id] = SENT if not failed else [*(outcome if isinstance(outcome, list) else []), failed]
    retry = any(v != SENT and len(v) < PUSH_TRIES for v in pushed.values())
    with transaction(db) as s:  # a failed bot: released for the next tick
        s.execute(update(Bulletin).where(Bulletin.id == bulletin_id)
                  .values(pushed=pushed, push_at=None if retry else now))
    return {k: v if v == SENT else v[-1] for k, v in pushed.items()}


def push_pending(db: sessionmaker[Session], vault: Vault, now: datetime) -> list[int]:
    """Bulletins not yet pushed (recorded but their push lost, or a bot to retry); the ids sent."""
    with db() as s:
        ids = s.scalars(select(Bulletin.id).where(Bulletin.push_at.is_(None),
                                                  Bulletin.created_at >= now - PUSH_WITHIN)).all()
    return [i for i in ids if push(db, vault, i, now)]
