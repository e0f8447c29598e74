"""The publish form's declarations: 内容类型声明 (AI-generated content, 来源转载 with the media name) and the
原创声明 switch with its confirm dialog.

Facts (../shared/reference/real-sites-interaction.md §0, saved real ``publish.html``, public uploaders):
the entry is a ``d-select`` whose placeholder reads 「添加内容类型声明」 (the older form: 「添加自主声明」 under
「自主声明」); its options are ``.d-option`` (``.d-option-name``), 「内容来源声明」 leads to ``.d-grid-item``
choices 「自主拍摄」/「来源转载」, and 来源转载 asks for 「请输入媒体名称」 then 「确认」. The AI option reads
「笔记含AI合成内容」 in two public uploaders; the site may reword it, so it is matched by ``AI_OPTION``.
The 原创声明 card is a ``div.custom-switch-card`` holding a ``d-switch``; switching it on opens a dialog whose
terms (「我已阅读并同意 《原创声明须知》…」) must be ticked before 「声明原创」 (one public uploader: GUESS).
"""
from __future__ import annotations

import re

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, TimeoutError as PlaywrightTimeoutError

from core.declaration import Declaration
from core.errors import PageChanged
from sites.assertions import expect
from sites.xiaohongshu.errors import SITE, DeclarationNotSet
from sites.xiaohongshu.pages.locate import Fallback, wait_until_there

ENTRY_TEXT = re.compile("添加内容类型声明|添加自主声明|添加内容声明")
AI_OPTION = re.compile(r"AI.{0,6}(合成|生成)|(合成|生成).{0,6}AI|人工智能(合成|生成)")
"""「笔记含AI合成内容」 today; 「内容由AI生成」, 「含AI生成内容」 (other sites' wordings) as well."""
SOURCE_OPTION = re.compile(r"^\s*(内容)?来源声明\s*$")
REPOST_OPTION = re.compile(r"^\s*(来源)?转载\s*$")
ORIGINAL = "原创声明"
TERMS = re.compile("我已阅读并同意|已阅读并同意")
CONFIRM_ORIGINAL = re.compile(r"^\s*(声明原创|确认|确定)\s*$")
CONFIRM = re.compile(r"^\s*(确认|确定)\s*$")
STEP_MS = 5_000
"""How long one click's answer may take (the form is loaded; a missing control is a changed page)."""

WRAPPERS_JS = "el => Array.from(document.querySelectorAll('.d-select-wrapper')).indexOf(el)"


def shown_matches(declaration: Declaration | None, text: str) -> bool:
    """Whether ``text`` (the form's or the note list's) shows ``declaration`` and no other label."""
    text = text or ""
    if declaration is None:
        return not (AI_OPTION.search(text) or "转载" in text or "原创" in text)
    if declaration.kind == "ai":
        return bool(AI_OPTION.search(text))
    if declaration.kind == "original":
        return "原创" in text
    return "转载" in text


