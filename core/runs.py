"""Run life cycle: create a run (validated, nothing half-saved) and move it between states."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from core import media
from core.content import Post
from core.errors import ValidationFailed
from core.models import Account, AuditLog, Employee, Run, Workspace, utcnow
from core.storage import Storage

TERMINAL = {"published", "suggested", "rejected", "failed", "cancelled"}
HELD_BY_A_WORKER = ("running", "awaiting_code", "awaiting_human")
"""Statuses whose run lives in a worker's open page; an expired lease means that worker died."""
WAITING = {"awaiting_login", "awaiting_approval", "awaiting_code", "awaiting_human"}
BACKGROUND = ("inbound_sweep", "collect")
"""Workflows that read a site in the background (the inbox's sweep: ~288 runs a day per account at a 5-minute
interval; the nightly collection of numbers). The owner's runs list and its counts show her employees' work,
not these; they stay in the table, listed on their own (``background_runs``) for the audit."""
ON_TIME = timedelta(minutes=1)
"""A timed run that starts within this of its slot is on time (the scheduler's tick and the queue take seconds)."""


def validate_post(site: str, post: Post, now: datetime | None = None, *, starting: bool = False,
                  storage: Storage | None = None) -> None:
    """Raise ValidationFailed with field-level errors before any browser work. ``starting``: the run is
    starting, its time is due by design (see ``sites.checks.timing_errors`` and ``late_start``).
    ``storage``: where media in an object store are fetched from for the rules that read files."""
    from sites import SITES  # sites import playwright; keep core importable without it

    if not supports(site, "publish"):
        raise ValidationFailed([{"field": "account_id", "limit": "publish",
                                 "message": f"{SITES[site].label if site in SITES else site}账号不能发帖"}], site=site)
    with media.fetched(storage, post) as local:
        errors = SITES[site].limits.validate(local, now or utcnow(), starting=starting)
    if errors:
        raise ValidationFailed(errors, site=site)


def validate_product(site: str, product, now: datetime | None = None, *, starting: bool = False,
                     storage: Storage | None = None) -> None:
    """The listing rules of the site (``sites.<site>.limits``), all problems at once."""
    from sites import SITES

    with media.fetched(storage, product) as local:
        errors = SITES[site].limits.validate(local, now or utcnow(), starting=starting)
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
               slot_at: datetime | None = None, storage: Storage | None = None) -> Run:
    validate_post(account.site, post, storage=storage)
    if post.timing.mode == "at":
        # Our scheduler starts the run then and the site publishes at once; the time is the run's slot, by
        # which ``late_start`` judges a run that starts late.
        not_before, slot_at = not_before or post.timing.at, slot_at or post.timing.at
    return _new_run(s, account, employee, "publish", post.model_dump(mode="json"), mode, not_before,
                    schedule_id=schedule_id, slot_at=slot_at)


def create_listing_run(s: Session, *, account: Account, employee: Employee, product, mode: str | None = None,
                       not_before: datetime | None = None, at: datetime | None = None,
                       storage: Storage | None = None) -> Run:
    """One product to list (``sites.taobao.product.Product``), checked against the site's rules first.

    ``not_before`` only holds the run back (pacing); ``at`` is the owner's time (a plan's): the run starts
    then and ``late_start`` judges it by that time."""
    _refuse_unsupported(account, "listing")
    validate_product(account.site, product, storage=storage)
    return _new_run(s, account, employee, "listing", product.model_dump(mode="json"), mode, not_before or at,
                    slot_at=at)


def late_start(s: Session, run: Run, now: datetime, grace: timedelta) -> str | None:
    """How late a timed run starts: its slot (``slot_at``: a post's or a plan's time, a schedule's slot)
    against ``now``. Within ``grace`` it goes ahead with the note this returns (None when it is on time);
    later than that it fails with ``ValidationFailed`` naming the planned time and the delay, before
    anything is done on the site. The rule is in docs/architecture.md ("Timed posts")."""
    if run.slot_at is None or now - run.slot_at < ON_TIME:
        return None
    tz = s.get(Workspace, run.workspace_id).timezone
    planned = run.slot_at.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")
    verb = "上架" if run.graph == "listing" else "发布"
    late = delay_text(now - run.slot_at)
    if now - run.slot_at > grace:
        raise ValidationFailed([{"field": "timing", "limit": f"晚于计划不超过{delay_text(grace)}",
                                 "message": f"计划{planned}{verb}，开始时已晚了{late}，超过允许的"
                                            f"{delay_text(grace)}，没有{verb}。如仍要{verb}，请重新安排时间"}],
                               site=run.site)
    return f"计划{planned}{verb}，实际晚了{late}（允许晚{delay_text(grace)}以内）"


def delay_text(d: timedelta) -> str:
    """``12分钟``, ``2小时5分钟``, ``3天1小时``: the largest unit and the next, rounded down to the minute."""
    minutes = int(d.total_seconds() // 60)
    parts = [(minutes // 1440, "天"), (minutes // 60 % 24, "小时"), (minutes % 60, "分钟")]
    first = next((i for i, (n, _) in enumerate(parts) if n), None)
    if first is None:
        return "不到1分钟"
    return "".join(f"{n}{unit}" for n, unit in parts[first:first + 2] if n)


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


def work_runs(s: Session, workspace_id: str):
    """The workspace's runs as the owner's list shows them: her employees' work, without background polls."""
    return s.query(Run).filter(Run.workspace_id == workspace_id, Run.graph.notin_(BACKGROUND))


def background_runs(s: Session, workspace_id: str):
    """The background polls (``BACKGROUND``), for the audit: when each account's inbox was read, and how it went."""
    return s.query(Run).filter(Run.workspace_id == workspace_id, Run.graph.in_(BACKGROUND))
