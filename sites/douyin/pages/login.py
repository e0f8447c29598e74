"""The creator center's login page (``https://creator.douyin.com/``) and the session check.

No saved real login page exists: the QR container ``div#animate_qrcode_container`` and its fallbacks,
``扫码登录`` and ``二维码失效`` come from real-sites.md (public automation code). Logged in = URL under
``/creator-micro``, no login text on screen, and a non-empty ``sessionid`` cookie.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import Page, TimeoutError as PlaywrightTimeoutError

from core.errors import SiteTimeout
from sites.assertions import expect
from sites.douyin.errors import SITE
from sites.douyin.pages.guards import LoginWall, Verification
from sites.douyin.pages.locate import Fallback, goto, visible

HOME = "/creator-micro/home"
UPLOAD = "/creator-micro/content/upload"
SESSION_COOKIE = "sessionid"
SESSION_TRIES = 3
"""The session check flip-flops on slow pages (login text flashes while the page decides)."""


class LoginPage:
    def __init__(self, page: Page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.wall = LoginWall(page)
        self.verification = Verification(page)
        """After a scan the site may open its 身份验证 modal and want an SMS code first."""
        self.qr_img = Fallback(page, "登录二维码",
                               page.locator("div#animate_qrcode_container img"),
                               page.locator("div[class*='scan_qrcode_login_content'] img[src^='data:image']"),
                               page.locator("img[aria-label='二维码']"))
        self.qr_tab = visible(page.get_by_text("扫码登录", exact=True))
        self.expired = visible(page.get_by_text("二维码失效"))
        # Clicking the expired box refreshes; its own 刷新 text (GUESS) is preferred when present.
        self.refresh = Fallback(page, "刷新二维码",
                                page.locator("div#animate_qrcode_container [role=button]"),
                                page.get_by_text(re.compile("^(点击刷新|刷新)$")),
                                page.get_by_text("二维码失效"))

    def open(self) -> None:
        goto(self.page, self.base_url + "/")
        try:
            self.qr_img.union.or_(self.qr_tab).first.wait_for(state="visible")
        except PlaywrightTimeoutError:
            if self.logged_in():
                return  # a live session goes straight to the home page: nothing to scan
            raise
        self.show_qr()

    def show_qr(self) -> None:
        """The panel may open on 手机号登录; the 扫码登录 tab switches to the QR."""
        if not self.qr_img.present() and self.qr_tab.count():
            self.qr_tab.first.click()
        self.qr_img.resolve()

    def qr_data_url(self) -> str | None:
        """The QR shown now, refreshed first when it has expired; None once logged in."""
        if self.logged_in():
            return None
        if self.expired.count():
            old = self.qr_img.any.get_attribute("src") if self.qr_img.present() else None
            self.refresh.resolve(timeout=5_000).click()
            expect(self.expired).to_have_count(0)
            if old:  # the new QR replaces the old data URL in place
                expect(self.qr_img.any).not_to_have_attribute("src", old)
        self.show_qr()
        src = self.qr_img.resolve().get_attribute("src") or ""
        return src if src.startswith("data:image") else None

    def logged_in(self) -> bool:
        """True once in; ``CodeRequired`` while the scanned login waits for its SMS code."""
        self.verification.raise_if_asked()
        wall_up = self.wall.up()  # ask the page first: page.url is only as fresh as the last round trip
        if not on_creator_micro(self.page, self.base_url) or wall_up:
            return False
        return has_session_cookie(self.page)


    def enter_code(self, code: str) -> None:
        """The owner's SMS code into the 身份验证 modal; the page then moves on by itself."""
        self.verification.enter(code)


def on_creator_micro(page: Page, base_url: str) -> bool:
    return page.url.startswith(base_url) and urlsplit(page.url).path.startswith("/creator-micro")


def has_session_cookie(page: Page) -> bool:
    return any(c["name"] == SESSION_COOKIE and c["value"] for c in page.context.cookies(page.url))


def session_alive(page: Page, base_url: str, ready) -> bool:
    """Open the upload page up to ``SESSION_TRIES`` times; alive as soon as one try shows it usable.

    ``ready`` is the upload page's own "I am here" locator (its file input). A try counts as dead when
    the login texts show or the URL leaves the upload page.
    """
    wall, answered = LoginWall(page), False
    for _ in range(SESSION_TRIES):
        goto(page, base_url + UPLOAD)
        try:
            ready.or_(wall.union).first.wait_for(state="attached")
        except PlaywrightTimeoutError:
            continue
        answered = True
        page.wait_for_load_state("load")
        if not wall.up() and urlsplit(page.url).path.startswith(UPLOAD) and ready.count():
            return True
    if not answered:  # the page never showed either: a slow site, not a dead session
        raise SiteTimeout("抖音上传页一直没有加载出来，无法判断登录状态", site=SITE, url=page.url)
    return False
