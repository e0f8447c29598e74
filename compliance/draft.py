"""What the checker reads (``Draft``) and what it reports (``Finding``)."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["blocking", "warning"]
TEXT_FIELDS = ("title", "body", "topics")


@dataclass(frozen=True)
class Draft:
    title: str = ""
    body: str = ""
    topics: list[str] | tuple[str, ...] = ()
    """Topic names without the leading ``#``."""
    image_count: int = 0
    kind: str = "note"
    """note (an image post) | image | video"""

    @classmethod
    def from_post(cls, post) -> "Draft":
        """The checker's view of a ``core.content.Post``."""
        return cls(title=post.title, body=post.body, topics=tuple(post.topics),
                   image_count=len(post.images), kind=post.kind)

    @classmethod
    def from_content(cls, content: dict) -> "Draft":
        """The checker's view of a run's stored content: a post, or a product (its 描述 as the body)."""
        return cls(title=content.get("title", ""), body=content.get("body") or content.get("description") or "",
                   topics=tuple(content.get("topics") or ()))

    def text_of(self, field_name: str) -> str:
        """The text a finding's span indexes into. Topics read as the approval card shows them: ``#a #b``."""
        if field_name == "topics":
            return topics_text(self.topics)
        if field_name == "images":
            return str(self.image_count)
        return str(getattr(self, field_name, "") or "")


def topics_text(topics) -> str:
    return " ".join(f"#{t}" for t in topics)


@dataclass(frozen=True)
class Finding:
    """One problem: ``text`` is ``field_text[start:end]``; ``suggestion`` replaces it ("" = delete it,
    None = no automatic rewrite, the message says what to do)."""

    rule: str
    severity: Severity
    field: str
    start: int
    end: int
    text: str
    message: str
    suggestion: str | None = None
    source: str = ""
    overridable: bool = False
    """A blocking finding the owner may publish anyway, with a reason (``compliance.overrides``); a hard
    block (the words the law names, medical and financial claims, the workspace's own words) never is."""

    def to_dict(self) -> dict:
        return asdict(self)
