"""The replica's in-memory world: uploads, notes and the publish switches; QR logins, sessions, the
lock and counters come from ``sandbox.common.world``."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sandbox.common.world import SITE_TZ, Session, World as BaseWorld

__all__ = ["SITE_TZ", "Note", "Session", "World"]

DEFAULT_FAULTS = {
    "slow_upload": 0,                  # extra milliseconds every image upload takes
    "popover": False,                  # a tips div.d-popover covers the publish button
    "publish_failed": 0,               # the next N submissions fail with 发布失败，请稍后重试
    "session_expire_mid_flow": False,  # a publish page's session dies at its next upload/submit
    "suggestions_missing": False,      # topic suggestions never come
    "notes_hidden": False,             # 笔记管理 lists no note (published ones held back, e.g. under review)
}
DEFAULT_SETTINGS = {"qr_ttl_s": 60, "session_ttl_s": 24 * 3600, "delays": True}
INT_FAULTS = ("slow_upload", "publish_failed")


@dataclass
class Note:
    id: str
    user: str
    title: str
    body: str
    topics: list[str]
    images: int
    publish_at: str | None
    """Beijing wall time ``YYYY-MM-DD HH:MM`` of a scheduled note; None for an immediate one."""
    created_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    @property
    def status(self) -> str:
        if self.publish_at and self.publish_at > datetime.now(SITE_TZ).strftime("%Y-%m-%d %H:%M"):
            return "定时发布中"
        return "已发布"

    def shown_time(self) -> str:
        return self.created_at.astimezone(SITE_TZ).strftime("%Y-%m-%d %H:%M")

    def public(self) -> dict:
        return {"id": self.id, "title": self.title, "body": self.body, "topics": self.topics,
                "images": self.images, "publish_at": self.publish_at, "status": self.status,
                "created_at": self.created_at.isoformat(), "user": self.user}


class World(BaseWorld):
    INT_KEYS = INT_FAULTS

    def reset(self) -> None:
        with self.lock:
            super().reset()
            self.faults = dict(DEFAULT_FAULTS)
            self.settings = {**DEFAULT_SETTINGS, "delays": self._start_delays}
            self.uploads: dict[str, str] = {}        # file id -> cookie that uploaded it
            self.notes: list[Note] = []

    # -- uploads and notes -------------------------------------------------------------------------
    def add_upload(self, cookie: str) -> str:
        file_id = secrets.token_hex(16)
        with self.lock:
            self.uploads[file_id] = cookie
        return file_id

    def owns_uploads(self, cookie: str, file_ids: list) -> bool:
        with self.lock:
            return all(self.uploads.get(str(f)) == cookie for f in file_ids)

    def add_note(self, **kw) -> Note:
        note = Note(id=secrets.token_hex(12), **kw)  # 24 hex chars, like real note ids
        with self.lock:
            self.notes.insert(0, note)
        return note

    def notes_of(self, user: str) -> list[Note]:
        with self.lock:
            return [n for n in self.notes if n.user == user and not self.faults["notes_hidden"]]

    def snapshot_notes(self) -> list[Note]:
        with self.lock:
            return list(self.notes)

    def snapshot(self) -> dict:
        with self.lock:
            return {"submissions": self.submissions, "notes": [n.public() for n in self.notes],
                    "faults": dict(self.faults), "settings": dict(self.settings)}
