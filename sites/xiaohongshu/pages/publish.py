"""The note publish page (``/publish/publish?from=homepage&target=image`` or ``target=video``).

Two steps on one URL: the upload step (a file input under tabs ``上传视频`` / ``上传图文``) turns into the
edit form after the first image, or after the video (then with its upload progress, 上传成功 and 封面设置).
Both tabs' inputs share the class ``upload-input`` (the saved real edit page has two video inputs with it),
so the image input is found by what it accepts and never by the bare class. Locators follow the saved real pages (``publish-upload.html``,
``publish.html``) and public automation code; where the site has shipped more than one version of a
control (quill vs. tiptap editor, radio vs. switch for 定时发布) each element has a fallback list.
"""
from __future__ import annotations

import re
import time

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, TimeoutError as PlaywrightTimeoutError

from core.errors import AccountRestricted, ContentRejected, PublishFailed, SiteTimeout
from sites.assertions import expect
from sites.common import form_matches, topics_of
from sites.xiaohongshu.errors import SITE, ScheduleNotSet
from sites.xiaohongshu.pages.locate import Fallback, goto, wait_until_there
from sites.xiaohongshu.pages.login import LoginWall, on_login_url

PATH = "/publish/publish?from=homepage&target=image"
VIDEO_PATH = "/publish/publish?from=homepage&target=video"
VIDEO_DONE = re.compile(r"^\s*上传成功\s*$")
VIDEO_FAILED = re.compile("上传失败|视频格式不支持|视频大小不能超过|视频已失效")
SUCCESS_URL = re.compile(r"/publish/success")
PUBLISH_LABEL = re.compile(r"^\s*(定时)?发布\s*$")
DISABLED_CLASS = re.compile(r"(^|\s)(submit-)?disabled(\s|$)")
OUTCOME_LOOK_MS = 250
"""While waiting for the success page, how often to look for a message on this page instead."""
TOPIC_WAIT_MS = 5_000
"""How long a topic suggestion may take before the topic is skipped (the site sometimes sends none)."""

# What the site says after the click. GUESS beyond 发布成功 / 登录已过期: texts seen in public reports.
SUCCESS_TEXT = "发布成功"
FAILED_TEXT = re.compile("发布失败|上传失败|网络错误|网络异常|请稍后重试")
REJECTED_TEXT = re.compile("违反社区规范|违规|敏感词|内容不符合|审核不通过")
RESTRICTED_TEXT = re.compile("账号异常|账号已被限制|账号被封禁|禁止发布|安全限制")


