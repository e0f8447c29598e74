"""State of a reply run (one LangGraph thread per reply run)."""
from __future__ import annotations

from typing import TypedDict


class ReplyInput(TypedDict):
    run_id: str
    """The reply run; ``Run.content`` holds the conversation id and the reply (``body``)."""


class ReplyState(TypedDict, total=False):
    run_id: str
    rejected: bool
    """The owner rejected the card: nothing is posted."""
    needs_login: bool
    paced: bool
    """The site said 操作过于频繁: the account's replies are paused; ``pace`` waits it out."""
    outcome: dict
    """How it ended: {"by": "employee"|"owner"|"gone", "external_id", "note"}."""
