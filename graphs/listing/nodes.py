"""Nodes of the listing workflow: validate, fill, submit, verify. Each returns a partial state update.

Listing a product is irreversible like publishing a post: the ledger's intent is written before the
press of 提交宝贝信息, and after a crash the shop's own item lists decide whether it went through. A
risk-control slider is never dragged by us: the owner drags it on the phone (``rpa.takeover``).
"""
from __future__ import annotations

import logging

from langgraph.runtime import Runtime

from core import ledger, media
from core.db import transaction
from core.errors import ContentRejected, LoginRequired, SliderRequired
from core.models import Employee, Run
from core.runs import validate_product
from employees import EMPLOYEES
from employees.settings import settings_of
from graphs.context import RunContext
from graphs.listing.state import ListingState
from graphs.steps import (capture_submitted, claim_press, fingerprint, form_ready, load_run, owned, owner_drags_slider,
                          pressing, reading_back, shoot_run, timed_start)
from rpa import stall
from sites import adapter_for
from sites.taobao.product import Product
from sites.taobao.warnings import WarningNeedsOwner

log = logging.getLogger(__name__)

SLIDER_PROMPT = "淘宝弹出了安全验证滑块，请按住滑块拖到最右边"


def validate(state: ListingState, runtime: Runtime[RunContext]) -> ListingState:
    ctx = runtime.context
    run = load_run(ctx, state["run_id"])
    validate_product(run.site, Product.model_validate(run.content), starting=True, storage=ctx.settings.storage)
    return {"content": run.content, "needs_login": not ctx.workbench.vault.has(run.account_id),
            **timed_start(ctx, run)}


def fill(state: ListingState, runtime: Runtime[RunContext]) -> ListingState:
    ctx = runtime.context
    run = load_run(ctx, state["run_id"])
    adapter = adapter_for(run.site, ctx.settings)
    page = ctx.workbench.page(run.account_id, adapter.allowed_hosts())
    try:
        fields = _fill(ctx, run, adapter, page, Product.model_validate(state["content"]))
    except LoginRequired:
        return {"needs_login": True}
    ctx.workbench.filled_with = fingerprint(state["content"])
    if run.mode == "auto":  # nobody looks at the filled form: the item list's screenshot is the record
        return {"fields": fields}
    return {"fields": fields, "screenshot_id": shoot_run(ctx, run, adapter.form_tab(page), "filled")}


def _fill(ctx: RunContext, run: Run, adapter, page, product: Product) -> dict:
    """The pictures are local temp copies (``core.media``) while the form is filled, removed after."""
    with media.fetched(ctx.settings.storage, product) as local:
        try:
            return adapter.fill(page, local)
        except SliderRequired:
            # A slider on a page load leaves the form half done: the owner drags, then the form is filled anew.
            owner_drags_slider(ctx, run, adapter, page, SLIDER_PROMPT)
            return adapter.fill(page, local)


def submit(state: ListingState, runtime: Runtime[RunContext]) -> ListingState:
    ctx = runtime.context
    run = load_run(ctx, state["run_id"])
    adapter = adapter_for(run.site, ctx.settings)
    product = Product.model_validate(state["content"])
    with ctx.db() as s:
        entry = ledger.get(s, run)
    if entry is not None and entry.status == "done":
        return {"published": {"external_id": entry.external_id, "title": product.title}}
    seen = _seen_warnings(state)
    page = ctx.workbench.page(run.account_id, adapter.allowed_hosts())
    try:
        if entry is not None:
            # The press may have happened before a crash: the shop's own lists decide, never a second press.
            with reading_back():
                found = adapter.find_listed(page, product)
            if found is not None:
                return {"published": _record_done(ctx, run, found.item_id, found.title)}
        if not form_ready(ctx, adapter, page, state):
            with stall.filling():
                _fill(ctx, run, adapter, page, product)  # the approval closed the page (or edits came): fill again
            ctx.workbench.filled_with = fingerprint(state["content"])
        claim = claim_press(ctx, run, shot=capture_submitted(ctx, run, adapter.form_tab(page)))
        if claim.status == "done":  # another worker pressed and read it back meanwhile
            return {"published": {"external_id": claim.external_id, "title": product.title}}
        try:
            done = _press(ctx, run, adapter, page, [*_allowed_warnings(ctx, run), *seen])
        except WarningNeedsOwner as w:
            return _ask_about_warning(ctx, run, adapter, page, state, w, seen)
    except LoginRequired:
        return {"needs_login": True}
    _show_warnings(ctx, run, done.warnings)
    return {"submitted": {"item_id": done.item_id, "warnings": list(done.warnings)}, "site_warning": None,
            "seen_warnings": seen}


