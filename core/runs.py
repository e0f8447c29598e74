"""Run life cycle: create a run (validated, nothing half-saved) and move it between states."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from core.content import Post
from core.errors import ValidationFailed
from core.models import Account, AuditLog, Employee, Run, utcnow

TERMINAL = {"published", "suggested", "rejected", "failed"}
HELD_BY_A_WORKER = ("running", "awaiting_code", "awaiting_human")
"""Statuses whose run lives in a worker's open page; an expired lease means that worker died."""
WAITING = {"awaiting_login", "awaiting_approval", "awaiting_code", "awaiting_human"}


def validate_post(site: str, post: Post, now: datetime | None = None) -> None:
    """Raise ValidationFailed with field-level errors before any browser work."""
    from sites import SITES  # sites import playwright; keep core importable without it

    errors = SITES[site].limits.validate(post, now or utcnow())
    if errors:
        raise ValidationFailed(errors, site=site)


def create_run(s: Session, *, account: Account, employee: Employee, post: Post, mode: str | None = None,
               not_before: datetime | None = None, schedule_id: str | None = None,
               slot_at: datetime | None = None, graph: str = "publish") -> Run:
    validate_post(account.site, post)
    if not_before is None and post.timing.mode == "at":
        not_before = post.timing.at  # our scheduler starts the run then; the site publishes at once
    run = Run(workspace_id=account.workspace_id, account_id=account.id, employee_id=employee.id,
              graph=graph, site=account.site, mode=mode or employee.mode,
              content=post.model_dump(mode="json"), not_before=not_before or utcnow(),
              schedule_id=schedule_id, slot_at=slot_at,
              status="scheduled" if not_before and not_before > utcnow() else "queued")
    s.add(run)
    s.flush()
    audit(s, run.workspace_id, "system", "run.created", run.id, {"site": run.site, "mode": run.mode})
    return run


def set_status(s: Session, run: Run, status: str, reason: str | None = None, **fields) -> Run:
    run.status = status
    if reason is not None:
        run.reason = reason
    for k, v in fields.items():
        setattr(run, k, v)
    run.updated_at = utcnow()
    audit(s, run.workspace_id, "system", f"run.{status}", run.id, {"reason": reason} if reason else {})
    return run


def audit(s: Session, workspace_id: str | None, actor: str, action: str, target: str | None,
          detail: dict | None = None) -> None:
    s.add(AuditLog(workspace_id=workspace_id, actor=actor, action=action, target=target, detail=detail or {}))
