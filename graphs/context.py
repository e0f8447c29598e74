"""What every workflow's nodes get through LangGraph's runtime context (never module globals)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from core.ledger import Fence
from core.settings import Settings
from rpa.workbench import Workbench


@dataclass
class RunContext:
    """Run-scoped dependencies, passed to ``graph.invoke(..., context=...)``."""

    settings: Settings
    db: sessionmaker[Session]
    workbench: Workbench
    fence: Fence
    """The run's lease: every irreversible step's intent and every status change check it (``rpa.lease``)."""
