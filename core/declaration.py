"""Which content declaration a post gets, decided from facts (who drafted it, what the owner chose).

《人工智能生成合成内容标识办法》 (in force 1 September 2025) requires AI-generated content to be labelled.
Text drafted by a model, or marked by the owner as AI-assisted, gets the AI-generated declaration; text the
owner wrote herself (or the offline template writer filled) gets none unless she chose 原创 or 转载.
An AI-made text is declared as such even if she chose 原创: the law's label is not hers to waive.
Each site maps a ``Declaration`` to its own wording (``sites/<site>``); the labels here are what the
owner reads on the approval card.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from core.content import Post

Kind = Literal["ai", "original", "repost"]
LABELS: dict[str, str] = {"ai": "AI生成内容", "original": "原创", "repost": "转载"}


@dataclass(frozen=True)
class Declaration:
    kind: Kind
    reason: str
    """Why this declaration, in the owner's words (由模型起草 …)."""
    source: str = ""
    """A repost's source (media or author name)."""

    @property
    def label(self) -> str:
        """The declaration in Chinese: 「AI生成内容」「原创」「转载（来源：…）」."""
        base = LABELS[self.kind]
        return f"{base}（来源：{self.source}）" if self.kind == "repost" and self.source else base


def declaration_for(post: Post) -> Declaration | None:
    """The declaration to set on the site's form for ``post``; None: no declaration."""
    if post.declaration == "ai":
        return Declaration("ai", "店主选择了AI生成内容声明")
    if post.drafted_by == "model":
        return Declaration("ai", "正文由模型起草")
    if post.ai_assisted:
        return Declaration("ai", "店主标记为AI辅助创作")
    if post.declaration == "repost":
        return Declaration("repost", "店主选择了转载声明", post.repost_source.strip())
    if post.declaration == "original":
        return Declaration("original", "店主选择了原创声明")
    return None


def card_text(post: Post) -> str:
    """The approval card's line: which declaration will be set, and why."""
    d = declaration_for(post)
    if d is None:
        who = "离线模板起草" if post.drafted_by == "writer" else "店主自己写的"
        return f"不设置声明（{who}，未标记AI辅助）"
    return f"{d.label}（{d.reason}）"
