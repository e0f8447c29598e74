"""When each account's inbox is swept: every ``sweep_every_min`` (plus up to a fifth of it at random, so
accounts and sites are not read in lockstep), never in the owner's quiet hours, and never while the
account's previous sweep is still unfinished. Called by the scheduler on every tick.

Two schedulers at once start one sweep: the account's ``next_sweep_at`` is moved by a compare-and-set
in the same transaction as the sweep run's insert; the loser's update matches nothing and it inserts nothing.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core.db import transaction
from core.inbox import InboxAccount, inbox_account
from core.models import Account, Employee, Run, Workspace
from core.runs import TERMINAL
from graphs.inbound.settings import inbox_settings
from graphs.inbound.sites import INBOUND_SITES

SWEEP_GRAPH = "inbound_sweep"
JITTER = 0.2


def due_sweeps(db: sessionmaker[Session], now: datetime, rng: random.Random | None = None) -> list[str]:
    """Create the sweep runs that are due (status ``queued``); their ids, for the caller to enqueue."""
    rng = rng or random.Random()
    with db() as s:
        rows = s.execute(select(Account, Employee, Workspace.timezone)
                         .join(Employee, (Employee.workspace_id == Account.workspace_id) & (Employee.role == "service"))
                         .join(Workspace, Workspace.id == Account.workspace_id)
                         .where(Account.status == "active", Account.site.in_(INBOUND_SITES))).all()
    started = []
    for account, employee, tz in rows:
        inbox = inbox_settings(employee)
        if not inbox.enabled or inbox.quiet_at(now, tz):
            continue
        try:
            run_id = _start(db, account, employee, inbox.sweep_every_min, now, rng)
        except IntegrityError:
            continue  # another scheduler made the account's row at the same moment: it starts the sweep
        if run_id:
            started.append(run_id)
    return started


def _start(db, account: Account, employee: Employee, every_min: float, now: datetime, rng) -> str | None:
    with transaction(db) as s:
        state = inbox_account(s, account.id)
        seen = state.next_sweep_at
        if seen is not None and seen > now:
            return None
        unfinished = s.scalar(select(Run.id).where(Run.account_id == account.id, Run.graph == SWEEP_GRAPH,
                                                   Run.status.notin_(TERMINAL)).limit(1))
        if unfinished:
            return None
        gap = timedelta(minutes=every_min * (1 + JITTER * rng.random()))
        cond = InboxAccount.next_sweep_at.is_(None) if seen is None else InboxAccount.next_sweep_at == seen
        won = s.execute(update(InboxAccount).where(InboxAccount.account_id == account.id, cond)
                        .values(next_sweep_at=now + gap).execution_options(synchronize_session=False)).rowcount
        if not won:
            return None
        run = Run(workspace_id=account.workspace_id, account_id=account.id, employee_id=employee.id,
                  graph=SWEEP_GRAPH, site=account.site, mode=employee.mode, status="queued",
                  content={"title": "查看新的评论、私信和评价"})
        s.add(run)
        s.flush()
        return run.id