class PublishPage:
    def __init__(self, page: Page, base_url: str, upload_timeout_ms: float = 120_000, timeout_ms: float = 30_000):
        self.page = page
        self.base_url = base_url
        self.upload_timeout_ms = upload_timeout_ms
        self.timeout_ms = timeout_ms
        """How long the page may take to show what an action leads to (the browser's timeout)."""
        self.wall = LoginWall(page)
        # Reached through /publish/publish?source= the video tab is active; this tab switches to images.
        self.image_tab = page.locator(".creator-tab").filter(has_text="上传图文")
        self.video_tab = page.locator(".creator-tab").filter(has_text="上传视频")
        # Image inputs by what they accept (the site's ``.jpg,.jpeg,.png,.webp``), which also finds the edit
        # form's "add more" input once the upload step is gone; the bare class only when it takes no video.
        self.file_input = Fallback(page, "图片上传框",
                                   page.locator("input[type=file][accept*='.jpg']"),
                                   page.locator("input[type=file][accept*='image']"),
                                   page.locator("input.upload-input:not([accept*='.mp4']):not([accept*='video'])"),
                                   state="attached")
        # The upload step's video input; the edit form has more video inputs (替换视频), outside it.
        self.video_input = Fallback(page, "视频上传框",
                                    page.locator(".upload-content input[type=file][accept*='.mp4']"),
                                    page.locator(".upload-container input[type=file][accept*='.mp4']"),
                                    page.locator("input.upload-input[accept*='.mp4']"), state="attached")
        self.any_input = page.locator("input.upload-input, input[type=file]")
        self.video_done = page.get_by_text(VIDEO_DONE)
        self.video_failed = page.get_by_text(VIDEO_FAILED)
        self.cover_button = Fallback(page, "上传封面", page.get_by_role("button", name="上传封面"),
                                     page.locator(".uploadCover"), page.get_by_text("上传封面", exact=True))
        self.cover_dialog = page.get_by_role("dialog").or_(page.locator(".d-modal")).filter(visible=True)
        self.previews = page.locator(".img-preview-area .pr")
        self.title = Fallback(page, "标题", page.get_by_placeholder("填写标题"),
                              page.locator("input.d-text[placeholder*='标题']"))
        self.body = Fallback(page, "正文",
                             page.locator("div.tiptap[contenteditable='true']"),
                             page.locator("div.ql-editor[contenteditable='true']"),
                             page.locator("[contenteditable='true'][data-placeholder*='正文']"))
        self.topic_button = page.locator("#topicBtn")
        """The older editor's ``# 话题`` button; the newer one opens suggestions on a typed ``#``."""
        self.topic_items = page.locator("#creator-editor-topic-container .item")
        self.schedule_card = Fallback(page, "定时发布",
                                      page.locator(".custom-switch-card, .custom-switch-wrapper, "
                                                   ".post-time-switch-container").filter(has_text="定时发布"),
                                      page.get_by_role("radiogroup").filter(has_text="定时发布"))
        self.schedule_switch = Fallback(page, "定时发布开关",
                                        page.locator(".custom-switch-card, .custom-switch-wrapper, "
                                                     ".post-time-switch-container")
                                        .filter(has_text="定时发布").locator(".d-switch"),
                                        page.locator("div").filter(has_text=re.compile(r"^\s*定时发布"))
                                        .filter(has=page.locator(".d-switch")).last.locator(".d-switch"),
                                        page.get_by_role("radiogroup").get_by_text("定时发布", exact=True))
        self.date_input = Fallback(page, "定时发布时间",
                                   page.locator(".d-datepicker-input-filter input"),
                                   page.locator(".d-datepicker input"),
                                   page.get_by_placeholder("请选择时间"),
                                   page.get_by_placeholder("选择日期"))
        self.publish_button = Fallback(page, "发布按钮",
                                       page.get_by_role("button", name=PUBLISH_LABEL),
                                       page.locator("button.publishBtn"))
        self.popovers = page.locator("div.d-popover").filter(visible=True)
        self._caret_at_body_end = False
        """Right after ``set_body`` typed into the editor: the caret is where the first topic goes."""

    # -- opening -----------------------------------------------------------------------------------
    def open(self, kind: str = "image") -> None:
        goto(self.page, self.base_url + (VIDEO_PATH if kind == "video" else PATH))
        try:
            wait_until_there(self.any_input.or_(self.wall.union).first, self.timeout_ms, "attached")
        except PlaywrightTimeoutError as e:
            raise SiteTimeout("发布页没有加载出来", site=SITE, url=self.page.url) from e
        self.wall.raise_if_up()

    # -- filling -----------------------------------------------------------------------------------
    def upload_images(self, paths: list[str]) -> None:
        """One file at a time; the next waits until the previews show every image so far."""
        field = self._image_input()
        for n, path in enumerate(paths, 1):
            field.set_input_files(path)
            try:
                # The n-th preview, or the login wall when the session died during the upload.
                wait_until_there(self.previews.nth(n - 1).or_(self.wall.union).first, self.upload_timeout_ms)
            except PlaywrightTimeoutError as e:
                self.wall.raise_if_up()
                raise SiteTimeout(f"第{n}张图片上传后预览没有出现", site=SITE, url=self.page.url) from e
            if on_login_url(self.page):
                break
        # Which of the two came is asked once: a wall that came up mid-way also answers every later
        # image's wait at once, and uploading into a dead form publishes nothing.
        self.wall.raise_if_up()
        try:
            expect(self.previews).to_have_count(len(paths))
        except AssertionError as e:
            raise SiteTimeout(f"预览中的图片不是{len(paths)}张", site=SITE, url=self.page.url) from e

    def _image_input(self):
        if not self.file_input.present() and self.image_tab.count():
            self.image_tab.first.click()  # the video tab was active and holds only the video input
        return self.file_input.resolve_one()

    def upload_video(self, path: str) -> None:
        """The video on the 上传视频 tab; returns once the site says 上传成功 (uploaded and processed)."""
        if not self.video_input.present() and self.video_tab.count():
            self.video_tab.first.click()
        self.video_input.resolve_one().set_input_files(path)
        try:
            wait_until_there(self.video_done.or_(self.video_failed).or_(self.wall.union).first, self.upload_timeout_ms)
        except PlaywrightTimeoutError as e:
            self.wall.raise_if_up()
            raise SiteTimeout("视频上传后一直没有显示「上传成功」", site=SITE, url=self.page.url) from e
        self.wall.raise_if_up()
        failed = self.video_failed.filter(visible=True)
        if failed.count():
            raise PublishFailed(f"小红书提示：{failed.first.inner_text().strip()}", site=SITE, url=self.page.url)

    def set_cover(self, path: str) -> None:
        """封面设置 → 上传封面 → the picker's file input → 确定."""
        self.close_popovers()
        self.cover_button.resolve().click()
        dialog = self.cover_dialog.first
        try:
            wait_until_there(dialog, self.timeout_ms)
            dialog.locator("input[type=file]").set_input_files(path)
            confirm = dialog.get_by_role("button", name=re.compile(r"^\s*(确定|确认|完成)\s*$"))
            expect(confirm).to_be_enabled(timeout=self.upload_timeout_ms)
            confirm.click()
            expect(self.cover_dialog).to_have_count(0)
        except (PlaywrightTimeoutError, AssertionError) as e:
            raise SiteTimeout("封面没有设置上：上传封面的窗口没有完成", site=SITE, url=self.page.url) from e

    def set_title(self, title: str) -> None:
        self.close_popovers()  # tips and pickers the edit form opens on arrival
        self.title.resolve().fill(title)

    def set_body(self, body: str) -> None:
        # Focuses the editor and selects what it holds (a draft the site restored); the first typed
        # text replaces the selection, only an empty body has to delete it.
        self.body.resolve().press("ControlOrMeta+A")
        if not body:
            self.page.keyboard.press("Delete")
        for i, line in enumerate(body.split("\n")):
            if i:
                self.page.keyboard.press("Enter")
            if line:
                self.page.keyboard.insert_text(line)
        self._caret_at_body_end = True

    def add_topic(self, name: str, after_text: bool = True) -> bool:
        """Type ``#name`` at the end of the body (after a space when text comes before it) and pick the
        site's suggestion; without one, remove the text and say so."""
        if not self._caret_at_body_end:  # a picked suggestion may have taken the focus
            self.body.resolve().press("ControlOrMeta+End")  # focuses the editor, caret to the end
        self._caret_at_body_end = False
        typed = (" " if after_text else "") + f"#{name}"
        self.page.keyboard.type(typed)
        try:
            wait_until_there(self.topic_items.first, TOPIC_WAIT_MS)
        except PlaywrightTimeoutError:
            for _ in typed:
                self.page.keyboard.press("Backspace")
            return False
        exact = self.topic_items.filter(has_text=f"#{name}")
        (exact.first if exact.count() else self.topic_items.first).click()
        try:  # a list left open would hand the next topic a stale suggestion
            expect(self.topic_items.first).to_be_hidden(timeout=2_000)
        except AssertionError:
            self.page.keyboard.press("Escape")
        return True

    def close_popovers(self) -> None:
        """Dropdowns and pickers (``div.d-popover``) stay open and swallow the next click."""
        if not self.popovers.count():
            return
        self.page.keyboard.press("Escape")
        try:
            expect(self.popovers).to_have_count(0, timeout=2_000)
        except AssertionError:
            self.page.mouse.click(2, 2)  # a click outside closes what Escape did not
            expect(self.popovers).to_have_count(0)

    def schedule(self, wall_time: str) -> str:
        """Switch on 定时发布 and enter ``YYYY-MM-DD HH:MM``; a value that did not stick raises."""
        self.close_popovers()
        if not self.date_input.present():
            self.schedule_switch.resolve().click()
        box = self.date_input.resolve()
        try:
            box.click()
            box.fill(wall_time)
            box.press("Enter")
        except PlaywrightError as e:
            raise ScheduleNotSet(f"定时发布时间写不进去：{e.message}", site=SITE, url=self.page.url) from e
        self.close_popovers()
        got = box.input_value().strip()
        if got != wall_time:
            raise ScheduleNotSet(f"定时发布时间没有设上：应为 {wall_time}，页面显示「{got}」",
                                 site=SITE, url=self.page.url)
        try:
            expect(self.publish_button.resolve()).to_have_text(re.compile("定时发布"), timeout=5_000)
        except AssertionError as e:
            raise ScheduleNotSet("定时发布时间已填，但发布按钮没有变成「定时发布」", site=SITE,
                                 url=self.page.url) from e
        return got

    # -- reading back ----------------------------------------------------------------------------
    def read_back(self, topics: list[str]) -> dict[str, str]:
        body = self.body.resolve().inner_text().strip()
        shown = [t for t in topics if f"#{t}" in body]
        schedule = self.date_input.resolve().input_value().strip() if self.date_input.present() else ""
        fields = {"title": self.title.resolve().input_value(), "body": body,
                  "topics": " ".join(f"#{t}" for t in shown), "schedule": schedule or "立即发布"}
        if self.video_done.filter(visible=True).count():
            fields["media"] = "视频已上传"
        else:
            fields["images"] = str(self.previews.count())
        return fields

    def still_shows(self, filled: dict[str, str]) -> bool:
        """Whether this page is still the form ``filled`` was read back from, unchanged (no waiting: a page
        that was reloaded, left or logged out shows no title field, or a different one)."""
        if self.wall.up() or not (self.title.present() and self.body.present()):
            return False
        shown = self.read_back(topics_of(filled))
        # fill's own media line says more than the form shows (the cover): the video being there is enough
        return ("media" in shown) == ("media" in filled) and form_matches(
            {k: v for k, v in shown.items() if k != "media"}, filled)

    # -- publishing ------------------------------------------------------------------------------
    def publish(self) -> None:
        """Click 发布 / 定时发布 once it is enabled, then wait for the site's answer."""
        button = self.publish_button.resolve()
        try:
            expect(button).not_to_have_class(DISABLED_CLASS)  # the site greys it out by class
            self.close_popovers()
            button.click()  # Playwright's click also waits for a disabled button to become enabled
        except (AssertionError, PlaywrightTimeoutError) as e:
            raise SiteTimeout("发布按钮一直不可点击", site=SITE, url=self.page.url) from e
        self._wait_outcome()

    def _wait_outcome(self) -> None:
        """The site answers a click by moving to its success page, or with a message on this page."""
        texts = {SUCCESS_TEXT: None, FAILED_TEXT: PublishFailed, REJECTED_TEXT: ContentRejected,
                 RESTRICTED_TEXT: AccountRestricted}
        signals = self.wall.union
        for text in texts:
            signals = signals.or_(self.page.get_by_text(text))
        if self._reached_success_page_or_message(signals.filter(visible=True)):
            return  # the success page itself: nothing more to ask the page
        if SUCCESS_URL.search(self.page.url):
            return
        if self.page.get_by_text(SUCCESS_TEXT).filter(visible=True).count():
            self._confirm_success_url()
            return
        self.wall.raise_if_up()
        for text, error in texts.items():
            shown = self.page.get_by_text(text).filter(visible=True)
            if error is not None and shown.count():
                raise error(f"小红书提示：{shown.first.inner_text().strip()}", site=SITE, url=self.page.url)

    def _reached_success_page_or_message(self, messages) -> bool:
        """True once the success page's navigation commits (no waiting for that page to load and be
        searchable); False once one of ``messages`` shows on this page; ``SiteTimeout`` if neither comes."""
        deadline = time.monotonic() + self.timeout_ms / 1000
        while True:
            try:
                self.page.wait_for_url(SUCCESS_URL, wait_until="commit", timeout=OUTCOME_LOOK_MS)
                return True
            except PlaywrightTimeoutError:
                pass
            if self._shown(messages):
                return False
            if time.monotonic() > deadline:
                raise SiteTimeout("点了发布，但网站一直没有回应", site=SITE, url=self.page.url)

    @staticmethod
    def _shown(locator) -> bool:
        try:
            return locator.count() > 0
        except PlaywrightError:  # the page went away under the look (to the success page): look again
            return False

    def _confirm_success_url(self) -> None:
        try:
            self.page.wait_for_url(SUCCESS_URL, timeout=5_000)
        except PlaywrightTimeoutError as e:
            # 发布成功 without the success page: let the read-back decide, never click twice.
            raise PublishFailed("网站提示发布成功，但没有进入成功页", site=SITE, url=self.page.url) from e
