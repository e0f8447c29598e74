"""Run life cycle: create a run (validated, nothing half-saved) and move it between states."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from core.content import Post
from core.errors import ValidationFailed
from core.models import Account, AuditLog, Employee, Run, utcnow

TERMINAL = {"published", "suggested", "rejected", "failed", "cancelled"}
HELD_BY_A_WORKER = ("running", "awaiting_code", "awaiting_human")
"""Statuses whose run lives in a worker's open page; an expired lease means that worker died."""
WAITING = {"awaiting_login", "awaiting_approval", "awaiting_code", "awaiting_human"}


def validate_post(site: str, post: Post, now: datetime | None = None) -> None:
    """Raise ValidationFailed with field-level errors before any browser work."""
    from sites import SITES  # sites import playwright; keep core importable without it

    if not supports(site, "publish"):
        raise ValidationFailed([{"field": "account_id", "limit": "publish",
                                 "message": f"{SITES[site].label if site in SITES else site}账号不能发帖"}], site=site)
    errors = SITES[site].limits.validate(post, now or utcnow())
    if errors:
        raise ValidationFailed(errors, site=site)


def validate_product(site: str, product, now: datetime | None = None) -> None:
    """The listing rules of the site (``sites.<site>.limits``), all problems at once."""
    from sites import SITES

    errors = SITES[site].limits.validate(product, now or utcnow())
    if errors:
        raise ValidationFailed(errors, site=site)


def supports(site: str, workflow: str) -> bool:
    from sites import SITES

    return workflow in getattr(SITES.get(site), "workflows", ())


def _refuse_unsupported(account: Account, workflow: str) -> None:
    if not supports(account.site, workflow):
        what = {"publish": "发帖", "listing": "上架商品", "filing": "申报"}.get(workflow, workflow)
        raise ValidationFailed([{"field": "account_id", "limit": workflow,
                                 "message": f"账号「{account.name}」所在的平台不能{what}"}], site=account.site)


def create_run(s: Session, *, account: Account, employee: Employee, post: Post, mode: str | None = None,
               not_before: datetime | None = None, schedule_id: str | None = None,
               slot_at: datetime | None = None) -> Run:
    validate_post(account.site, post)
    if not_before is None and post.timing.mode == "at":
        not_before = post.timing.at  # our scheduler starts the run then; the site publishes at once
    return _new_run(s, account, employee, "publish", post.model_dump(mode="json"), mode, not_before,
                    schedule_id=schedule_id, slot_at=slot_at)


def create_listing_run(s: Session, *, account: Account, employee: Employee, product, mode: str | None = None,
                       not_before: datetime | None = None) -> Run:
    """One product to list (``sites.taobao.product.Product``), checked against the site's rules first."""
    _refuse_unsupported(account, "listing")
    validate_product(account.site, product)
    return _new_run(s, account, employee, "listing", product.model_dump(mode="json"), mode, not_before)


def create_filing_run(s: Session, *, account: Account, employee: Employee, period: str,
                      taxpayer_kind: str = "enterprise", location: str = "city", form: str = "vat",
                      individual_business: bool = True) -> Run:
    """The quarter's return ``form`` (vat | pit_business) for one taxpayer account; at most one live filing
    per form, quarter and account.

    Filing always waits for the owner (the return, then the payment), whatever the employee's mode."""
    _refuse_unsupported(account, "tax_filing")
    live = (s.query(Run).filter(Run.account_id == account.id, Run.graph == "tax_filing",
                                Run.status.notin_(("failed", "rejected", "cancelled"))).all())
    if any(r.content.get("period") == period and r.content.get("form", "vat") == form for r in live):
        raise ValidationFailed([{"field": "period", "limit": "每季度一次",
                                 "message": f"{period}已经有这张申报表的申报任务了，不会重复申报"}], site=account.site)
    content = {"period": period, "form": form, "taxpayer_kind": taxpayer_kind, "location": location,
               "individual_business": individual_business}
    return _new_run(s, account, employee, "tax_filing", content, "semi_auto", None)


def _new_run(s: Session, account: Account, employee: Employee, graph: str, content: dict, mode: str | None,
             not_before: datetime | None, **fields) -> Run:
    run = Run(workspace_id=account.workspace_id, account_id=account.id, employee_id=employee.id,
              graph=graph, site=account.site, mode=mode or employee.mode, content=content,
              not_before=not_before or utcnow(),
              status="scheduled" if not_before and not_before > utcnow() else "queued", **fields)
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
