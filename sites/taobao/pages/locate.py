"""Fallback locators, navigation and typing, with Taobao's name on the errors (see ``sites.locate``).

``type_in`` is how every text value reaches the form: the real inputs are React-controlled and ignore a
script's ``.value =``, so values are typed as a person types them.
"""
from __future__ import annotations

from playwright.sync_api import Locator, Page

from sites import locate
from sites.locate import visible  # noqa: F401  (the page objects import it from here)
from sites.taobao.errors import SITE


class Fallback(locate.Fallback):
    site, label = SITE, "淘宝"


def goto(page: Page, url: str) -> None:
    locate.goto(page, url, SITE, "淘宝")


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
