"""Nodes of the reply run. ``send`` is the only one that touches the site's reply box, and only after the
ledger's intent for (site, account, item id); an intent found on arrival means the click may have happened
before a crash, so the reply is looked up under the item first and never sent twice."""
from __future__ import annotations

import time
from datetime import timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from langgraph.runtime import Runtime
from langgraph.types import interrupt

from core import inbox as conversations
from core.approvals import decided_card
from core.db import transaction
from core.errors import LoginRequired, PublishFailed, RateLimited, TargetGone
from core.inbox import Conversation, inbox_account
from core.models import Employee, Run, Workspace, utcnow
from core.runs import set_status
from graphs.context import RunContext
from graphs.inbound import ledger
from graphs.inbound.pacing import next_allowed
from graphs.inbound.settings import inbox_settings
from graphs.inbound.sites import inbound_adapter
from graphs.inbound_reply.state import ReplyState
from graphs.steps import capture_run, load_run, owned, reading_back
from rpa.screenshots import add_artifacts

READ_BACK_TRIES = 3
READ_BACK_PAUSE_S = 0.5
PAUSE_AFTER_LIMIT = timedelta(minutes=30)
"""How long an account's replies rest after the site said 操作过于频繁."""
VERIFIED_STEP = "verified"


def start(state: ReplyState, runtime: Runtime[RunContext]) -> ReplyState:
    ctx = runtime.context
    run = load_run(ctx, state["run_id"])
    if run.mode == "auto":
        return {}
    with ctx.db() as s:
        card = decided_card(s, run.id)
    return {} if card is not None and card.status == "approved" else {"rejected": True}


def after_start(state: ReplyState) -> Literal["pace", "reject_reply"]:
    return "reject_reply" if state.get("rejected") else "pace"


def pace(state: ReplyState, runtime: Runtime[RunContext]) -> ReplyState:
    """Wait (the run ``scheduled`` until then) until the account may reply. A resumed pace checks again:
    each wait is its own ``interrupt`` in the loop, so a second wait pauses instead of passing."""
    ctx = runtime.context
    run = load_run(ctx, state["run_id"])
    while True:
        with ctx.db() as s:
            employee, tz = s.get(Employee, run.employee_id), s.get(Workspace, run.workspace_id).timezone
            when, why = next_allowed(s, run.account_id, inbox_settings(employee), tz, utcnow(),
                                     run.content.get("spacing", 0.5))
        if when is None:
            return {"paced": False}
        ctx.workbench.close()
        with owned(ctx) as s:
            set_status(s, s.get(Run, run.id), "scheduled", reason=why, not_before=when)
        interrupt({"kind": "pace", "run_id": run.id})


def send(state: ReplyState, runtime: Runtime[RunContext]) -> ReplyState:
    ctx = runtime.context
    run = load_run(ctx, state["run_id"])
    adapter = inbound_adapter(run.site, ctx.settings)
    with ctx.db() as s:
        conv = s.get(Conversation, run.content["conversation_id"])
        key = ledger.reply_key(conv.site, conv.account_id, conv.item_id)
        entry = ledger.get(s, key)
    text, item = run.content["body"], _inbound(conv)
    if entry is not None and entry.status == "done":
        return {"outcome": {"by": "employee", "external_id": entry.external_id}}
    try:
        page = ctx.workbench.page(run.account_id, adapter.allowed_hosts())
        if entry is not None:  # the click may have happened: the site's page decides, never a second click
            proof = _read_back(adapter, page, item, text)
            if proof is not None:
                return {"outcome": _posted(ctx, run, conv, key, proof, page)}
        if _owner_replied(adapter, page, conv):
            if entry is not None:  # our click may be the reply she is credited with: it was sent, not again
                return {"outcome": _posted_unseen(ctx, run, conv, key, text)}
            return {"outcome": _by_owner(ctx, run, conv)}
        if ledger.claim(ctx, run, key).status == "done":
            return {"outcome": {"by": "employee"}}
        adapter.reply(page, item, text)
        proof = _read_back(adapter, page, item, text)
    except LoginRequired:
        return {"needs_login": True}
    except RateLimited as e:
        _pause(ctx, run, conv, e)
        return {"paced": True}
    except TargetGone as e:
        return {"outcome": _gone(ctx, run, conv, e)}
    if proof is None:
        raise PublishFailed("网站提示回复成功，但在评论下还没看到这条回复，稍后再核对")
    return {"outcome": _posted(ctx, run, conv, key, proof, page)}


def after_send(state: ReplyState) -> Literal["request_login", "pace", "done_reply"]:
    if state.get("needs_login"):
        return "request_login"
    return "pace" if state.get("paced") else "done_reply"


def done_reply(state: ReplyState, runtime: Runtime[RunContext]) -> ReplyState:
    runtime.context.workbench.close()
    outcome = state["outcome"]
    with owned(runtime.context) as s:
        run = s.get(Run, state["run_id"])
        if outcome["by"] == "employee":
            set_status(s, run, "published", reason=outcome.get("note"), external_id=outcome.get("external_id"))
        else:
            set_status(s, run, "cancelled", reason=outcome["note"])
    return {}


