"""The portal's frame: the top menu (我要办税, 我要查询), the tax pages' side menu, and the notice pop-ups.

Navigation goes through the menus a person uses (我要办税 → 税费申报及缴纳 → 申报清册 / 税费缴纳;
我要查询 → 申报信息查询) rather than URLs: the new portal's paths are not public (GUESS in the replica),
its menu texts are. Notices (通知公告) lie over the page with a mask that takes every click, so they are
closed before any menu click.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin

from playwright.sync_api import Locator, Page

from sites.assertions import expect
from sites.etax.pages.guards import LOGIN_HASH, SessionWall
from sites.etax.pages.locate import goto, visible

HOME = "/portal/home"
NOTICE = "通知公告"
MAX_NOTICES = 10


class Portal:
    def __init__(self, page: Page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.wall = SessionWall(page)
        self.menubar = visible(page.get_by_role("menubar"))
        self.logout = visible(page.get_by_role("button", name="退出", exact=True))
        self.notices_all = page.get_by_role("dialog", name=NOTICE, include_hidden=True)
        self.notice = visible(page.get_by_role("dialog", name=NOTICE))

    def ensure(self) -> None:
        """Be on a portal page with a live session and no notice in the way."""
        if not self.menubar.count():
            goto(self.page, self.base_url + HOME)
            self.menubar.or_(self.wall.union).first.wait_for()
        self.wall.raise_if_up()
        self.close_notices()

    def close_notices(self) -> int:
        """Close every notice pop-up, one after the other; returns how many were closed."""
        self.page.wait_for_load_state("load")  # notices are shown by the page's script once it has loaded
        closed = 0
        while self.notice.count() and closed < MAX_NOTICES:
            left = self.notices_all.count()
            box = self.notice.first
            button = box.get_by_role("button", name=re.compile("^(我知道了|知道了|确定)$"))
            (button if button.count() else box.get_by_role("button", name="关闭")).first.click()
            expect(self.notices_all).to_have_count(left - 1)
            closed += 1
        return closed

    def menu(self, top: str, item: str) -> None:
        """Open a top-menu entry and click one of its items."""
        self.ensure()
        self.menubar.get_by_role("menuitem", name=top, exact=True).click()
        self._follow(visible(self.page.get_by_role("menuitem", name=item, exact=True)).first)

    def side(self, item: str) -> None:
        """A side-menu entry of the tax pages (申报清册, 税费缴纳, 申报信息查询)."""
        entry = self._side_item(item)
        if not entry.count():
            self.menu("我要办税", "税费申报及缴纳")
            self.wait_ready(entry)
        self._follow(entry.first)

    def _follow(self, link: Locator) -> None:
        """Click a menu link and wait until its page (or the login bounce) is the one shown, so that
        no locator is asked on the page being left. A link to the page shown is not clicked."""
        href = link.get_attribute("href")
        target = urljoin(self.page.url, href) if href and href != "#" else None
        if target == self.page.url:
            return
        link.click()
        if target:
            self.page.wait_for_url(lambda url: url == target or LOGIN_HASH in url, wait_until="domcontentloaded")

    def _side_item(self, item: str) -> Locator:
        return visible(self.page.get_by_role("menu").get_by_role("menuitem", name=item, exact=True))

    def wait_ready(self, ready: Locator) -> None:
        """Wait for a page's own element or the session wall, then raise ``LoginRequired`` on the wall."""
        ready.or_(self.wall.union).first.wait_for()
        self.wall.raise_if_up()
