"""Execute one step of a run: pick up where its checkpoint left off, map errors to the run's status.

Called by the worker's jobs. Safe to call any number of times for the same run: a run that is done,
or waiting for the owner without a decision yet, is left alone; the account lock keeps two runs of
one account from overlapping; the checkpoint and the ledger keep finished steps from repeating.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from langgraph.types import Command
from sqlalchemy import update
from sqlalchemy.orm import Session

from core.db import transaction
from core.errors import BusinessError, NeedsHuman, OPCError
from core.models import Account, Approval, Run, utcnow
from core.runs import HELD_BY_A_WORKER, TERMINAL, audit, set_status
from graphs.context import RunContext
from rpa.lease import Lease, account_lock
from rpa.process import Resources
from rpa.workbench import Workbench
from sites.etax.errors import LoginRefused

log = logging.getLogger(__name__)

BUSY_ACCOUNT_DELAY_S = 5
LOCK_WAIT_S = 3


def execute(run_id: str, res: Resources) -> str:
    with res.db() as s:
        run = s.get(Run, run_id)
        if run is None or run.status in TERMINAL or not _ready(s, run):
            return run.status if run else "missing"
    lock = account_lock(res.redis, run.account_id, res.settings.lease_s)
    # The account's previous run usually is only finishing (closing its context): wait a moment for it
    # before putting this run back in the queue.
    if not lock.acquire(blocking=True, blocking_timeout=LOCK_WAIT_S):
        if run.status in HELD_BY_A_WORKER:
            return run.status  # its worker still holds the lock (or its lease has yet to expire)
        return _defer(res, run_id, BUSY_ACCOUNT_DELAY_S, "同一账号的另一个任务正在运行，稍后继续")
    workbench = Workbench(res.runtime, res.vault)
    try:
        with Lease(res.db, run_id, lock, res.settings.lease_s, on_start=_mark_running):
            _invoke(res, run, workbench)
    except NotStartable:
        pass  # cancelled (or finished by another worker) after the first look: nothing reaches the site
    except LoginRefused as e:  # the portal refused the stored login: the account shows it too
        _fail(res, run_id, e)
        _login_refused(res, run.account_id, e)
    except BusinessError as e:
        _fail(res, run_id, e)
    except NeedsHuman as e:
        _fail(res, run_id, e, prefix="需要人工处理：")
    except Exception as e:  # transient by type, or an unexpected error: retried with limits
        log.warning("run %s: %s", run_id, type(e).__name__)
        _retry_or_fail(res, run_id, e)
    finally:
        workbench.close()
        try:
            lock.release()
        except Exception:
            pass
    with res.db() as s:
        return s.get(Run, run_id).status


def _ready(s, run: Run) -> bool:
    """A waiting run may proceed only once the owner has acted."""
    if run.status == "awaiting_approval":
        return s.query(Approval).filter(Approval.run_id == run.id, Approval.status != "pending").count() > 0
    if run.status == "awaiting_login":
        return s.get(Account, run.account_id).status == "active"
    if run.status in ("queued", "scheduled"):
        return run.not_before <= utcnow()
    return True


def _resume_value(res: Resources, run: Run, graph, config) -> object:
    snapshot = graph.get_state(config)
    if not snapshot.values:
        return {"run_id": run.id}
    if not snapshot.interrupts:
        return None  # crashed mid-node: continue from the last checkpoint
    kind = snapshot.interrupts[0].value.get("kind")
    if kind == "approval":
        with res.db() as s:
            a = (s.query(Approval).filter(Approval.run_id == run.id, Approval.status.in_(("approved", "rejected")))
                 .order_by(Approval.decided_at.desc()).first())
        return Command(resume={"approved": a.status == "approved", "edits": a.edits or {},
                               "reason": a.reason, "approval_id": a.id})
    return Command(resume={"logged_in": True})


def _invoke(res: Resources, run: Run, workbench: Workbench) -> None:
    graph = res.graphs[run.graph]
    config = {"configurable": {"thread_id": run.id}}
    value = _resume_value(res, run, graph, config)
    graph.invoke(value, config, context=RunContext(res.settings, res.db, workbench))


class NotStartable(Exception):
    """The run ended (the owner cancelled it) between the first look and the claim."""


def _mark_running(s: Session, run_id: str) -> None:
    """Claim the run: a compare-and-set, so a cancel (``core.undo.cancel``, the same column) and this
    claim never both win. Everything the worker does on the site comes after this."""
    claimed = s.execute(update(Run).where(Run.id == run_id, Run.status.notin_(TERMINAL))
                        .values(status="running", reason=None, updated_at=utcnow())
                        .execution_options(synchronize_session=False)).rowcount
    if not claimed:
        raise NotStartable(run_id)
    run = s.get(Run, run_id)
    audit(s, run.workspace_id, "system", "run.running", run.id, {})


def _fail(res: Resources, run_id: str, e: OPCError, prefix: str = "") -> None:
    with transaction(res.db) as s:
        set_status(s, s.get(Run, run_id), "failed", reason=f"{prefix}{e.message}")


def _login_refused(res: Resources, account_id: str, e: LoginRefused) -> None:
    """A run's sign-in is a real check of the account's login too (``core.accounts.last_check``)."""
    with transaction(res.db) as s:
        account = s.get(Account, account_id)
        account.status = "needs_login"
        audit(s, account.workspace_id, "system", "account.login_refused", account_id, {"reason": e.message})


def _retry_or_fail(res: Resources, run_id: str, e: Exception) -> None:
    reason = getattr(e, "message", None) or f"临时错误：{type(e).__name__}"
    with transaction(res.db) as s:
        run = s.get(Run, run_id)
        backoff = res.settings.retry_backoff_s
        if run.attempts >= min(res.settings.transient_retries, len(backoff)):
            set_status(s, run, "failed", reason=f"重试{run.attempts}次后仍失败：{reason}")
            return
        delay = backoff[run.attempts]
        set_status(s, run, "scheduled", reason=f"{reason}（{delay}秒后重试）", attempts=run.attempts + 1,
                   not_before=utcnow() + timedelta(seconds=delay))


DEFERRABLE = ("queued", "scheduled", "awaiting_approval", "awaiting_login")
"""A run that is ready but whose account is busy. A waiting run counts too: the owner may decide while
the worker that paused it has yet to release the account, and that decision must not be lost."""


def _defer(res: Resources, run_id: str, delay_s: int, reason: str) -> str:
    with res.db() as s, s.begin():
        s.execute(update(Run).where(Run.id == run_id, Run.status.in_(DEFERRABLE))
                  .values(status="scheduled", reason=reason, not_before=utcnow() + timedelta(seconds=delay_s),
                          updated_at=utcnow()))
    return "deferred"
