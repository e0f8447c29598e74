"""What a site's data pages give back (``read_stats``), and the paged table every data page is read through.

``read_stats`` is read-only: it opens pages and clicks tabs and 下一页, never a button that changes anything.
It reads incrementally: a list is newest first, and reading stops at the first page that reaches back past
``since`` (the caller's cutoff), so a nightly read costs what is new, not the account's whole history.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Callable

from playwright.sync_api import Locator, Page

from sites.assertions import expect
from sites.common import parse_site_time
from sites.locate import wait_until_there

NEXT_PAGE = "下一页"
# One round trip per table page: header texts, then each row's cells by header, its data-* attributes and
# its first link. A row whose cells do not line up with the headers (an empty-state row) is left out.
READ_TABLE_JS = """table => {
  const heads = Array.from(table.querySelectorAll('thead th')).map(th => th.innerText.trim());
  return Array.from(table.querySelectorAll('tbody tr')).map(tr => {
    const cells = Array.from(tr.children);
    if (cells.length !== heads.length) return null;
    const row = {cells: {}, attrs: {}, href: null};
    cells.forEach((td, i) => { row.cells[heads[i]] = td.innerText.trim(); });
    for (const a of tr.attributes) if (a.name.startsWith('data-')) row.attrs[a.name.slice(5)] = a.value;
    const link = tr.querySelector('a[href]');
    row.href = link ? link.href : null;
    return row;
  }).filter(Boolean);
}"""


@dataclass
class Reading:
    """One number as the site showed it: ``subject`` is account | post | item, ``subject_id`` the site's id."""

    subject: str
    subject_id: str
    metric: str
    value: float


@dataclass
class SoldOrder:
    """One row of 已卖出的宝贝 (with 退款/售后's status where the refund list has it)."""

    order_no: str
    item_id: str
    title: str
    amount: Decimal
    status: str
    refund_status: str | None
    created_at: datetime | None


@dataclass
class Stats:
    readings: list[Reading] = field(default_factory=list)
    orders: list[SoldOrder] = field(default_factory=list)
    refunds: dict[str, str] = field(default_factory=dict)
    """订单号 → 售后状态 from the refund list (also for orders older than the orders read)."""
    pages: int = 0
    """Pages opened (navigations, tab switches and 下一页 clicks): what a read cost."""
    blocked: str = ""
    """The data page a risk-control check (a slider) stopped the read on, as the site names it; empty when
    the read went to the end. What was read before it is in the fields above."""


@dataclass
class Row:
    cells: dict[str, str]
    attrs: dict[str, str]
    href: str | None


class DataTable:
    """A data page's table found by one of its column headers, read a page at a time."""

    def __init__(self, page: Page, header: str, timeout_ms: float):
        self.page = page
        self.timeout_ms = timeout_ms
        self.table = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name=header, exact=True))
        self.next = page.get_by_role("button", name=NEXT_PAGE, exact=True).or_(
            page.get_by_role("link", name=NEXT_PAGE, exact=True))

    def wait(self, wall: Locator) -> None:
        wait_until_there(self.table.or_(wall).first, self.timeout_ms)

    def rows(self) -> list[Row]:
        return [Row(**raw) for raw in self.table.first.evaluate(READ_TABLE_JS)]

    def next_page(self) -> bool:
        """Go to the next page of the table; False on the last. Works for lists that reload and lists that
        redraw in place: it waits until the table's first row is another one."""
        if self.next.count() == 0 or not self.next.first.is_enabled():
            return False
        first = self.table.first.locator("tbody tr").first
        before = first.inner_text()
        self.next.first.click()
        expect(self.table.first.locator("tbody tr").first).not_to_have_text(before, timeout=self.timeout_ms)
        return True


def read_pages(table: DataTable, since: datetime | None, when: Callable[[Row], datetime | None],
               each: Callable[[Row], None]) -> int:
    """Hand every row to ``each``, page after page, until a page reaches back past ``since`` (None: all pages).
    The number of 下一页 clicks made."""
    clicks = 0
    while True:
        rows = table.rows()
        for row in rows:
            each(row)
        times = [t for t in (when(r) for r in rows) if t is not None]
        if not rows or (since is not None and times and min(times) < since) or not table.next_page():
            return clicks
        clicks += 1


def number(text: str) -> float:
    """A count as a data page prints it: 1234, 1,234, 1.2万, ¥88.00, 12.5w."""
    t = text.replace(",", "").replace("¥", "").replace("￥", "").strip()
    m = re.search(r"(-?\d+(?:\.\d+)?)\s*(万|w|W)?", t)
    if not m:
        return 0.0
    return float(m.group(1)) * (10_000 if m.group(2) else 1)


def money(text: str) -> Decimal:
    try:
        return Decimal(re.sub(r"[^\d.\-]", "", text) or "0")
    except InvalidOperation:
        return Decimal("0")


def read_posts(table: DataTable, since: datetime | None, time_column: str, columns: dict[str, str],
               post_id: Callable[[Row], str]) -> tuple[list[Reading], int]:
    """A post table's numbers (``columns``: column word → metric), newest first back to ``since``; and the
    下一页 clicks that took. ``post_id`` gives a row's id (or raises ``PageChanged``)."""
    readings: list[Reading] = []

    def each(row: Row) -> None:
        pid = post_id(row)
        readings.extend(Reading("post", pid, metric, number(row.cells[label]))
                        for label, metric in columns.items() if label in row.cells)

    clicks = read_pages(table, since, lambda r: parse_site_time(r.cells.get(time_column, "")), each)
    return readings, clicks
