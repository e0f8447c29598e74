"""The replica's in-memory world: taxpayers, the tpass login steps, sessions, notices, counters, faults.

Sessions, their TTL, ``session_expire_mid_flow`` (doom a session, kill it at the next API call) and the
QR store come from ``sandbox.common.world`` (same lock, same semantics). The login steps are
kept per pending login (a token the login page carries): slider ticket → password → SMS → face QR.
Filed returns and payments live in ``records.Ledger``.
"""
from __future__ import annotations

import asyncio
import random
import secrets
import time

from sandbox.etax import config
from sandbox.etax.records import Ledger
from sandbox.common.world import Session, World as BaseWorld

SLIDER_FAIL = "验证失败，请重新拖动"


class World(BaseWorld):
    def reset(self) -> None:
        with self.lock:
            super().reset()
            self.faults = dict(config.DEFAULT_FAULTS)
            self.settings = {**config.DEFAULT_SETTINGS, "delays": self._start_delays,
                             "current_period": config.default_period(),
                             "taxpayers": [dict(t) for t in config.TAXPAYERS]}
            self.ledger = Ledger(self.lock)
            self.pending: dict[str, dict] = {}       # login token -> {"code", "sms", "face", "created"}
            self.slider_tickets: set[str] = set()
            self.sms: dict[str, str] = {}            # login token -> issued code
            self.last_sms_code: str | None = None
            self.notices_left: dict[str, int] = {}   # cookie -> notices still to show
            self.counters = {"submissions": 0, "payments": 0, "slider_passes": 0, "slider_failures": 0,
                             "logins": 0, "login_failures": 0}

    def configure(self, changes: dict) -> str | None:
        """Apply switches and settings; the offending key (with the reason for a bad value), if any."""
        with self.lock:
            unknown = next((k for k in changes if k not in self.faults and k not in self.settings), None)
            if unknown:
                return unknown
            for key, value in changes.items():
                try:
                    if key in config.INT_FAULTS:
                        self.faults[key] = int(value)
                    elif key in self.faults:
                        self.faults[key] = bool(value)
                    else:
                        self.settings[key] = config.coerce_setting(key, value)
                except (TypeError, ValueError) as exc:
                    return f"{key} ({exc})"
            return None

    def count(self, name: str) -> None:
        with self.lock:
            self.counters[name] += 1

    def take_fault(self, name: str) -> bool:
        """Use up one of a counted fault (submit_failed, payment_failed)."""
        with self.lock:
            if self.faults[name] > 0:
                self.faults[name] -= 1
                return True
            return False

    async def pause(self, seconds: float = 0.3) -> None:
        """A realistic server delay plus the ``slow`` fault."""
        await asyncio.sleep(self.delay(seconds, 0.0) + self.faults["slow"] / 1000)

    # -- taxpayers -----------------------------------------------------------------------------------
    def taxpayer(self, credit_code: str | None) -> dict | None:
        with self.lock:
            return next((dict(t) for t in self.settings["taxpayers"] if t["credit_code"] == credit_code), None)

    def check_password(self, credit_code: str, account: str, password: str) -> dict | None:
        tp = self.taxpayer(credit_code.strip().upper())
        if tp and account.strip() in (tp["user"], tp["phone"]) and password == tp["password"]:
            return tp
        return None

    # -- slider --------------------------------------------------------------------------------------
    def verify_slider(self, moves: list, release: list) -> str | None:
        """A ticket for a human-like drag: ≥ 10 moves over ≥ 300 ms, released at the end ± 8 px."""
        try:
            points = [(float(x), float(t)) for x, t in moves]
            end = float(release[0])
        except (TypeError, ValueError, IndexError):
            points, end = [], -1.0
        times = [t for _, t in points]
        human = (len(points) >= 10 and times == sorted(times) and times[-1] - times[0] >= 300
                 and abs(end - config.SLIDER_TRAVEL) <= 8)
        with self.lock:
            self.counters["slider_passes" if human else "slider_failures"] += 1
            if not human:
                return None
            ticket = secrets.token_hex(12)
            self.slider_tickets.add(ticket)
            return ticket

    def take_slider_ticket(self, ticket: str | None) -> bool:
        with self.lock:
            if ticket in self.slider_tickets:
                self.slider_tickets.discard(ticket)
                return True
            return False

    # -- the login steps -----------------------------------------------------------------------------
    def start_login(self, credit_code: str) -> str:
        token = secrets.token_hex(16)
        with self.lock:
            self.pending[token] = {"code": credit_code, "sms": bool(self.faults["sms_required"]),
                                   "face": bool(self.faults["face_check"]), "created": time.time()}
        return token

    def pending_login(self, token: str) -> dict | None:
        with self.lock:
            p = self.pending.get(token or "")
            if p and time.time() - p["created"] > 600:
                self.pending.pop(token, None)
                return None
            return dict(p) if p else None

    def next_step(self, token: str) -> str:
        """``sms`` | ``face`` | ``done`` for a pending login, ``gone`` for an unknown or stale one."""
        p = self.pending_login(token)
        return "gone" if not p else "sms" if p["sms"] else "face" if p["face"] else "done"

    def issue_sms(self, token: str) -> str:
        code = f"{random.randint(0, 999999):06d}"
        with self.lock:
            self.sms[token] = self.last_sms_code = code
        return code

    def verify_sms(self, token: str, code: str) -> bool:
        with self.lock:
            if not code or self.sms.get(token) != code or token not in self.pending:
                return False
            del self.sms[token]
            self.pending[token]["sms"] = False
            return True

    def face_qr(self, token: str) -> str:
        """A new face-check QR token bound to a pending login."""
        qr = self.new_qr()
        with self.lock:
            self.qr[qr]["login"] = token
        return qr

    def scan(self, token: str, user: str) -> bool:
        """The tax app scans a face-check QR: the pending login it belongs to passes its face step."""
        with self.lock:
            if self.qr_status(token) != "waiting" or self.qr[token].get("login") not in self.pending:
                return False
            self.qr[token]["user"] = user or "app"
            self.pending[self.qr[token]["login"]]["face"] = False
            return True

    def finish_login(self, token: str) -> str | None:
        """A session cookie once every step of the pending login is done; the taxpayer's old session dies."""
        with self.lock:
            p = self.pending.get(token)
            if not p or p["sms"] or p["face"]:
                return None
            del self.pending[token]
            cookie = secrets.token_hex(24)
            old = self.current.get(p["code"])
            if old:
                self.sessions.pop(old, None)
            self.sessions[cookie] = Session(user=p["code"], created=time.time())
            self.current[p["code"]] = cookie
            self.notices_left[cookie] = int(self.faults["notices"])
            self.counters["logins"] += 1
            return cookie

    def logout(self, cookie: str | None) -> None:
        with self.lock:
            s = self.sessions.pop(cookie or "", None)
            if s and self.current.get(s.user) == cookie:
                del self.current[s.user]

    # -- notices -------------------------------------------------------------------------------------
    def notices_for(self, cookie: str) -> int:
        with self.lock:
            return self.notices_left.get(cookie, 0)

    def close_notice(self, cookie: str) -> int:
        with self.lock:
            left = max(self.notices_left.get(cookie, 0) - 1, 0)
            self.notices_left[cookie] = left
            return left

    def snapshot(self) -> dict:
        with self.lock:
            return {**self.ledger.snapshot(), "counters": dict(self.counters), "submissions":
                    self.counters["submissions"], "faults": dict(self.faults),
                    "settings": {**self.settings, "taxpayers": [dict(t) for t in self.settings["taxpayers"]]},
                    "sms_code": self.last_sms_code}
