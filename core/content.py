"""What an owner asks an employee to post: the site-agnostic content model.

Times are timezone-aware; the API converts the owner's local time (workspace time zone) to UTC.
"""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, model_validator

DraftedBy = Literal["model", "writer", "owner"]
"""Who wrote the text: a language model, the offline template writer, or the owner herself."""
DeclarationChoice = Literal["auto", "ai", "original", "repost"]
"""The owner's choice of declaration; ``auto`` (or None) lets the facts decide (``core.declaration``)."""
MODEL_AUTHOR_PREFIX = "模型"
"""How a plan names a model-written draft (``模型 <name>``, planning.llm_planner / planning.writer)."""


def drafted_by_author(author: str) -> DraftedBy:
    """A plan's ``author`` (``模型 <name>`` / ``离线模板`` / none) as who drafted the text."""
    if not author:
        return "owner"
    return "model" if author.startswith(MODEL_AUTHOR_PREFIX) else "writer"


class Timing(BaseModel):
    """When the post goes live.

    now  -- publish as soon as the run is approved.
    at   -- our scheduler starts the run at ``at``; the site publishes immediately.
    site -- the run starts now and fills the site's own scheduled-publish field with ``at``.
    """

    mode: Literal["now", "at", "site"] = "now"
    at: datetime | None = None


class Post(BaseModel):
    """A note / image-text post / video post."""

    title: str = ""
    body: str = ""
    images: list[str] = Field(default_factory=list)
    """Absolute paths of stored uploads (``data/uploads``), in display order."""
    video: str | None = None
    cover: str | None = None
    topics: list[str] = Field(default_factory=list)
    """Topic names without the leading ``#``."""
    timing: Timing = Field(default_factory=Timing)
    kind: Literal["image", "video"] = "image"
    drafted_by: DraftedBy = "owner"
    """Who drafted the text (kept when the owner edits it: an edited model draft is still model-drafted)."""
    ai_assisted: bool = False
    """The owner ticked 「AI辅助创作」: her text was made with an AI tool, so it is declared as AI-generated."""
    declaration: DeclarationChoice | None = None
    """The owner's choice of declaration; None / ``auto``: decided from ``drafted_by`` and ``ai_assisted``."""
    repost_source: str = ""
    """Where a repost comes from (media or author name), for ``declaration="repost"``."""

    @model_validator(mode="before")
    @classmethod
    def _provenance_of_older_records(cls, data):
        """Runs stored before ``drafted_by`` existed: a plan's draft says who wrote it in ``task.author``."""
        if isinstance(data, dict) and "drafted_by" not in data and isinstance(data.get("task"), dict):
            data = {**data, "drafted_by": drafted_by_author(str(data["task"].get("author") or ""))}
        return data

    def summary(self) -> dict[str, str]:
        """Field values as the owner sees them on the approval card."""
        return {
            "title": self.title,
            "body": self.body,
            "topics": " ".join(f"#{t}" for t in self.topics),
            "images": str(len(self.images)),
            "timing": self.timing.mode if not self.timing.at else f"{self.timing.mode} {self.timing.at.isoformat()}",
        }
