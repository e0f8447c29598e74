"""Pressing ``提交宝贝信息`` and reading the site's answer.

After the press the page may: show field errors (``.next-form-item-help``) with a toast → the content
was refused; ask in a warning dialog (``返回修改`` / ``确认提交``) → confirmed only when the owner allowed
its kind or saw its words (``sites.taobao.warnings``), else the submit stops with the dialog still up
(``WarningNeedsOwner``: nothing is sent until someone presses 确认提交); put up the baxia slider → a human
must drag it, and the page re-sends the submit by itself after a pass; toast ``系统繁忙`` → transient; send
the window to the login wall; or go to the success page ``/sell/v2/success.htm?primaryId=<id>``
(``商品提交成功 商品ID: <id>``) → the item id. A script error on the page with nothing else, or no answer
at all, fails at once with the page as it is (``PageChanged``, never retried: the owner must look).
"""
from __future__ import annotations

import re
import time
from collections.abc import Collection
from contextlib import contextmanager
from dataclasses import dataclass, field

from playwright.sync_api import Page, TimeoutError as PlaywrightTimeoutError

from core.errors import ContentRejected, PageChanged, PublishFailed
from sites.assertions import expect
from sites.taobao.errors import SITE
from sites.taobao.pages.guards import LoginWall, raise_if_slider, slider_frame
from sites.taobao.pages.locate import Fallback, visible
from sites.taobao.warnings import WarningNeedsOwner, may_confirm

SUCCESS_URL = re.compile(r"/sell/v2/success\.htm\?(?:.*&)?primaryId=(\d+)")
SUCCESS_TEXT = "商品提交成功"
BUSY = re.compile("系统繁忙|请稍后再试|网络异常")
OUTCOME_S = 30
"""How long the site may take to answer a press of 提交宝贝信息 (the replica answers in well under 1 s)."""
SCRIPT_ERROR_GRACE_S = 8
"""After a script error on the page, how long another answer may still come before the error is the answer
(a real page may throw in some unrelated script and still answer the submit)."""
SLICE_MS = 500
"""The wait for an answer is cut in slices so that a script error (an event, not an element) is seen."""


@dataclass
class Submitted:
    """What the success page said, and the warnings confirmed on the way (shown to the owner)."""

    item_id: str
    url: str
    warnings: list[str] = field(default_factory=list)


