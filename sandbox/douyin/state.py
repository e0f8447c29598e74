"""The replica's in-memory world: uploads, drafts, works, SMS codes, counters and fault switches.

QR logins, sessions, the submission counter and ``publish_failed`` come from ``sandbox.common.world``;
this subclass swaps in Douyin's switches and content.
"""
from __future__ import annotations

import random
import secrets
import time

from sandbox.common.inbound import INBOUND_FAULTS, INBOUND_INT_FAULTS, INBOUND_SETTINGS, Inbox, digits_id
from sandbox.douyin.models import Upload, Work
from sandbox.common.stats import STATS_SETTINGS
from sandbox.common.world import SITE_TZ, World as BaseWorld

__all__ = ["SITE_TZ", "Upload", "Work", "World"]

DEFAULT_FAULTS = {
    "upload_failed": 0,       # the next N uploads end in 上传失败
    "slow_upload": 0,         # extra milliseconds every upload's processing takes
    "publish_failed": 0,      # the next N publishes fail with 发布失败，请稍后重试
    "tour": False,            # the new-user tour overlay covers the upload and form pages
    "cover_required": False,  # publishing without a cover: 请设置封面后再发布
    "sms_required": False,    # publishing asks for an SMS code first
    "sms_at_login": False,    # a scanned QR asks for an SMS code before the session starts
    "no_declaration": False,  # the forms have no 自主声明 entry at all (an account or build without it)
    "declaration_dropped": False,  # 确定 in the 自主声明 modal closes it but the choice is not kept
    "manage_failed": 0,       # the next N 设置权限 / 删除 in 作品管理 fail with 操作失败，请稍后重试
    "manage_slow_ms": 0,      # each 设置权限 / 删除 in 作品管理 is answered this much later (a loaded site)
}
DEFAULT_SETTINGS = {**STATS_SETTINGS, "qr_ttl_s": 60, "session_ttl_s": 24 * 3600, "delays": True, "processing_s": 3.0,
                    "schedule_min_h": 2.0, "schedule_max_days": 14.0, "form_variant": "random",
                    "declaration_variant": "random"}
INT_FAULTS = ("upload_failed", "slow_upload", "publish_failed", "manage_failed", "manage_slow_ms")
VARIANTS = {"publish": "/creator-micro/content/publish?enter_from=publish_page",
            "post_video": "/creator-micro/content/post/video?enter_from=publish_page"}
DECLARATION_VARIANTS = ("form", "select", "assistant")
"""Where the 自主声明 entry sits (``form_page.py``): a form row 「添加自主声明」, a select box 「请选择自主声明」,
or the 发文助手 side panel's 「添加声明」 (the saved real page, with the older modal header)."""


