"""Tasks in plain Chinese: the employee proposes a plan, the owner edits and confirms it, and only then
are runs created, through the same path as a written note (``core.runs.create_run`` + enqueue).

    POST  /api/tasks                      {employee_id, text} -> a pending plan (nothing queued)
    GET   /api/tasks, /api/tasks/{id}     the plans / one plan with drafts, citations and findings
    PATCH /api/tasks/{id}/runs/{i}        edit a draft, its account or time (re-checked on reading)
    POST  /api/tasks/{id}/confirm         multipart: images_{i} (and account_{i}) per run; all or nothing

A 需确认 compliance finding (第一, 唯一, a contact detail, a sentence written to an AI …) refuses the
confirmation unless the form carries ``override_reason`` (仍要发布的理由, ≤ 200 characters), exactly as on
the compose page: the reason is then recorded on each run (``content.compliance_override``) with an audit
row ``compliance.overridden``. 违规 findings refuse it whatever the reason.

A listing run (销售助理's ``list_product``) also takes the facts its sentence did not give, per run:
``category_{i}``, ``brand_{i}``, ``model_{i}``, ``price_{i}``, ``stock_{i}``; its images are the main
images. It becomes ``core.runs.create_listing_run`` with the draft's title, at the plan's time.

A filing run (财务助手's ``file_tax``) takes no images: it becomes ``core.runs.create_filing_run`` for the
plan's quarter and return on the workspace's tax-bureau account (``individual_business_{i}`` for an A表:
``true`` 个体工商户, ``false`` 个人独资企业/合伙企业); the return waits for the owner's approval before it is
submitted, like one started from the finance page.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field

from api import compose
from api.deps import DbDep, OwnerDep, SettingsDep, UserDep, WorkspaceDep
from api.errors import FieldErrors, field_error
from api.scoped import owned
from api.views import quoted_in, run_view, task_view
from butler import tasking as butler_tasking
from butler.wording import WordingError
from compliance import overrides
from core.errors import ValidationFailed
from core.models import Account, Employee, Run, Workspace, utcnow
from core import fairshare
from core.runs import audit, create_filing_run, create_listing_run, create_run, validate_product
from core.storage import Storage
from employees import EMPLOYEES
from employees.roster import unavailable_notice
from employees.settings import settings_of
from employees.tasking import (ListingFacts, findings, listing_not_before, not_confirmable, plan_task, post_for,
                               product_for)
from llm.client import LLM
from planning.models import TaskPlan
from planning.plan import ONE_OFF, SITE_LABELS, Plan, PlannedRun
from errands.planned import confirmed_run

router = APIRouter(prefix="/api/tasks", tags=["tasks"])
MAX_FORM_FILES = 100
LISTING_FACTS = {"category_keyword": "category", "brand": "brand", "model": "model", "price": "price",
                 "stock": "stock"}
"""ListingFacts field -> the form field's prefix (``category_0`` …)."""


@dataclass
class Target:
    """One planned run with what the confirmation form gave it, read before anything is written."""

    run: PlannedRun
    account: Account | None
    images: list
    facts: ListingFacts | None = None
    individual_business: bool = True
    """A表 only: 个体工商户 (the halving applies) rather than 个人独资企业 / partnership."""
    values: dict[str, str] | None = None
    """A skill only: its parameters as confirmed (``value_{i}_{参数}``, else as read from her sentence)."""


@dataclass
class Checked:
    """A run ready to be created: its account, the post or product, and the compliance warnings."""

    run: PlannedRun
    account: Account
    payload: object
    warnings: list[dict]


class NewTask(BaseModel):
    employee_id: str
    text: str = Field(min_length=2, max_length=500)


class RunEdit(BaseModel):
    title: str | None = Field(default=None, max_length=500)
    body: str | None = Field(default=None, max_length=5000)
    topics: list[str] | str | None = None
    account_id: str | None = None
    at: str | None = None
    """Local time ``YYYY-MM-DDTHH:MM`` in the workspace zone; "" means right after confirming."""


