"""What an owner asks an employee to post: the site-agnostic content model.

Times are timezone-aware; the API converts the owner's local time (workspace time zone) to UTC.
"""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


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

    def summary(self) -> dict[str, str]:
        """Field values as the owner sees them on the approval card."""
        return {
            "title": self.title,
            "body": self.body,
            "topics": " ".join(f"#{t}" for t in self.topics),
            "images": str(len(self.images)),
            "timing": self.timing.mode if not self.timing.at else f"{self.timing.mode} {self.timing.at.isoformat()}",
        }
