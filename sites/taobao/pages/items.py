"""The item lists (出售中 / 仓库中 in 千牛's 宝贝管理): the site's own record of a listing.

GUESS: real-sites.md has no path or markup for these lists. Rows are ``tr.item-row[data-item-id]`` with
``.item-title``, ``.item-price``, ``.item-quantity`` and ``.item-status`` (``出售中`` | ``仓库中`` |
``定时上架 YYYY-MM-DD HH:MM``) in the replica; the id falls back to the ``ID: <id>`` text or an
``item.htm?id=`` link. Rows are read in one round trip.

``change_price`` is 编辑价格 on a row (GUESS, as the replica: a small 编辑价格 popover with a 价格 box and
保存). No workflow uses it yet: it is the page-object baseline ``benchmarks/agent_bench.py`` holds a replayed
技能 against.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Page, TimeoutError as PlaywrightTimeoutError

from core.errors import PageChanged
from sites.taobao.errors import SITE
from sites.taobao.pages.guards import LoginWall
from sites.taobao.pages.locate import goto, type_in, visible
from sites.taobao.pages.urls import SiteUrls

LISTS = {"on_sale": "出售中", "in_stock": "仓库中"}
EMPTY = re.compile("暂无数据|没有找到|暂无宝贝")
TOTAL = re.compile(r"共\s*\d+\s*件宝贝")
ROW_CSS = "tr.item-row, tr[data-item-id]"
EDIT_PRICE, PRICE_BOX, SAVE = "编辑价格", "价格", "保存"
PRICE_CSS = ".item-price"
READ_ROWS_JS = """rows => rows.map(row => {
  const cell = sel => { const el = row.querySelector(sel); return el ? el.innerText : ''; };
  const link = row.querySelector('a[href*="id="]');
  const title = row.querySelector('.item-title a') || row.querySelector('.item-title');
  return {id: row.getAttribute('data-item-id'), title: title ? title.innerText : '', idText: cell('.item-id'),
          href: link ? link.href : null, price: cell('.item-price'), quantity: cell('.item-quantity'),
          status: cell('.item-status')};
})"""


@dataclass
class Listed:
    """One row of the seller's item lists."""

    item_id: str
    title: str
    status: str
    """As the list shows it: ``出售中``, ``仓库中`` or ``定时上架 <time>``."""
    shelf: str
    """Which list holds it: ``on_sale`` (出售中) or ``in_stock`` (仓库中)."""
    price: str = ""
    quantity: str = ""
    url: str | None = None


class ItemList:
    def __init__(self, page: Page, urls: SiteUrls):
        self.page = page
        self.urls = urls
        self.wall = LoginWall(page)
        self.rows = visible(page.locator(ROW_CSS))
        self.empty = visible(page.get_by_text(EMPTY))
        self.total = visible(page.get_by_text(TOTAL))

    def open(self, shelf: str) -> None:
        goto(self.page, self.urls(shelf))
        try:
            self.rows.or_(self.empty).or_(self.total).or_(self.wall.union).first.wait_for()
        except PlaywrightTimeoutError as e:
            self.wall.raise_if_up()
            raise PageChanged(f"「{LISTS[shelf]}」宝贝列表没有出现，淘宝页面可能改版了", site=SITE,
                              url=self.page.url) from e
        self.wall.raise_if_up()

    def items(self, shelf: str) -> list[Listed]:
        """Every row of the open list, top first."""
        return [self._row(raw, shelf) for raw in self.rows.evaluate_all(READ_ROWS_JS)]

    def change_price(self, item_id: str, price: str) -> str:
        """编辑价格 on the item's row of the open list, the price typed, 保存; the price the row shows once the
        editor has closed (the shop closes it only when it accepted the price)."""
        row = self.page.locator(f'tr[data-item-id="{item_id}"]')
        row.get_by_role("button", name=EDIT_PRICE).click()
        editor = row.get_by_role("dialog", name=EDIT_PRICE)
        type_in(editor.get_by_role("textbox", name=PRICE_BOX), price)
        editor.get_by_role("button", name=SAVE).click()
        try:
            editor.wait_for(state="detached")
        except PlaywrightTimeoutError as e:
            raise PageChanged(f"宝贝{item_id}的新价格没有保存上", site=SITE, url=self.page.url) from e
        return row.locator(PRICE_CSS).inner_text().strip().lstrip("¥￥")

    def _row(self, raw: dict, shelf: str) -> Listed:
        item_id = raw["id"] or _digits(raw["idText"]) or _id_from_link(raw["href"])
        if not item_id:
            raise PageChanged("宝贝列表里读不到商品ID，淘宝页面可能改版了", site=SITE, url=self.page.url)
        return Listed(item_id=item_id, title=raw["title"].strip(), status=raw["status"].strip(), shelf=shelf,
                      price=raw["price"].strip().lstrip("¥￥"), quantity=raw["quantity"].strip(),
                      url=raw["href"])


def _id_from_link(href: str | None) -> str:
    found = re.search(r"[?&]id=(\d+)", href or "")
    return found.group(1) if found else ""


def _digits(text: str | None) -> str:
    found = re.search(r"\d{6,}", text or "")
    return found.group() if found else ""
