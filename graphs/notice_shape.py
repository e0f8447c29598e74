"""The shape of 运营管家's workflows, beside the form shape (``graphs.shape``): nothing is done on a site, a
bulletin is made, recorded once, and pushed to the workspace's group bots.

    compose ─▶ record ─┬▶ push ─▶ END
                       └▶ END        (recorded already: another scheduler won the claim)

A workflow of this shape brings its own ``compose`` (the words) and ``record`` (the claim: the bulletin's
insert, plus the workflow's own change in the same transaction); ``push`` is shared. They run in the
scheduler, not in a worker: no browser, no account, no run row; the bulletin's key is what makes them once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from types import ModuleType

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from sqlalchemy.orm import Session, sessionmaker

from butler import deliver
from core.settings import Settings
from rpa.vault import Vault

LATE_AFTER = timedelta(minutes=2)
"""A bulletin made later than this after its time says so (the scheduler ticks every few seconds)."""


@dataclass
class ButlerContext:
    """What 运营管家's nodes get through LangGraph's runtime context."""

    settings: Settings
    db: sessionmaker[Session]
    vault: Vault
    now: datetime
    """The tick's time (UTC): what is due, and how late it is, are judged by it."""


def late_note(due: datetime, now: datetime, tz) -> str:
    """「（本应在 12月9日 09:00 提醒，晚了3小时5分钟：当时服务没有运行）」, or "" when on time."""
    late = now - due
    if late <= LATE_AFTER:
        return ""
    minutes = int(late.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    span = "".join(f"{n}{u}" for n, u in ((days, "天"), (hours, "小时"), (minutes, "分钟")) if n) or "1分钟"
    local = due.astimezone(tz)
    return f"（本应在{local.month}月{local.day}日 {local:%H:%M}送达，晚了{span}：当时服务没有运行）"


def push(state: dict, runtime: Runtime[ButlerContext]) -> dict:
    ctx = runtime.context
    return {"pushed": deliver.push(ctx.db, ctx.vault, state["bulletin_id"], ctx.now)}


def _after_record(state: dict) -> str:
    return "push" if state.get("bulletin_id") else END


def notice_workflow(state: type, input_schema: type, nodes: ModuleType,
                    checkpointer: BaseCheckpointSaver | None = None):
    g = StateGraph(state, context_schema=ButlerContext, input_schema=input_schema)
    g.add_node("compose", nodes.compose)
    g.add_node("record", nodes.record)
    g.add_node("push", push)
    g.add_edge(START, "compose")
    g.add_edge("compose", "record")
    g.add_conditional_edges("record", _after_record, ["push", END])
    g.add_edge("push", END)
    return g.compile(checkpointer=checkpointer)
