"""Nodes of the daily-brief workflow: the brief read from the database, then the day's claim."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from langgraph.runtime import Runtime

from butler import brief, deliver
from core.models import Workspace
from graphs.daily_brief.state import BriefState
from graphs.notice_shape import ButlerContext, late_note


def compose(state: BriefState, runtime: Runtime[ButlerContext]) -> dict:
    ctx = runtime.context
    with ctx.db() as s:
        ws = s.get(Workspace, state["workspace_id"])
        made = brief.build(s, ws, ctx.now)
        late = late_note(datetime.fromisoformat(state["due"]), ctx.now, ZoneInfo(ws.timezone))
    title = made.title + late
    return {"title": made.title, "text": made.text().replace(made.title, title, 1),
            "markdown": made.markdown().replace(made.title, title, 1)}


def record(state: BriefState, runtime: Runtime[ButlerContext]) -> dict:
    ctx = runtime.context
    return {"bulletin_id": deliver.record(ctx.db, ctx.now, state["workspace_id"], f"brief:{state['day']}", "brief",
                                          state["title"], state["text"], state["markdown"])}
