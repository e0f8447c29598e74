"""An account's life after it is added: renamed, deleted, and which accounts a picker offers.

A deleted account keeps its row (status ``deleted``): the runs it made stay readable in the history and
their ledger entries keep guarding against a second post. What goes is everything that could act: its
encrypted session and stored login (the caller deletes them from the vault after the commit), its
runs that have not reached the site (cancelled, like the owner's own cancel) and its recurring
schedules (stopped). A run that a worker holds, or that pressed submit and is still being confirmed,
makes the delete wait: the owner is told which and why.
"""
from __future__ import annotations

from sqlalchemy.orm import Query, Session

from core.models import Account, AuditLog, LedgerEntry, Run, Schedule
from core.runs import TERMINAL, audit
from core.undo import CANCELLABLE, Refused, cancel

DELETED = "deleted"
NAME_MAX = 40
LOGIN_RESULTS = ("account.login_ok", "account.login_refused", "account.login_timeout")
"""Audit actions a login job ends with (``rpa.login``); the newest is the account's last real check."""


def live_accounts(s: Session, workspace_id: str) -> Query:
    """The workspace's accounts the owner can use, oldest first (deleted ones are history only)."""
    return (s.query(Account).filter(Account.workspace_id == workspace_id, Account.status != DELETED)
            .order_by(Account.created_at))


def rename(s: Session, account: Account, name: str, actor: str) -> Account:
    old, account.name = account.name, name
    audit(s, account.workspace_id, actor, "account.renamed", account.id, {"from": old, "to": name})
    return account


def delete_account(s: Session, account: Account, actor: str) -> int:
    """Mark the account deleted, cancel its runs that have not reached the site, stop its schedules.
    Returns how many runs were cancelled. Raises ``Refused`` when a run of it is on the site right now."""
    open_runs = s.query(Run).filter(Run.account_id == account.id, Run.status.notin_(TERMINAL)).all()
    pressed = {e.run_id for e in s.query(LedgerEntry).filter(LedgerEntry.account_id == account.id)}
    busy = [r for r in open_runs if r.status not in CANCELLABLE or r.id in pressed]
    if busy:
        raise Refused(f"账号「{account.name}」有{len(busy)}条任务正在网站上执行或正在核对是否已发出，"
                      "等它们结束后再删除")
    for run in open_runs:
        cancel(s, run, actor)
        run.reason = "账号已删除，任务已取消：没有提交到网站"
    s.query(Schedule).filter_by(account_id=account.id, enabled=True).update({"enabled": False})
    account.status, account.login_qr = DELETED, None
    audit(s, account.workspace_id, actor, "account.deleted", account.id, {"cancelled_runs": len(open_runs)})
    return len(open_runs)


def default_account(accounts: list[dict]) -> str | None:
    """The picker's preselected account: the first logged-in one, never a logged-out one."""
    return next((a["id"] for a in accounts if a["status"] == "active"), None)


def last_check(s: Session, account_id: str) -> AuditLog | None:
    """The account's newest login outcome, with the site's words when it was refused."""
    return (s.query(AuditLog).filter(AuditLog.target == account_id, AuditLog.action.in_(LOGIN_RESULTS))
            .order_by(AuditLog.id.desc()).first())
