"""The JSON shapes the phone reads. Never includes a secret: sessions stay in the vault."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

import compliance
from api import labels
from compliance import overrides
from core import declaration
from core.content import Post
from core.models import Account, Approval, Artifact, Employee, LedgerEntry, Run, Schedule, Workspace
from health.models import EXPIRED, UNKNOWN, VALID, SessionHealth
from core.accounts import last_check, live_accounts
from core.undo import CANCELLABLE, RETRYABLE
from sites import SITES
from employees import EMPLOYEES, MODE_LABELS
from employees.roster import unavailable_notice
from employees.tasking import LISTING_PAGE, findings, not_confirmable
from planning import provenance, recurrence
from planning.models import TaskPlan
from planning.plan import Plan, PlannedRun
from employees.settings import settings_of
from errands.models import Skill
from errands.skills import described
from rpa.handoff import Waiting, pending_step
from rpa.screenshots import FAILED_STEP, SUBMITTED_STEP
from sites.taobao.warnings import WARNING_KINDS


def artifact_url(artifact_id: str | None) -> str | None:
    return f"/api/artifacts/{artifact_id}" if artifact_id else None


def account_view(s: Session, a: Account) -> dict:
    step = pending_step(s, Waiting(account_id=a.id)) if a.status == "logging_in" else None
    step = step if step and step.kind == "code" else None
    by_password = getattr(SITES.get(a.site), "login_kind", "qr") == "password"
    status_label = labels.ACCOUNT_STATUS.get(a.status, a.status)
    if by_password and a.status == "logging_in":
        status_label = "正在网站上核对账号密码"
    check = last_check(s, a.id) if a.status == "needs_login" else None
    session_label, expired_note = _session(s, a, by_password)
    return {"id": a.id, "site": a.site, "site_label": labels.site_label(a.site), "name": a.name,
            "status": a.status, "status_label": status_label, "by_password": by_password,
            "login_qr": a.login_qr if a.status != "active" and not step else None,
            "code_prompt": step.prompt if step else None, "session_label": session_label,
            "login_note": expired_note or ((check.detail or {}).get("reason")
                                           if check and check.action != "account.login_ok" else None)}


def _session(s: Session, a: Account, by_password: bool) -> tuple[str | None, str | None]:
    """What the session checker (``health``) found: the words next to a logged-in account's status, and the
    note on an account it found logged out. A login since the last check outdates the check."""
    health = s.get(SessionHealth, a.id)
    if health is None or health.checked_at is None:
        return None, None
    tz = s.get(Workspace, a.workspace_id).timezone
    newer = a.logged_in_at is None or health.checked_at >= a.logged_in_at
    if a.status == "needs_login" and health.state == EXPIRED and newer:
        how = "重新登录" if by_password else "重新扫码登录"
        return None, (f"{labels.local_time(health.expired_at, tz)}检查发现{labels.site_label(a.site)}已退出登录"
                      f"（登录已失效），请{how}")
    if a.status != "active" or not newer:
        return None, None
    if health.state == VALID:
        return f"{labels.SESSION_STATE[VALID]}（{labels.local_time(health.valid_at, tz)}检查）", None
    if health.state == UNKNOWN:
        return f"{labels.SESSION_STATE[UNKNOWN]}：上次检查时网站没有打开，稍后会自动再查", None
    return None, None


def employee_view(e: Employee) -> dict:
    role = EMPLOYEES.get(e.role)
    prefs = settings_of(role, e.settings)
    notice = unavailable_notice(role)
    return {"id": e.id, "role": e.role, "name": e.name, "mode": e.mode, "mode_label": MODE_LABELS.get(e.mode),
            "description": role.description if role else "", "sites": list(role.sites) if role else [],
            "site_labels": [labels.ROLE_SITES.get(site) or labels.site_label(site) for site in (role.sites if role else ())],
            "settings": prefs.model_dump(), "banned_text": " ".join(prefs.banned_words),
            "warning_kinds": [{"kind": k, "label": label, "allowed": k in prefs.allowed_warnings}
                              for k, (label, _) in WARNING_KINDS.items()] if "taobao" in getattr(role, "sites", ()) else [],
            "allowed_text": " ".join(prefs.allowed_contacts),
            "can_take_tasks": not notice, "notice": notice}


FAILED = ("failed", "rejected")
"""Statuses whose reason is a failure (shown in red); any other status's reason is a note."""


