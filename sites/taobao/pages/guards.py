"""What can stand between a seller page and the task: the login wall and the baxia slider.

- Login wall: a dead session is redirected to ``login.taobao.com/member/login.jhtml?redirectURL=…``
  (the replica: the same path on its origin), or a page toasts ``登录已失效`` before sending the window
  there. Body texts ``亲，请登录`` / ``请登录`` are the other signal (real-sites.md §3).
- Slider: ``iframe#baxia-dialog-content`` (src ``/_____tmd_____/punish``) over a mask that takes every
  click and key. It may come up in any tab (the publish form is a tab of its own), so the slider is
  looked for in every page of the context.
"""
from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from core.errors import LoginRequired
from sites.taobao.errors import SITE, BaxiaSlider
from sites.taobao.pages.locate import visible
from sites.taobao.pages.urls import on_login_wall

WALL_TEXT = re.compile("亲，请登录|登录已失效")
SLIDER_FRAME = "iframe#baxia-dialog-content, iframe[src*='/_____tmd_____/punish']"
KNOB = "#nc_1_n1z"
TRACK = "#nc_1__scale_text"
SLIDER_FAILED = re.compile("验证失败|点击框体重试|出错了")  # the replica's words; the real ones vary (GUESS)


class LoginWall:
    def __init__(self, page: Page):
        self.page = page
        self.texts = visible(page.get_by_text(WALL_TEXT))

    @property
    def union(self) -> Locator:
        return self.texts

    def up(self) -> bool:
        return on_login_wall(self.page.url) or self.texts.count() > 0

    def raise_if_up(self) -> None:
        if self.up():
            raise LoginRequired("淘宝登录已失效，需要重新扫码登录", site=SITE, url=self.page.url)


def slider_frame(page: Page) -> Locator:
    return visible(page.locator(SLIDER_FRAME))


def slider_tab(page: Page) -> Page | None:
    """The open tab of ``page``'s context that shows the slider, if any."""
    for tab in reversed(page.context.pages):
        if not tab.is_closed() and slider_frame(tab).count():
            return tab
    return None


def raise_if_slider(page: Page, stage: str) -> None:
    tab = slider_tab(page)
    if tab is None:
        return
    what = {"submit": "提交宝贝时", "login": "登录时", "reply": "回复评价时", "stats": "读取数据时"}.get(stage, "打开页面时")
    raise BaxiaSlider(f"淘宝{what}弹出了安全验证滑块（请按住滑块，拖动到最右边），需要您在手机上亲手拖动",
                      stage=stage, site=SITE, url=tab.url)


def slider_retry(page: Page) -> None:
    """After a refused drag the slider shows 验证失败，点击框体重试: a click on it puts the knob back.
    That click answers nothing: the next drag is the owner's again."""
    tab = slider_tab(page)
    if tab is None:
        return
    failed = visible(tab.frame_locator(SLIDER_FRAME).first.get_by_text(SLIDER_FAILED))
    if failed.count():
        failed.first.click()
        expect(failed).to_have_count(0)


def slider_box(page: Page) -> dict | None:
    """The knob's and the track's boxes in the slider tab's viewport coordinates (what ``page.mouse``
    takes), or None when no slider is up."""
    tab = slider_tab(page)
    if tab is None:
        return None
    frame = tab.frame_locator(SLIDER_FRAME).first
    knob, track = frame.locator(KNOB).bounding_box(), frame.locator(TRACK).bounding_box()
    if not knob or not track:
        return None
    return {"knob": knob, "track": track, "url": tab.url}
