"""The JSON shapes the phone reads. Never includes a secret: sessions stay in the vault."""
from __future__ import annotations

from sqlalchemy.orm import Session

from api import labels
from core.models import Account, Approval, Artifact, Employee, Run, Schedule
from employees import EMPLOYEES, MODE_LABELS
from rpa.handoff import Waiting, pending_step


def artifact_url(artifact_id: str | None) -> str | None:
    return f"/api/artifacts/{artifact_id}" if artifact_id else None


def account_view(s: Session, a: Account) -> dict:
    step = pending_step(s, Waiting(account_id=a.id)) if a.status == "logging_in" else None
    return {"id": a.id, "site": a.site, "site_label": labels.site_label(a.site), "name": a.name,
            "status": a.status, "status_label": labels.ACCOUNT_STATUS.get(a.status, a.status),
            "login_qr": a.login_qr if a.status != "active" and not step else None,
            "code_prompt": step.prompt if step else None}


def employee_view(e: Employee) -> dict:
    role = EMPLOYEES.get(e.role)
    return {"id": e.id, "role": e.role, "name": e.name, "mode": e.mode, "mode_label": MODE_LABELS.get(e.mode),
            "description": role.description if role else "", "sites": list(role.sites) if role else []}


def run_view(s: Session, r: Run, tz: str) -> dict:
    account = s.get(Account, r.account_id)
    thumb = (s.query(Artifact).filter_by(run_id=r.id, kind="thumbnail").order_by(Artifact.created_at.desc())
             .first())
    return {"id": r.id, "site": r.site, "site_label": labels.site_label(r.site), "account": account.name,
            "mode": r.mode, "mode_label": MODE_LABELS.get(r.mode), "status": r.status,
            "status_label": labels.RUN_STATUS.get(r.status, r.status), "reason": r.reason,
            "external_id": r.external_id, "title": r.content.get("title", ""),
            "timing": labels.TIMING.get(r.content.get("timing", {}).get("mode", "now")),
            "created_at": labels.local_time(r.created_at, tz), "not_before": labels.local_time(r.not_before, tz),
            "thumb": artifact_url(thumb.id if thumb else None), "code_prompt": _code_prompt(s, r)}


def _code_prompt(s: Session, r: Run) -> str | None:
    step = pending_step(s, Waiting(run_id=r.id)) if r.status == "awaiting_code" else None
    return step.prompt if step else None


def approval_view(s: Session, a: Approval, tz: str) -> dict:
    shot = s.get(Artifact, a.screenshot_id) if a.screenshot_id else None
    run = s.get(Run, a.run_id)
    fields = [{"key": k, "label": labels.FIELD.get(k, k), "value": v} for k, v in (a.fields or {}).items()]
    return {"id": a.id, "run": run_view(s, run, tz), "status": a.status,
            "status_label": labels.APPROVAL_STATUS.get(a.status, a.status), "fields": fields,
            "content": {"title": run.content.get("title", ""), "body": run.content.get("body", ""),
                        "topics": " ".join(run.content.get("topics", []))},
            "screenshot": artifact_url(shot.id if shot else None),
            "thumb": artifact_url(shot.thumb_id if shot else None),
            "reason": a.reason, "created_at": labels.local_time(a.created_at, tz)}


def schedule_view(s: Session, sc: Schedule, tz: str) -> dict:
    account = s.get(Account, sc.account_id)
    return {"id": sc.id, "cron": sc.cron, "title": sc.content.get("title", ""), "account": account.name,
            "site_label": labels.site_label(account.site), "enabled": sc.enabled,
            "next_at": labels.local_time(sc.next_at, tz)}