def _press(ctx: RunContext, run: Run, adapter, page, allowed: list[str]):
    """提交宝贝信息 (and the owner's drag when the slider holds it). A failure's picture of the page is the
    runner's (``graphs.runner._failure_shot``: the newest tab, the one the site answered in)."""
    try:
        with pressing(ctx, adapter.form_tab(page)):
            return adapter.submit(page, allowed=allowed)
    except SliderRequired:
        owner_drags_slider(ctx, run, adapter, page, SLIDER_PROMPT)
        return adapter.resume_submit(page)  # the page sends the held submit again by itself


def _seen_warnings(state: ListingState) -> list[str]:
    """Warning texts the owner has approved on a card. Arriving here with ``site_warning`` set means she
    just approved the card that showed it (a rejected card ends the run)."""
    seen = list(state.get("seen_warnings") or [])
    pending = state.get("site_warning")
    if pending and pending["text"] not in seen:
        seen.append(pending["text"])
    return seen


def _allowed_warnings(ctx: RunContext, run: Run) -> list[str]:
    """Warning kinds the owner allowed in the employee's settings (``sites.taobao.warnings``)."""
    with ctx.db() as s:
        employee = s.get(Employee, run.employee_id)
        return list(settings_of(EMPLOYEES.get(employee.role), employee.settings).allowed_warnings) if employee else []


def _ask_about_warning(ctx: RunContext, run: Run, adapter, page, state: ListingState, w: WarningNeedsOwner,
                       seen: list[str]) -> ListingState:
    """The site asked 确定要提交吗？ and the owner has not allowed that: a card with its words and a picture of
    the dialog. Nothing was sent (the dialog is left unanswered and the page closed), so the ledger's intent
    only makes the next submit read the lists first."""
    shot = shoot_run(ctx, run, adapter.form_tab(page), "warning", full_page=False)
    with owned(ctx) as s:
        s.get(Run, run.id).reason = f"提交时淘宝提示：「{w.text}」，等你确认后才会提交"
    return {"site_warning": {"text": w.text, "kind": w.kind}, "seen_warnings": seen, "screenshot_id": shot,
            "fields": {**(state.get("fields") or {}), "site_warning": w.text}}


def _show_warnings(ctx: RunContext, run: Run, warnings: list[str]) -> None:
    """The site's warnings we confirmed at submit go on the run, where the owner reads them on the phone:
    the item is listed, but the site thought something could be better (e.g. no description images)."""
    if not warnings:
        return
    with owned(ctx) as s:
        s.get(Run, run.id).reason = f"提交时淘宝提示（已确认提交）：{'；'.join(dict.fromkeys(warnings))}"


def verify(state: ListingState, runtime: Runtime[RunContext]) -> ListingState:
    ctx = runtime.context
    run = load_run(ctx, state["run_id"])
    adapter = adapter_for(run.site, ctx.settings)
    product = Product.model_validate(state["content"])
    item_id = state["submitted"]["item_id"]
    page = ctx.workbench.page(run.account_id, adapter.allowed_hosts())
    stall.point("readback")
    with reading_back():
        found = adapter.find_listed(page, product, item_id=item_id)
    if found is None:
        raise ContentRejected(f"淘宝提示提交成功（商品ID {item_id}），但出售中和仓库中都找不到这件商品",
                              site=run.site, url=page.url)
    shoot_run(ctx, run, page, "verified", full_page=False)
    ctx.workbench.save_session()
    return {"published": _record_done(ctx, run, found.item_id, found.title)}


def _record_done(ctx: RunContext, run: Run, item_id: str, title: str) -> dict:
    with transaction(ctx.db) as s:
        ledger.record_done(s, s.get(Run, run.id), item_id)
    return {"external_id": item_id, "title": title, "url": None}
