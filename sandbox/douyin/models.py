"""The replica's records: an upload (video or image) being processed, and a published work."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sandbox.common.world import SITE_TZ


@dataclass
class Upload:
    id: str
    cookie: str
    kind: str                # "video" | "image"
    ok: bool
    reason: str
    started: float
    ready_at: float

    def status(self) -> dict:
        now = time.time()
        if now < self.ready_at:
            span = max(self.ready_at - self.started, 0.001)
            return {"status": "uploading", "progress": min(99, int(100 * (now - self.started) / span))}
        return {"status": "done", "progress": 100} if self.ok else {"status": "failed", "reason": self.reason}


@dataclass
class Work:
    id: str
    user: str
    kind: str
    title: str
    desc: str
    topics: list[str]
    images: int
    publish_at: str | None
    """Beijing wall time ``YYYY-MM-DD HH:MM`` of a scheduled work; None when published at once."""
    declaration: str | None = None
    """The 自主声明 option chosen on the form (``内容由AI生成`` …); None: no declaration."""
    cover: str | None = None
    """How the cover was set: ``recommended:<n>``, ``uploaded:<file name>``, ``frame``; None: not set."""
    allow_download: bool = False
    """允许他人保存视频 (the real form's default is 不允许)."""
    collection: str | None = None
    """The 合集 the work was added to."""
    created_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    visibility: str = "public"
    """Who can see it (作品管理's 设置权限): ``public`` | ``friends`` | ``private`` (``manager.VISIBILITY``)."""

    @property
    def status(self) -> str:
        if self.publish_at and self.publish_at > datetime.now(SITE_TZ).strftime("%Y-%m-%d %H:%M"):
            return "定时发布"
        return "已发布"

    def shown_time(self) -> str:
        return self.created_at.astimezone(SITE_TZ).strftime("%Y年%m月%d日 %H:%M")

    def public(self) -> dict:
        return {"id": self.id, "kind": self.kind, "title": self.title, "desc": self.desc, "topics": self.topics,
                "images": self.images, "publish_at": self.publish_at, "status": self.status,
                "declaration": self.declaration, "cover": self.cover, "allow_download": self.allow_download,
                "collection": self.collection, "visibility": self.visibility,
                "created_at": self.created_at.isoformat(), "user": self.user}
