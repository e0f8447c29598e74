"""A task in plain Chinese, handed to one employee, becomes a checked plan (nothing is queued here).

    plan_task(s, settings, workspace, employee, text) -> (Plan, passages)

The employee's persona and settings shape the prompt; the workspace's knowledge passages for the
subject ground the drafts; runs the employee may not (or cannot yet) do are dropped with a sentence in
``Plan.unknown``. ``findings`` runs the compliance checker on a planned draft; ``post_for`` turns a
confirmed planned run into the same ``Post`` a written note becomes.
"""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

import compliance
from core.content import Post, Timing
from core.errors import ValidationFailed
from core.models import Account, Employee, Workspace
from core.settings import Settings
from employees import EMPLOYEES
from employees.base import Role
from employees.roster import available_workflows, unavailable_notice
from employees.settings import EmployeeSettings, settings_of
from knowledge.search import search
from llm.client import LLM
from planning import make_plan
from planning.llm_planner import persona_of
from planning.plan import KIND_LABELS, SITE_LABELS, Plan, PlannedRun
from planning.rules import understand
from planning.writer import fit

KIND_WORKFLOWS = {"publish": "publish", "list_product": "listing"}
"""Which workflow (``graphs.GRAPHS``) carries out each kind of planned run."""
CONFIRMABLE = {"publish"}
"""Kinds a plan can turn into runs. A listing needs category, price, stock and main images the sentence
does not give, so its draft (title, description) is shown and the owner lists it on the listing page."""
LISTING_PAGE = "/listings/new"
PASSAGES_K = 4
CHECKED_PLATFORMS = ("xiaohongshu", "douyin", "taobao")


class TaskRefused(ValidationFailed):
    """The employee cannot take this task (its workflow does not exist yet); answered as a field error."""

    def __init__(self, message: str):
        super().__init__([{"field": "employee_id", "limit": "可接任务的员工", "message": message}])


def persona(role: Role, prefs: EmployeeSettings) -> str:
    """The system prompt's persona: the role, its way of working, the owner's tone and banned words."""
    lines = [persona_of(role.name, role.description), role.persona, f"写作语气：{prefs.tone}。"]
    if prefs.banned_words:
        lines.append(f"老板规定不能出现这些词：{'、'.join(prefs.banned_words)}。")
    return "\n".join(line for line in lines if line)


def plan_task(s: Session, settings: Settings, workspace: Workspace, employee: Employee, text: str,
              now: datetime | None = None) -> tuple[Plan, dict[str, dict]]:
    """The employee's plan for ``text`` and the passages it was given (chunk id -> doc name, text)."""
    role = EMPLOYEES.get(employee.role)
    notice = unavailable_notice(role)
    if notice:
        raise TaskRefused(f"{employee.name}：{notice}")
    prefs = settings_of(role, employee.settings)
    now = now or datetime.now(ZoneInfo(workspace.timezone))
    intent = understand(text, now)
    asked, notes = text, []
    if not intent.sites and prefs.default_sites:
        shown = "和".join(SITE_LABELS.get(site, site) for site in prefs.default_sites)
        asked, notes = f"{text}，发在{shown}", [f"没说平台，按员工设置发在{shown}"]
    passages = search(s, workspace.id, intent.subject or intent.theme or text, k=PASSAGES_K)
    plan = make_plan(asked, now, llm=LLM.from_settings(settings), persona=persona(role, prefs),
                     passages=passages, accounts=single_accounts(s, workspace.id))
    plan.request = text
    plan.notes = notes + plan.notes
    plan.runs = [run for run in plan.runs if _allowed(plan, role, run)]
    plan.runs = [_for_images(plan, run) for run in plan.runs]
    return plan, {p.chunk_id: {"doc_name": p.doc_name, "text": p.text} for p in passages}


def single_accounts(s: Session, workspace_id: str) -> dict[str, str]:
    """site -> account id, for each site where the workspace has exactly one account (else: ask)."""
    by_site: dict[str, list[str]] = {}
    for a in s.query(Account).filter_by(workspace_id=workspace_id).order_by(Account.created_at):
        by_site.setdefault(a.site, []).append(a.id)
    return {site: ids[0] for site, ids in by_site.items() if len(ids) == 1}


def _allowed(plan: Plan, role: Role, run: PlannedRun) -> bool:
    workflow = KIND_WORKFLOWS[run.kind]
    what = f"在{SITE_LABELS[run.site]}{KIND_LABELS[run.kind]}"
    if workflow not in role.workflows:
        plan.unknown.append(f"{role.name}不负责{what}，这一项没有安排")
        return False
    if workflow not in available_workflows(role):
        plan.unknown.append(f"{what}的功能即将推出，这一项没有安排")
        return False
    return True


def _for_images(plan: Plan, run: PlannedRun) -> PlannedRun:
    """The owner attaches images at confirmation, so a Douyin draft is an image-text post (its title
    limit is shorter than a video's): re-fit it now rather than fail at confirmation."""
    if run.content.media == "image":
        return run
    content, notes = fit(run.site, run.content.model_copy(update={"media": "image"}))
    plan.notes += [n for n in notes if n not in plan.notes]
    return run.model_copy(update={"content": content})


def not_confirmable(run: PlannedRun) -> str:
    """Why this planned run cannot be confirmed from the plan ("" when it can)."""
    if run.kind in CONFIRMABLE:
        return ""
    return "从计划直接上架即将推出：请在「上架商品」页面填写类目、价格、库存和主图后上架（标题可从这里复制）"


def findings(run: PlannedRun, banned: list[str]) -> list[compliance.Finding]:
    """Compliance findings for a planned draft; image counts wait for the images (at confirmation)."""
    draft = compliance.Draft(title=run.content.title, body=run.content.body, topics=tuple(run.content.topics),
                             kind="note")
    platform = run.site if run.site in CHECKED_PLATFORMS else None
    return [f for f in compliance.check(draft, platform, banned) if f.field != "images"]


def post_for(run: PlannedRun, images: list[str]) -> Post:
    """What the publish workflow gets for a confirmed run: its draft, the images, and its time (UTC)."""
    timing = Timing(mode="at", at=run.at.astimezone(timezone.utc)) if run.at else Timing(mode="now")
    return Post(title=run.content.title.strip(), body=run.content.body, topics=list(run.content.topics),
                images=images, timing=timing, kind="image")
