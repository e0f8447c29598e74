"""Fallback locators and navigation with Douyin's name on the errors (see ``sites.locate``)."""
from __future__ import annotations

from playwright.sync_api import Page

from sites import locate
from sites.locate import visible  # noqa: F401  (the page objects import it from here)
from sites.douyin.errors import SITE


class Fallback(locate.Fallback):
    site, label = SITE, "抖音"


def goto(page: Page, url: str) -> None:
    locate.goto(page, url, SITE, "抖音")