def reject_reply(state: ReplyState, runtime: Runtime[RunContext]) -> ReplyState:
    with owned(runtime.context) as s:
        run = s.get(Run, state["run_id"])
        card = decided_card(s, run.id)
        reason = (card.reason if card else None) or "主人驳回了这条回复"
        conv = s.get(Conversation, run.content["conversation_id"])
        if conv.status == "awaiting_approval":
            conv.status, conv.note = "ignored", f"没有回复：{reason}"
        set_status(s, run, "rejected", reason=reason)
    return {}


# -- helpers ------------------------------------------------------------------------------------

def _inbound(conv: Conversation):
    from sites.inbound import Inbound  # sites import playwright: only in the worker

    return Inbound(site=conv.site, account_key=conv.account_id, kind=conv.kind, item_id=conv.item_id,
                   author=conv.author, text=conv.text, at=conv.at, target_id=conv.target_id,
                   target_title=conv.target_title, thread=tuple(conv.thread or ()), extra=dict(conv.extra or {}))


def _read_back(adapter, page, item, text: str):
    """The reply under the item, a few times (a list lags behind the send's success)."""
    for attempt in range(READ_BACK_TRIES):
        with reading_back():
            proof = adapter.find_reply(page, item, text)
        if proof is not None or attempt == READ_BACK_TRIES - 1:
            return proof
        time.sleep(READ_BACK_PAUSE_S * (attempt + 1))
    return None


def _owner_replied(adapter, page, conv: Conversation) -> bool:
    """Whether the owner has answered the item on the site herself since it was read: two readings must
    agree (a list that reloads under its 未回复 filter can miss a fresh item once, and that reply would be lost)."""
    for _ in range(2):
        items = adapter.read_inbox(page, conv.at - timedelta(minutes=1))
        if not any(i.item_id == conv.item_id and i.owner_replied for i in items):
            return False
    return True


def _posted(ctx: RunContext, run: Run, conv: Conversation, key: str, proof, page) -> dict:
    shot = capture_run(ctx, run, page, VERIFIED_STEP, full_page=False)
    note = None if proof.visible else "平台只对你自己显示这条回复（可能被平台限流），请到平台上看一下"
    with owned(ctx) as s:
        shot_id = add_artifacts(s, run.id, shot, VERIFIED_STEP)
        ledger.done(s, run, key, proof.item_id)
        c = s.get(Conversation, conv.id)
        c.status, c.replied_text, c.replied_by, c.replied_at = "replied", proof.text, "employee", utcnow()
        c.note = note
        conversations.log(s, c, "posted", "employee", proof.text,
                          {"by_author": proof.by_author, "visible": proof.visible}, screenshot_id=shot_id)
    ctx.workbench.save_session()
    return {"by": "employee", "external_id": proof.item_id, "note": note}


def _posted_unseen(ctx: RunContext, run: Run, conv: Conversation, key: str, text: str) -> dict:
    """After a crash between the click and the read-back, the item shows the owner's reply but not our exact
    text (the site may have trimmed it): the click counts as done, nothing is sent again, she is asked to look."""
    note = "工作进程中断后，平台上这条已经有你的回复，没有再发；请到平台上核对内容"
    with owned(ctx) as s:
        ledger.done(s, run, key, conv.item_id)
        c = s.get(Conversation, conv.id)
        c.status, c.replied_text, c.replied_by, c.replied_at, c.note = "replied", text, "employee", utcnow(), note
        conversations.log(s, c, "posted", "employee", text, {"read_back": False})
    return {"by": "employee", "external_id": conv.item_id, "note": note}


def _by_owner(ctx: RunContext, run: Run, conv: Conversation) -> dict:
    note = "你已经在平台上亲自回复了，这条草稿没有发出"
    with owned(ctx) as s:
        c = s.get(Conversation, conv.id)
        c.status, c.replied_by, c.replied_at, c.note = "replied", "owner", utcnow(), note
        conversations.log(s, c, "replied_by_owner", "owner")
    return {"by": "owner", "note": note}


def _gone(ctx: RunContext, run: Run, conv: Conversation, e: TargetGone) -> dict:
    note = f"没有回复：{e.reason or e.message}"
    with owned(ctx) as s:
        c = s.get(Conversation, conv.id)
        c.status, c.note = "ignored", note
        conversations.log(s, c, "gone", "system", e.reason or e.message)
    return {"by": "gone", "note": note}


def _pause(ctx: RunContext, run: Run, conv: Conversation, e: RateLimited) -> None:
    """The site said 操作过于频繁: this account's replies rest, and the owner is told why (``core.notify``)."""
    said = e.site_message or e.message
    reason = f"平台提示「{said}」，这个账号的回复暂停到{{until}}"
    with transaction(ctx.db) as s:
        ctx.fence.check(s)
        state = inbox_account(s, run.account_id)
        state.paused_until = utcnow() + PAUSE_AFTER_LIMIT
        tz = s.get(Workspace, run.workspace_id).timezone
        state.pause_reason = reason.format(until=state.paused_until.astimezone(ZoneInfo(tz)).strftime("%H:%M"))
        conversations.log(s, s.get(Conversation, conv.id), "paused", "system", state.pause_reason)