def owned_task(s, task_id: str, workspace_id: str) -> TaskPlan:
    task = s.get(TaskPlan, task_id)
    if task is None or task.workspace_id != workspace_id:
        raise HTTPException(404, "没有这个任务计划")
    return task


def _pending(task: TaskPlan) -> None:
    if task.status != "pending":
        raise FieldErrors([field_error("status", "待确认", "这个计划已经确认过了，不能再修改或确认")], status=409)


@router.post("", status_code=201)
def create(body: NewTask, owner: OwnerDep, ws: WorkspaceDep, s: DbDep, settings: SettingsDep) -> dict:
    employee = owned(s, Employee, body.employee_id, ws.id)
    if employee.role == "operations":  # 运营管家: a reminder or the brief's time, not runs on sites
        return _butler_plan(s, ws, employee, body.text.strip(), owner.username, LLM.from_settings(settings))
    plan, passages = plan_task(s, settings, ws, employee, body.text.strip())  # TaskRefused: a 422
    task = TaskPlan(workspace_id=ws.id, employee_id=employee.id, request=plan.request,
                    plan=plan.model_dump(mode="json"), passages=passages)
    s.add(task)
    s.flush()
    audit(s, ws.id, owner.username, "task.planned", task.id, {"employee": employee.role, "runs": len(plan.runs)})
    s.commit()
    return task_view(s, task, ws.timezone)


def _butler_plan(s, ws: Workspace, employee: Employee, text: str, actor: str, llm: LLM | None) -> dict:
    try:
        planned = butler_tasking.plan(text, datetime.now(ZoneInfo(ws.timezone)), llm)
    except WordingError as e:
        raise FieldErrors([field_error("text", "提醒的时间和事情", str(e))]) from None
    plan = Plan(request=text, author="运营管家（规则）")
    task = TaskPlan(workspace_id=ws.id, employee_id=employee.id, request=text,
                    plan={**plan.model_dump(mode="json"), "butler": planned}, passages={})
    s.add(task)
    s.flush()
    audit(s, ws.id, actor, "task.planned", task.id, {"employee": employee.role, "butler": planned["kind"]})
    s.commit()
    return task_view(s, task, ws.timezone)


def _butler_confirm(s, ws: Workspace, task: TaskPlan, actor: str) -> dict:
    employee = s.get(Employee, task.employee_id)
    try:
        done = butler_tasking.confirm(s, ws, employee, task.plan["butler"], actor, utcnow())
    except WordingError as e:
        raise FieldErrors([field_error("text", "以后的时间", str(e))]) from None
    _mark_confirmed(s, task, [])
    audit(s, ws.id, actor, "task.confirmed", task.id, {"butler": task.plan["butler"]["kind"]})
    s.commit()
    return {**task_view(s, task, ws.timezone), "created": [], "done": done}


@router.get("")
def list_tasks(user: UserDep, ws: WorkspaceDep, s: DbDep) -> dict:
    rows = s.query(TaskPlan).filter_by(workspace_id=ws.id).order_by(TaskPlan.created_at.desc()).limit(50)
    return {"tasks": [task_view(s, t, ws.timezone) for t in rows]}


@router.get("/{task_id}")
def get_task(task_id: str, user: UserDep, ws: WorkspaceDep, s: DbDep) -> dict:
    return task_view(s, owned_task(s, task_id, ws.id), ws.timezone)


