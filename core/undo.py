"""The owner's way back: cancel a run before it reaches the site, retry a failed one.

Both are compare-and-sets on the run's status, the same column the worker claims a run with
(``graphs.runner``: ``queued``/``scheduled``/waiting → ``running`` in one UPDATE). So a cancel and a
worker starting the run never both win: either the run is cancelled and the worker's claim finds nothing
to start, or the worker holds it (``running``) and the cancel is refused with the reason.

A retry puts the *same* run back in the queue rather than creating a new one: its LangGraph thread
resumes at the step that failed and its ledger key stays the same, so a run whose click may have reached
the site reads the site's own list before it may click again (``core.ledger``). A new run would have a
fresh ledger key and could post twice.
"""
from __future__ import annotations

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from core.models import Approval, LedgerEntry, Run, utcnow
from core.runs import audit

CANCELLABLE = ("queued", "scheduled", "awaiting_login", "awaiting_approval")
"""Runs no worker holds and that have not pressed anything irreversible on the site."""
CANCELLED_REASON = "已取消：没有提交到网站"
RETRYABLE = ("failed",)


class Refused(Exception):
    """The run cannot be cancelled or retried now; ``message`` says why, in the owner's words."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def cancel(s: Session, run: Run, actor: str) -> Run:
    """Cancel a run that has not reached the site. Its pending approval card goes with it."""
    was = run.status
    pressed = exists(select(LedgerEntry.key).where(LedgerEntry.run_id == run.id))
    won = s.execute(update(Run).where(Run.id == run.id, Run.status.in_(CANCELLABLE), ~pressed)
                    .values(status="cancelled", reason=CANCELLED_REASON, updated_at=utcnow())
                    .execution_options(synchronize_session=False)).rowcount
    s.refresh(run)
    if not won:
        raise Refused(_why_not_cancel(s, run))
    s.execute(update(Approval).where(Approval.run_id == run.id, Approval.status == "pending")
              .values(status="cancelled", decided_at=utcnow()).execution_options(synchronize_session=False))
    audit(s, run.workspace_id, actor, "run.cancelled", run.id, {"from": was})
    return run


def _why_not_cancel(s: Session, run: Run) -> str:
    if s.query(LedgerEntry).filter_by(run_id=run.id).count():
        if run.graph == "tax_filing":
            return "申报表已经提交到电子税务局，不能再取消；不想缴款请在缴款审批卡上点「驳回」"
        return "员工已经在网站上点过提交，不能再取消；它会先核对网站上的列表，确认是否已经发出"
    if run.status == "cancelled":
        return "这条任务已经取消了"
    if run.status in ("running", "awaiting_code", "awaiting_human"):
        return "员工正在网站上执行这条任务（可能正在提交），现在取消不了；等它停下来再看结果"
    return "这条任务已经结束（" + {"published": "已完成", "failed": "已失败", "rejected": "已驳回",
                              "suggested": "已生成建议"}.get(run.status, run.status) + "），不能取消"


def retry(s: Session, run: Run, actor: str) -> bool:
    """Put a failed run back to work; True when it must be queued (False: it waits for a new approval).

    A run that failed because its approval card expired gets that card back (same form, same screenshot,
    a new waiting time): the graph is still paused at that approval, and nothing was approved yet."""
    latest = s.query(Approval).filter_by(run_id=run.id).order_by(Approval.created_at.desc()).first()
    reopen = latest is not None and latest.status == "expired"
    status = "awaiting_approval" if reopen else "queued"
    won = s.execute(update(Run).where(Run.id == run.id, Run.status.in_(RETRYABLE))
                    .values(status=status, reason=None, attempts=0, not_before=utcnow(), lease_until=None,
                            updated_at=utcnow())
                    .execution_options(synchronize_session=False)).rowcount
    s.refresh(run)
    if not won:
        raise Refused("只有失败的任务可以重试" if run.status != "queued" else "这条任务已经在重试了")
    if reopen:
        latest.status, latest.created_at, latest.decided_at = "pending", utcnow(), None
    audit(s, run.workspace_id, actor, "run.retried", run.id, {"approval_reopened": reopen})
    return not reopen
