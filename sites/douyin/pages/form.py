"""The publish form's fields (``/content/publish``, ``/content/post/video`` or ``/content/post/image``).

Locators follow the saved real page (``publish.html``): title ``input[placeholder*=填写作品标题]`` with an
``n/30`` counter, description ``div.zone-container[contenteditable]`` (a slate editor), the cover control
``选择封面``, the ``发布时间`` row whose ``立即发布`` / ``定时发布`` are ``label``s around checkboxes (older
builds: a role=radio group, kept as a fallback). Button and outcome: ``submit.py``.
"""
from __future__ import annotations

import re

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from sites.assertions import expect
from sites.common import form_matches, topics_of
from sites.douyin.errors import SITE, ScheduleNotSet, UploadFailed
from sites.douyin.pages.guards import LoginWall, Overlays, Verification
from sites.douyin.pages.locate import Fallback, visible

SCHEDULE_LABEL = re.compile(r"^\s*定时发布\s*$")
COVER_DIALOG = re.compile("设置竖封面|设置横封面")
COVER_CONFIRM = "是否确认应用此封面"
MODAL_CSS = "[role='modal'], [role='dialog'], .semi-modal"
"""The real Semi modals carry role="modal" (not an ARIA role): never rely on role=dialog alone."""
UPLOADING = re.compile(r"上传中\s*\d+(\.\d+)?\s*%")


