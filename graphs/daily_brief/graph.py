"""Wiring of the daily-brief workflow (``graphs.notice_shape``)."""
from __future__ import annotations

from langgraph.checkpoint.base import BaseCheckpointSaver

from graphs.daily_brief import nodes
from graphs.daily_brief.state import BriefInput, BriefState
from graphs.notice_shape import notice_workflow


def build(checkpointer: BaseCheckpointSaver | None = None):
    return notice_workflow(BriefState, BriefInput, nodes, checkpointer)
