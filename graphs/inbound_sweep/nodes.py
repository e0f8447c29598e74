"""Nodes of the inbox sweep. ``read`` only reads the site (``InboundAdapter.read_inbox`` is read-only), so a
sweep that crashes anywhere is simply swept again; ``triage`` stores each item once (``graphs.inbound.store``)."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from langgraph.graph import END
from langgraph.runtime import Runtime

from core.db import transaction
from core.errors import LoginRequired
from core.inbox import inbox_account
from core.models import Run, utcnow
from core.runs import set_status
from graphs.context import RunContext
from graphs.inbound.sites import inbound_adapter
from graphs.inbound.store import item_dict, store_items
from graphs.inbound_sweep.state import SweepState
from graphs.steps import load_run, logged_out, owned
from llm.client import LLM

OVERLAP = timedelta(minutes=10)
"""Each sweep reads from a little before the last one began: an item the site lists late is still seen
(the unique constraint makes reading it twice harmless)."""
FIRST_LOOK = timedelta(hours=24)
"""An account's first sweep reads the last day only: the employee does not answer last year's comments."""


def read(state: SweepState, runtime: Runtime[RunContext]) -> SweepState:
    ctx = runtime.context
    run = load_run(ctx, state["run_id"])
    adapter = inbound_adapter(run.site, ctx.settings)
    started = utcnow()
    with transaction(ctx.db) as s:
        last = inbox_account(s, run.account_id).last_sweep_at
    since = (last - OVERLAP) if last else started - FIRST_LOOK
    try:
        page = ctx.workbench.page(run.account_id, adapter.allowed_hosts())
        items = adapter.read_inbox(page, since)
    except LoginRequired:
        return logged_out(ctx, run, "账号登录已失效，请在手机上扫码登录，之后会继续读取消息")
    ctx.workbench.save_session()
    ctx.workbench.close()  # drafting needs no page: the account's next run gets the browser sooner
    return {"items": [item_dict(i) for i in items], "started_at": started.isoformat()}


def after_read(state: SweepState) -> Literal["triage", "__end__"]:
    return END if state.get("stopped") else "triage"


def triage(state: SweepState, runtime: Runtime[RunContext]) -> SweepState:
    ctx = runtime.context
    run = load_run(ctx, state["run_id"])
    adapter = inbound_adapter(run.site, ctx.settings)
    created = store_items(ctx.db, ctx.settings, run.account_id, run.employee_id, state["items"],
                          adapter.reply_limit, LLM.from_settings(ctx.settings))
    return {"created": created}


def done_sweep(state: SweepState, runtime: Runtime[RunContext]) -> SweepState:
    ctx = runtime.context
    with owned(ctx) as s:
        run = s.get(Run, state["run_id"])
        inbox_account(s, run.account_id).last_sweep_at = datetime.fromisoformat(state["started_at"])
        found, new = len(state["items"]), len(state.get("created") or [])
        set_status(s, run, "published", reason=f"读到{found}条，新增{new}条")
    return {}