class PublishForm:
    def __init__(self, page: Page, upload_timeout_ms: float = 120_000):
        self.page = page
        self.upload_timeout_ms = upload_timeout_ms
        self.wall = LoginWall(page)
        self.verification = Verification(page)
        self.overlays = Overlays(page)
        self.title = Fallback(page, "作品标题", page.get_by_placeholder("填写作品标题"),
                              page.locator("input.semi-input[placeholder*='标题']"))
        self.body = Fallback(page, "作品描述",
                             page.locator("div.zone-container[contenteditable='true']"),
                             page.locator("[data-slate-editor='true'][contenteditable='true']"),
                             page.locator("div.editor-kit-container[contenteditable='true']"))
        # Video upload state: 重新上传 in the preview card = done; 上传失败 in the progress box = failed.
        self.video_done = visible(page.locator("[class*='long-card']").get_by_text("重新上传"))
        self.upload_failed = visible(page.locator("div[class*='progress-div']").get_by_text("上传失败")
                                     .or_(page.get_by_text("上传失败")))
        # Only a percentage counts: the finished real form carries the tip "…如作品还在上传中，请勿关闭页面…".
        self.uploading = visible(page.locator("div[class*='progress-div']").or_(page.get_by_text(UPLOADING)))
        self.cover_control = Fallback(page, "选择封面",
                                      page.locator("div[class*='coverControl']").filter(has_text="封面"),
                                      page.get_by_text("选择封面", exact=True))
        # The cover editor (uploaders wait for div.dy-creator-content-modal), whatever role it carries.
        self.cover_dialog = visible(page.locator("div.dy-creator-content-modal").or_(
            page.locator(MODAL_CSS).filter(has_text=COVER_DIALOG)))
        # 智能推荐封面: three blocks beside the cover control; choosing one asks 「是否确认应用此封面？」.
        # ``^=`` keeps out the blocks' own container (recommendCoverContainer-…).
        self.recommended = visible(page.locator("[class^='recommendCover-'], [class*=' recommendCover-']"))
        self.cover_confirm = visible(page.locator(MODAL_CSS).filter(has_text=COVER_CONFIRM))
        self.schedule_radio = Fallback(page, "定时发布",
                                       page.locator("label").filter(has_text=SCHEDULE_LABEL),
                                       page.get_by_role("radio", name="定时发布"),
                                       page.get_by_text("定时发布", exact=True))
        self.date_input = Fallback(page, "定时发布时间",
                                   page.locator(".semi-input[placeholder='日期和时间']"),
                                   page.get_by_placeholder("日期和时间"),
                                   page.locator(".semi-datepicker input"))

    def wait_video_uploaded(self) -> None:
        """Done when the preview card offers 重新上传; the page's own 上传失败 is a transient failure."""
        done_or_not = self.video_done.or_(self.upload_failed).or_(self.wall.union).or_(self.verification.union)
        expect(done_or_not.first).to_be_visible(timeout=self.upload_timeout_ms)
        self._raise_if_stopped()

    def wait_images_uploaded(self) -> None:
        """GUESS (no saved image form): ready once the fields show and no upload progress is left."""
        ready = self.title.union.or_(self.upload_failed).or_(self.wall.union).or_(self.verification.union)
        expect(ready.first).to_be_visible(timeout=self.upload_timeout_ms)
        self._raise_if_stopped()
        expect(self.uploading).to_have_count(0, timeout=self.upload_timeout_ms)
        self._raise_if_stopped()

    def _raise_if_stopped(self) -> None:
        self.wall.raise_if_up()
        self.verification.raise_if_asked()
        if self.upload_failed.count():
            raise UploadFailed("抖音提示上传失败，需要重新上传", site=SITE, url=self.page.url)

    def set_title(self, title: str) -> None:
        self.overlays.close()  # the new-user tour greets the form and takes the first click
        self.title.resolve().fill(title)

    def set_body(self, body: str) -> None:
        self.overlays.close()
        editor = self.body.resolve()
        editor.click()
        self.page.keyboard.press("ControlOrMeta+A")
        self.page.keyboard.press("Delete")
        for i, line in enumerate(body.split("\n")):
            if i:
                self.page.keyboard.press("Enter")
            if line:
                self.page.keyboard.insert_text(line)

    def add_topic(self, name: str) -> bool:
        """Type `` #name`` then Space (the editor turns it into a topic); True when it shows in the text."""
        editor = self.body.resolve()
        editor.click()
        self.page.keyboard.press("ControlOrMeta+End")
        self.page.keyboard.type(f" #{name}")
        self.page.keyboard.press("Space")
        self.overlays.close()  # the suggestion dropdown would swallow the next click
        return f"#{name}" in editor.inner_text()

    def set_cover(self, path: str | None) -> None:
        """Open the cover modal, upload ``path`` (or keep the default frame) and press 完成 once enabled."""
        self.overlays.close()
        self.cover_control.resolve().click()
        expect(dialog := self.cover_dialog.first).to_be_visible()
        if path:
            dialog.locator("input[type=file][accept*='image']").first.set_input_files(path)
        finish = dialog.get_by_role("button", name="完成", exact=True)
        expect(finish).to_be_enabled(timeout=self.upload_timeout_ms)  # disabled while processing
        finish.click()
        expect(self.cover_dialog).to_have_count(0)
        self._confirm_cover()  # some builds ask 「是否确认应用此封面？」 here too

    def choose_recommended_cover(self, index: int = 0) -> bool:
        """Pick a 智能推荐封面 block and confirm 「是否确认应用此封面？」; False when the form has none."""
        self.overlays.close()
        if not self.recommended.count():
            return False
        block = self.recommended.nth(index)
        block.click()
        expect(self.cover_confirm.first).to_be_visible()
        self._confirm_cover()
        expect(block).to_have_class(re.compile("selected"))  # after a short isSetting transition
        return True

    def _confirm_cover(self) -> None:
        if not self.cover_confirm.count():
            return
        self.cover_confirm.first.get_by_role("button", name="确定", exact=True).click()
        expect(self.cover_confirm).to_have_count(0)

    def schedule(self, wall_time: str) -> str:
        """Choose 定时发布 and enter ``YYYY-MM-DD HH:MM``; a value that did not stick raises."""
        self.overlays.close()
        radio = self.schedule_radio.resolve()
        if not self.date_input.present():
            radio.click()  # clicking again would switch it off on some builds
        box = self.date_input.resolve()
        try:
            box.click()
            box.fill(wall_time)
            box.press("Enter")
        except PlaywrightError as e:
            raise ScheduleNotSet(f"定时发布时间写不进去：{e.message}", site=SITE, url=self.page.url) from e
        self.overlays.close()
        got = box.input_value().strip()
        if got != wall_time:
            raise ScheduleNotSet(f"定时发布时间没有设上：应为 {wall_time}，页面显示「{got}」",
                                 site=SITE, url=self.page.url)
        if not self.scheduled():
            raise ScheduleNotSet("定时发布时间已填，但「定时发布」没有选中", site=SITE, url=self.page.url)
        return got

    def scheduled(self) -> bool:
        """Whether 定时发布 is the chosen option (its checkbox/radio is checked)."""
        radio = self.schedule_radio.resolve()
        if (native := radio.locator("input")).count():
            return native.first.is_checked()
        return radio.get_attribute("aria-checked") == "true"

    def still_shows(self, filled: dict[str, str]) -> bool:
        """Whether this page is still the form ``filled`` was read back from, unchanged (no waiting: a page
        that was reloaded, left or logged out shows no title field, or a different one)."""
        if self.wall.up() or not (self.title.present() and self.body.present()):
            return False
        return form_matches(self.read_back(topics_of(filled)), filled)

    def read_back(self, topics: list[str]) -> dict[str, str]:
        body = self.body.resolve().inner_text().replace("\u200b", "").strip()
        shown = [t for t in topics if f"#{t}" in body]
        schedule = ""
        if self.date_input.present() and self.scheduled():
            schedule = self.date_input.resolve().input_value().strip()
        return {"title": self.title.resolve().input_value(), "body": body,
                "topics": " ".join(f"#{t}" for t in shown), "schedule": schedule or "立即发布"}
