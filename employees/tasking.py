"""A task in plain Chinese, handed to one employee, becomes a checked plan (nothing is queued here).

    plan_task(s, settings, workspace, employee, text) -> (Plan, passages)

The employee's persona and settings shape the prompt; the workspace's knowledge passages for the
subject ground the drafts; runs the employee may not (or cannot yet) do are dropped with a sentence in
``Plan.unknown``; no draft keeps a secret of the workspace (``planning.safety.scrub``). ``findings``
runs the compliance checker on a planned draft; ``post_for`` turns a confirmed publish run into the
same ``Post`` a written note becomes, ``product_for`` a confirmed listing run into the ``Product`` the
listing form would have made, with the facts the owner typed at confirmation.
"""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from sqlalchemy.orm import Session

import compliance
from books.asks import book_ask
from core.accounts import live_accounts
from core.content import Post, Timing, drafted_by_author
from core.errors import ValidationFailed
from core.models import Employee, Workspace
from core.settings import Settings
from employees import EMPLOYEES
from employees.base import Role
from employees.roster import available_workflows, unavailable_notice
from employees.settings import EmployeeSettings, settings_of
from knowledge.search import search
from llm.client import LLM
from planning import make_plan
from planning.llm_planner import persona_of
from planning.plan import KIND_LABELS, ONE_OFF, SITE_LABELS, Plan, PlannedRun
from planning.rules import cannot_do, needs_writing, understand
from errands.planned import one_off
from planning.writer import AUTHOR_OFFLINE
from planning.safety import REDACTED, scrub
from planning.writer import fit
from sites.taobao.product import Product

KIND_WORKFLOWS = {"publish": "publish", "list_product": "listing", "file_tax": "tax_filing"}
"""Which workflow (``graphs.GRAPHS``) carries out each kind of planned run."""
CONFIRMABLE = {"publish", "list_product", "file_tax", *ONE_OFF}
"""Kinds a plan can turn into runs. A listing also needs category, brand, price, stock and main images
the sentence does not give: the owner types them on the plan page when confirming (``ListingFacts``).
A filing needs nothing more: its figures come from the books, and the return waits for approval."""
LISTING_PAGE = "/listings/new"
"""Where a product is listed by hand (linked from the plan page's listing items)."""
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
    asked_books = book_ask(text, now.date()) if "tax_filing" in role.workflows else None
    if asked_books is not None:  # book-keeping is done on the books pages, not by a run: the plan points there
        return Plan(request=text, notes=[asked_books.note], author=AUTHOR_OFFLINE), {}
    intent = understand(text, now)
    asked, notes = text, []
    if not intent.sites and not intent.cannot and prefs.default_sites:
        shown = "和".join(SITE_LABELS.get(site, site) for site in prefs.default_sites)
        asked, notes = f"{text}，发在{shown}", [f"没说平台，按员工设置发在{shown}"]
    passages = search(s, workspace.id, intent.subject or intent.theme or text, k=PASSAGES_K) \
        if needs_writing(asked, now) else []
    plan = make_plan(asked, now, llm=LLM.from_settings(settings), persona=persona(role, prefs),
                     passages=passages, accounts=single_accounts(s, workspace.id))
    plan.request = text
    plan.notes = notes + plan.notes
    plan.runs = [run for run in plan.runs if _allowed(plan, role, run)]
    plan.runs = [_for_images(plan, run) for run in plan.runs]
    extra = one_off(s, settings, workspace.id, employee, role.sites, text, intent)  # a 技能, or an errand
    if extra.skill:  # the sentence is a saved skill's own: the plan is that skill
        plan.runs, plan.unknown, plan.notes = extra.runs, [], notes + extra.notes
    elif extra.runs or extra.unknown:  # the work no workflow does is planned (or why not is said) instead
        plan.unknown = [u for u in plan.unknown if u not in cannot_do(intent)] + extra.unknown
        plan.runs += extra.runs
        plan.notes += [n for n in extra.notes if n not in plan.notes]
    _without_secrets(plan, secret_values(settings))
    return plan, {p.chunk_id: {"doc_name": p.doc_name, "text": p.text} for p in passages}


def secret_values(settings: Settings) -> list[str]:
    """The secret values the settings hold (model key, vault keys, cookie key): never in a draft."""
    values = []
    for secret in (settings.llm_api_key, settings.vault_keys, settings.secret_key):
        if secret is not None:
            raw = secret.get_secret_value()
            values += [raw, *(k.strip() for k in raw.split(","))]
    return [v for v in dict.fromkeys(values) if v]


