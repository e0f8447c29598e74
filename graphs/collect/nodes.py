"""Nodes of a collection run. ``read`` only reads the site (``read_stats`` is read-only); ``store`` writes the
points once (``metrics.store.save`` leaves a retried node's points alone) and thins the account's old ones
(``metrics.retention``); ``done`` says what was read."""
from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Literal

from langgraph.graph import END
from langgraph.runtime import Runtime
from sqlalchemy import func, select

from core.errors import LoginRequired
from core.models import Run, Workspace, utcnow
from core.runs import set_status
from graphs.collect.state import CollectState
from graphs.context import RunContext
from graphs.steps import load_run, logged_out, owned
from metrics.models import MetricPoint
from metrics.retention import downsample
from metrics.store import Collected, save
from sites import SITES, adapter_for

WINDOW = {"xiaohongshu": timedelta(days=30), "douyin": timedelta(days=30), "taobao": timedelta(days=15)}
"""How far back each nightly read goes past the previous one. A post's numbers keep moving for weeks, an
order's status until it is confirmed (auto-confirmed ~10 days after shipping) or refunded; older ones are
read again only by a full collection (the first one, or one the owner starts with 全部重读)."""


def read(state: CollectState, runtime: Runtime[RunContext]) -> CollectState:
    ctx = runtime.context
    run = load_run(ctx, state["run_id"])
    adapter = adapter_for(run.site, ctx.settings)
    at = utcnow()
    since = None if (run.content or {}).get("full") else _since(ctx, run)
    try:
        page = ctx.workbench.page(run.account_id, adapter.allowed_hosts())
        stats = adapter.read_stats(page, since)
    except LoginRequired:
        return logged_out(ctx, run, "账号登录已失效，请在手机上扫码登录，之后会继续读取数据")
    ctx.workbench.save_session()
    ctx.workbench.close()  # storing needs no page: the account's next run gets the browser sooner
    got = Collected(readings=[asdict(r) for r in stats.readings],
                    orders=[{**asdict(o), "amount": str(o.amount),
                             "created_at": o.created_at.isoformat() if o.created_at else None} for o in stats.orders],
                    refunds=stats.refunds, pages=stats.pages)
    return {"at": at.isoformat(), "since": since.isoformat() if since else None, "collected": asdict(got),
            "blocked": stats.blocked}


def _since(ctx: RunContext, run: Run) -> datetime | None:
    """The previous collection's time less the site's window; None (read everything) for the first."""
    with ctx.db() as s:
        last = s.scalar(select(func.max(MetricPoint.at)).where(MetricPoint.account_id == run.account_id,
                                                               MetricPoint.run_id.is_not(None)))
    return last - WINDOW.get(run.site, timedelta(days=30)) if last else None


def after_read(state: CollectState) -> Literal["store", "__end__"]:
    return END if state.get("stopped") else "store"


def store(state: CollectState, runtime: Runtime[RunContext]) -> CollectState:
    ctx = runtime.context
    with owned(ctx) as s:
        run = s.get(Run, state["run_id"])
        at = datetime.fromisoformat(state["at"])
        points = save(s, workspace_id=run.workspace_id, account_id=run.account_id, site=run.site, run_id=run.id,
                      at=at, got=Collected(**state["collected"]))
        downsample(s, run.account_id, at, s.get(Workspace, run.workspace_id).timezone)
    return {"points": points}


POST_WORD = {"xiaohongshu": "篇笔记", "douyin": "个作品"}


def done(state: CollectState, runtime: Runtime[RunContext]) -> CollectState:
    ctx = runtime.context
    got = state["collected"]
    posts = len({r["subject_id"] for r in got["readings"] if r["subject"] == "post"})
    with owned(ctx) as s:
        run = s.get(Run, state["run_id"])
        parts = [f"看了{got['pages']}个页面"]
        if posts:
            parts.append(f"读到{posts}{POST_WORD.get(run.site, '条内容')}的数据")
        if got["orders"]:
            parts.append(f"{len(got['orders'])}个订单")
        if state.get("blocked"):
            # The slider is the site asking for a human; the project never drags one. The numbers read before it
            # are stored (``store`` ran), the run says where it stopped, and ``core.notify`` tells the owner.
            run.content = {**(run.content or {}), "slider": state["blocked"]}
            set_status(s, run, "failed", reason=slider_reason(run.site, state["blocked"], parts))
        else:
            set_status(s, run, "published", reason="，".join(parts))
    return {}


def slider_reason(site: str, blocked: str, parts: list[str]) -> str:
    """``parts``: what ``done`` says was read, pages first."""
    label = SITES[site].label if site in SITES else site
    kept = f"已保存这次读到的{'、'.join(parts[1:])}" if parts[1:] else "这次没有读到数据"
    return (f"{label}在「{blocked}」页弹出了安全验证滑块，数据读取到此为止（滑块要你本人拖动，运营管家不会替你拖）。"
            f"{kept}，其余的下次读取时再读")
