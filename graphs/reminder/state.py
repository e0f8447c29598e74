"""State of the reminder workflow (one invocation per time a reminder fires)."""
from __future__ import annotations

from typing import TypedDict


class ReminderInput(TypedDict):
    reminder_id: str
    slot: str
    """The time it fires for (UTC ISO): the reminder's ``next_at`` as the scheduler saw it."""


class ReminderState(TypedDict, total=False):
    reminder_id: str
    slot: str
    workspace_id: str
    title: str
    text: str
    """What the owner reads: 「提醒：给张总报价（截止 …）」 and, when late, by how much."""
    bulletin_id: int | None
    """Set when this invocation recorded it; None when the slot was told already."""
    pushed: dict
    """Group bot id -> "sent" or why not."""
