"""State of the publish workflow (one LangGraph thread per run; thread id = run id)."""
from __future__ import annotations

from typing import TypedDict


class PublishInput(TypedDict):
    run_id: str
    """The run to execute; everything else is loaded from the database."""


class PublishState(TypedDict, total=False):
    run_id: str
    """The run being executed."""
    content: dict
    """The post to publish (``core.content.Post`` as JSON), with the owner's edits merged in; its
    ``drafted_by`` / ``ai_assisted`` / ``declaration`` decide the site's declaration (``core.declaration``)."""
    needs_login: bool
    """True when the saved session is missing or the site said it is dead."""
    note: str
    """How late a timed run started (within the grace), shown on the run with its result."""
    fields: dict
    """Field values read back from the filled form, shown on the approval card."""
    screenshot_id: str
    """Artifact id of the filled form's screenshot."""
    decision: dict
    """The owner's decision: {"approved": bool, "edits": {...}, "reason": str}."""
    published: dict
    """What read-back found: {"external_id", "title", "url"}."""
