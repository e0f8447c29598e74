"""When collection runs start: nightly per active account (at ``NIGHT_AT`` in the workspace's zone, each account
at its own minute in the following hour, so one browser is not asked for every account at once), and when
the owner asks (``start_collection``). Called by the scheduler on every tick.

One night a week (each account on its own weekday, as it has its own minute) the night's collection is a
full re-read (``full``): the nightly reads stop at the site's window, so without it a post older than the
window would keep the numbers it had when it left the window, for ever. A week's full re-read that was missed
(the service was down that night, or the read failed) is made up the next night, not a week later.

Two schedulers at once start one collection: the night's slot is a row unique per account and slot, inserted
in the same transaction as the run; the loser's insert fails and it starts nothing.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core.db import transaction
from core.errors import ValidationFailed
from core.models import Account, Employee, Run, Workspace
from core.runs import TERMINAL, supports
from metrics.models import CollectionSlot

GRAPH = "collect"
NIGHT_AT = time(2, 0)
"""Quiet for the sites and before the owner's morning brief."""
SPREAD_MIN = 60
ROLE = "operations"
"""运营管家 runs the collections; any employee of the workspace when it has none."""


def _spread(account_id: str) -> int:
    """A number fixed per account, spreading the accounts' minutes and weekdays."""
    return int(hashlib.sha256(account_id.encode()).hexdigest(), 16)


def night_slot(account_id: str, tz: str, now: datetime) -> datetime:
    """The latest nightly slot at or before ``now`` for this account (UTC)."""
    zone = ZoneInfo(tz)
    local = now.astimezone(zone)
    minute = _spread(account_id) % SPREAD_MIN
    slot = datetime.combine(local.date(), NIGHT_AT, zone) + timedelta(minutes=minute)
    if slot > local:
        slot -= timedelta(days=1)
    return slot.astimezone(now.tzinfo)


def full_night(account_id: str, tz: str, slot: datetime) -> bool:
    """Whether the night of ``slot`` is this account's weekly full re-read (its own weekday, 0 = Monday, in
    the workspace's zone; independent of its minute)."""
    return slot.astimezone(ZoneInfo(tz)).weekday() == _spread(account_id) // SPREAD_MIN % 7


FULL_EVERY = timedelta(days=8)
"""Longer than a week: an account past this without a finished full re-read gets one tonight."""


def _full_overdue(s: Session, account_id: str, created_at: datetime, slot: datetime) -> bool:
    """No full re-read finished in the last ``FULL_EVERY`` although the account is older than that. A new account's
    own weekday always comes within its first week, so this only catches a missed or failed one."""
    if created_at > slot - FULL_EVERY:
        return False
    recent = s.scalars(select(Run.content).join(CollectionSlot, CollectionSlot.run_id == Run.id)
                       .where(CollectionSlot.account_id == account_id, CollectionSlot.slot_at > slot - FULL_EVERY,
                              Run.status == "published"))
    return not any(content.get("full") for content in recent)


def due_collections(db: sessionmaker[Session], now: datetime) -> list[str]:
    """Create tonight's collection runs that are due (status ``queued``); their ids, for the caller to enqueue."""
    with db() as s:
        rows = s.execute(select(Account.id, Account.site, Account.created_at, Workspace.timezone)
                         .join(Workspace, Workspace.id == Account.workspace_id)
                         .where(Account.status == "active")).all()
    started = []
    for account_id, site, created_at, tz in rows:
        if not supports(site, GRAPH):
            continue
        slot = night_slot(account_id, tz, now)
        if slot < created_at:
            continue  # a new account's first collection is the first night after it was added
        try:
            with transaction(db) as s:
                if s.scalar(select(CollectionSlot.id).where(CollectionSlot.account_id == account_id,
                                                            CollectionSlot.slot_at == slot)):
                    continue
                full = full_night(account_id, tz, slot) or _full_overdue(s, account_id, created_at, slot)
                run = start_collection(s, s.get(Account, account_id), full=full)
                s.add(CollectionSlot(account_id=account_id, slot_at=slot, run_id=run.id))
                s.flush()
        except IntegrityError:
            continue  # another scheduler took the slot at the same moment: it starts the run
        except ValidationFailed:
            continue  # a collection of this account is still running: tonight's is that one
        started.append(run.id)
    return started


def start_collection(s: Session, account: Account, full: bool = False) -> Run:
    """A queued collection run for ``account`` (the caller enqueues it after the commit). Refused, with the
    reason in Chinese, for a site without data pages or while the account's last collection is unfinished."""
    if not supports(account.site, GRAPH):
        raise ValidationFailed([{"field": "account_id", "limit": GRAPH,
                                 "message": f"账号「{account.name}」所在的平台没有可读取的数据"}], site=account.site)
    busy = s.scalar(select(Run.id).where(Run.account_id == account.id, Run.graph == GRAPH,
                                         Run.status.notin_(TERMINAL)).limit(1))
    if busy:
        raise ValidationFailed([{"field": "account_id", "limit": GRAPH,
                                 "message": f"账号「{account.name}」的数据正在读取，请等这次读完"}], site=account.site)
    employee = s.scalar(select(Employee).where(Employee.workspace_id == account.workspace_id)
                        .order_by((Employee.role == ROLE).desc()).limit(1))
    if employee is None:
        raise ValidationFailed([{"field": "account_id", "limit": "employee",
                                 "message": "工作区还没有员工，无法读取数据"}], site=account.site)
    run = Run(workspace_id=account.workspace_id, account_id=account.id, employee_id=employee.id, graph=GRAPH,
              site=account.site, mode="auto", status="queued",
              content={"title": "读取平台数据" + ("（全部重读）" if full else ""), "full": full})
    s.add(run)
    s.flush()
    return run
