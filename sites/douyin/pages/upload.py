"""The upload entry page (``/creator-micro/content/upload``): tabs over a drop zone with a hidden file input.

Saved real page (``upload.html``): tabs ``div.tab-item-*`` ``发布视频`` / ``发布图文`` / ``发布全景视频`` over
``div.container-drag-*`` (``点击上传 或直接将视频文件拖入此区域``) holding a ``display:none`` file input with
``accept="video/…"``. Choosing ``发布图文`` swaps the input for one that takes images (GUESS: not saved).
After the files are set the browser moves to one of the publish-form URLs; that move is the signal.
"""
from __future__ import annotations

import re
import time

from playwright.sync_api import Page, TimeoutError as PlaywrightTimeoutError

from core.errors import SiteTimeout
from sites.douyin.errors import SITE, UploadFailed
from sites.douyin.pages.guards import LoginWall, Verification
from sites.douyin.pages.locate import Fallback, goto, visible

PATH = "/creator-micro/content/upload"
FORM_URL = re.compile(r"/creator-micro/content/(publish|post/video|post/image)")
DROP_TEXT = "点击上传 或直接将视频文件拖入此区域"
FAILED_TEXT = re.compile("上传失败")
SLICE_MS = 1_000


class UploadPage:
    def __init__(self, page: Page, base_url: str, upload_timeout_ms: float = 120_000):
        self.page = page
        self.base_url = base_url
        self.upload_timeout_ms = upload_timeout_ms
        self.wall = LoginWall(page)
        self.verification = Verification(page)
        self.drop_zone = Fallback(page, "上传区域",
                                  # the zone itself, not its inner container-drag-info/-title divs
                                  page.locator("div[class*='container-drag'][role='presentation']")
                                  .filter(has_text=DROP_TEXT),
                                  page.get_by_role("presentation").filter(has_text=DROP_TEXT))
        self.video_input = Fallback(page, "视频上传框",
                                    page.locator("div[class*='container-drag'] input[type=file][accept*='video']"),
                                    page.locator("input[type=file][accept*='video']"),
                                    page.locator("input[type=file][accept*='.mp4']"), state="attached")
        self.image_input = Fallback(page, "图片上传框",
                                    page.locator("div[class*='container-drag'] input[type=file][accept*='image']"),
                                    page.locator("input[type=file][accept*='image']"), state="attached")
        self.image_tab = Fallback(page, "发布图文",
                                  page.locator("div[class*='tab-item']").filter(has_text=re.compile(r"^\s*发布图文\s*$")),
                                  page.get_by_text("发布图文", exact=True))
        self.failed = visible(page.get_by_text(FAILED_TEXT))

    def open(self) -> None:
        goto(self.page, self.base_url + PATH)
        try:
            self.video_input.union.or_(self.wall.union).or_(self.verification.union).first.wait_for(state="attached")
        except PlaywrightTimeoutError as e:
            raise SiteTimeout("抖音上传页没有加载出来", site=SITE, url=self.page.url) from e
        self.wall.raise_if_up()  # the real page shows login texts here instead of redirecting
        self.verification.raise_if_asked()

    def upload_video(self, path: str) -> None:
        self.video_input.resolve().set_input_files(path)
        self._wait_form()

    def upload_images(self, paths: list[str]) -> None:
        """All images at once: the image input takes several files (``multiple``)."""
        self.image_tab.resolve().click()
        self.image_input.resolve().set_input_files(paths)
        self._wait_form()

    def _wait_form(self) -> None:
        """Wait for the move to the publish form, or for the page to say why it did not happen.

        The SPA changes the URL without a load event, and failure shows as text, so both are watched
        in short slices: each slice returns as soon as the URL matches.
        """
        deadline = time.monotonic() + self.upload_timeout_ms / 1000
        while True:
            try:
                self.page.wait_for_url(FORM_URL, timeout=SLICE_MS, wait_until="commit")
                return
            except PlaywrightTimeoutError as e:
                self._raise_stop()
                if time.monotonic() >= deadline:
                    raise SiteTimeout("选好文件后没有进入抖音发布页", site=SITE, url=self.page.url) from e

    def _raise_stop(self) -> None:
        self.wall.raise_if_up()
        self.verification.raise_if_asked()
        if self.failed.count():
            raise UploadFailed(f"抖音提示：{self.failed.first.inner_text().strip()}", site=SITE, url=self.page.url)
