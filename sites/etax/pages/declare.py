"""申报清册 (我要办税 → 税费申报及缴纳 → 申报清册): the returns due, one row per form and period.

A row is found by the form's name and its 所属期 dates; its status (未申报 / 已申报) is read from the
row's text, its action by the link's text (填写申报表 / 查看). Column classes are not relied on.
"""
from __future__ import annotations

import re

from playwright.sync_api import Locator, Page

from books.periods import Quarter
from sites.etax.errors import LABEL, SITE, AlreadyFiled, ReturnNotListed
from sites.etax.pages.filed import VAT_TITLE, FiledList
from sites.etax.pages.locate import Fallback, period_pattern, quarter, visible
from sites.etax.pages.portal import Portal


class DeclareList:
    def __init__(self, page: Page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.portal = Portal(page, base_url)
        self.heading = visible(page.get_by_role("heading", name="申报清册"))
        self.table = Fallback(page, "申报清册", page.get_by_role("table", name="申报清册"),
                              page.locator("table").filter(has_text="申报表名称"))

    def open(self) -> None:
        self.portal.side("申报清册")
        self.portal.wait_ready(self.heading.or_(self.table.any))

    def row(self, period: "str | Quarter", name: str = VAT_TITLE) -> Locator:
        return self.table.resolve().locator("tr").filter(has_text=name).filter(has_text=period_pattern(period))

    def open_return(self, period: "str | Quarter", name: str = VAT_TITLE) -> None:
        """Click 填写申报表 on the quarter's return ``name``; refuse a quarter not listed or already filed."""
        label = quarter(period).label
        row = self.row(period, name)
        if not row.count():
            raise ReturnNotListed(f"{LABEL}的申报清册里没有{label}的{name}（可能不在申报期内）",
                                  site=SITE, url=self.page.url)
        text = row.first.inner_text()
        if "已申报" in text:
            raise AlreadyFiled(f"{label}的{name}已经申报过了，不能重复申报", self._filed(row.first, period, name),
                               site=SITE, url=self.page.url)
        row.first.get_by_role("link", name=re.compile("填写申报表|填写|申报")).first.click()

    def _filed(self, row: Locator, period: "str | Quarter", name: str):
        """What the filed list says about the quarter, via the row's 查看 (or the menu)."""
        view = row.get_by_role("link", name="查看")
        filed = FiledList(self.page, self.base_url)
        if view.count():
            view.first.click()
            filed.portal.wait_ready(filed.table.any)
        else:
            filed.open()
        return filed.find(period, name)
