"""Nodes of the publish workflow. Each returns a partial state update; routers return the next node.

Side effects (browser, database, queue) live in ordinary nodes; the two ``interrupt()`` nodes do
nothing else, because LangGraph re-runs an interrupted node from its start on resume.
"""
from __future__ import annotations

import hashlib
import json
import time
from datetime import timedelta
from typing import Literal

from langgraph.runtime import Runtime
from langgraph.types import interrupt

from core import ledger
from core.content import Post
from core.db import transaction
from core.errors import CodeRequired, ContentRejected, LoginRequired
from core.models import Account, Approval, Run
from core.queue import enqueue_login
from core.runs import set_status, validate_post
from graphs.publish.state import PublishContext, PublishState
from rpa.handoff import Waiting, ask_code
from rpa.screenshots import shoot
from sites import adapter_for

# The site's clock and ours differ; a read-back looks a little further back than the intent.
READ_BACK_MARGIN = timedelta(minutes=2)
READ_BACK_TRIES = 4
READ_BACK_PAUSE_S = 1.5
CODE_TRIES = 3


def _fingerprint(post: dict) -> str:
    return hashlib.sha256(json.dumps(post, sort_keys=True).encode()).hexdigest()


def _adapter(ctx: PublishContext, run: Run):
    return adapter_for(run.site, ctx.settings)


def _run(ctx: PublishContext, run_id: str) -> Run:
    with ctx.db() as s:
        return s.get(Run, run_id)


def _shoot(ctx: PublishContext, run: Run, page, step: str, full_page: bool = True) -> str:
    return shoot(ctx.db, run.id, page, ctx.settings.paths.artifacts / run.id, step, full_page)


# -- nodes -------------------------------------------------------------------------------------

def validate(state: PublishState, runtime: Runtime[PublishContext]) -> PublishState:
    ctx = runtime.context
    run = _run(ctx, state["run_id"])
    validate_post(run.site, Post.model_validate(run.content))
    return {"post": run.content, "needs_login": not ctx.workbench.vault.has(run.account_id)}


def request_login(state: PublishState, runtime: Runtime[PublishContext]) -> PublishState:
    ctx = runtime.context
    ctx.workbench.close()
    with transaction(ctx.db) as s:
        run = s.get(Run, state["run_id"])
        account = s.get(Account, run.account_id)
        set_status(s, run, "awaiting_login", reason="账号登录已失效，请在手机上扫码登录")
        start_login = account.status != "logging_in"
        account.status = "logging_in" if start_login else account.status
    if start_login:
        enqueue_login(ctx.settings, run.account_id)
    return {}


def wait_login(state: PublishState) -> PublishState:
    interrupt({"kind": "login", "run_id": state["run_id"]})
    return {"needs_login": False}


def fill(state: PublishState, runtime: Runtime[PublishContext]) -> PublishState:
    ctx = runtime.context
    run = _run(ctx, state["run_id"])
    adapter = _adapter(ctx, run)
    page = ctx.workbench.page(run.account_id, adapter.allowed_hosts())
    try:
        fields = adapter.fill(page, Post.model_validate(state["post"]))
    except LoginRequired:
        return {"needs_login": True}
    ctx.workbench.filled_with = _fingerprint(state["post"])
    if run.mode == "auto":  # nobody looks at the filled form: the read-back's screenshot is the record
        return {"fields": fields}
    return {"fields": fields, "screenshot_id": _shoot(ctx, run, page, "filled")}


def request_approval(state: PublishState, runtime: Runtime[PublishContext]) -> PublishState:
    ctx = runtime.context
    ctx.workbench.close()  # no page is held while the owner decides
    with transaction(ctx.db) as s:
        run = s.get(Run, state["run_id"])
        pending = s.query(Approval).filter_by(run_id=run.id, status="pending").first()
        if pending is None:
            s.add(Approval(run_id=run.id, fields=state["fields"], screenshot_id=state["screenshot_id"]))
        set_status(s, run, "awaiting_approval")
    return {}


def approval(state: PublishState) -> PublishState:
    decision = interrupt({"kind": "approval", "run_id": state["run_id"], "fields": state.get("fields")})
    return {"decision": decision, "post": {**state["post"], **(decision.get("edits") or {})}}


def reject(state: PublishState, runtime: Runtime[PublishContext]) -> PublishState:
    with transaction(runtime.context.db) as s:
        run = s.get(Run, state["run_id"])
        set_status(s, run, "rejected", reason=state["decision"].get("reason") or "主人拒绝了发布")
    return {}


def suggest(state: PublishState, runtime: Runtime[PublishContext]) -> PublishState:
    runtime.context.workbench.close()
    with transaction(runtime.context.db) as s:
        set_status(s, s.get(Run, state["run_id"]), "suggested", reason="仅建议模式：已填好表单，未发布")
    return {}


