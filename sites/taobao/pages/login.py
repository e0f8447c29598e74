"""The seller login (``loginmyseller.taobao.com/``) and the session check.

The login box sits in ``iframe#alibaba-login-box`` on the seller login, or inline on the login wall
(``/member/login.jhtml``). Tabs ``扫码登录`` / ``密码登录``; the QR is ``img[alt=二维码]`` (a data URL in
the replica; GUESS for the real box), ``二维码已失效`` + ``点击刷新`` when it expired. After a password
login the box may ask for an SMS code (``为了你的账号安全，请进行短信验证``, ``#fm-sms-code``, ``确定``).
Logged in = the window went on to the seller home (``/home.htm/QnworkbenchHome/``).
"""
from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

from playwright.sync_api import FrameLocator, Page, TimeoutError as PlaywrightTimeoutError

from core.errors import CodeRequired, SiteTimeout
from sites.assertions import expect
from sites.taobao.errors import SITE
from sites.taobao.pages.guards import LoginWall, raise_if_slider
from sites.taobao.pages.locate import goto, visible
from sites.taobao.pages.urls import SiteUrls, on_login_wall

BOX_FRAME = "iframe#alibaba-login-box"
SMS_TITLE = "为了你的账号安全，请进行短信验证"
CODE_WRONG = re.compile("验证码错误|验证码不正确|验证码已过期|验证码已失效")
HOME_MARK = re.compile(r"你好，")
CODE_CHECK_S = 15


class LoginPage:
    def __init__(self, page: Page, urls: SiteUrls):
        self.page = page
        self.urls = urls

    def _box(self) -> Page | FrameLocator:
        """The login box's document: the iframe on the seller login, the page itself on the wall."""
        return self.page.frame_locator(BOX_FRAME) if self.page.locator(BOX_FRAME).count() else self.page

    def open(self) -> None:
        goto(self.page, self.urls("login"))
        if self.on_home():
            return  # a live session goes straight to the seller home: nothing to scan
        try:
            self.page.locator(BOX_FRAME).or_(self.page.locator("#login")).first.wait_for()
        except PlaywrightTimeoutError as e:
            if self.on_home():
                return
            raise SiteTimeout("淘宝登录页没有加载出来", site=SITE, url=self.page.url) from e
        self.show_qr()

    def show_qr(self) -> None:
        box = self._box()
        qr = box.locator("img[alt='二维码']")
        if not qr.is_visible():
            box.get_by_role("tab", name="扫码登录").click()
        expect(qr).to_be_visible()

    def qr_data_url(self) -> str | None:
        """The QR shown now, refreshed first when it has expired; None once logged in."""
        if self.logged_in():
            return None
        box = self._box()
        expired = box.get_by_text("二维码已失效")
        if expired.is_visible():
            box.get_by_role("button", name="点击刷新").click()
            expect(expired).to_be_hidden()
        self.show_qr()
        src = box.locator("img[alt='二维码']").get_attribute("src") or ""
        return src if src.startswith("data:image") else None

    def sms_asked(self) -> bool:
        if self.on_home():
            return False
        return self._box().get_by_text(SMS_TITLE).is_visible()

    def logged_in(self) -> bool:
        """True once on the seller home; ``CodeRequired`` while the box waits for an SMS code;
        ``BaxiaSlider`` when the home came up under the slider."""
        if self.sms_asked():
            self.send_code()
            raise CodeRequired(self.sms_prompt(), site=SITE, url=self.page.url)
        if not self.on_home():
            return False
        raise_if_slider(self.page, "login")
        return True

    def sms_prompt(self) -> str:
        phone = self._box().locator(".sms-phone")
        where = phone.inner_text().strip() if phone.count() else ""
        return f"淘宝要求短信验证：{SMS_TITLE}。{where}".rstrip("。") if where else f"淘宝要求短信验证：{SMS_TITLE}"

    def send_code(self) -> None:
        """Press 获取验证码 so the SMS goes out (the box sends nothing before)."""
        send = self._box().get_by_role("button", name="获取验证码")
        if send.is_visible() and send.is_enabled():
            send.click()

    def enter_code(self, code: str) -> None:
        """The owner's code into the SMS step; a refused code raises ``CodeRequired`` with the box's words."""
        box = self._box()
        field = box.locator("#fm-sms-code")
        field.click()
        field.fill(code)
        box.get_by_role("button", name="确定").click()
        wrong = box.locator(".sms-error-msg").filter(has_text=CODE_WRONG)
        deadline = time.monotonic() + CODE_CHECK_S
        while time.monotonic() < deadline:  # "went home" and "says why not" cannot be one locator
            try:
                self.page.wait_for_url(lambda url: self._home_url(url), timeout=1_000)
                return
            except PlaywrightTimeoutError:
                if wrong.count():
                    raise CodeRequired(f"淘宝提示：{wrong.inner_text().strip()}", site=SITE,
                                       url=self.page.url) from None
        raise CodeRequired("淘宝没有接受验证码，请重新输入", site=SITE, url=self.page.url)

    def _home_url(self, url: str) -> bool:
        return urlsplit(url).path.startswith(self.urls.path("home").rstrip("/")) and url.startswith(
            self.urls("home").split("/home.htm")[0])

    def on_home(self) -> bool:
        self.page.title()  # a round trip first: with the sync API page.url is only as fresh as the last one
        return self._home_url(self.page.url)


def session_alive(page: Page, urls: SiteUrls) -> bool:
    """Open the seller home: alive when it shows, dead when the login wall answers."""
    goto(page, urls("home"))
    wall = LoginWall(page)
    try:
        visible(page.get_by_text(HOME_MARK)).or_(wall.union).first.wait_for()
    except PlaywrightTimeoutError as e:
        if on_login_wall(page.url):
            return False
        raise SiteTimeout("千牛首页一直没有加载出来，无法判断登录状态", site=SITE, url=page.url) from e
    return not wall.up()
