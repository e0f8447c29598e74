"""The replica's in-memory world: QR logins, sessions, uploads, notes, counters and fault switches.

One uvicorn process serves the replica, but FastAPI runs sync routes in a thread pool, so every read
and write of the world goes through ``World.lock``.
"""
from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

SITE_TZ = ZoneInfo("Asia/Shanghai")

DEFAULT_FAULTS = {
    "slow_upload": 0,                  # extra milliseconds every image upload takes
    "popover": False,                  # a tips div.d-popover covers the publish button
    "publish_failed": 0,               # the next N submissions fail with 发布失败，请稍后重试
    "session_expire_mid_flow": False,  # a publish page's session dies at its next upload/submit
    "suggestions_missing": False,      # topic suggestions never come
    "notes_hidden": False,             # 笔记管理 lists no note (published ones held back, e.g. under review)
    "legacy_editor": False,            # the older form: quill editor, 自主声明, 发布时间 radio group
    "declaration_missing": False,      # the form has no content-type declaration entry at all
    "ai_wording_changed": False,       # the AI declaration option reads 内容由AI生成 instead
    "slow_video_processing": 0,        # extra milliseconds a video stays 视频正在转码中
}
DEFAULT_SETTINGS = {"qr_ttl_s": 60, "session_ttl_s": 24 * 3600, "delays": True}
INT_FAULTS = ("slow_upload", "publish_failed", "slow_video_processing")


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
                "declaration": self.declaration, "declaration_text": self.declaration_text()}


@dataclass
class Session:
    user: str
    created: float
    doomed: bool = False
    """Set when a publish page loads under ``session_expire_mid_flow``: the next API call kills it."""


class World:
    def __init__(self, delays: bool = True):
        self.lock = threading.RLock()
        self._start_delays = delays
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.faults = dict(DEFAULT_FAULTS)
            self.settings = {**DEFAULT_SETTINGS, "delays": self._start_delays}
            self.qr: dict[str, dict] = {}            # token -> {"created", "user"}
            self.sessions: dict[str, Session] = {}   # cookie -> session
            self.current: dict[str, str] = {}        # user -> their only live cookie
            self.uploads: dict[str, str] = {}        # file id -> cookie that uploaded it
            self.upload_kinds: dict[str, str] = {}   # file id -> "image" | "video"
            self.notes: list[Note] = []
            self.submissions = 0

    def configure(self, changes: dict) -> str | None:
        """Apply a partial dict of fault switches and settings; the name of an unknown key, if any."""
        with self.lock:
            unknown = next((k for k in changes if k not in self.faults and k not in self.settings), None)
            if unknown:
                return unknown
            for key, value in changes.items():
                if key in INT_FAULTS:
                    self.faults[key] = int(value)  # True counts as 1 submission / 1 ms
                elif key in self.faults:
                    self.faults[key] = bool(value)
                elif key == "delays":
                    self.settings[key] = bool(value)
                else:
                    self.settings[key] = float(value)
            return None

    # -- QR login ----------------------------------------------------------------------------------
    def new_qr(self) -> str:
        token = secrets.token_hex(16)
        with self.lock:
            self.qr[token] = {"created": time.time(), "user": None}
        return token

    def qr_status(self, token: str) -> str:
        """``waiting`` | ``scanned`` | ``expired`` (unknown tokens count as expired)."""
        with self.lock:
            qr = self.qr.get(token)
            if qr is None or time.time() - qr["created"] > self.settings["qr_ttl_s"]:
                return "expired"
            return "scanned" if qr["user"] else "waiting"

    def scan(self, token: str, user: str) -> bool:
        with self.lock:
            if self.qr_status(token) != "waiting":
                return False
            self.qr[token]["user"] = user
            return True

    def confirm(self, token: str) -> str | None:
        """The login page picks up a scanned QR: a new session; the user's previous one is kicked out."""
        with self.lock:
            qr = self.qr.get(token)
            if not qr or not qr["user"]:
                return None
            del self.qr[token]
            return self.open_session(qr["user"])

    def open_session(self, user: str) -> str:
        """A new session cookie for ``user``; the user's previous session is kicked out."""
        with self.lock:
            cookie = secrets.token_hex(24)
            old = self.current.get(user)
            if old:
                self.sessions.pop(old, None)
            self.sessions[cookie] = Session(user=user, created=time.time())
            self.current[user] = cookie
            return cookie

    # -- sessions ----------------------------------------------------------------------------------
    def user_of(self, cookie: str | None) -> str | None:
        with self.lock:
            s = self.sessions.get(cookie or "")
            if not s:
                return None
            if time.time() - s.created > self.settings["session_ttl_s"]:
                self.sessions.pop(cookie, None)
                return None
            return s.user

    def doom_if_faulty(self, cookie: str | None) -> None:
        with self.lock:
            if self.faults["session_expire_mid_flow"] and cookie in self.sessions:
                self.sessions[cookie].doomed = True

    def api_user(self, cookie: str | None) -> str | None:
        """The user behind an API call; a doomed session dies here (the fault fires once)."""
        with self.lock:
            s = self.sessions.get(cookie or "")
            if s and s.doomed:
                self.sessions.pop(cookie, None)
                self.faults["session_expire_mid_flow"] = False
                return None
            return self.user_of(cookie)

    def expire_all(self) -> None:
        with self.lock:
            self.sessions.clear()
            self.current.clear()

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

    def count_submission(self) -> None:
        with self.lock:
            self.submissions += 1

    def take_publish_failure(self) -> bool:
        with self.lock:
            if self.faults["publish_failed"] > 0:
                self.faults["publish_failed"] -= 1
                return True
            return False

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

    # -- timing ------------------------------------------------------------------------------------
    @property
    def delays(self) -> bool:
        return bool(self.settings["delays"])

    def delay(self, seconds: float, off: float = 0.0) -> float:
        """``seconds`` with realistic delays, ``off`` (near zero) without."""
        return seconds if self.delays else off
