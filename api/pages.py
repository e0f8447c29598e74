"""The phone's pages (zh-CN, 390 px wide first). GET only: every change goes through the JSON API
with the page's CSRF token, so a page view never changes state."""
from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from api import auth, labels, resend
from api.deps import DbDep, KeyDep, SettingsDep, UserDep, WorkspaceDep
from api.board_views import board_view
from api.scoped import approvals_with_status, owned, owned_approval
from api.routes.knowledge import docs_view
from api.routes.tasks import owned_task
from books.reminders import tax_reminder
from core.accounts import DELETED, default_account, live_accounts
from core.approvals import ONE_BY_ONE, ONE_BY_ONE_NOTE
from api.views import (account_view, approval_view, employee_view, run_shots, run_view, schedule_view,
                       task_view)
from core.models import Account, Approval, Employee, Run, Schedule, utcnow
from core.inbox import REPLY_GRAPH
from core.runs import background_runs, work_runs
from employees import MODE_LABELS
from employees.roster import ensure_roster
from employees.settings import TONES, budget_fields
from errands.task import ERRAND_SITES
from errands.views import errand_view, skills_view
from planning.models import TaskPlan
from sites import SITES

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
STATIC = Path(__file__).parent / "static"


@cache
def asset(name: str) -> str:
    """A static file's URL with its content's hash: a phone that cached last release's script must fetch the
    new one (an old app.js would skip a confirm the new pages rely on), and an unchanged file stays cached."""
    digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]
    return f"/static/{name}?v={digest}"


templates.env.globals["asset"] = asset


def _render(request: Request, name: str, key: bytes | None = None, **ctx) -> HTMLResponse:
    token = request.cookies.get(auth.COOKIE)
    csrf = auth.csrf_token(key, token) if key and token else ""
    return templates.TemplateResponse(request, name, {"csrf": csrf, "path": request.url.path,
                                                      "upload_limits": upload_limits(), **ctx})


@cache
def upload_limits() -> dict[str, int]:
    """The largest file each upload field takes, for the page to check before sending: the field's name
    (``images``), or the form's API and the name where one name means different files (``/api/knowledge file``).
    A post's images go to every chosen site, so the strictest site's limit is the one checked."""
    # imported here: those routers import this module
    from api.compose import MAX_UPLOAD_BYTES, VIDEO_MAX_BYTES
    from api.routes.books import MAX_SHEET_BYTES
    from books.invoices.limits import MAX_BYTES as INVOICE_MAX_BYTES
    from api.routes.listings import SHEET_MAX_BYTES
    from knowledge.extract import MAX_BYTES as DOC_MAX_BYTES

    posting = [SITES[k].limits for k in SITES if "publish" in SITES[k].workflows]
    image = min([MAX_UPLOAD_BYTES, *(getattr(lim, "image_max_bytes", MAX_UPLOAD_BYTES) for lim in posting)])
    video = min([VIDEO_MAX_BYTES, *(getattr(lim, "video_max_bytes", VIDEO_MAX_BYTES) for lim in posting)])
    product_image = min(MAX_UPLOAD_BYTES, SITES["taobao"].limits.image_max_bytes)
    return {"images": image, "cover": image, "video": video, "main_images": product_image,
            "desc_images": product_image, "/api/listings/import images": product_image,
            "/api/listings/import file": SHEET_MAX_BYTES, "/api/books/import file": MAX_SHEET_BYTES,
            "/api/knowledge file": DOC_MAX_BYTES, "/api/books/invoices file": INVOICE_MAX_BYTES,
            "attachment": INVOICE_MAX_BYTES}


@router.get("/login")
def login_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    # The demo's one owner is called owner; on a real deployment each owner has her own name to type.
    return _render(request, "login.html", username="owner" if settings.sandbox else "")


