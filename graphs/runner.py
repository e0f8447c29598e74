"""Execute one step of a run: pick up where its checkpoint left off, map errors to the run's status.

Called by the worker's jobs. Safe to call any number of times for the same run: a run that is done,
or waiting for the owner without a decision yet, is left alone; the account lock keeps two runs of
one account from overlapping; the checkpoint and the ledger keep finished steps from repeating.
"""
from __future__ import annotations

import logging
from contextlib import ExitStack
from functools import partial
from datetime import timedelta

from langgraph.types import Command
from sqlalchemy import update
from sqlalchemy.orm import Session

from core.approvals import TAKEN_OVER, decided_card
from core.db import transaction
from core.errors import BusinessError, LeaseLost, NeedsHuman, OPCError, ReadBackFailed
from core.models import Account, Run, new_id, utcnow
from core.runs import HELD_BY_A_WORKER, TERMINAL, audit, set_status
from graphs.context import RunContext
from rpa.lease import Lease, account_lock
from rpa.process import Resources
from rpa.screenshots import FAILED_STEP, Shot, add_artifacts, capture, run_folder
from rpa.workbench import Workbench
from sites import adapter_for
from sites.etax.errors import LoginRefused

log = logging.getLogger(__name__)

BUSY_ACCOUNT_DELAY_S = 5
LOCK_WAIT_S = 3


def execute(run_id: str, res: Resources) -> str:
    with ExitStack() as unused:
        # A form this worker kept open for the run's approval (``rpa.parking``) serves this job or none: a
        # later job would find it older than the owner's answer.
        kept = res.parking.take(run_id)
        if kept is not None:
            unused.callback(kept.close)
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
        workbench = kept or Workbench(res.runtime, res.vault)
        unused.pop_all()  # from here on the workbench is closed (or kept again) below
    lease = Lease(res.db, run_id, lock, res.settings.lease_s, on_start=_mark_running)
    workbench.fence = lease
    returned = False
    try:
        with lease:
            _invoke(res, run, workbench, lease)
        returned = True
    except LeaseLost:
        log.warning("run %s: taken by another worker while this one was stalled; leaving it alone", run_id)
    except NotStartable:
        pass  # cancelled (or finished by another worker) after the first look: nothing reaches the site
    except LoginRefused as e:  # the portal refused the stored login: the account shows it too
        shot = _failure_shot(res, run_id, workbench)
        _owned(res, lease, partial(_fail, run_id=run_id, e=e, shot=shot))
        _login_refused(res, run.account_id, e)
    except BusinessError as e:
        shot = _failure_shot(res, run_id, workbench)
        _owned(res, lease, partial(_fail, run_id=run_id, e=e, shot=shot))
    except NeedsHuman as e:
        shot = _failure_shot(res, run_id, workbench)
        _owned(res, lease, partial(_fail, run_id=run_id, e=e, prefix="需要人工处理：", shot=shot))
    except Exception as e:  # transient by type, or an unexpected error: retried with limits
        log.warning("run %s: %s", run_id, type(e).__name__)
        shot = _failure_shot(res, run_id, workbench) if _last_try(res, run_id) else None
        _owned(res, lease, partial(_retry_or_fail, res, run_id=run_id, e=e, shot=shot))
    finally:
        try:
            if not (returned and _keep_for_approval(res, run_id, workbench)):
                workbench.close()
        finally:  # a browser that fails to close must not keep the account locked until the lease runs out
            try:
                lock.release()
            except Exception:
                pass  # already expired and maybe taken by the run's next worker: not ours to release
    with res.db() as s:
        return s.get(Run, run_id).status


def _keep_for_approval(res: Resources, run_id: str, workbench: Workbench) -> bool:
    """Keep the page open (``rpa.parking``) when the run now waits for the owner's 同意 on this filled form."""
    if workbench.filled_with is None or workbench.live_page() is None or not res.parking.enabled:
        return False
    with res.db() as s:
        run = s.get(Run, run_id)
        if run.status != "awaiting_approval" or decided_card(s, run_id) is not None:
            return False  # not paused on the form, or answered already (its resume was sent to the shared queue)
    if not hasattr(adapter_for(run.site, res.settings), "form_holds"):
        return False  # a form its site cannot read back is filled again anyway: keeping it would only cost
    return res.parking.keep(run_id, workbench)