class DeclarationForm:
    def __init__(self, page: Page):
        self.page = page
        self.entry = Fallback(page, "内容类型声明", page.locator(".d-select-wrapper").filter(has_text=ENTRY_TEXT),
                              page.locator("[class*='declaration'] .d-select-wrapper, .d-select-wrapper[class*='declaration']")
                              .filter(has_text=re.compile("声明")))
        self.options = page.locator(".d-option, [role='option'], .d-grid-item").filter(visible=True)
        self.original_card = Fallback(page, ORIGINAL,
                                      page.locator(".custom-switch-card").filter(has_text=ORIGINAL),
                                      page.locator("div").filter(has=page.locator(".has-tips", has_text=ORIGINAL))
                                      .filter(has=page.locator(".d-switch")).last)
        self.dialog = page.get_by_role("dialog").or_(page.locator(".d-modal")).filter(visible=True)
        self._pinned = None

    # -- setting -----------------------------------------------------------------------------------
    def set(self, declaration: Declaration | None) -> str:
        """Set ``declaration`` on the form and read it back; what the form shows (``不声明`` for None).
        ``DeclarationNotSet`` when a control is missing or the form does not show it afterwards."""
        if declaration is None:
            return "不声明"
        try:
            if declaration.kind == "original":
                self._original()
            elif declaration.kind == "ai":
                self._open_entry(declaration)
                self._pick(AI_OPTION, declaration, "AI声明选项")
            else:
                self._open_entry(declaration)
                self._pick(SOURCE_OPTION, declaration, "内容来源声明")
                self._pick(REPOST_OPTION, declaration, "来源转载")
                self._media_name(declaration)
        except (PlaywrightError, PlaywrightTimeoutError) as e:
            raise self._not_set(declaration, f"页面没有响应（{e.message.splitlines()[0]}）") from e
        shown = self.read(declaration)
        if not shown_matches(declaration, shown):
            raise self._not_set(declaration, f"设置后页面显示的是「{shown or '空'}」")
        return shown

    def read(self, declaration: Declaration) -> str:
        """What the form shows for the kind of ``declaration`` now."""
        if declaration.kind == "original":
            switch = self.original_card.resolve(timeout=STEP_MS).locator(".d-switch")
            on = (switch.get_attribute("aria-checked") == "true"
                  or "checked" in (switch.get_attribute("class") or "").split())
            return ORIGINAL if on else ""
        entry = self._pinned or self.entry.resolve(timeout=STEP_MS)
        chosen = entry.locator(".d-select-description")
        text = chosen.first.inner_text() if chosen.count() else entry.inner_text()
        return " ".join(text.split())

    def _not_set(self, declaration: Declaration, why: str) -> DeclarationNotSet:
        return DeclarationNotSet(f"小红书发布页上没能设置「{declaration.label}」声明：{why}。按规定必须声明，笔记没有发布",
                                 site=SITE, url=self.page.url)

    def _open_entry(self, declaration: Declaration) -> None:
        try:
            entry = self.entry.resolve(timeout=STEP_MS)
        except PageChanged as e:
            raise self._not_set(declaration, "找不到「添加内容类型声明」入口，小红书页面可能改版了") from e
        # Pinned by position: once chosen, the placeholder text that found it may be gone.
        index = entry.evaluate(WRAPPERS_JS)
        self._pinned = self.page.locator(".d-select-wrapper").nth(index)
        self._pinned.scroll_into_view_if_needed()
        self._pinned.click()

    def _pick(self, text: re.Pattern, declaration: Declaration, what: str) -> None:
        option = self.options.filter(has_text=text).first
        try:
            wait_until_there(option, STEP_MS)
        except PlaywrightTimeoutError as e:
            raise self._not_set(declaration, f"声明选项里没有「{what}」") from e
        option.click()

    def _media_name(self, declaration: Declaration) -> None:
        box = self.page.get_by_placeholder("请输入媒体名称").or_(self.page.get_by_placeholder(re.compile("媒体|来源")))
        box = box.filter(visible=True).first
        try:
            wait_until_there(box, STEP_MS)
        except PlaywrightTimeoutError as e:
            raise self._not_set(declaration, "选了「来源转载」但没有出现「请输入媒体名称」") from e
        box.fill(declaration.source)
        self.page.get_by_role("button", name=CONFIRM).filter(visible=True).first.click()

    def _original(self) -> None:
        declaration = Declaration("original", "")
        try:
            card = self.original_card.resolve(timeout=STEP_MS)
        except PageChanged as e:
            raise self._not_set(declaration, "找不到「原创声明」开关") from e
        if self.read(declaration):
            return
        card.locator(".d-switch").click()
        dialog = self.dialog.first
        try:
            wait_until_there(dialog, STEP_MS)
        except PlaywrightTimeoutError:
            return  # switched on without asking: read-back decides
        terms = dialog.get_by_text(TERMS)
        if terms.count():
            box = dialog.locator("input[type=checkbox]")
            if box.count() and not box.first.is_checked():
                terms.first.click()
        dialog.get_by_role("button", name=CONFIRM_ORIGINAL).first.click()
        try:
            expect(self.dialog).to_have_count(0, timeout=STEP_MS)
        except AssertionError as e:
            raise self._not_set(declaration, "原创声明的确认框没有关闭") from e
