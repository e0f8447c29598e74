"""The replica's in-memory world: uploads, notes and the publish switches; QR logins, sessions, the
lock and counters come from ``sandbox.common.world``."""
from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sandbox.common.inbound import INBOUND_FAULTS, INBOUND_INT_FAULTS, INBOUND_SETTINGS, Inbox, hex_id
from sandbox.common.stats import STATS_SETTINGS
from sandbox.common.world import SITE_TZ, Session, World as BaseWorld

__all__ = ["SITE_TZ", "Note", "Session", "World"]

DEFAULT_FAULTS = {
    "slow_upload": 0,                  # extra milliseconds every image upload takes
    "popover": False,                  # a tips div.d-popover covers the publish button
    "publish_failed": 0,               # the next N submissions fail with 发布失败，请稍后重试
    "session_expire_mid_flow": False,  # a publish page's session dies at its next upload/submit
    "suggestions_missing": False,      # topic suggestions never come
    "notes_hidden": False,             # 笔记管理 lists no note (published ones held back, e.g. under review)
    "notes_load_failed": 0,            # the next N loads of 笔记管理 show 网络错误 instead of the list
    "legacy_editor": False,            # the older form: quill editor, 自主声明, 发布时间 radio group
    "declaration_missing": False,      # the form has no content-type declaration entry at all
    "ai_wording_changed": False,       # the AI declaration option reads 内容由AI生成 instead
    "declaration_dropped": False,      # a chosen content-type declaration is not kept (the placeholder stays)
    "slow_video_processing": 0,        # extra milliseconds a video stays 视频正在转码中
    "manage_failed": 0,                # the next N 权限设置 / 删除 in 笔记管理 fail with 操作失败，请稍后重试
    "manage_slow_ms": 0,      # each 权限设置 / 删除 in 笔记管理 is answered this much later (a loaded site)
    "new_version": 0,                  # the next N open publish pages reload themselves (a release went out)
}
DEFAULT_SETTINGS = {"qr_ttl_s": 60, "session_ttl_s": 24 * 3600, "delays": True, **STATS_SETTINGS}
INT_FAULTS = ("slow_upload", "publish_failed", "notes_load_failed", "slow_video_processing", "manage_failed", "manage_slow_ms",
              "new_version")


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
    kind: str = "image"
    """``image`` or ``video``."""
    cover: bool = False
    """A video note with a cover the user uploaded (else the first frame)."""
    collection: str | None = None
    original: bool = False
    declaration: dict | None = None
    """``{"kind", "label", "source"}`` as the form's 内容类型声明 set it; None when none was chosen."""
    created_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    visibility: str = "public"
    """Who can see it (笔记管理's 权限设置): ``public`` | ``private`` | ``friends`` (``manager.VISIBILITY``)."""

    @property
    def status(self) -> str:
        if self.publish_at and self.publish_at > datetime.now(SITE_TZ).strftime("%Y-%m-%d %H:%M"):
            return "定时发布中"
        return "已发布"

    def shown_time(self) -> str:
        return self.created_at.astimezone(SITE_TZ).strftime("%Y-%m-%d %H:%M")

    def declaration_text(self) -> str:
        """What the note list shows: the declaration as the form worded it, and 原创."""
        parts = []
        if self.declaration:
            d = self.declaration
            parts.append(f'{d["label"]}：{d["source"]}' if d.get("source") else d["label"])
        if self.original:
            parts.append("原创")
        return " · ".join(parts)

    def public(self) -> dict:
        return {"id": self.id, "title": self.title, "body": self.body, "topics": self.topics,
                "images": self.images, "publish_at": self.publish_at, "status": self.status,
                "created_at": self.created_at.isoformat(), "user": self.user, "kind": self.kind,
                "cover": self.cover, "collection": self.collection, "original": self.original,
                "declaration": self.declaration, "declaration_text": self.declaration_text(),
                "visibility": self.visibility}


class World(BaseWorld):
    INT_KEYS = (*INT_FAULTS, *INBOUND_INT_FAULTS)
    COMMENTED_NOTES = [("6751a2c3000000000b01f2e4", "秋冬通勤穿搭｜一周不重样"), ("6751a2c3000000000b01f2e5", "手冲咖啡入门")]
    """Notes the replica's account has from the start, for comments to land on (GUESS content)."""

    def reset(self) -> None:
        with self.lock:
            super().reset()
            self.faults = {**DEFAULT_FAULTS, **INBOUND_FAULTS}  # + the www comment reply faults
            self.settings = {**DEFAULT_SETTINGS, **INBOUND_SETTINGS, "delays": self._start_delays}
            self.uploads: dict[str, str] = {}        # file id -> cookie that uploaded it
            self.uploading: Counter = Counter()      # cookie -> image uploads being received now
            self.upload_kinds: dict[str, str] = {}   # file id -> "image" | "video"
            self.notes: list[Note] = []
            self.inbox = Inbox(self, ("comment", "reply"), self.COMMENTED_NOTES, hex_id, "comment")
            self.manage_log: list[dict] = []         # 笔记管理's actions that reached the site (``common.manage``)
            self.version_checks = 0                  # open publish pages asking whether a release went out

    # -- uploads and notes -------------------------------------------------------------------------
    def add_upload(self, cookie: str, kind: str = "image") -> str:
        file_id = secrets.token_hex(16)
        with self.lock:
            self.uploads[file_id] = cookie
            self.upload_kinds[file_id] = kind
        return file_id

    def owns_uploads(self, cookie: str, file_ids: list, kind: str = "image") -> bool:
        with self.lock:
            return all(self.uploads.get(str(f)) == cookie and self.upload_kinds.get(str(f)) == kind
                       for f in file_ids)

    def add_note(self, **kw) -> Note:
        note = Note(id=secrets.token_hex(12), **kw)  # 24 hex chars, like real note ids
        with self.lock:
            self.notes.insert(0, note)
        return note

    def notes_of(self, user: str) -> list[Note]:
        with self.lock:
            return [n for n in self.notes if n.user == user and not self.faults["notes_hidden"]]

    def upload_started(self, cookie: str, step: int) -> None:
        """``uploading`` in the state: the sessions sending an image now (tests wait on it)."""
        with self.lock:
            self.uploading[cookie] += step

    def snapshot_notes(self) -> list[Note]:
        with self.lock:
            return list(self.notes)

    def snapshot(self) -> dict:
        with self.lock:
            return {"submissions": self.submissions, "uploading": sum(1 for n in self.uploading.values() if n),
                    "uploads": len(self.uploads), "version_checks": self.version_checks,
                    "notes": [n.public() for n in self.notes],
                    "faults": dict(self.faults), "settings": dict(self.settings),
                    "manage_log": list(self.manage_log)}
