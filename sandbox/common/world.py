"""The base of every replica's in-memory world: QR logins, sessions, fault switches, counters, delays.

One uvicorn process serves a replica, but FastAPI runs sync routes in a thread pool, so every read and
write of the world goes through ``World.lock``. A replica subclasses ``World``: its ``reset`` sets its own
``faults`` / ``settings`` dicts, and the class attributes say how ``configure`` reads each key.
"""
from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from zoneinfo import ZoneInfo

SITE_TZ = ZoneInfo("Asia/Shanghai")


@dataclass
class Session:
    user: str
    created: float
    doomed: bool = False
    """Set when a page loads under ``session_expire_mid_flow``: the next API call kills it."""


class World:
    INT_KEYS: tuple[str, ...] = ()
    """Switches and settings that take a count (``True`` counts as 1)."""
    STR_KEYS: tuple[str, ...] = ()
    """Settings that take text; every other setting is a float, every other switch a bool."""

    def __init__(self, delays: bool = True):
        self.lock = threading.RLock()
        self._start_delays = delays
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.faults: dict = {}
            self.settings: dict = {"qr_ttl_s": 60, "session_ttl_s": 24 * 3600, "delays": self._start_delays}
            self.qr: dict[str, dict] = {}            # token -> {"created", "user"}
            self.sessions: dict[str, Session] = {}   # cookie -> session
            self.current: dict[str, str] = {}        # user -> their only live cookie
            self.submissions = 0
            self.clock_offset_s = 0.0
            """The replica's clock runs this far ahead of the machine's (``now``); set by ``set_clock``."""
            self.expire_at: float | None = None
            """Machine time at which every session opened before it dies (``expire_sessions_at``)."""

    def configure(self, changes: dict) -> str | None:
        """Apply a partial dict of fault switches and settings; the name of an unknown key, if any."""
        with self.lock:
            unknown = next((k for k in changes if k not in self.faults and k not in self.settings), None)
            if unknown:
                return unknown
            for key, value in changes.items():
                store = self.faults if key in self.faults else self.settings
                store[key] = self.coerce(key, value, key in self.faults)
            return None

    def coerce(self, key: str, value, is_fault: bool):
        """The value ``configure`` stores for ``key``; a subclass overrides it for keys of its own kind."""
        if key in self.INT_KEYS:
            return int(value)
        if key in self.STR_KEYS:
            return str(value)
        if is_fault or key == "delays":
            return bool(value)
        return float(value)

    def take(self, fault: str) -> bool:
        """Use up one of the next-N count ``fault``: True when it fires now."""
        with self.lock:
            if self.faults.get(fault, 0) > 0:
                self.faults[fault] -= 1
                return True
            return False

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
            if time.time() - s.created > self.settings["session_ttl_s"] or self._expired_by_switch(s):
                self.sessions.pop(cookie, None)
                return None
            return s.user

    def _expired_by_switch(self, s: Session) -> bool:
        return self.expire_at is not None and s.created < self.expire_at <= time.time()

    def doom_if_faulty(self, cookie: str | None) -> None:
        with self.lock:
            if self.faults.get("session_expire_mid_flow") and cookie in self.sessions:
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

    def kick(self, cookie: str | None) -> None:
        """The site throws this session out (a login elsewhere, risk control): its cookie stops working."""
        with self.lock:
            s = self.sessions.pop(cookie or "", None)
            if s and self.current.get(s.user) == cookie:
                del self.current[s.user]

    def expire_all(self) -> None:
        with self.lock:
            self.sessions.clear()
            self.current.clear()

    # -- the replica's clock and the timed expiry ---------------------------------------------------
    def now(self) -> float:
        """The replica's clock (seconds since the epoch): the machine's, moved by ``set_clock``."""
        with self.lock:
            return time.time() + self.clock_offset_s

    def set_clock(self, now: float | None) -> None:
        """Make the replica's clock read ``now`` at this moment (None: the machine's clock again)."""
        with self.lock:
            self.clock_offset_s = 0.0 if now is None else now - time.time()

    def expire_sessions_at(self, at: float | None) -> None:
        """At ``at`` on the replica's clock, every session opened before then dies, as a site's sessions do
        when their lifetime runs out (a session opened after, by a new login, lives on). None: switched off.
        The moment is fixed on the machine's clock when set: moving the replica's clock later does not move it."""
        with self.lock:
            self.expire_at = None if at is None else at - self.clock_offset_s

    def count_submission(self) -> None:
        with self.lock:
            self.submissions += 1

    def take_publish_failure(self) -> bool:
        """The replicas' shared ``publish_failed`` switch: the next N publishes fail."""
        return self.take("publish_failed")

    # -- timing ------------------------------------------------------------------------------------
    @property
    def delays(self) -> bool:
        return bool(self.settings["delays"])

    def delay(self, seconds: float, off: float = 0.0) -> float:
        """``seconds`` with realistic delays, ``off`` (near zero) without."""
        return seconds if self.delays else off