def _without_secrets(plan: Plan, secrets: list[str]) -> None:
    """Replace any secret value a draft contains (a model echoing one) and say so."""
    for run in plan.runs:
        fields = {"title": run.content.title, "body": run.content.body, "topics": "\n".join(run.content.topics)}
        cleaned = {name: scrub(text, secrets) for name, text in fields.items()}
        if any(found for _, found in cleaned.values()):
            run.content = run.content.model_copy(update={
                "title": cleaned["title"][0], "body": cleaned["body"][0],
                "topics": [t for t in cleaned["topics"][0].split("\n") if t]})
            plan.notes.append(f"{SITE_LABELS[run.site]}草稿里出现了密钥，已替换为{REDACTED}，请核对")


def single_accounts(s: Session, workspace_id: str) -> dict[str, str]:
    """site -> account id, for each site where the workspace has exactly one account (else: ask)."""
    by_site: dict[str, list[str]] = {}
    for a in live_accounts(s, workspace_id):
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
    return f"「{KIND_LABELS[run.kind]}」还不能从计划直接执行"


def findings(run: PlannedRun, banned: list[str], allowed: list[str] = ()) -> list[compliance.Finding]:
    """Compliance findings for a planned draft; image counts wait for the images (at confirmation). A
    filing publishes no text of ours: nothing to check."""
    if run.kind in ("file_tax", *ONE_OFF):  # a skill or an errand publishes no draft of ours either
        return []
    draft = compliance.Draft(title=run.content.title, body=run.content.body, topics=tuple(run.content.topics),
                             kind="note")
    platform = run.site if run.site in CHECKED_PLATFORMS else None
    return [f for f in compliance.check(draft, platform, banned, allowed) if f.field != "images"]


def post_for(run: PlannedRun, images: list[str]) -> Post:
    """What the publish workflow gets for a confirmed run: its draft, the images, and its time (UTC)."""
    timing = Timing(mode="at", at=run.at.astimezone(timezone.utc)) if run.at else Timing(mode="now")
    return Post(title=run.content.title.strip(), body=run.content.body, topics=list(run.content.topics),
                images=images, timing=timing, kind="image", drafted_by=drafted_by_author(run.content.author))


class ListingFacts(BaseModel):
    """What the owner types on the plan page for a listing: the facts a sentence does not give."""

    category_keyword: str = ""
    brand: str = ""
    model: str = ""
    price: str = ""
    """As typed; empty means the price the plan found in the owner's sentence (if any)."""
    stock: str = ""

    def price_for(self, run: PlannedRun) -> Decimal | None:
        raw = self.price.strip() or (str(run.content.price_yuan) if run.content.price_yuan is not None else "")
        try:
            return Decimal(raw) if raw else None
        except InvalidOperation:
            return None

    def stock_value(self) -> int | None:
        return int(self.stock.strip()) if self.stock.strip().isdigit() else None

    def errors(self, run: PlannedRun) -> list[dict]:
        """Field errors for a price or stock that is not a number (the site's rules check the rest)."""
        errors = []
        if self.price.strip() and self.price_for(run) is None:
            errors.append({"field": "price", "limit": "数字", "message": "一口价请填写数字，例如 39.90"})
        if self.stock.strip() and self.stock_value() is None:
            errors.append({"field": "stock", "limit": "整数", "message": "库存请填写0或正整数"})
        return errors


def product_for(run: PlannedRun, facts: ListingFacts, images: list[str]) -> Product:
    """The product a confirmed listing run lists: the draft's title, the owner's facts and images.
    Its rules are the site's (``sites.taobao.limits``, checked again by ``core.runs.create_listing_run``)."""
    props = {k: v.strip() for k, v in (("品牌", facts.brand), ("型号", facts.model)) if v.strip()}
    return Product(category_keyword=facts.category_keyword.strip(), properties=props,
                   title=run.content.title.strip(), main_images=images, price=facts.price_for(run),
                   stock=facts.stock_value())


def listing_not_before(run: PlannedRun) -> datetime | None:
    """When a listing run starts (UTC): the plan's time; None means as soon as it is confirmed."""
    return run.at.astimezone(timezone.utc) if run.at else None
