"""自主声明 on the publish form: its entry, its modal, and reading the choice back.

The entry differs between builds: 「添加自主声明」 (a form row), 「请选择自主声明」 (a select box, its text replaced by
the choice), 「添加声明」 under 「自主声明」 in the 发文助手 side panel (the saved real page). The modal's header is
「请选择声明类型（单选）」 (older: 「对作品内容添加声明」); the real modal's role is "modal", not "dialog", so it is
found by its header text whatever its role. Options are radio labels (``label.semi-radio`` with
``span.semi-radio-addon``); the footer's primary button is 「确定」 (social-auto-upload, set_self_declaration).
After 确定 the chosen option's text shows on the form: that text, outside any modal, is the read-back.
"""
from __future__ import annotations

import re

from playwright.sync_api import Page

from core.declaration import Declaration
from core.errors import PageChanged
from sites.assertions import expect
from sites.douyin.errors import SITE, DeclarationNotSet
from sites.douyin.pages.guards import Overlays
from sites.douyin.pages.locate import Fallback, visible

OPTION_FOR = {"ai": "内容由AI生成", "repost": "内容为转载信息"}
"""Douyin's option for each kind of declaration; Douyin has no 原创 declaration (``original`` maps to none)."""
KNOWN_OPTIONS = ("内容由AI生成", "内容为转载信息", "内容为个人观点或见解", "内容取材网络", "内容自行拍摄", "可能引人不适",
                 "虚构演绎，仅供娱乐", "危险行为，请勿模仿")
HEADER = re.compile("请选择声明类型|对作品内容添加声明")
MODAL_CSS = "[role='modal'], [role='dialog'], .semi-modal"
ENTRY_WAIT_MS = 10_000
"""The entry renders lazily at the form's end on the real site."""


def option_for(declaration: Declaration | None) -> str | None:
    """The option text to choose on Douyin's form; None: nothing to declare here."""
    return OPTION_FOR.get(declaration.kind) if declaration else None


class DeclarationSection:
    def __init__(self, page: Page, overlays: Overlays):
        self.page = page
        self.overlays = overlays
        self.entry = Fallback(page, "自主声明",
                              page.get_by_text("添加自主声明", exact=True),
                              page.get_by_text("请选择自主声明", exact=True),
                              page.locator("[class*='userDeclaration']").get_by_text(
                                  re.compile(r"^\s*(添加声明|修改声明)\s*$")),
                              page.get_by_text(re.compile(r"^\s*(请选择声明类型|作品声明|添加声明)\s*$")))
        self.modal = visible(page.locator(MODAL_CSS).filter(has_text=HEADER))

    def set(self, text: str) -> str:
        """Choose ``text`` in the modal and confirm; the text the form then shows (raises when it is not ``text``)."""
        self.overlays.close()  # a topic dropdown or the tour would cover the entry
        if self.read() == text:
            return text
        try:
            entry = self.entry.resolve(timeout=ENTRY_WAIT_MS)
        except PageChanged as e:
            raise self._not_set(text, "发布页上找不到「自主声明」入口") from e
        entry.click()
        try:
            expect(self.modal.first).to_be_visible()
        except AssertionError as e:
            raise self._not_set(text, "点了「自主声明」，但声明窗口没有打开") from e
        modal = self.modal.first
        option = modal.locator("label").filter(has_text=re.compile(rf"^\s*{re.escape(text)}\s*$"))
        if not option.count():
            option = modal.get_by_role("radio", name=text, exact=True)
        if not option.count():
            modal.get_by_role("button", name="取消").click()
            raise self._not_set(text, f"声明窗口里没有「{text}」这一项")
        option.first.click()
        modal.get_by_role("button", name="确定", exact=True).click()
        expect(self.modal).to_have_count(0)
        got = self.read()
        if got != text:
            raise self._not_set(text, f"点了确定，但页面显示的声明是「{got or '未声明'}」")
        return got

    def read(self) -> str | None:
        """The declaration the form shows now (an option's text outside the modal); None when none is shown."""
        for text in KNOWN_OPTIONS:
            shown = visible(self.page.get_by_text(text, exact=True))
            if shown.count() and not self.modal.count():
                return text
        return None

    def _not_set(self, text: str, why: str) -> DeclarationNotSet:
        return DeclarationNotSet(f"抖音：{why}，无法设置「{text}」声明。按规定这条内容必须带声明，所以没有发布",
                                 site=SITE, url=self.page.url)