def submit(state: PublishState, runtime: Runtime[PublishContext]) -> PublishState:
    ctx = runtime.context
    run = _run(ctx, state["run_id"])
    adapter = _adapter(ctx, run)
    post = Post.model_validate(state["post"])
    with ctx.db() as s:
        entry = ledger.get(s, run)
    if entry is not None and entry.status == "done":
        return {"published": {"external_id": entry.external_id, "title": post.title}}
    page = ctx.workbench.page(run.account_id, adapter.allowed_hosts())
    if entry is not None:
        # The click may have happened before a crash: the site's own list decides, never a second click.
        found = _read_back(adapter, page, post, since=entry.intent_at - READ_BACK_MARGIN)
        if found is not None:
            return {"published": _record_done(ctx, run, found)}
        ctx.workbench.filled_with = None  # the read-back left the form: fill it again
    try:
        if ctx.workbench.filled_with != _fingerprint(state["post"]):
            adapter.fill(page, post)
            ctx.workbench.filled_with = _fingerprint(state["post"])
        with transaction(ctx.db) as s:
            ledger.record_intent(s, s.get(Run, run.id))
        try:
            adapter.submit(page)
        except CodeRequired as asked:
            _answer_codes(ctx, run, adapter, page, asked)
    except LoginRequired:
        return {"needs_login": True}
    return {}  # the proof is the read-back in verify (with its screenshot of the site's own list)


def _answer_codes(ctx: PublishContext, run: Run, adapter, page, asked: CodeRequired) -> None:
    """The site wants a code before it publishes: the owner types it on the phone, we enter it."""
    for _ in range(CODE_TRIES):
        _shoot(ctx, run, page, "code")
        code = ask_code(ctx.db, Waiting(run_id=run.id), asked.message, ctx.settings.code_timeout_s)
        try:
            adapter.enter_code(page, code)
            return
        except CodeRequired as again:
            asked = again
    raise ContentRejected(f"验证码连续{CODE_TRIES}次不正确，已停止，没有发布", site=run.site, url=page.url)


def verify(state: PublishState, runtime: Runtime[PublishContext]) -> PublishState:
    ctx = runtime.context
    run = _run(ctx, state["run_id"])
    adapter = _adapter(ctx, run)
    post = Post.model_validate(state["post"])
    with ctx.db() as s:
        since = ledger.get(s, run).intent_at - READ_BACK_MARGIN
    page = ctx.workbench.page(run.account_id, adapter.allowed_hosts())
    found = _read_back(adapter, page, post, since=since)
    if found is not None:
        # The site's list, newest first: its visible top holds the post (a full page grows with every post).
        _shoot(ctx, run, page, "verified", full_page=False)
        ctx.workbench.save_session()
        return {"published": _record_done(ctx, run, found)}
    raise ContentRejected("网站提示发布成功，但在笔记列表中找不到这篇笔记（可能被平台风控拦截）",
                          site=run.site, url=page.url)


def finish(state: PublishState, runtime: Runtime[PublishContext]) -> PublishState:
    with transaction(runtime.context.db) as s:
        run = s.get(Run, state["run_id"])
        set_status(s, run, "published", external_id=state["published"]["external_id"])
    return {}


def _read_back(adapter, page, post: Post, since):
    """Look the post up on the site's list, a few times: the list lags behind the success page."""
    for attempt in range(READ_BACK_TRIES):
        found = adapter.find_published(page, post, since=since)
        if found is not None or attempt == READ_BACK_TRIES - 1:
            return found
        time.sleep(READ_BACK_PAUSE_S * (attempt + 1))
    return None


def _record_done(ctx: PublishContext, run: Run, found) -> dict:
    with transaction(ctx.db) as s:
        ledger.record_done(s, s.get(Run, run.id), found.external_id)
    return {"external_id": found.external_id, "title": found.title, "url": found.url}


# -- routers -----------------------------------------------------------------------------------

def after_validate(state: PublishState) -> Literal["request_login", "fill"]:
    return "request_login" if state.get("needs_login") else "fill"


def after_login(state: PublishState) -> Literal["submit", "fill"]:
    decision = state.get("decision") or {}
    return "submit" if decision.get("approved") else "fill"


def after_fill(state: PublishState, runtime: Runtime[PublishContext]) -> Literal[
        "request_login", "suggest", "submit", "request_approval"]:
    if state.get("needs_login"):
        return "request_login"
    mode = _run(runtime.context, state["run_id"]).mode
    return {"suggest": "suggest", "auto": "submit"}.get(mode, "request_approval")


def after_approval(state: PublishState) -> Literal["submit", "reject"]:
    return "submit" if state["decision"].get("approved") else "reject"


def after_submit(state: PublishState) -> Literal["request_login", "finish", "verify"]:
    if state.get("needs_login"):
        return "request_login"
    return "finish" if state.get("published") else "verify"
