"""Nodes of the publish workflow: validate, fill, submit, verify. Each returns a partial state update.

The login detour, the approval, the endings and the routers are shared by every workflow
(``graphs.steps``).
"""
from __future__ import annotations

import time
from datetime import timedelta

from langgraph.runtime import Runtime

from core import ledger, media
from core.content import Post
from core.db import transaction
from core.errors import CodeRequired, ContentRejected, LoginRequired
from core.models import Run
from core.runs import validate_post
from graphs.context import RunContext
from graphs.publish.state import PublishState
from graphs.steps import (capture_run, capture_submitted, claim_press, fingerprint, form_ready, load_run,
                          owner_gives_code, pressing, reading_back, shoot_run, timed_start)
from rpa import stall
from rpa.screenshots import Shot, add_artifacts
from sites import adapter_for

# The site's clock and ours differ; a read-back looks a little further back than the intent.
READ_BACK_MARGIN = timedelta(minutes=2)
READ_BACK_TRIES = 4
READ_BACK_PAUSE_S = 1.5
READ_BACK_STEP = "verified"
"""The step name of the site's own list, as screenshotted once the post is found there."""


def _adapter(ctx: RunContext, run: Run):
    return adapter_for(run.site, ctx.settings)



def validate(state: PublishState, runtime: Runtime[RunContext]) -> PublishState:
    ctx = runtime.context
    run = load_run(ctx, state["run_id"])
    validate_post(run.site, Post.model_validate(run.content), starting=True, storage=ctx.settings.storage)
    return {"content": run.content, "needs_login": not ctx.workbench.vault.has(run.account_id),
            **timed_start(ctx, run)}


def fill(state: PublishState, runtime: Runtime[RunContext]) -> PublishState:
    ctx = runtime.context
    run = load_run(ctx, state["run_id"])
    adapter = _adapter(ctx, run)
    page = ctx.workbench.page(run.account_id, adapter.allowed_hosts())
    try:
        with media.fetched(ctx.settings.storage, Post.model_validate(state["content"])) as post:
            fields = adapter.fill(page, post)
    except LoginRequired:
        return {"needs_login": True}
    ctx.workbench.filled_with = fingerprint(state["content"])
    if run.mode == "auto":  # nobody looks at the filled form: the read-back's screenshot is the record
        return {"fields": fields}
    return {"fields": fields, "screenshot_id": shoot_run(ctx, run, page, "filled")}


def submit(state: PublishState, runtime: Runtime[RunContext]) -> PublishState:
    ctx = runtime.context
    run = load_run(ctx, state["run_id"])
    adapter = _adapter(ctx, run)
    post = Post.model_validate(state["content"])
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
        if not form_ready(ctx, adapter, page, state):
            with stall.filling(), media.fetched(ctx.settings.storage, post) as local:
                adapter.fill(page, local)
            ctx.workbench.filled_with = fingerprint(state["content"])
        claim = claim_press(ctx, run, shot=capture_submitted(ctx, run, page))
        if claim.status == "done":  # another worker pressed and read it back meanwhile
            return {"published": {"external_id": claim.external_id, "title": post.title}}
        try:
            with pressing(ctx, page):
                adapter.submit(page)
        except CodeRequired as asked:  # the site wants a code before it publishes
            owner_gives_code(ctx, run, adapter, page, asked.message)
    except LoginRequired:
        return {"needs_login": True}
    return {}  # the proof is the read-back in verify (with its screenshot of the site's own list)


def verify(state: PublishState, runtime: Runtime[RunContext]) -> PublishState:
    ctx = runtime.context
    run = load_run(ctx, state["run_id"])
    adapter = _adapter(ctx, run)
    post = Post.model_validate(state["content"])
    with ctx.db() as s:
        since = ledger.get(s, run).intent_at - READ_BACK_MARGIN
    page = ctx.workbench.page(run.account_id, adapter.allowed_hosts())
    stall.point("readback")
    found = _read_back(adapter, page, post, since=since)
    if found is not None:
        # The site's list, newest first: its visible top holds the post (a full page grows with every post).
        shot = capture_run(ctx, run, page, READ_BACK_STEP, full_page=False)
        ctx.workbench.save_session()
        return {"published": _record_done(ctx, run, found, shot)}
    raise ContentRejected("网站提示发布成功，但在笔记列表中找不到这篇笔记（可能被平台风控拦截）",
                          site=run.site, url=page.url)


def _read_back(adapter, page, post: Post, since):
    """Look the post up on the site's list, a few times: the list lags behind the success page."""
    for attempt in range(READ_BACK_TRIES):
        with reading_back():
            found = adapter.find_published(page, post, since=since)
        if found is not None or attempt == READ_BACK_TRIES - 1:
            return found
        time.sleep(READ_BACK_PAUSE_S * (attempt + 1))
    return None


def _record_done(ctx: RunContext, run: Run, found, shot: Shot | None = None) -> dict:
    """The ledger says done (with the read-back's screenshot, in the same commit)."""
    with transaction(ctx.db) as s:
        if shot is not None:
            add_artifacts(s, run.id, shot, READ_BACK_STEP)
        ledger.record_done(s, s.get(Run, run.id), found.external_id)
    return {"external_id": found.external_id, "title": found.title, "url": found.url}
