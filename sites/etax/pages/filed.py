"""申报信息查询 (我要查询 → 申报信息查询, tab 已申报): the portal's own list of filed returns, for read-back.

Rows are read by their column titles (所属期, 申报表名称, 申报序号, 申报日期, 应补（退）税额, 缴款状态 — GUESS
for the new portal, taken from the replica), not by cell classes.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from playwright.sync_api import Page

from books.periods import Quarter
from sites.etax.pages.locate import Fallback, column, money, period_pattern, read_table
from sites.etax.pages.portal import Portal

VAT_TITLE = "增值税及附加税费申报表（小规模纳税人适用）"
PAID = "已缴款"
NOTHING_DUE = "无需缴款"


@dataclass(frozen=True)
class Filed:
    """One filed return as the portal lists it."""

    serial: str
    """申报序号"""
    period: str
    """所属期 as shown, e.g. ``2026-07-01 至 2026-09-30``"""
    name: str
    filed_at: str
    tax_due: Decimal | None
    """应补（退）税额"""
    pay_status: str
    """缴款状态 as shown: 未缴款 / 已缴款 / 无需缴款"""

    @property
    def paid(self) -> bool:
        """Nothing is left to pay: paid, or nothing was due."""
        return self.pay_status in (PAID, NOTHING_DUE)


class FiledList:
    def __init__(self, page: Page, base_url: str):
        self.page = page
        self.portal = Portal(page, base_url)
        self.table = Fallback(page, "已申报列表", page.get_by_role("table", name="已申报"),
                              page.locator("table").filter(has_text="申报序号"))

    def open(self) -> None:
        self.portal.menu("我要查询", "申报信息查询")
        self.portal.wait_ready(self.table.any)

    def rows(self) -> list[Filed]:
        return [Filed(serial=column(r, "申报序号"), period=column(r, "所属期"), name=column(r, "申报表名称"),
                      filed_at=column(r, "申报日期", "申报时间"), tax_due=money(column(r, "应补（退）税额", "税额")),
                      pay_status=column(r, "缴款状态")) for r in read_table(self.table.resolve())]

    def find(self, period: "str | Quarter", name: str = VAT_TITLE) -> Filed | None:
        """The first listed return of that form for that quarter; None when it is not there."""
        pattern = period_pattern(period)
        return next((f for f in self.rows() if f.name == name and pattern.search(f.period)), None)