@router.get("/")
def home(request: Request, user: UserDep, ws: WorkspaceDep, s: DbDep, key: KeyDep,
         days: Annotated[str, Query(max_length=8)] = "7",
         metric: Annotated[str | None, Query(max_length=32)] = None) -> HTMLResponse:
    """The 数据看板 under the approvals waiting; ``days`` 7 or 30 (anything else: 7), ``metric`` the number the
    charts are by (one the account does not show: its first)."""
    pending = approvals_with_status(s, ws.id)
    runs = work_runs(s, ws.id).order_by(Run.created_at.desc()).limit(5)
    accounts = live_accounts(s, ws.id)
    return _render(request, "home.html", key, workspace=ws, user=user,
                   approvals=[approval_view(s, a, ws.timezone) for a in pending.limit(3)],
                   pending_count=pending.count(), runs=[run_view(s, r, ws.timezone) for r in runs],
                   accounts=[account_view(s, a) for a in accounts], tax=tax_reminder(s, ws),
                   board=board_view(s, ws, 30 if days == "30" else 7, metric, utcnow()))


@router.get("/approvals")
def approvals_page(request: Request, user: UserDep, ws: WorkspaceDep, s: DbDep, key: KeyDep) -> HTMLResponse:
    rows = approvals_with_status(s, ws.id)
    return _render(request, "approvals.html", key, approvals=[approval_view(s, a, ws.timezone) for a in rows],
                   one_by_one=sorted(ONE_BY_ONE), one_by_one_note=ONE_BY_ONE_NOTE)


@router.get("/approvals/{approval_id}")
def approval_page(approval_id: str, request: Request, user: UserDep, ws: WorkspaceDep, s: DbDep,
                  key: KeyDep) -> Response:
    a = owned_approval(s, approval_id, ws.id)
    run = s.get(Run, a.run_id)
    if run.graph == REPLY_GRAPH:  # one place to act on a reply: its conversation, with the thread and the edit
        return RedirectResponse(f"/inbox/{run.content['conversation_id']}", status_code=303)
    return _render(request, "approval.html", key, a=approval_view(s, a, ws.timezone))


@router.get("/compose")
def compose_page(request: Request, user: UserDep, ws: WorkspaceDep, s: DbDep, key: KeyDep, settings: SettingsDep,
                 from_run: Annotated[str | None, Query(alias="from", max_length=32)] = None) -> HTMLResponse:
    """The new-note form; ``?from=<run>`` (「改好再发」) fills it from a failed, rejected or cancelled run."""
    accounts = [account_view(s, a) for a in live_accounts(s, ws.id)]
    draft = resend.note_draft(settings, resend.source_run(s, from_run, ws.id, "publish")) if from_run else None
    chosen = default_account(accounts)
    if draft and any(a["id"] == draft["account_id"] and a["status"] == "active" for a in accounts):
        chosen = draft["account_id"]  # the account the note was for, unless it is logged out now
    employees = s.query(Employee).filter_by(workspace_id=ws.id)
    return _render(request, "compose.html", key, accounts=accounts, default_account=chosen, draft=draft,
                   employees=[employee_view(e) for e in employees], modes=MODE_LABELS,
                   timezone=labels.zone_label(ws.timezone))


@router.get("/runs")
def runs_page(request: Request, user: UserDep, ws: WorkspaceDep, s: DbDep, key: KeyDep,
              kind: Annotated[Literal["work", "background"], Query()] = "work") -> HTMLResponse:
    """Her employees' work; ``?kind=background``: background reads (inbox sweeps, nightly collections) (kept for the audit)."""
    runs = (background_runs if kind == "background" else work_runs)(s, ws.id)
    runs = runs.order_by(Run.created_at.desc()).limit(100)
    return _render(request, "runs.html", key, runs=[run_view(s, r, ws.timezone) for r in runs], kind=kind)


@router.get("/runs/{run_id}")
def run_page(run_id: str, request: Request, user: UserDep, ws: WorkspaceDep, s: DbDep, key: KeyDep) -> HTMLResponse:
    run = owned(s, Run, run_id, ws.id)
    approval = s.query(Approval).filter_by(run_id=run.id).order_by(Approval.created_at.desc()).first()
    return _render(request, "run.html", key, run=run_view(s, run, ws.timezone), content=run.content,
                   shots=run_shots(s, run), errand=errand_view(s, run, ws.timezone) if run.graph == "agent" else None,
                   approval=approval_view(s, approval, ws.timezone) if approval else None)


