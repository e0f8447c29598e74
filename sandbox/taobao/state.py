"""The replica's in-memory world: sessions, SMS logins, materials, items, the slider, counters and faults.

QR logins, sessions (``open_session``), ``session_expire_mid_flow`` and the submission counter come from the Xiaohongshu
replica's ``World`` (same semantics, same lock); this subclass swaps in Taobao's switches and content.
"""
from __future__ import annotations

import random
import secrets

from sandbox.common.inbound import INBOUND_FAULTS, INBOUND_INT_FAULTS, INBOUND_SETTINGS, Inbox, digits_id
from sandbox.taobao.models import Item, Material
from sandbox.common.stats import STATS_SETTINGS
from sandbox.common.world import SITE_TZ, World as BaseWorld

__all__ = ["SITE_TZ", "Item", "Material", "World"]

DEFAULT_FAULTS = {
    "slider_pages": 0,            # the next N seller page loads show the baxia slider
    "slider_submits": 0,          # the next N submits answer with the slider first
    "slider_probability": 0.0,    # chance (0..1) of the slider on any page load or submit
    "slider_data_page": "",       # sold | refunds | on_sale: that data page's next load shows the slider
    "sms_required": True,         # password login asks for an SMS code
    "sms_after_scan": False,      # a scanned QR asks for an SMS code before the session starts
    "submit_failed": 0,           # the next N valid submits fail with 系统繁忙，请稍后再试
    "slow_upload": 0,             # extra milliseconds every material upload takes
    "promotion_lock": False,      # price and stock are read-only (营销活动中)
    "warning_dialog": True,       # submitting without description images asks 返回修改 / 确认提交
    "warning_low_price": False,   # a price under the low_price setting asks too (after the one above)
    "warning_no_outer_id": False,  # an empty 商家编码 asks too (last)
    "session_expire_mid_flow": False,  # a publish page's session dies at its next upload/submit
    "submit_script_error": False,  # the publish page's submit handler throws: nothing is sent, no answer comes
    "price_field_moved": False,   # 出售中的宝贝: the price editor is a 修改价格 dialog with another field (sell_manage)
    "sms_check_on_save": False,   # 出售中的宝贝: saving a price asks 安全验证 (an SMS code) before the shop takes it
    "sms_check_pages": 0,         # the next N loads of 出售中的宝贝 ask 安全验证 (an SMS code) over the list
    **INBOUND_FAULTS,             # 评价管理 / 问大家 replies (sandbox.common.inbound)
}
DEFAULT_SETTINGS = {**STATS_SETTINGS, "qr_ttl_s": 60, "session_ttl_s": 24 * 3600, "delays": True, "login_password": "tb123456",
                    "schedule_max_days": 14.0, "max_image_mb": 3.0, "locked_price": "99.00", "locked_quantity": 100,
                    "low_price": "5.00", **INBOUND_SETTINGS}
INT_FAULTS = ("slider_pages", "slider_submits", "submit_failed", "slow_upload", "sms_check_pages")
STR_SETTINGS = ("login_password", "locked_price", "low_price")
REVIEWED_ITEMS = [("652301234567", "明前龙井 250g 礼盒装"), ("652301234568", "手工紫砂壶 西施壶 220ml")]
"""Items the replica's shop sells from the start, for reviews and questions to land on (GUESS content)."""


