"""The tpass login (``/#/login``): credit code + user + password, then what the portal may ask on top.

Labels and texts are real-sites.md §4 (``统一社会信用代码/纳税人识别号``, ``居民身份证号码/手机号码/用户名``,
``个人用户密码``, ``登录``); the slider, the SMS step and the face-check step are GUESS in their markup,
so each has a role/label/text locator first and the replica's class as the fallback. We never solve a
slider or a face check: they raise ``SliderRequired`` / ``FaceCheckRequired`` for the owner.
"""
from __future__ import annotations

import re

from playwright.sync_api import Page

from core.errors import CodeRequired, SliderRequired
from sites.assertions import expect
from sites.etax.errors import LABEL, SITE, FaceCheckRequired, LoginRefused
from sites.etax.pages.guards import EXPIRY, GRACE_MS, first_shown
from sites.etax.pages.locate import Fallback, goto, visible

PATH = "/#/login"
SLIDER_WORDS = re.compile("滑块|拖动")


class LoginPage:
    def __init__(self, page: Page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.credit_code = self._field("统一社会信用代码/纳税人识别号", "#creditCode")
        self.user = self._field("居民身份证号码/手机号码/用户名", "#account")
        self.password = self._field("个人用户密码", "#password")
        self.login_button = visible(page.get_by_role("button", name="登录", exact=True))
        self.alert = visible(page.get_by_role("alert")).filter(has_text=re.compile(r"\S"))  # empty ones wait
        self.knob = Fallback(page, "拖动滑块", page.get_by_role("slider", name="拖动滑块"),
                             page.locator(".slide-knob"))
        self.track = Fallback(page, "滑块轨道", page.locator(".slide-track"),
                              page.get_by_role("slider").locator(".."))
        self.slider_passed = visible(page.get_by_text("验证通过"))
        self.sms_input = visible(page.get_by_label("短信验证码").or_(page.get_by_placeholder("请输入短信验证码")))
        self.sms_send = visible(page.get_by_role("button", name="获取验证码"))
        self.sms_countdown = visible(page.get_by_role("button", name=re.compile("获取验证码|重新获取")))
        self.sms_ok = visible(page.get_by_role("button", name="确定", exact=True))
        self.sms_prompt = visible(page.get_by_text(re.compile("验证码将发送至|验证码已发送至")))
        self.face_qr = visible(page.get_by_role("img", name="人脸识别二维码")
                               .or_(page.locator(".face-qr img[src^='data:image']")))
        self.face_tip = visible(page.get_by_text(re.compile("扫码进行人脸识别|人脸识别")))
        self.qr_expired = visible(page.get_by_text(re.compile("二维码已失效|二维码已过期")))
        self.portal = visible(page.get_by_role("button", name="退出", exact=True))
        self.expiry = visible(page.get_by_text(EXPIRY))

    def _field(self, label: str, css: str) -> Fallback:
        p = self.page
        return Fallback(p, label, p.get_by_label(label, exact=True), p.get_by_placeholder(label, exact=True),
                        p.locator(css))

    # -- steps ---------------------------------------------------------------------------------
    def open(self) -> None:
        goto(self.page, self.base_url + PATH)
        # A live session is sent on to the portal: nothing to type then.
        self.credit_code.any.or_(self.portal).first.wait_for()

    def log_in(self, credit_code: str, user: str, password: str) -> None:
        """Type the credentials and press 登录; re-entrant after the owner passed the slider."""
        if self.logged_in():
            return
        self.raise_if_step_pending()
        if not self.credit_code.present():
            self.open()
            if self.logged_in():
                return
        for field, value in ((self.credit_code, credit_code), (self.user, user), (self.password, password)):
            box = field.resolve()
            if box.input_value() != value:
                box.fill(value)
        if self.knob.present() and not self.slider_passed.count():
            raise SliderRequired(f"{LABEL}登录要求拖动滑块验证，请在手机上按住滑块拖到最右边", site=SITE,
                                 url=self.page.url)
        self.login_button.first.click()
        self._after_login_step(stale=("alert",))

    def enter_code(self, code: str) -> None:
        """The owner's SMS code into 短信验证码 and 确定; a refused code raises ``CodeRequired`` again."""
        if not self.sms_input.count():
            self.raise_if_step_pending()
            raise CodeRequired(f"{LABEL}的短信验证窗口已经不在了，请重新登录", site=SITE, url=self.page.url)
        box = self.sms_input.first
        box.click()
        box.fill(code)
        refused_before = self.alert.count() > 0
        self.sms_ok.first.click()
        # The SMS input stays on screen while the portal checks the code and after it refuses one, so
        # it never answers by itself. With no refusal on screen yet, wait for the portal, the face
        # check or a refusal however slow the portal is; an earlier refusal still standing gets the
        # usual grace before it counts again.
        if refused_before:
            self._after_login_step(stale=("alert", "sms"))
        else:
            self._after_login_step(stale=("sms",), grace_ms=None)

    def _after_login_step(self, stale: tuple[str, ...], grace_ms: float | None = GRACE_MS) -> None:
        """Wait for what the portal does next and raise the hand-off it asks for."""
        states = {"portal": self.portal, "face": self.face_qr, "alert": self.alert, "sms": self.sms_input}
        shown = first_shown(self.page, states, stale=stale, grace_ms=grace_ms)
        if shown == "portal":
            return
        if shown == "alert":
            self._raise_refusal(self.alert.first.inner_text().strip())
        self.raise_if_step_pending()

    def _raise_refusal(self, text: str) -> None:
        if SLIDER_WORDS.search(text):
            raise SliderRequired(f"{LABEL}提示：{text}，请在手机上重新拖动滑块", site=SITE, url=self.page.url)
        if self.sms_input.count():
            raise CodeRequired(f"{LABEL}提示：{text}，请重新输入短信验证码", site=SITE, url=self.page.url)
        raise LoginRefused(f"{LABEL}拒绝登录：{text}", site=SITE, url=self.page.url)

    def raise_if_step_pending(self) -> None:
        """Raise the hand-off the login is waiting for (face check, SMS code), if any."""
        if self.face_qr.count() or self.face_tip.count():
            raise FaceCheckRequired(f"{LABEL}要求人脸识别：请用电子税务局APP扫描二维码", self.qr_data_url(),
                                    site=SITE, url=self.page.url)
        if self.sms_input.count():
            if self.sms_send.count() and self.sms_send.first.is_enabled():
                self.sms_send.first.click()  # so the SMS is on its way when the owner is asked
                expect(self.sms_countdown.first).to_be_disabled()  # sent: the countdown runs
            prompt = self.sms_prompt.first.inner_text().strip() if self.sms_prompt.count() else ""
            raise CodeRequired(f"{LABEL}要求短信验证：{prompt or '请输入手机收到的验证码'}", site=SITE,
                               url=self.page.url)

    # -- reading ---------------------------------------------------------------------------------
    def logged_in(self) -> bool:
        return self.portal.count() > 0 and not self.expiry.count()

    def qr_data_url(self) -> str | None:
        """The face-check QR shown now, refreshed first when it has expired."""
        if self.qr_expired.count():
            old = self.face_qr.first.get_attribute("src")
            self.qr_expired.first.click()
            expect(self.qr_expired).to_have_count(0)
            expect(self.face_qr.first).not_to_have_attribute("src", old or "")
        if not self.face_qr.count():
            return None
        src = self.face_qr.first.get_attribute("src") or ""
        return src if src.startswith("data:image") else None

    def slider_box(self) -> dict:
        """Where the knob and its track are, in page coordinates, and how far the knob must travel."""
        knob = self.knob.resolve().bounding_box()
        track = self.track.resolve().bounding_box()
        if not knob or not track:
            raise SliderRequired(f"{LABEL}的滑块没有显示出来，请重新打开登录页", site=SITE, url=self.page.url)
        return {"knob": knob, "track": track, "travel": track["width"] - knob["width"]}
