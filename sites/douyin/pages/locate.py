"""Fallback locators and navigation, reusing the Xiaohongshu helper with Douyin's name on the errors.

The waiting/picking logic lives once, in ``sites.xiaohongshu.pages.locate.Fallback``; here only the
error it raises is re-labelled, so an owner never reads "小红书" for a Douyin page.
"""
from __future__ import annotations

from playwright.sync_api import Locator, Page, TimeoutError as PlaywrightTimeoutError

from core.errors import PageChanged, SiteTimeout
from sites.douyin.errors import SITE
from sites.xiaohongshu.pages import locate as xhs_locate


class Fallback(xhs_locate.Fallback):
    def resolve(self, timeout: float | None = None) -> Locator:
        try:
            return super().resolve(timeout)
        except PageChanged as e:
            raise PageChanged(f"页面上找不到「{self.name}」，抖音页面可能改版了", site=SITE,
                              url=self.page.url) from e


def goto(page: Page, url: str) -> None:
    """Navigate; a page that does not load is transient, never a changed page."""
    try:
        page.goto(url, wait_until="domcontentloaded")
    except PlaywrightTimeoutError as e:
        raise SiteTimeout(f"打开抖音页面超时：{url}", site=SITE, url=url) from e


def visible(locator: Locator) -> Locator:
    """Only the rendered matches: the real pages keep hidden copies (inactive tabs, closed modals)."""
    return locator.filter(visible=True)