def run_view(s: Session, r: Run, tz: str) -> dict:
    account = s.get(Account, r.account_id)
    thumb = (s.query(Artifact).filter_by(run_id=r.id, kind="thumbnail").order_by(Artifact.created_at.desc())
             .first())
    return {"id": r.id, "graph": r.graph, "site": r.site, "site_label": labels.site_label(r.site),
            "account": account.name,
            "mode": r.mode, "mode_label": MODE_LABELS.get(r.mode), "status": r.status,
            "status_label": labels.run_status(r.graph, r.status), "reason": r.reason,
            "reason_class": "reason" if r.status in FAILED else "note",
            "external_id": r.external_id, "external_id_label": labels.result_id(r.site), "title": _title(r),
            "period": labels.period_label(r.content.get("period", "")),
            "timing": labels.TIMING.get(r.content.get("timing", {}).get("mode", "now")),
            "created_at": labels.local_time(r.created_at, tz), "not_before": labels.local_time(r.not_before, tz),
            "thumb": artifact_url(thumb.id if thumb else None), "code_prompt": _code_prompt(s, r),
            "compliance_override": _override_view(r.content.get("compliance_override"), tz),
            "account_id": r.account_id, "can_cancel": r.status in CANCELLABLE, "can_retry": r.status in RETRYABLE,
            "edit_url": _edit_url(r), "edit_confirm": MAYBE_SENT_CONFIRM if _maybe_sent(s, r) else None}


MAYBE_SENT_CONFIRM = "这条任务可能已经提交到网站了。请先到网站上查看，确认没有发出去再改好再发，否则会重复发布。继续吗？"


def _maybe_sent(s: Session, r: Run) -> bool:
    """A failed run that had pressed, or was about to, when it stopped: its ledger holds an intent no read of
    the site settled. 重试 is safe (it reads the site before any press); a new run from 「改好再发」 is not."""
    return r.status == "failed" and s.query(LedgerEntry.key).filter_by(run_id=r.id, status="intent").first() is not None


def _override_view(override: dict | None, tz: str) -> dict | None:
    """The owner's override of compliance findings, as the run page shows it (local time, the words)."""
    if not override:
        return None
    return {"reason": override["reason"], "by": override["by"],
            "at": labels.local_time(datetime.fromisoformat(override["at"]), tz),
            "words": "、".join(f"「{text}」" for _rule, _field, text in override["findings"])}


def run_shots(s: Session, r: Run) -> dict:
    """The run's record for its page: the form as it was sent (after the owner's edits) and the page it
    failed on, each the latest of its kind (None when there is none)."""
    def latest(step: str) -> str | None:
        shot = (s.query(Artifact).filter_by(run_id=r.id, kind="screenshot", step=step)
                .order_by(Artifact.created_at.desc()).first())
        return artifact_url(shot.id if shot else None)
    return {"submitted": latest(SUBMITTED_STEP), "failed": latest(FAILED_STEP) if r.status == "failed" else None}


def _edit_url(r: Run) -> str | None:
    """「改好再发」: the run's form again, filled in from it (a rejected or failed post or listing)."""
    if r.status not in ("failed", "rejected", "cancelled"):
        return None
    return {"publish": f"/compose?from={r.id}", "listing": f"/listings/new?from={r.id}"}.get(r.graph)


def _title(r: Run) -> str:
    if r.graph == "tax_filing":
        what = "经营所得个税预缴申报" if r.content.get("form") == "pit_business" else "增值税申报"
        return f"{labels.period_label(r.content.get('period', ''))}{what}"
    if r.graph == "agent":
        return r.content.get("goal", "")
    return r.content.get("title", "")


def _code_prompt(s: Session, r: Run) -> str | None:
    step = pending_step(s, Waiting(run_id=r.id)) if r.status == "awaiting_code" else None
    return step.prompt if step else None


def approval_view(s: Session, a: Approval, tz: str) -> dict:
    shot = s.get(Artifact, a.screenshot_id) if a.screenshot_id else None
    run = s.get(Run, a.run_id)
    raw = a.fields or {}
    kind = raw.get("kind")  # a tax return's table or a payment: shown as such, not as field/value pairs
    fields = [] if kind else [{"key": k, "label": labels.field_label(run.graph, k), "value": labels.field_value(k, v)}
                              for k, v in raw.items() if k != "site_warning"]  # a listing's warning: shown above
    return {"id": a.id, "run": run_view(s, run, tz), "status": a.status, "graph": run.graph, "kind": kind,
            "tax": raw if kind else None, "site_warning": raw.get("site_warning"),
            "status_label": labels.APPROVAL_STATUS.get(a.status, a.status), "fields": fields,
            "content": {"title": run.content.get("title", ""), "body": run.content.get("body", ""),
                        "topics": " ".join(run.content.get("topics", []))},
            "screenshot": artifact_url(shot.id if shot else None),
            "thumb": artifact_url(shot.thumb_id if shot else None),
            "reason": a.reason, "created_at": labels.local_time(a.created_at, tz),
            "findings": content_findings(s, run) if run.graph == "publish" else [],
            "from_documents": run.content.get("from_documents", []),
            "declaration": declaration.card_text(Post.model_validate(run.content)) if run.graph == "publish" else None}