@router.get("/accounts")
def accounts_page(request: Request, user: UserDep, ws: WorkspaceDep, s: DbDep, key: KeyDep) -> HTMLResponse:
    return _render(request, "accounts.html", key, accounts=[account_view(s, a) for a in live_accounts(s, ws.id)],
                   sites=[(k, v.label) for k, v in SITES.items()])


@router.get("/accounts/{account_id}")
def account_page(account_id: str, request: Request, user: UserDep, ws: WorkspaceDep, s: DbDep, key: KeyDep,
                 settings: SettingsDep) -> HTMLResponse:
    a = owned(s, Account, account_id, ws.id)
    if a.status == DELETED:
        raise HTTPException(404, "这个账号已删除")
    return _render(request, "account.html", key, a=account_view(s, a), sandbox=settings.sandbox)


@router.get("/errands/new")
def errand_page(request: Request, user: UserDep, ws: WorkspaceDep, s: DbDep, key: KeyDep, account_id: str = "") -> HTMLResponse:
    """让员工去做: the owner's words for one of her accounts (the one she came from preselected), the employee's
    plan, her confirmation."""
    if account_id:
        owned(s, Account, account_id, ws.id)
    accounts = [account_view(s, a) for a in live_accounts(s, ws.id) if a.site in ERRAND_SITES]
    employees = s.query(Employee).filter_by(workspace_id=ws.id).order_by(Employee.name).all()
    return _render(request, "errand.html", key, accounts=accounts, chosen=account_id, employees=employees,
                   skills=skills_view(s, ws.id), timezone=labels.zone_label(ws.timezone))


@router.get("/schedules")
def schedules_page(request: Request, user: UserDep, ws: WorkspaceDep, s: DbDep, key: KeyDep) -> HTMLResponse:
    rows = s.query(Schedule).filter_by(workspace_id=ws.id).order_by(Schedule.created_at)
    accounts = live_accounts(s, ws.id)
    employees = s.query(Employee).filter_by(workspace_id=ws.id)
    return _render(request, "schedules.html", key, schedules=[schedule_view(s, sc, ws.timezone) for sc in rows],
                   accounts=[account_view(s, a) for a in accounts], employees=[employee_view(e) for e in employees],
                   timezone=labels.zone_label(ws.timezone))


@router.get("/employees")
def employees_page(request: Request, user: UserDep, ws: WorkspaceDep, s: DbDep, key: KeyDep) -> HTMLResponse:
    employees = ensure_roster(s, ws.id)
    s.commit()
    return _render(request, "employees.html", key, employees=[employee_view(e) for e in employees],
                   modes=MODE_LABELS, tones=TONES, budgets=budget_fields(), skills=skills_view(s, ws.id))


@router.get("/knowledge")
def knowledge_page(request: Request, user: UserDep, ws: WorkspaceDep, s: DbDep, key: KeyDep) -> HTMLResponse:
    return _render(request, "knowledge.html", key, docs=docs_view(s, ws.id, ws.timezone))


@router.get("/tasks")
def tasks_page(request: Request, user: UserDep, ws: WorkspaceDep, s: DbDep, key: KeyDep) -> HTMLResponse:
    employees = ensure_roster(s, ws.id)
    s.commit()
    recent = s.query(TaskPlan).filter_by(workspace_id=ws.id).order_by(TaskPlan.created_at.desc()).limit(20)
    return _render(request, "tasks.html", key, employees=[employee_view(e) for e in employees],
                   tasks=[task_view(s, t, ws.timezone) for t in recent], skills=skills_view(s, ws.id))


@router.get("/tasks/{task_id}")
def task_page(task_id: str, request: Request, user: UserDep, ws: WorkspaceDep, s: DbDep, key: KeyDep) -> HTMLResponse:
    task = owned_task(s, task_id, ws.id)
    runs = [run_view(s, r, ws.timezone) for r in (s.get(Run, i) for i in task.run_ids) if r is not None]
    return _render(request, "task.html", key, t=task_view(s, task, ws.timezone), runs=runs)
