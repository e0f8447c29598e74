"""State of a collection run (one LangGraph thread per run)."""
from __future__ import annotations

from typing import TypedDict


class CollectInput(TypedDict):
    run_id: str
    """The collection run; its account is the one read."""


class CollectState(TypedDict, total=False):
    run_id: str
    at: str
    """When the read began (ISO, UTC): every point of this collection carries it."""
    since: str | None
    """The cutoff the lists were read back to (ISO, UTC); None: a full read."""
    collected: dict
    """What the pages showed (``metrics.store.Collected`` as a dict)."""
    stopped: bool
    """True when the read ended early (the session is dead)."""
    blocked: str
    """The data page a slider stopped the read on (the site's name for it); empty: read to the end."""
    points: int
    """How many points were stored."""