class World(BaseWorld):
    INT_KEYS = (*INT_FAULTS, "locked_quantity", *INBOUND_INT_FAULTS)
    STR_KEYS = (*STR_SETTINGS, "slider_data_page")

    def reset(self) -> None:
        with self.lock:
            super().reset()
            self.faults = dict(DEFAULT_FAULTS)
            self.settings = {**DEFAULT_SETTINGS, "delays": self._start_delays}
            self.materials: dict[str, Material] = {}
            self.items: list[Item] = []
            self.sms_logins: dict[str, dict] = {}      # login ticket -> {"user", "code"}
            self.last_sms_code: str | None = None
            self.sliders: dict[str, str] = {}          # slider token -> cookie it blocks
            self.slider_counts = {"shown": 0, "passed": 0, "failed": 0}
            self.edits: list[dict] = []                # changes made on 出售中的宝贝 (sell_manage), in order
            self.code_checks: dict[str, dict] = {}     # 安全验证 token -> {"user", "item", "field", "value", "code"}
            self.check_counts = {"shown": 0, "passed": 0, "wrong": 0}
            self.inbox = Inbox(self, ("review", "question"), REVIEWED_ITEMS, digits_id(13), "review")

    def coerce(self, key: str, value, is_fault: bool):
        if key == "slider_probability":
            return min(max(float(value), 0.0), 1.0)
        return super().coerce(key, value, is_fault)

    # -- password + SMS login ----------------------------------------------------------------------
    def hold_scanned(self, token: str) -> str | None:
        """A scanned QR whose login waits for an SMS code: an SMS ticket instead of a session."""
        with self.lock:
            qr = self.qr.get(token)
            if not qr or not qr["user"]:
                return None
            del self.qr[token]
            return self.new_sms_login(qr["user"])

    def new_sms_login(self, user: str) -> str:
        ticket = secrets.token_hex(12)
        with self.lock:
            self.sms_logins[ticket] = {"user": user, "code": None}
        return ticket

    def send_sms(self, ticket: str) -> bool:
        with self.lock:
            login = self.sms_logins.get(ticket)
            if not login:
                return False
            login["code"] = self.last_sms_code = f"{random.randint(0, 999999):06d}"
            return True

    def verify_sms(self, ticket: str, code: str) -> str | None:
        """The session cookie when ``code`` is the one sent for this login ticket."""
        with self.lock:
            login = self.sms_logins.get(ticket)
            if not login or not login["code"] or login["code"] != code:
                return None
            del self.sms_logins[ticket]
            return self.open_session(login["user"])

    # -- the baxia slider --------------------------------------------------------------------------
    def _take(self, counter: str) -> bool:
        if self.faults[counter] > 0:
            self.faults[counter] -= 1
            return True
        return random.random() < self.faults["slider_probability"]

    def maybe_slider(self, cookie: str, on: str, data_page: str = "") -> str | None:
        """A slider token when this page load (``on="page"``) or submit (``"submit"``) must show the slider.
        ``data_page``: which data page is loading (sold, refunds, on_sale), for ``slider_data_page``."""
        with self.lock:
            pending = self.slider_of(cookie)
            if pending:
                return pending
            aimed = bool(data_page) and self.faults["slider_data_page"] == data_page
            if aimed:
                self.faults["slider_data_page"] = ""  # one load; the slider then stays until it is passed
            elif not self._take("slider_pages" if on == "page" else "slider_submits"):
                return None
            token = secrets.token_hex(16)
            self.sliders[token] = cookie
            self.slider_counts["shown"] += 1
            return token

    def slider_of(self, cookie: str) -> str | None:
        """The slider that currently blocks this session, if any."""
        with self.lock:
            return next((t for t, c in self.sliders.items() if c == cookie), None)

    def slider_result(self, token: str, passed: bool) -> bool:
        """Record one drag on slider ``token``; a pass lifts the block. False for an unknown token."""
        with self.lock:
            if token not in self.sliders:
                return False
            self.slider_counts["passed" if passed else "failed"] += 1
            if passed:
                del self.sliders[token]
            return True

    # -- materials and items -----------------------------------------------------------------------
    def add_material(self, user: str, **kw) -> Material:
        mat = Material(id=secrets.token_hex(10), user=user, **kw)
        with self.lock:
            self.materials[mat.id] = mat
        return mat

    def material(self, mat_id: str, user: str | None = None) -> Material | None:
        with self.lock:
            mat = self.materials.get(str(mat_id))
            return mat if mat and (user is None or mat.user == user) else None

    def materials_of(self, user: str) -> list[Material]:
        with self.lock:
            return [m for m in reversed(list(self.materials.values())) if m.user == user]

    def take_submit_failure(self) -> bool:
        return self.take("submit_failed")

    def add_item(self, **kw) -> Item:
        with self.lock:
            taken = {i.id for i in self.items}
            item_id = str(random.randint(6 * 10**11, 10**12 - 1))
            while item_id in taken:
                item_id = str(random.randint(6 * 10**11, 10**12 - 1))
            item = Item(id=item_id, **kw)
            self.items.insert(0, item)
            return item

    def edit_item(self, item: Item, field: str, value) -> None:
        """One change from 出售中的宝贝: ``price`` / ``quantity``, or ``shelf`` (``warehouse`` = 下架, ``now`` = 上架)."""
        with self.lock:
            old = item.start_mode if field == "shelf" else getattr(item, field)
            if field == "shelf":
                item.start_mode = value
            else:
                setattr(item, field, value)
            self.edits.append({"item_id": item.id, "field": field, "old": str(old), "new": str(value)})

    # -- 安全验证 before a save (fault ``sms_check_on_save``) ---------------------------------------------
    def hold_for_code(self, user: str, item: Item | None, field: str = "", value=None) -> str:
        """A save the shop takes only after an SMS code (no ``item``: a page that asks before it may be used):
        the token the page's 安全验证 dialog sends back."""
        token = secrets.token_hex(12)
        with self.lock:
            self.code_checks[token] = {"user": user, "item": item, "field": field, "value": value, "code": None}
            self.check_counts["shown"] += 1
        return token

    def page_check(self, user: str) -> str | None:
        """The 安全验证 the seller's list asks before it may be used: the one still open for ``user`` (a reload
        does not get past it), else a new one when ``sms_check_pages`` fires."""
        with self.lock:
            open_check = next((t for t, c in self.code_checks.items() if c["user"] == user and c["item"] is None), None)
        if open_check or not self.take("sms_check_pages"):
            return open_check
        return self.hold_for_code(user, None)

    def send_check_code(self, user: str, token: str) -> bool:
        """获取验证码: a new code for the held save (readable by tests as the last SMS code)."""
        with self.lock:
            check = self.code_checks.get(token)
            if not check or check["user"] != user:
                return False
            check["code"] = self.last_sms_code = f"{random.randint(0, 999999):06d}"
            return True

    def pass_check(self, user: str, token: str, code: str) -> tuple[str, str]:
        """``passed`` (the held save is made, once) with the value saved, ``wrong`` or ``gone`` (no such check:
        passed already, or never held)."""
        with self.lock:
            check = self.code_checks.get(token)
            if not check or check["user"] != user:
                return "gone", ""
            if not check["code"] or check["code"] != code:
                self.check_counts["wrong"] += 1
                return "wrong", ""
            del self.code_checks[token]
            self.check_counts["passed"] += 1
        if check["item"] is None:
            return "passed", ""
        self.edit_item(check["item"], check["field"], check["value"])
        return "passed", str(check["value"])

    def items_of(self, user: str) -> list[Item]:
        with self.lock:
            return [i for i in self.items if i.user == user]

    def snapshot(self) -> dict:
        with self.lock:
            return {"submissions": self.submissions, "items": [i.public() for i in self.items],
                    "faults": dict(self.faults), "settings": dict(self.settings),
                    "slider": dict(self.slider_counts), "sms_code": self.last_sms_code,
                    "edits": list(self.edits), "code_checks": dict(self.check_counts)}

    def snapshot_items(self) -> list[Item]:
        with self.lock:
            return list(self.items)
