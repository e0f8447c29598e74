"""State of the daily-brief workflow (one invocation per workspace and day)."""
from __future__ import annotations

from typing import TypedDict


class BriefInput(TypedDict):
    workspace_id: str
    day: str
    """The workspace's local date (ISO) the brief is for: the claim's key."""
    due: str
    """When it was due (UTC ISO): the owner's brief time on that day."""


class BriefState(TypedDict, total=False):
    workspace_id: str
    day: str
    due: str
    title: str
    text: str
    markdown: str
    bulletin_id: int | None
    """Set when this invocation recorded the day's brief; None when it was made already."""
    pushed: dict
