"""Pressing ``发布`` and reading the site's answer; the SMS code when the site asks for one.

Success = the browser lands on ``/content/manage?enter_from=publish`` (its ``共 N 个作品`` header is the
element we wait on, then the URL confirms). Anything else the page says is mapped to a typed error.
Texts beyond ``请设置封面后再发布`` are GUESS (seen in public reports), hence regexes.
"""
from __future__ import annotations

import re
import time

from playwright.sync_api import Page, TimeoutError as PlaywrightTimeoutError

from core.errors import AccountRestricted, ContentRejected, PublishFailed, SiteTimeout
from sites.assertions import expect
from sites.douyin.errors import SITE
from sites.douyin.pages.form import PublishForm
from sites.douyin.pages.locate import Fallback, visible

SUCCESS_URL = re.compile(r"/creator-micro/content/manage")
MANAGE_MARK = re.compile(r"共\s*\d+\s*个作品")
NEED_COVER = "请设置封面后再发布"
FAILED_TEXT = re.compile("发布失败|网络错误|网络异常|请稍后重试|系统繁忙")
REJECTED_TEXT = re.compile("违反社区|违规|敏感词|内容不符合|审核不通过")
RESTRICTED_TEXT = re.compile("账号异常|账号已被限制|账号被封禁|禁止发布|发布功能已被限制")
OUTCOME_S = 60
"""How long the site may take to answer a press of 发布 (the upload may still be finishing)."""


class Submitter:
    def __init__(self, page: Page, form: PublishForm):
        self.page = page
        self.form = form
        self.button = Fallback(page, "发布按钮",
                               page.get_by_role("button", name="发布", exact=True),
                               page.locator("button").filter(has_text=re.compile(r"^\s*发布\s*$")))
        self.need_cover = visible(page.get_by_text(NEED_COVER))
        self.manage_mark = visible(page.get_by_text(MANAGE_MARK))
        self.messages = {FAILED_TEXT: PublishFailed, REJECTED_TEXT: ContentRejected,
                         RESTRICTED_TEXT: AccountRestricted}

    def publish(self) -> None:
        button = self.button.resolve()
        try:
            expect(button).to_be_enabled()
        except AssertionError as e:
            raise SiteTimeout("发布按钮一直不可点击", site=SITE, url=self.page.url) from e
        self._press(button)
        if self._wait_outcome() == "cover":
            # The site refused before publishing: a recommended cover (or the default frame), then the one
            # real press.
            if not self.form.choose_recommended_cover():
                self.form.set_cover(None)
            self._press(self.button.resolve())
            self._wait_outcome(cover_again_fails=True)

    def _press(self, button) -> None:
        # A toast left by an earlier attempt (发布失败, 请设置封面后再发布) must be gone first, or it would
        # read as the answer to this press. Toasts close by themselves within seconds.
        expect(self._answers()).to_have_count(0, timeout=10_000)
        self.form.overlays.close()
        button.click()

    def _answers(self):
        answers = self.need_cover
        for text in self.messages:
            answers = answers.or_(visible(self.page.get_by_text(text)))
        return answers

    def enter_code(self, code: str) -> None:
        """The owner's SMS code into the site's modal, then the answer to the press it interrupted."""
        self.form.verification.enter(code)
        self._wait_outcome()

    def _wait_outcome(self, cover_again_fails: bool = False) -> str:
        v, wall = self.form.verification, self.form.wall
        signals = self.manage_mark.or_(self._answers()).or_(wall.union).or_(v.union)
        deadline = time.monotonic() + OUTCOME_S
        while time.monotonic() < deadline:
            try:
                signals.first.wait_for(state="visible", timeout=(deadline - time.monotonic()) * 1000)
            except PlaywrightTimeoutError:
                break
            if self.manage_mark.count():
                self._confirm_success_url()
                return "done"
            wall.raise_if_up()
            v.raise_if_asked()
            if self.need_cover.count():
                if not cover_again_fails:
                    return "cover"
                raise ContentRejected(f"抖音提示：{NEED_COVER}（设置默认封面后仍未通过）", site=SITE,
                                      url=self.page.url)
            for text, error in self.messages.items():
                shown = visible(self.page.get_by_text(text))
                if shown.count():
                    raise error(f"抖音提示：{shown.first.inner_text().strip()}", site=SITE, url=self.page.url)
            # The signal vanished before it could be read (a toast closing, the page navigating): wait on.
        raise SiteTimeout("点了发布，但抖音一直没有回应", site=SITE, url=self.page.url)

    def _confirm_success_url(self) -> None:
        try:
            self.page.wait_for_url(SUCCESS_URL, timeout=5_000)
        except PlaywrightTimeoutError as e:
            # Never click twice: the read-back on 作品管理 decides whether it went out.
            raise PublishFailed("抖音没有进入作品管理页，发布结果不确定", site=SITE, url=self.page.url) from e
