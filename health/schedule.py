"""Which accounts' sessions are due for a look: on a jittered interval, and ahead of each timed run.

Called by the scheduler on every tick. An account is looked at when its ``next_check_at`` has come
(``session_check_every_min`` plus up to a fifth at random), and also once its next timed run (a 定时 post,
a planned listing, a recurring schedule's slot) is within ``session_check_lead_min`` and the last look is
older than that: an expiry found then leaves the owner the lead time to scan before the run is due.

A login is a look too: the session was alive when the owner scanned, so a new account's first look comes one
interval after its login, and a run due within the lead of a login needs none.

Only logged-in accounts (``active``) are looked at: one that shows 需要登录 is known already. One check per
account at a time: a check is claimed by a compare-and-set on ``claimed_at``, so two schedulers queue it once;
a claim whose job never reported (lost with Redis, a killed worker) lapses after ``CLAIM_STALE``.
"""
from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core.db import transaction
from core.models import Account, Run, Schedule
from core.settings import Settings
from health.models import SessionHealth

JITTER = 0.2
CLAIM_STALE = timedelta(minutes=10)


def next_interval(settings: Settings, now: datetime, rng: random.Random | None = None) -> datetime:
    """When the next look on the interval is due: the setting plus up to a fifth of it at random."""
    every = settings.session_check_every_min * (1 + JITTER * (rng or random).random())
    return now + timedelta(minutes=every)


def next_slots(s: Session, now: datetime, within: timedelta) -> dict[str, datetime]:
    """Each account's first timed run within ``within`` from now: a scheduled run's time or a schedule's slot."""
    soon = now + within
    runs = (select(Run.account_id, func.min(Run.not_before)).where(Run.status == "scheduled", Run.not_before > now,
                                                                   Run.not_before <= soon)
            .group_by(Run.account_id))
    slots = (select(Schedule.account_id, func.min(Schedule.next_at))
             .where(Schedule.enabled, Schedule.next_at > now, Schedule.next_at <= soon).group_by(Schedule.account_id))
    out: dict[str, datetime] = {}
    for account_id, at in [*s.execute(runs), *s.execute(slots)]:
        out[account_id] = min(at, out.get(account_id, at))
    return out


def is_due(row: SessionHealth | None, logged_in_at: datetime | None, slot: datetime | None, lead: timedelta,
           every: timedelta, now: datetime) -> bool:
    if row is not None and row.claimed_at is not None and row.claimed_at > now - CLAIM_STALE:
        return False  # a check is on its way
    looked = [t for t in (row.checked_at if row else None, logged_in_at) if t is not None]
    last = max(looked) if looked else None
    if row is not None and row.next_check_at is not None:
        if row.next_check_at <= now:
            return True
    elif last is None or last + every <= now:
        return True  # never looked at: one interval after its login
    return slot is not None and (last is None or last < slot - lead)


def due_checks(db: sessionmaker[Session], settings: Settings, now: datetime, sites: Iterable[str]) -> list[str]:
    """Claim the checks that are due; the account ids, for the caller to queue ``worker.check_session``.

    ``sites``: the sites whose runs use the saved session (the tax bureau signs in with the stored login at
    every run, so its session is not looked at)."""
    lead, every = (timedelta(minutes=settings.session_check_lead_min),
                   timedelta(minutes=settings.session_check_every_min))
    with db() as s:
        logins = dict(s.execute(select(Account.id, Account.logged_in_at)
                                .where(Account.status == "active", Account.site.in_(list(sites)))).all())
        rows = {r.account_id: r for r in s.scalars(select(SessionHealth)
                                                    .where(SessionHealth.account_id.in_(list(logins))))}
        slots = next_slots(s, now, lead)
    claimed = []
    for account_id, logged_in_at in logins.items():
        row = rows.get(account_id)
        if is_due(row, logged_in_at, slots.get(account_id), lead, every, now) and _claim(db, account_id, row, now):
            claimed.append(account_id)
    return claimed


def _claim(db: sessionmaker[Session], account_id: str, row: SessionHealth | None, now: datetime) -> bool:
    try:
        with transaction(db) as s:
            if row is None:
                s.add(SessionHealth(account_id=account_id, claimed_at=now))
                return True
            seen = SessionHealth.claimed_at.is_(None) if row.claimed_at is None else SessionHealth.claimed_at == row.claimed_at
            return s.execute(update(SessionHealth).where(SessionHealth.account_id == account_id, seen)
                             .values(claimed_at=now).execution_options(synchronize_session=False)).rowcount == 1
    except IntegrityError:
        return False  # another scheduler made the row at the same moment: it queues the check
