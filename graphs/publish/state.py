"""State of the publish workflow (one LangGraph thread per run; thread id = run id)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from sqlalchemy.orm import Session, sessionmaker

from core.settings import Settings
from rpa.workbench import Workbench


class PublishInput(TypedDict):
    run_id: str
    """The run to execute; everything else is loaded from the database."""


class PublishState(TypedDict, total=False):
    run_id: str
    """The run being executed."""
    post: dict
    """The content to publish (``core.content.Post`` as JSON); replaced by the owner's edits."""
    needs_login: bool
    """True when the saved session is missing or the site said it is dead."""
    fields: dict
    """Field values read back from the filled form, shown on the approval card."""
    screenshot_id: str
    """Artifact id of the filled form's screenshot."""
    decision: dict
    """The owner's decision: {"approved": bool, "edits": {...}, "reason": str}."""
    published: dict
    """What read-back found: {"external_id", "title", "url"}."""


@dataclass
class PublishContext:
    """Run-scoped dependencies, passed to ``graph.invoke(..., context=...)``; never globals."""

    settings: Settings
    db: sessionmaker[Session]
    workbench: Workbench
