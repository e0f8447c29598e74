"""Fallback locators and navigation with Xiaohongshu's name on the errors (see ``sites.locate``)."""
from __future__ import annotations

from playwright.sync_api import Page

from sites import locate
from sites.locate import quiet, visible, wait_until_there  # noqa: F401  (the page objects import them from here)
from sites.xiaohongshu.errors import SITE


class Fallback(locate.Fallback):
    site, label = SITE, "小红书"


def goto(page: Page, url: str) -> None:
    locate.goto(page, url, SITE, "小红书")
