"""已卖出的宝贝 (orders) and 退款/售后 (refunds) in 千牛.

Paths, status words, 订单号 / 创建时间 / 实收款 and 15 orders a page from real-sites-interaction.md. GUESS:
the real list draws a card per order; the column words the replica's table uses (宝贝, 交易状态, 售后,
退款金额, 申请时间, 售后状态) are the words the real page prints, their arrangement is not known. The item id is
the `id=` of the row's item link. Every locator is here and nowhere else.
"""
from __future__ import annotations

import re
from datetime import datetime

from playwright.sync_api import Page

from core.errors import PageChanged
from sites.common import parse_site_time
from sites.stats import DataTable, Row, SoldOrder, money, read_pages
from sites.taobao.errors import SITE
from sites.taobao.pages.guards import LoginWall, raise_if_slider, slider_frame
from sites.taobao.pages.locate import goto
from sites.taobao.pages.urls import SiteUrls

ITEM_ID = re.compile(r"[?&]id=(\d+)")


class _TradeList:
    name, header, what = "", "", ""

    def __init__(self, page: Page, urls: SiteUrls, timeout_ms: float):
        self.page, self.urls = page, urls
        self.wall = LoginWall(page)
        self.table = DataTable(page, self.header, timeout_ms)

    def open(self) -> None:
        """The list's first page; LoginRequired on the wall, BaxiaSlider when the slider holds the list."""
        goto(self.page, self.urls(self.name))
        try:
            self.table.wait(self.wall.union.or_(slider_frame(self.page)))
        except Exception as e:  # noqa: BLE001 - Playwright's timeout: the list never came
            self.wall.raise_if_up()
            raise_if_slider(self.page, "stats")
            raise PageChanged(f"{self.what}页找不到列表，淘宝页面可能改版了", site=SITE, url=self.page.url) from e
        self.wall.raise_if_up()
        raise_if_slider(self.page, "stats")

    def _read(self, since: datetime | None, when, each) -> int:
        """``read_pages``; a slider on a 下一页 reload raises BaxiaSlider (the rows before it already went to
        ``each``), not the timeout the missing list would give."""
        try:
            return read_pages(self.table, since, when, each)
        except Exception:
            raise_if_slider(self.page, "stats")
            raise


class SoldList(_TradeList):
    name, header, what = "sold", "实收款", "已卖出的宝贝"

    def read(self, since: datetime | None, orders: list[SoldOrder]) -> int:
        """Orders newest first into ``orders``, down to the page that reaches back past ``since``; the 下一页
        clicks."""
        def each(row: Row) -> None:
            found = ITEM_ID.search(row.href or "")
            orders.append(SoldOrder(
                order_no=row.cells["订单号"], item_id=found.group(1) if found else "", title=row.cells.get("宝贝", ""),
                amount=money(row.cells["实收款"]), status=row.cells.get("交易状态", ""),
                refund_status=row.cells.get("售后") or None, created_at=parse_site_time(row.cells.get("创建时间", ""))))

        return self._read(since, lambda r: parse_site_time(r.cells.get("创建时间", "")), each)


class RefundList(_TradeList):
    name, header, what = "refunds", "退款金额", "退款/售后"

    def read(self, since: datetime | None, found: dict[str, tuple[str, str]]) -> int:
        """{订单号: (售后状态, 退款金额)} into ``found``, newest application first, down to the page past ``since``;
        the 下一页 clicks."""
        def each(row: Row) -> None:
            found.setdefault(row.cells["订单号"], (row.cells.get("售后状态", ""), row.cells.get("退款金额", "")))

        return self._read(since, lambda r: parse_site_time(r.cells.get("申请时间", "")), each)
