"""The material picker (素材中心 / 图片空间) that adds main and description images.

A click on the form's slot (the dashed ``上传图片`` of 1:1主图, or ``添加图片`` of 描述) opens an overlay with
``iframe#mainImagesGroup`` / ``iframe#descImages``. Inside, ``本地上传`` opens a FILE CHOOSER (there is no
visible file input); each file uploads on its own (``上传中…`` → ``上传完成``), refusals show in
``.sucai-error``; new uploads are picked at once and ``完成`` hands them to the form.
"""
from __future__ import annotations

import time

from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from core.errors import ContentRejected, SiteTimeout
from sites.assertions import expect
from sites.taobao.errors import SITE
from sites.taobao.pages.guards import LoginWall
from sites.taobao.pages.locate import Fallback

DONE = "上传完成"
CHOOSER_TRIES, CHOOSER_WAIT_MS = 4, 2_500
"""本地上传 shows before the frame's script has bound it (a slow frame): a click that opened no file
chooser is made again, a few times."""


class MaterialPicker:
    def __init__(self, page: Page, target: str, upload_timeout_ms: float):
        self.page = page
        self.target = target
        """``mainImagesGroup`` or ``descImages``: the iframe's id."""
        self.timeout_s = upload_timeout_ms / 1000
        self.wall = LoginWall(page)
        self.iframe = page.locator(f"iframe#{target}")
        frame = page.frame_locator(f"iframe#{target}")
        self.upload = Fallback(page, "本地上传", frame.get_by_role("button", name="本地上传"),
                               frame.locator(".upload-local"))
        self.status = frame.locator(".sucai-status")
        self.error = frame.locator(".sucai-error")
        self.picked = frame.locator(".pic-item.selected, [role=checkbox][aria-checked=true]")
        self.done = frame.get_by_role("button", name="完成")

    def add(self, opener: Locator, paths: list[str]) -> None:
        """Open the picker with ``opener``, upload ``paths`` through the file chooser, press 完成."""
        opener.click()
        expect(self.iframe).to_be_visible()
        self._choose(paths)
        self._wait_uploaded(len(paths))
        self.done.click()
        try:
            expect(self.iframe).to_have_count(0)
        except AssertionError as e:
            self._raise_refused()
            raise SiteTimeout("素材中心点了「完成」没有关闭", site=SITE, url=self.page.url) from e

    def _choose(self, paths: list[str]) -> None:
        for _ in range(CHOOSER_TRIES):
            try:
                with self.page.expect_file_chooser(timeout=CHOOSER_WAIT_MS) as chooser:
                    self.upload.resolve().click()
            except PlaywrightTimeoutError:
                continue
            chooser.value.set_files(paths)
            return
        raise SiteTimeout("素材中心的「本地上传」没有打开文件选择", site=SITE, url=self.page.url)

    def _wait_uploaded(self, count: int) -> None:
        self._until(lambda ms: expect(self.status).to_have_text(DONE, timeout=ms), self.timeout_s,
                    f"图片上传超时（{count}张）")
        self._raise_refused()
        # A dead session also ends the upload (上传完成 with nothing picked) before the window goes to the
        # login wall, so the picked count is watched the same way.
        self._until(lambda ms: expect(self.picked).to_have_count(count, timeout=ms), 5,
                    f"图片上传完成，但选中的不是{count}张")

    def _until(self, check, timeout_s: float, failure: str) -> None:
        """Run ``check`` in one-second slices, looking at the login wall in between: the picker lives in
        a frame and the wall in the top page, so one locator cannot wait for both."""
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                check(1_000)
                return
            except AssertionError:
                self.wall.raise_if_up()
                if time.monotonic() >= deadline:
                    raise SiteTimeout(failure, site=SITE, url=self.page.url) from None

    def _raise_refused(self) -> None:
        said = self.error.inner_text().strip() if self.error.count() else ""
        if said:
            raise ContentRejected(f"淘宝素材中心拒绝了图片：{said}", site=SITE, url=self.page.url)
