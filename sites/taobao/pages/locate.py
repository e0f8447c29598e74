"""Fallback locators, navigation and typing, with Taobao's name on the errors.

The waiting/picking logic lives once, in ``sites.xiaohongshu.pages.locate.Fallback``; here only the
error it raises is re-labelled. ``type_in`` is how every text value reaches the form: the real inputs
are React-controlled and ignore a script's ``.value =``, so values are typed as a person types them.
"""
from __future__ import annotations

from playwright.sync_api import Locator, Page, TimeoutError as PlaywrightTimeoutError

from core.errors import PageChanged, SiteTimeout
from sites.taobao.errors import SITE
from sites.xiaohongshu.pages import locate as xhs_locate


class Fallback(xhs_locate.Fallback):
    def resolve(self, timeout: float | None = None) -> Locator:
        try:
            return super().resolve(timeout)
        except PageChanged as e:
            raise PageChanged(f"页面上找不到「{self.name}」，淘宝页面可能改版了", site=SITE,
                              url=self.page.url) from e


def goto(page: Page, url: str) -> None:
    """Navigate; a page that does not load is transient, never a changed page."""
    try:
        page.goto(url, wait_until="domcontentloaded")
    except PlaywrightTimeoutError as e:
        raise SiteTimeout(f"打开淘宝页面超时：{url}", site=SITE, url=url) from e


def visible(locator: Locator) -> Locator:
    """Only the rendered matches: the pages keep hidden panes (login tabs, empty error slots)."""
    return locator.filter(visible=True)


def type_in(box: Locator, text: str) -> None:
    """Click, select all, type. Never Enter: on the publish form Enter submits the whole form."""
    box.click()
    box.press("ControlOrMeta+A")
    if text:
        box.press_sequentially(text)
    else:
        box.press("Delete")


def settled_value(box: Locator) -> str:
    """The value the page shows once the field lost focus (a controlled input re-renders from its
    state on blur, so this is what the component holds, not just what was typed)."""
    box.blur()
    return box.input_value()
