"""What can stand between any creator page and the task: the login wall, a verification, an overlay.

- Login wall: the real upload URL does NOT redirect when the cookie is dead; it shows login texts
  (``扫码登录`` / ``手机号登录`` / ``二维码失效``). Those texts are the signal, not the URL.
- Verification: an SMS modal (``input[placeholder*="验证码"]`` + ``获取验证码`` + ``验证``) → ``CodeRequired``;
  a slider / picture captcha (GUESS: ids and texts of ByteDance's captcha widget) → ``SliderRequired``.
- Overlays: the new-user tour (``.shepherd-modal-overlay-container``) and the topic / mention dropdowns
  lie over the form and swallow clicks, so they are closed before any click.
"""
from __future__ import annotations

import re
import time

from playwright.sync_api import Locator, Page

from core.errors import CodeRequired, LoginRequired, PublishFailed, SliderRequired
from sites.assertions import expect
from sites.douyin.errors import SITE
from sites.douyin.pages.locate import visible

LOGIN_TEXTS = re.compile("扫码登录|手机号登录|二维码失效")
SMS_INPUT_CSS = "input[placeholder*='验证码']"
SLIDER_CSS = ("#captcha_container, .captcha_verify_container, #captcha-verify-image, "
              "iframe[src*='captcha'], iframe[src*='verify.snssdk'], [class*='captcha-verify']")  # GUESS
SLIDER_TEXT = re.compile("请完成安全验证|拖动下方滑块|按住左边按钮拖动|请完成下列验证")  # GUESS
CODE_WRONG = re.compile("验证码错误|验证码不正确|验证码已过期|验证码已失效")
CODE_CHECK_S = 15
TOUR_CSS = ".shepherd-modal-overlay-container, .shepherd-element"
DROPDOWN_CSS = ("[class*='mention-suggest'], [class*='tag-dropdown'], "
                "[class*='topic-suggest'], [class*='hashtag-suggest']")  # GUESS beyond the replica's


class LoginWall:
    def __init__(self, page: Page):
        self.page = page
        self.texts = page.get_by_text(LOGIN_TEXTS)

    @property
    def union(self) -> Locator:
        return visible(self.texts)

    def up(self) -> bool:
        return self.union.count() > 0

    def raise_if_up(self) -> None:
        if self.up():
            raise LoginRequired("抖音登录已失效，需要重新扫码登录", site=SITE, url=self.page.url)


class Verification:
    """The site stopping to check it is really the owner."""

    def __init__(self, page: Page):
        self.page = page
        self.sms_input = visible(page.locator(SMS_INPUT_CSS))
        self.sms_dialog = visible(page.get_by_role("dialog").filter(has=page.locator(SMS_INPUT_CSS)))
        self.send_code = visible(page.get_by_role("button", name="获取验证码"))
        self.verify_button = visible(page.get_by_role("button", name="验证", exact=True))
        self.slider = visible(page.locator(SLIDER_CSS).or_(page.get_by_text(SLIDER_TEXT)))

    @property
    def union(self) -> Locator:
        return self.sms_input.or_(self.slider)

    def raise_if_asked(self, send: bool = True) -> None:
        """Raise the hand-off the page asks for; with ``send`` press 获取验证码 first so the SMS arrives."""
        if self.slider.count():
            raise SliderRequired("抖音要求完成滑块/图形验证，请在电脑上手动完成后重试", site=SITE,
                                 url=self.page.url)
        if not self.sms_input.count():
            return
        if send and self.send_code.count() and self.send_code.first.is_enabled():
            self.send_code.first.click()  # a real pointer click: the modal ignores synthetic events
        raise CodeRequired(self.prompt(), site=SITE, url=self.page.url)

    def prompt(self) -> str:
        """The modal's own words (it names the phone number the code went to), for the owner's phone."""
        box = self.sms_dialog.first if self.sms_dialog.count() else None
        text = re.sub(r"\s+", " ", box.inner_text()).strip() if box else ""
        return f"抖音要求短信验证：{text}" if text else "抖音要求短信验证，请输入手机收到的验证码"

    def enter(self, code: str) -> None:
        """Type the owner's code and press 验证; a refused code raises ``CodeRequired`` again."""
        if not self.sms_input.count():
            raise PublishFailed("抖音的验证码窗口已经不在了", site=SITE, url=self.page.url)
        box = self.sms_input.first
        box.click()
        box.fill(code)
        self.verify_button.first.click()
        wrong = visible(self.page.get_by_text(CODE_WRONG))
        # A good code closes the modal; a bad one keeps it open with the site's reason. Watched in
        # short slices because "closed" and "says why not" cannot be one locator.
        deadline = time.monotonic() + CODE_CHECK_S
        while True:
            try:
                expect(self.sms_input).to_have_count(0, timeout=1_000)
                return
            except AssertionError:
                if wrong.count() or time.monotonic() >= deadline:
                    shown = wrong.first.inner_text().strip() if wrong.count() else "验证码没有通过"
                    raise CodeRequired(f"抖音提示：{shown}，请重新输入验证码", site=SITE,
                                       url=self.page.url) from None


class Overlays:
    def __init__(self, page: Page):
        self.page = page
        self.tour = visible(page.locator(TOUR_CSS))
        self.tour_close = visible(page.locator(".shepherd-cancel-icon").or_(
            page.locator(".shepherd-element").get_by_role("button", name=re.compile("^(跳过|我知道了|知道了|完成)$"))))
        self.tour_next = visible(page.locator(".shepherd-element").get_by_role("button", name="下一步"))
        self.dropdowns = visible(page.locator(DROPDOWN_CSS))

    def close(self) -> None:
        """Close the tour and any open dropdown; each waits for the page to confirm it is gone."""
        for _ in range(10):  # a tour has a handful of steps; each click shows the next or ends it
            if not self.tour.count():
                break
            target = self.tour_close if self.tour_close.count() else self.tour_next
            if target.count():
                target.first.click()
            else:
                self.page.keyboard.press("Escape")
            try:  # gone, or the next step is showing (then the loop clicks on)
                expect(self.tour).to_have_count(0, timeout=1_000)
            except AssertionError:
                continue
        if self.tour.count():
            expect(self.tour).to_have_count(0, timeout=5_000)
        if self.dropdowns.count():
            self.page.keyboard.press("Escape")
            try:
                expect(self.dropdowns).to_have_count(0, timeout=2_000)
            except AssertionError:
                self.page.mouse.click(2, 2)  # a click outside closes what Escape did not
                expect(self.dropdowns).to_have_count(0)
