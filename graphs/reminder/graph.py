"""Wiring of the reminder workflow (``graphs.notice_shape``)."""
from __future__ import annotations

from langgraph.checkpoint.base import BaseCheckpointSaver

from graphs.notice_shape import notice_workflow
from graphs.reminder import nodes
from graphs.reminder.state import ReminderInput, ReminderState


def build(checkpointer: BaseCheckpointSaver | None = None):
    return notice_workflow(ReminderState, ReminderInput, nodes, checkpointer)
