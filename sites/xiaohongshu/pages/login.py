"""The creator platform's login page (``/login``) and the login wall other pages redirect to.

The page shows a login box (``div[class*=login-box]``) with either SMS login or the QR login
(``APP扫一扫登录``); an image in the box's corner toggles between them. The QR is a data-URL ``img``.
Expiry texts, the refresh control and the corner toggle come from public automation code, not from a
saved page (GUESS where noted), hence the fallback lists.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import Page

from core.errors import LoginRequired, PageChanged
from sites.assertions import expect
from sites.xiaohongshu.errors import SITE
from sites.xiaohongshu.pages.locate import Fallback, goto

PATH = "/login"
QR_TITLE = "APP扫一扫登录"
EXPIRED = re.compile("二维码已过期|二维码已失效|二维码过期")
SESSION_EXPIRED = "登录已过期"
BOX_CSS = "div[class*='login-box']"


def on_login_url(page: Page) -> bool:
    return urlsplit(page.url).path.rstrip("/").endswith(PATH)


class LoginWall:
    """What any creator page turns into when the session is dead."""

    def __init__(self, page: Page):
        self.page = page
        self.box = page.locator(BOX_CSS)
        self.expired_notice = page.get_by_text(SESSION_EXPIRED)

    @property
    def union(self):
        return self.box.or_(self.expired_notice)

    def up(self) -> bool:
        # One round trip for both signs: this is asked after every step of a form.
        return on_login_url(self.page) or self.union.filter(visible=True).count() > 0

    def raise_if_up(self) -> None:
        if self.up():
            raise LoginRequired("小红书登录已失效，需要重新扫码登录", site=SITE, url=self.page.url)


class LoginPage:
    def __init__(self, page: Page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.box = Fallback(page, "登录框", page.locator(".login-box-container"), page.locator(BOX_CSS))
        self.qr_title = page.get_by_text(QR_TITLE)
        self.qr_img = Fallback(page, "登录二维码",
                               page.locator(f"{BOX_CSS} img.qrcode-img"),
                               page.locator(f"{BOX_CSS} img[src^='data:image']"))
        self.expired = page.get_by_text(EXPIRED)
        # GUESS: the refresh control's text; clicking the expired notice itself is the last resort.
        self.refresh = Fallback(page, "刷新二维码",
                                page.get_by_role("button", name=re.compile("刷新|重新扫描|重新获取")),
                                page.get_by_text(re.compile("返回重新扫描|刷新二维码|点击刷新|重新获取")),
                                page.get_by_text(EXPIRED))
        # GUESS: the corner image that switches SMS login to QR login (class names from public code).
        self.qr_switch = Fallback(page, "扫码登录切换",
                                  page.locator(f"{BOX_CSS} img.css-wemwzq"),
                                  page.locator(".css-jjnw1w img"),
                                  page.locator(f"{BOX_CSS} [class*='switch'] img, {BOX_CSS} img[class*='switch']"),
                                  page.get_by_text("扫码登录", exact=True))

    def open(self) -> None:
        goto(self.page, self.base_url + PATH)
        try:
            self.box.resolve()
        except PageChanged:
            if on_login_url(self.page):
                raise
            return  # the site sent a live session straight on: nothing to scan
        self.show_qr()

    def show_qr(self) -> None:
        if not self.qr_title.first.is_visible():
            self.qr_switch.resolve(timeout=5_000).click()
            expect(self.qr_title.first).to_be_visible()

    def qr_data_url(self) -> str | None:
        """The QR currently shown, refreshed first when it has expired."""
        if self.logged_in():
            return None
        if self.expired.first.is_visible():
            self.refresh.resolve(timeout=5_000).click()
            expect(self.expired.first).to_be_hidden()
        self.show_qr()
        src = self.qr_img.resolve().get_attribute("src") or ""
        return src if src.startswith("data:image") else None

    def logged_in(self) -> bool:
        # Ask the page first: with the sync API ``page.url`` is only as fresh as the last round trip.
        box_up = self.box.present()
        if not self.page.url.startswith(self.base_url) or on_login_url(self.page):
            return False
        return not box_up