def _ready(s, run: Run) -> bool:
    """A waiting run may proceed only once the owner has acted."""
    if run.status == "awaiting_approval":
        return decided_card(s, run.id) is not None
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
            a = decided_card(s, run.id)
        return Command(resume={"approved": a.status == "approved", "edits": a.edits or {},
                               "reason": a.reason, "approval_id": a.id, "take_over": a.status == TAKEN_OVER})
    return Command(resume={"logged_in": True})


def _invoke(res: Resources, run: Run, workbench: Workbench, lease: Lease) -> None:
    graph = res.graphs[run.graph]
    config = {"configurable": {"thread_id": run.id}}
    value = _resume_value(res, run, graph, config)
    graph.invoke(value, config, context=RunContext(res.settings, res.db, workbench, lease))


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


def _owned(res: Resources, lease: Lease, change) -> None:
    """An ending written only while this worker still holds the run: a stalled worker that wakes up after
    another took over (and maybe finished) the run must not set it back (compare-and-set on the token)."""
    try:
        with transaction(res.db) as s:
            lease.check(s)
            change(s)
    except LeaseLost:
        log.warning("run %s: taken by another worker; its status is not this worker's to change", lease.run_id)


def _fail(s: Session, run_id: str, e: OPCError, prefix: str = "", shot: Shot | None = None) -> None:
    _record_failure(s, s.get(Run, run_id), f"{prefix}{e.message}", shot)


def _last_try(res: Resources, run_id: str) -> bool:
    with res.db() as s:  # the run is leased to this job: its attempts do not change meanwhile
        attempts = s.get(Run, run_id).attempts
    return attempts >= min(res.settings.transient_retries, len(res.settings.retry_backoff_s))


def _login_refused(res: Resources, account_id: str, e: LoginRefused) -> None:
    """A run's sign-in is a real check of the account's login too (``core.accounts.last_check``)."""
    with transaction(res.db) as s:
        account = s.get(Account, account_id)
        account.status = "needs_login"
        audit(s, account.workspace_id, "system", "account.login_refused", account_id, {"reason": e.message})


def _retry_or_fail(res: Resources, s: Session, run_id: str, e: Exception, shot: Shot | None) -> None:
    reason = getattr(e, "message", None) or f"临时错误：{type(e).__name__}"
    run = s.get(Run, run_id)
    if run.status in TERMINAL:  # the graph finished it before the error (e.g. closing the page): it stays
        return
    backoff = res.settings.retry_backoff_s
    if run.attempts >= min(res.settings.transient_retries, len(backoff)):
        # An unknown outcome is no failure to retry: its reason leads with what the owner must do first.
        _record_failure(s, run, reason if isinstance(e, ReadBackFailed) else f"重试{run.attempts}次后仍失败：{reason}",
                        shot)
        return
    delay = backoff[run.attempts]
    set_status(s, run, "scheduled", reason=f"{reason}（{delay}秒后重试）", attempts=run.attempts + 1,
               not_before=utcnow() + timedelta(seconds=delay))


def _failure_shot(res: Resources, run_id: str, workbench: Workbench) -> Shot | None:
    """The site's page as the run failed on it (its message, the half-filled form), for the owner to see why.
    Best effort: a page that died with the run has nothing to show."""
    page = workbench.live_page()
    if page is None:
        return None
    try:
        return capture(page, res.settings.storage, run_folder(run_id), f"{FAILED_STEP}-{new_id()}")
    except Exception as e:
        log.warning("run %s: no failure screenshot (%s)", run_id, type(e).__name__)
        return None


def _record_failure(s: Session, run: Run, reason: str, shot: Shot | None) -> None:
    if shot is not None:
        add_artifacts(s, run.id, shot, FAILED_STEP)
    set_status(s, run, "failed", reason=reason)


DEFERRABLE = ("queued", "scheduled", "awaiting_approval", "awaiting_login")
"""A run that is ready but whose account is busy. A waiting run counts too: the owner may decide while
the worker that paused it has yet to release the account, and that decision must not be lost."""


def _defer(res: Resources, run_id: str, delay_s: int, reason: str) -> str:
    with res.db() as s, s.begin():
        s.execute(update(Run).where(Run.id == run_id, Run.status.in_(DEFERRABLE))
                  .values(status="scheduled", reason=reason, not_before=utcnow() + timedelta(seconds=delay_s),
                          updated_at=utcnow()))
    return "deferred"
