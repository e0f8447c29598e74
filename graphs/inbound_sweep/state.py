"""State of an inbox sweep (one LangGraph thread per sweep run)."""
from __future__ import annotations

from typing import TypedDict


class SweepInput(TypedDict):
    run_id: str
    """The sweep run; its account is the inbox read."""


class SweepState(TypedDict, total=False):
    run_id: str
    started_at: str
    """When the read began (ISO, UTC): the next sweep reads from a little before it."""
    items: list[dict]
    """What the inbox pages showed (``graphs.inbound.store.item_dict``)."""
    stopped: bool
    """True when the sweep ended early (the session is dead): nothing more to do."""
    created: list[str]
    """Ids of the conversations this sweep stored."""