def content_findings(s: Session, run: Run) -> list[dict]:
    """Compliance findings of the content as it stands, with the employee's own banned words. Runs are
    queued only without blocking findings or with the owner's override of them, so these are warnings and
    the findings she confirmed, with her reason (older runs were never checked)."""
    employee = s.get(Employee, run.employee_id)
    prefs = settings_of(EMPLOYEES.get(employee.role) if employee else None, employee.settings if employee else {})
    c = run.content
    found = compliance.check(compliance.Draft(title=c.get("title", ""), body=c.get("body", ""),
                                              topics=tuple(c.get("topics", []))), None, prefs.banned_words,
                             prefs.allowed_contacts)
    override = c.get("compliance_override")
    return [{**f.to_dict(), "field_label": labels.FIELD.get(f.field, f.field),
             "severity_label": overrides.severity_label(f, override),
             "override_reason": override["reason"] if overrides.covers(override, f) else None} for f in found]


def schedule_view(s: Session, sc: Schedule, tz: str) -> dict:
    """A schedule as the owner reads it: its rule in Chinese; a stopped one has no next time."""
    account = s.get(Account, sc.account_id)
    return {"id": sc.id, "cron": sc.cron, "rule_label": recurrence.describe(sc.cron),
            "title": sc.content.get("title") or _skill_title(s, sc), "account": account.name,
            "site_label": labels.site_label(account.site), "enabled": sc.enabled,
            "next_at": labels.local_time(sc.next_at, tz) if sc.enabled else None}


def _skill_title(s: Session, sc: Schedule) -> str:
    """A repeated 技能 (``errands.skills.repeat``) as the list names it: 技能「改价」（价格=19.9）."""
    skill = s.get(Skill, sc.content.get("skill_id") or "")
    return described(skill, sc.content.get("values") or {}) if skill else ""


def task_view(s: Session, task: TaskPlan, tz: str) -> dict:
    """A plan as the owner reviews it: each run's site, account, time, draft, cited passages and findings."""
    employee = s.get(Employee, task.employee_id)
    prefs = settings_of(EMPLOYEES.get(employee.role), employee.settings)
    plan = Plan.model_validate(task.plan)
    accounts = live_accounts(s, task.workspace_id).all()
    return {"id": task.id, "status": task.status, "status_label": labels.TASK_STATUS.get(task.status, task.status),
            "request": task.request, "employee": {"id": employee.id, "name": employee.name},
            "author": plan.author, "usage": plan.usage.model_dump() if plan.usage else None,
            "unknown": plan.unknown, "notes": plan.notes, "run_ids": task.run_ids,
            "created_at": labels.local_time(task.created_at, tz),
            "runs": [planned_run_view(run, i, task.passages, prefs, accounts, tz) for i, run in enumerate(plan.runs)],
            "confirmable": all(not not_confirmable(run) for run in plan.runs), "listing_page": LISTING_PAGE,
            "books": _books_link(task, employee, tz), "butler": (task.plan or {}).get("butler")}


def _books_link(task: TaskPlan, employee: Employee, tz: str) -> dict | None:
    """For book-keeping asked of the finance assistant (``books.asks``): the page where it is done."""
    from books.asks import book_ask

    if "tax_filing" not in EMPLOYEES.get(employee.role).workflows:
        return None
    ask = book_ask(task.request, task.created_at.astimezone(ZoneInfo(tz)).date())
    return {"href": ask.href, "label": ask.label} if ask else None


def planned_run_view(run: PlannedRun, i: int, passages: dict, prefs, accounts: list[Account],
                     tz: str) -> dict:
    found = findings(run, prefs.banned_words, prefs.allowed_contacts)
    choices = [{"id": a.id, "name": a.name} for a in accounts if a.site == run.site]
    account = next((a for a in choices if a["id"] == run.account_id), None)
    return {"index": i, "kind": run.kind, "site": run.site, "site_label": labels.site_label(run.site),
            "account_id": account["id"] if account else None, "account": account["name"] if account else None,
            "accounts": choices, "at": run.at.isoformat() if run.at else None, "at_label": labels.plan_time(run.at, tz),
            "time_text": run.time_text, "title": run.content.title, "body": run.content.body,
            "period": run.content.period, "form": run.content.form,
            "topics": run.content.topics, "topics_text": " ".join(run.content.topics), "author": run.content.author,
            "citations": [{"doc_name": c.doc_name, "chunk_id": c.chunk_id,
                           "text": passages.get(c.chunk_id, {}).get("text", "")} for c in run.citations],
            "findings": [{**f.to_dict(), "field_label": labels.FIELD.get(f.field, f.field),
                          "severity_label": overrides.severity_label(f)} for f in found],
            "blocking": compliance.has_blocking(found), "later": not_confirmable(run),
            "needs_reason": any(f.severity == "blocking" and f.overridable for f in found),
            "from_documents": quoted_in(run, passages), "skill_name": run.content.skill_name,
            "values": run.content.values, "errand": run.content.errand}


def quoted_in(run: PlannedRun, passages: dict) -> list[dict]:
    """The draft's sentences that are the documents' words (``planning.provenance``), marked for the owner."""
    return provenance.quoted({"title": run.content.title, "body": run.content.body},
                             [(p.get("doc_name", ""), p.get("text", "")) for p in passages.values()])