@router.patch("/{task_id}/runs/{index}")
def edit_run(task_id: str, index: int, body: RunEdit, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    task = owned_task(s, task_id, ws.id)
    _pending(task)
    plan = Plan.model_validate(task.plan)
    if not 0 <= index < len(plan.runs):
        raise HTTPException(404, "计划里没有这一项")
    if plan.runs[index].kind == "file_tax":
        raise FieldErrors([field_error("kind", "发布或上架", "报税这一项没有草稿可改：申报表按账本填写，提交前会请你审批")])
    plan.runs[index] = _edited(s, ws, plan.runs[index], body)
    task.plan = plan.model_dump(mode="json")  # a new dict: the JSON column sees the change
    audit(s, ws.id, owner.username, "task.edited", task.id, {"run": index})
    s.commit()
    return task_view(s, task, ws.timezone)


def _edited(s, ws: Workspace, run: PlannedRun, body: RunEdit) -> PlannedRun:
    content = run.content.model_copy(update={k: v.strip() if k == "title" else v
                                             for k, v in (("title", body.title), ("body", body.body)) if v is not None})
    if body.topics is not None:
        raw = body.topics if isinstance(body.topics, str) else " ".join(body.topics)
        content = content.model_copy(update={"topics": compose.parse_topics(raw)})
    update: dict = {"content": content}
    if body.account_id is not None:
        update["account_id"] = _account(s, ws.id, run, body.account_id, "account_id").id
    if body.at is not None:
        update["at"] = _local_time(body.at, ws.timezone) if body.at else None
    return run.model_copy(update=update)


def _account(s, workspace_id: str, run: PlannedRun, account_id: str, field: str) -> Account:
    account = s.get(Account, account_id) if account_id else None
    if account is None or account.workspace_id != workspace_id or account.site != run.site:
        raise FieldErrors([field_error(field, f"本工作区的{SITE_LABELS[run.site]}账号",
                                       f"请选择一个{SITE_LABELS[run.site]}账号")])
    return account


def _local_time(value: str, tz: str) -> datetime:
    try:
        return datetime.fromisoformat(value).replace(tzinfo=ZoneInfo(tz))
    except ValueError:
        raise FieldErrors([field_error("at", "YYYY-MM-DD HH:MM", "时间格式不对")]) from None


@router.post("/{task_id}/confirm", status_code=201)
async def confirm(task_id: str, request: Request, owner: OwnerDep, ws: WorkspaceDep, s: DbDep,
                  settings: SettingsDep) -> dict:
    """Create every run of the plan or none: each is checked like a written note (limits + compliance)."""
    task = owned_task(s, task_id, ws.id)
    _pending(task)
    if "butler" in (task.plan or {}):
        return _butler_confirm(s, ws, task, owner.username)
    employee = s.get(Employee, task.employee_id)
    role = EMPLOYEES.get(employee.role)
    if unavailable_notice(role):
        raise FieldErrors([field_error("employee_id", "可接任务的员工", f"{employee.name}：{unavailable_notice(role)}")])
    plan = Plan.model_validate(task.plan)
    if not plan.runs:
        raise FieldErrors([field_error("runs", "至少一项", "计划里没有可以执行的任务")])
    later = [field_error(f"runs.{i}.kind", "发布", f"第{i + 1}项（{SITE_LABELS[r.site]}）：{not_confirmable(r)}")
             for i, r in enumerate(plan.runs) if not_confirmable(r)]
    if later:
        raise FieldErrors(later)
    form = await request.form(max_files=MAX_FORM_FILES)
    targets = await _targets(s, ws.id, plan, form)
    prefs = settings_of(role, employee.settings)
    reason = str(form.get(overrides.REASON_FIELD) or "")
    folders: list = []
    try:
        checked = _checked(settings, targets, prefs, reason, folders)
        runs = [_create(s, employee, c, i, settings.storage) for i, c in enumerate(checked)]
        for run, c in zip(runs, checked):
            origin = {"id": task.id, "author": plan.author, "shared_by": len(runs),
                      "usage": plan.usage.model_dump() if plan.usage else None}
            if c.run.kind == "list_product":
                origin["description"] = c.run.content.body  # the drafted 描述, kept for the owner
            run.content = {**run.content, "compliance": c.warnings, "task": origin,
                           "from_documents": quoted_in(c.run, task.passages or {})}
            override = compose.override_record(c.warnings, reason, owner.username)
            if override:  # the owner confirmed 需确认 findings with a reason, as on the compose page
                run.content = {**run.content, "compliance_override": override}
                audit(s, ws.id, owner.username, "compliance.overridden", run.id,
                      {"reason": override["reason"], "findings": override["findings"]})
        _mark_confirmed(s, task, [r.id for r in runs])
        audit(s, ws.id, owner.username, "task.confirmed", task.id, {"runs": [r.id for r in runs]})
        s.commit()
    except BaseException:
        s.rollback()
        for folder in folders:
            compose.discard(folder)
        raise
    # scheduled runs are started by the scheduler at their time; queued ones beyond the workspace's share too
    fairshare.enqueue_new(settings, s, ws.id, [r.id for r in runs if r.status == "queued"])
    return {**task_view(s, task, ws.timezone), "created": [run_view(s, r, ws.timezone) for r in runs]}


async def _targets(s, workspace_id: str, plan: Plan, form) -> list[Target]:
    """Each run's account (chosen in the plan or in the form), images and, for a listing, the facts,
    all read before anything is written; every run's problems are reported together."""
    out, errors = [], []
    for i, run in enumerate(plan.runs):
        label = f"第{i + 1}项（{SITE_LABELS[run.site]}）"
        chosen = form.get(f"account_{i}") or run.account_id or ""
        if run.kind == "skill":
            chosen = run.account_id or ""  # a skill replays on the account it was recorded on
        try:
            account = _account(s, workspace_id, run, chosen, f"runs.{i}.account_id")
        except FieldErrors as e:
            errors += [{**err, "message": f"{label}：{err['message']}"} for err in e.errors]
            account = None
        if run.kind in ONE_OFF:  # nothing to attach: a skill's values, or an errand as proposed
            values = {k: str(form.get(f"value_{i}_{k}", v)) for k, v in run.content.values.items()}
            out.append(Target(run, account, [], values=values))
            continue
        if run.kind == "file_tax":  # nothing to attach: the figures come from the books
            out.append(Target(run, account, [], individual_business=form.get(f"individual_business_{i}") != "false"))
            continue
        listing = run.kind == "list_product"
        field = f"runs.{i}.main_images" if listing else f"runs.{i}.images"
        files = [f for f in form.getlist(f"images_{i}") if getattr(f, "filename", None)]
        try:
            images = await compose.read_images(files, field=field)
        except FieldErrors as e:
            errors += [{**err, "message": f"{label}：{err['message']}"} for err in e.errors]
            images = []
        if not files:
            what = "主图" if listing else "图片"
            errors.append(field_error(field, "至少1张", f"{label}：请上传{what}后再确认"))
        facts = ListingFacts(**{k: str(form.get(f"{prefix}_{i}") or "") for k, prefix in LISTING_FACTS.items()}) \
            if listing else None
        out.append(Target(run, account, images, facts))
    if errors:
        raise FieldErrors(errors)
    return out


def _checked(settings, targets: list[Target], prefs, reason: str, folders: list) -> list[Checked]:
    """Stage each run's images (folders are recorded for the caller to discard on failure) and check
    it like ``POST /api/runs`` or ``POST /api/listings`` would; returns every run or raises every error.
    ``reason`` is the owner's 仍要发布的理由: with it, 需确认 findings pass (and are recorded as overridden)."""
    banned, allowed = prefs.banned_words, prefs.allowed_contacts
    checked, errors = [], []
    for i, t in enumerate(targets):
        if t.run.kind == "file_tax":
            checked.append(Checked(t.run, t.account, t.individual_business, []))
            continue
        if t.run.kind in ONE_OFF:  # its values are checked when its run is made (``errands.planned``)
            checked.append(Checked(t.run, t.account, t.values, []))
            continue
        folder, paths = compose.stage(settings, t.images, t.account.workspace_id)
        folders.append(folder)
        try:
            if t.facts is None:
                post = post_for(t.run, paths)
                checked.append(Checked(t.run, t.account, post, compose.check_all([t.account], post, banned, reason,
                                                                                 allowed, settings.storage)))
            else:
                product = product_for(t.run, t.facts, paths)
                checked.append(Checked(t.run, t.account, product, _listing_checks(t, product, banned, reason,
                                                                                  settings.storage, allowed)))
        except FieldErrors as e:
            errors += [_for_run(err, i, t.run) for err in e.errors if err["field"] != overrides.REASON_FIELD]
            errors += [err for err in e.errors if err["field"] == overrides.REASON_FIELD and err not in errors]
    if errors:
        raise FieldErrors(errors)
    return checked


def _listing_checks(t: Target, product, banned: list[str], reason: str = "", storage: Storage | None = None,
                    allowed: list[str] = ()) -> list[dict]:
    """The shop's rules (``sites.taobao.limits``), the plan's time and the compliance of the drafted title
    and description; raises every problem at once, returns the warnings and the overridden findings."""
    errors = t.facts.errors(t.run)
    try:
        validate_product(t.account.site, product, storage=storage)
    except ValidationFailed as e:  # a field already refused as "not a number" is not also "missing"
        errors += [err for err in e.errors if err["field"] not in {x["field"] for x in errors}]
    if t.run.at is not None and t.run.at <= utcnow():
        errors.append(field_error("at", "> 现在", f"时间{t.run.at:%m月%d日 %H:%M}已经过了，请换个时间"))
    found = findings(t.run, banned, allowed)
    blocking = [f for f in found if f.severity == "blocking"]
    overriding = bool(reason.strip()) and len(reason) <= overrides.REASON_MAX
    errors += [compose.compliance_error(f) for f in blocking if not (f.overridable and overriding)]
    errors += overrides.reason_errors(reason, [f for f in blocking if f.overridable])
    if errors:
        raise FieldErrors(errors)
    return [{**f.to_dict(), "overridden": f.severity == "blocking"} for f in found]


def _create(s, employee: Employee, c: Checked, i: int, storage: Storage | None = None) -> Run:
    if c.run.kind in ONE_OFF:
        try:  # a bad value is named with its parameter, before anything is saved or queued
            return confirmed_run(s, c.account, employee, c.run, c.payload)
        except ValidationFailed as e:
            raise FieldErrors([_for_run(err, i, c.run) for err in e.errors]) from None
    if c.run.kind == "file_tax":
        try:  # a second live filing of the same quarter and return is refused here, with the page's words
            return create_filing_run(s, account=c.account, employee=employee, period=c.run.content.period,
                                     form=c.run.content.form, individual_business=c.payload)
        except ValidationFailed as e:
            raise FieldErrors([_for_run(err, i, c.run) for err in e.errors]) from None
    if c.run.kind == "list_product":
        return create_listing_run(s, account=c.account, employee=employee, product=c.payload,
                                  at=listing_not_before(c.run), storage=storage)
    return create_run(s, account=c.account, employee=employee, post=c.payload, storage=storage)


def _for_run(err: dict, i: int, run: PlannedRun) -> dict:
    return {**err, "field": f"runs.{i}.{err['field']}", "run": i,
            "message": f"第{i + 1}项（{SITE_LABELS[run.site]}）：{err['message']}"}


def _mark_confirmed(s, task: TaskPlan, run_ids: list[str]) -> None:
    """Compare-and-set: of two confirmations racing, one creates the runs and the other gets 409."""
    done = (s.query(TaskPlan).filter_by(id=task.id, status="pending")
            .update({"status": "confirmed", "run_ids": run_ids, "confirmed_at": utcnow()}, synchronize_session=False))
    if done != 1:
        raise FieldErrors([field_error("status", "待确认", "这个计划已经确认过了")], status=409)
    s.expire(task, ["status", "run_ids", "confirmed_at"])  # read back after the commit