class World(BaseWorld):
    INT_KEYS = (*INT_FAULTS, *INBOUND_INT_FAULTS)
    COMMENT_WORKS = [("7441826359120394521", "秋日穿搭｜一衣三穿"), ("7438210945671238764", "新品茶具开箱")]
    """Works the replica's account has from the start, for comments to land on (GUESS content)."""

    def reset(self) -> None:
        with self.lock:
            super().reset()
            self.faults = {**DEFAULT_FAULTS, **INBOUND_FAULTS}  # + the 评论管理 / 私信 reply faults
            self.settings = {**DEFAULT_SETTINGS, **INBOUND_SETTINGS, "delays": self._start_delays}
            self.media: dict[str, Upload] = {}       # upload id -> upload
            self.drafts: dict[str, dict] = {}        # cookie -> {"kind", "video", "images"}
            self.works: list[Work] = []
            self.sms: dict[str, str] = {}            # cookie -> last issued code
            self.sms_tickets: set[str] = set()
            self.last_sms_code: str | None = None
            self.held_logins: dict[str, str] = {}   # verify token -> user, scanned but not yet verified
            self.inbox = Inbox(self, ("comment", "message"), self.COMMENT_WORKS, digits_id(19), "comment")
            self.manage_log: list[dict] = []         # 作品管理's actions that reached the site (``common.manage``)

    def configure(self, changes: dict) -> str | None:
        with self.lock:
            unknown = next((k for k in changes if k not in self.faults and k not in self.settings), None)
            if unknown:
                return unknown
            for key, value in changes.items():
                if key in self.INT_KEYS:
                    self.faults[key] = int(value)
                elif key in self.faults or key == "delays":
                    (self.faults if key in self.faults else self.settings)[key] = bool(value)
                elif key == "form_variant":
                    self.settings[key] = value if value in VARIANTS else "random"
                elif key == "declaration_variant":
                    self.settings[key] = value if value in DECLARATION_VARIANTS else "random"
                else:
                    self.settings[key] = float(value)
            return None

    # -- uploads and drafts ------------------------------------------------------------------------
    def add_media(self, cookie: str, kind: str, ok: bool, reason: str = "") -> Upload:
        with self.lock:
            if ok and kind == "video" and self.faults["upload_failed"] > 0:
                self.faults["upload_failed"] -= 1
                ok, reason = False, "上传失败"
            span = self.delay(self.settings["processing_s"], 0.3) if kind == "video" else 0
            span += self.faults["slow_upload"] / 1000
            now = time.time()
            up = Upload(secrets.token_hex(12), cookie, kind, ok, reason, now, now + span)
            self.media[up.id] = up
            return up

    def upload_of(self, cookie: str, upload_id: str) -> Upload | None:
        with self.lock:
            up = self.media.get(upload_id)
            return up if up and up.cookie == cookie else None

    def set_draft(self, cookie: str, kind: str, ids: list[str]) -> str:
        """The session's work in progress; answers the form URL the browser moves to."""
        with self.lock:
            if kind == "video":
                self.drafts[cookie] = {"kind": "video", "video": ids[0], "images": []}
                variant = self.settings["form_variant"]
                return VARIANTS[variant] if variant in VARIANTS else random.choice(list(VARIANTS.values()))
            self.drafts[cookie] = {"kind": "image", "video": None, "images": list(ids)}
            return "/creator-micro/content/post/image?enter_from=publish_page&media_type=image&type=new"

    def declaration_variant(self) -> str | None:
        """The 自主声明 entry a form page gets now; None when the fault removes it."""
        with self.lock:
            if self.faults["no_declaration"]:
                return None
            chosen = self.settings["declaration_variant"]
            return chosen if chosen in DECLARATION_VARIANTS else random.choice(DECLARATION_VARIANTS)

    def draft_of(self, cookie: str | None) -> dict | None:
        with self.lock:
            draft = self.drafts.get(cookie or "")
            return {**draft, "images": list(draft["images"])} if draft else None

    # -- SMS second factor -------------------------------------------------------------------------
    def issue_sms(self, cookie: str) -> str:
        code = f"{random.randint(0, 999999):06d}"
        with self.lock:
            self.sms[cookie] = self.last_sms_code = code
        return code

    def verify_sms(self, cookie: str, code: str) -> str | None:
        """A one-time ticket for the next publish when ``code`` is the one issued to this session."""
        with self.lock:
            if not code or self.sms.get(cookie) != code:
                return None
            del self.sms[cookie]
            ticket = secrets.token_hex(12)
            self.sms_tickets.add(ticket)
            return ticket

    def hold_login(self, token: str) -> str | None:
        """A scanned QR whose login waits for an SMS code: a verify token instead of a session."""
        with self.lock:
            qr = self.qr.get(token)
            if not qr or not qr["user"]:
                return None
            del self.qr[token]
            held = secrets.token_hex(16)
            self.held_logins[held] = qr["user"]
            return held

    def held_user(self, held: str | None) -> str | None:
        with self.lock:
            return self.held_logins.get(held or "")

    def finish_login(self, held: str, code: str) -> str | None:
        """The session cookie once ``code`` is the one sent for this held login."""
        key = f"login:{held}"
        with self.lock:
            if held not in self.held_logins or not code or self.sms.get(key) != code:
                return None
            del self.sms[key]
            return self.open_session(self.held_logins.pop(held))

    def take_ticket(self, ticket: str | None) -> bool:
        with self.lock:
            if ticket in self.sms_tickets:
                self.sms_tickets.discard(ticket)
                return True
            return False

    # -- works -------------------------------------------------------------------------------------
    def add_work(self, cookie: str, **kw) -> Work:
        work = Work(id=str(random.randint(7 * 10**18, 76 * 10**17)), **kw)  # 19 digits, like aweme ids
        with self.lock:
            self.works.insert(0, work)
            self.drafts.pop(cookie, None)  # the form is used up, as after a real publish
        return work

    def works_of(self, user: str) -> list[Work]:
        with self.lock:
            return [w for w in self.works if w.user == user]

    def snapshot(self) -> dict:
        with self.lock:
            return {"submissions": self.submissions, "works": [w.public() for w in self.works],
                    "faults": dict(self.faults), "settings": dict(self.settings),
                    "sms_code": self.last_sms_code, "manage_log": list(self.manage_log)}
