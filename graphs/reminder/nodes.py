"""Nodes of the reminder workflow: the words, then the claim (bulletin + the reminder's next time)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from langgraph.runtime import Runtime

from butler import deliver, due
from butler.models import Reminder
from butler.wording import deadline_label
from graphs.notice_shape import ButlerContext, late_note
from graphs.reminder.state import ReminderState

TITLE = "运营管家提醒"


def compose(state: ReminderState, runtime: Runtime[ButlerContext]) -> dict:
    ctx = runtime.context
    slot = datetime.fromisoformat(state["slot"])
    with ctx.db() as s:
        r = s.get(Reminder, state["reminder_id"])
        tz = ZoneInfo(r.timezone)
        text = f"提醒：{r.what}"
        if r.kind == "deadline" and r.deadline_at:
            text += f"（截止 {deadline_label(r.deadline_at.astimezone(tz))}）"
        text += late_note(slot, ctx.now, tz)
        return {"workspace_id": r.workspace_id, "title": TITLE, "text": text}


def record(state: ReminderState, runtime: Runtime[ButlerContext]) -> dict:
    ctx = runtime.context
    slot = datetime.fromisoformat(state["slot"])
    bulletin = deliver.record(ctx.db, ctx.now, state["workspace_id"], f"reminder:{state['reminder_id']}:{slot:%Y%m%d%H%M}",
                              "reminder", state["title"], state["text"],
                              also=lambda s: due.advance(s, state["reminder_id"], slot, ctx.now))
    return {"bulletin_id": bulletin}
