"""What can stand between a seller page and the task: the login wall, the baxia slider and 安全验证's SMS code.

- Login wall: a dead session is redirected to ``login.taobao.com/member/login.jhtml?redirectURL=…``
  (the replica: the same path on its origin), or a page toasts ``登录已失效`` before sending the window
  there. Body texts ``亲，请登录`` / ``请登录`` are the other signal (real-sites.md §3).
- Slider: ``iframe#baxia-dialog-content`` (src ``/_____tmd_____/punish``) over a mask that takes every
  click and key. It may come up in any tab (the publish form is a tab of its own), so the slider is
  looked for in every page of the context.
- SMS check: a 安全验证 dialog before a change is taken (「为了你的账号安全，请输入发送到 138****5678 的短信验证码」,
  an input 请输入验证码, 获取验证码, 确定). GUESS beyond the words (real-sites-interaction.md lists 安全验证 and
  验证码 among the risk-control words): the replica's dialog. Only the owner has the code.
"""
from __future__ import annotations

import re
import time

from playwright.sync_api import Locator, Page

from core.errors import CodeRequired, LoginRequired, PageChanged
from sites.assertions import expect
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


CHECK_DIALOG = "安全验证"
CODE_BOX = "请输入验证码"
CODE_REFUSED = re.compile("验证码错误|验证码不正确|验证码已过期|验证码已失效|验证已失效")
CODE_CHECK_S = 15


class CodeCheck:
    """The site's 安全验证 dialog asking for an SMS code, in one tab."""

    def __init__(self, page: Page):
        self.page = page
        self.dialog = visible(page.get_by_role("dialog", name=CHECK_DIALOG).filter(
            has=page.get_by_placeholder(CODE_BOX)))
        self.box = self.dialog.get_by_placeholder(CODE_BOX)
        self.send = self.dialog.get_by_role("button", name="获取验证码")
        self.ok = self.dialog.get_by_role("button", name="确定", exact=True)
        self.refused = visible(self.dialog.get_by_text(CODE_REFUSED))

    def up(self) -> bool:
        return self.dialog.count() > 0

    def prompt(self) -> str:
        """The dialog's own words for the owner's phone (they name the number the code goes to)."""
        words = re.sub(r"\s+", " ", self.dialog.first.locator("p").first.inner_text()).strip()
        return f"淘宝要求安全验证：{words}" if words else "淘宝要求安全验证，请输入手机收到的短信验证码"

    def request(self) -> None:
        """获取验证码, so the SMS goes out before the owner is asked (a button counting down was pressed already)."""
        if self.send.is_enabled():
            self.send.click()

    def enter(self, code: str) -> None:
        """The owner's code and 确定; ``CodeRequired`` with the dialog's words when the site refuses it."""
        if not self.up():
            raise PageChanged("淘宝的安全验证窗口已经不在了", site=SITE, url=self.page.url)
        self.box.fill(code)
        self.ok.click()
        deadline = time.monotonic() + CODE_CHECK_S
        while True:  # "closed" and "says why not" cannot be one locator: watched in short slices
            try:
                expect(self.dialog).to_have_count(0, timeout=1_000)
                return
            except AssertionError:
                if self.refused.count() or time.monotonic() >= deadline:
                    said = self.refused.first.inner_text().strip() if self.refused.count() else "验证没有通过"
                    self.box.fill("")  # the refused code is in no later screenshot
                    raise CodeRequired(f"淘宝提示：{said}，请重新输入短信验证码", site=SITE, url=self.page.url) from None


def code_check_tab(page: Page) -> Page | None:
    """The open tab of ``page``'s context that shows 安全验证's SMS code dialog, if any."""
    for tab in reversed(page.context.pages):
        if not tab.is_closed() and CodeCheck(tab).up():
            return tab
    return None