class Submitter:
    def __init__(self, page: Page, warnings: list[str] | None = None, allowed: Collection[str] = ()):
        self.page = page
        self.warnings = warnings if warnings is not None else []
        """Confirmed warnings are appended here (kept by the adapter across a slider pause)."""
        self.allowed = allowed
        """Warning kinds the owner allowed and warning texts she has approved (``may_confirm``)."""
        self.script_errors: list[str] = []
        self.wall = LoginWall(page)
        self.button = Fallback(page, "提交宝贝信息", page.get_by_role("button", name="提交宝贝信息"),
                               page.locator('button[_id="button-submit"]'))
        self.dialog = visible(page.get_by_role("dialog").filter(has=page.get_by_role("button", name="确认提交")))
        self.confirm = self.dialog.get_by_role("button", name="确认提交")
        self.field_errors = visible(page.locator(".sell-field .next-form-item-help").filter(has_text=re.compile(r"\S")))
        self.toasts = visible(page.locator(".next-message"))
        self.success = visible(page.get_by_text(SUCCESS_TEXT))
        self.slider = slider_frame(page)

    def press(self) -> Submitted:
        # A toast left by an earlier attempt (系统繁忙) must be gone, or it would read as this press's answer.
        expect(self.toasts).to_have_count(0, timeout=10_000)
        button = self.button.resolve()
        with self._watching_scripts():  # the click's own handler may be what throws
            button.click()
            return self._answer()

    def outcome(self) -> Submitted:
        """Wait for the answer to a press already made (also after a human passed the slider)."""
        with self._watching_scripts():
            return self._answer()

    @contextmanager
    def _watching_scripts(self):
        self.page.on("pageerror", self._script_error)
        try:
            yield
        finally:
            self.page.remove_listener("pageerror", self._script_error)

    def _script_error(self, error) -> None:
        self.script_errors.append(str(getattr(error, "message", error)).splitlines()[0][:200])

    def _answer(self) -> Submitted:
        signals = (self.success.or_(self.dialog).or_(self.slider).or_(self.field_errors).or_(self.toasts)
                   .or_(self.wall.union))
        deadline = time.monotonic() + OUTCOME_S
        while time.monotonic() < deadline:
            try:
                signals.first.wait_for(timeout=min(SLICE_MS, max(1, (deadline - time.monotonic()) * 1000)))
            except PlaywrightTimeoutError:
                if self.script_errors:
                    deadline = min(deadline, time.monotonic() + SCRIPT_ERROR_GRACE_S)
                continue
            if self.success.count() or SUCCESS_URL.search(self.page.url):
                return self._succeeded()
            if self.dialog.count():
                self.warnings.append(self._confirm_warning())
                continue
            raise_if_slider(self.page, "submit")
            self.wall.raise_if_up()
            self._raise_refusal()
            # The signal vanished before it could be read (a toast closing, the page navigating): wait on.
        if self.script_errors:
            raise PageChanged(f"点了「提交宝贝信息」后淘宝页面出错，没有进入成功页（页面脚本错误：{self.script_errors[0]}）；"
                              "可在千牛后台的出售中和仓库中核对", site=SITE, url=self.page.url)
        raise PageChanged(f"点了「提交宝贝信息」后淘宝{OUTCOME_S}秒没有回应，没有看到成功页；请先在千牛后台的"
                          "出售中和仓库中核对这件商品，再决定是否重试", site=SITE, url=self.page.url)

    def _confirm_warning(self) -> str:
        body = self.dialog.first.locator(".next-dialog-body")  # the question itself, without 提示 and buttons
        said = body.first.inner_text() if body.count() else self.dialog.first.inner_text()
        said = re.sub(r"\s+", " ", said.replace("返回修改", "").replace("确认提交", "")).strip()
        if not may_confirm(said, self.allowed):
            # Left up, unanswered: nothing is sent, and the owner's picture shows the dialog as it is.
            raise WarningNeedsOwner(said, site=SITE, url=self.page.url)
        self.confirm.first.click()
        # The next warning may replace this one at once: wait for this question to go, not for every dialog.
        expect(self.dialog.filter(has_text=said)).to_have_count(0)
        return said

    def _raise_refusal(self) -> None:
        toasts = [t.strip() for t in self.toasts.all_inner_texts() if t.strip()]
        if any(BUSY.search(t) for t in toasts):
            raise PublishFailed(f"淘宝提示：{next(t for t in toasts if BUSY.search(t))}", site=SITE,
                                url=self.page.url)
        errors = [e.strip() for e in self.field_errors.all_inner_texts() if e.strip()]
        if errors:
            raise ContentRejected(f"淘宝提示：{'；'.join(dict.fromkeys(errors))}", site=SITE, url=self.page.url)
        if toasts:
            raise ContentRejected(f"淘宝提示：{'；'.join(toasts)}", site=SITE, url=self.page.url)

    def _succeeded(self) -> Submitted:
        try:
            self.page.wait_for_url(SUCCESS_URL, timeout=10_000)
        except PlaywrightTimeoutError as e:
            # 提交成功 without the success URL: the item lists decide, never press twice.
            raise PublishFailed("淘宝提示提交成功，但没有进入成功页，需在宝贝列表核对", site=SITE,
                                url=self.page.url) from e
        item_id = SUCCESS_URL.search(self.page.url).group(1)
        shown = visible(self.page.get_by_text(re.compile(r"商品ID[:：]\s*\d+")))
        if shown.count() and item_id not in shown.first.inner_text():
            raise PublishFailed(f"成功页的商品ID与地址栏不一致（{item_id}）", site=SITE, url=self.page.url)
        return Submitted(item_id=item_id, url=self.page.url, warnings=list(self.warnings))
