"""销售规格 on the publish form: sale values per dimension, then the SKU table's price and stock.

Each dimension is a ``.sku-group[data-sale-prop=<name>]`` with a text box labelled with its name and an
``添加`` button (values become tags). Once every dimension has a value the table shows one row per
combination, with inputs labelled ``<values joined by a space> 价格`` / ``… 数量`` (GUESS for the real
page: the labels follow the replica). With SKUs, 一口价 and 总库存 become read-only and follow the table.
"""
from __future__ import annotations

from decimal import Decimal
from itertools import product as combinations

from playwright.sync_api import Page

from core.errors import ContentRejected
from sites.assertions import expect
from sites.taobao.errors import SITE, ValueNotSet
from sites.taobao.pages.locate import settled_value, type_in, visible
from sites.taobao.product import Product, Sku


def money(value: Decimal) -> str:
    return f"{value:.2f}"


class SkuTable:
    def __init__(self, page: Page):
        self.page = page
        self.root = page.locator("#struct-sku")
        self.groups = visible(self.root.locator(".sku-group"))

    def dimensions(self) -> list[str]:
        """The category's sale dimensions, in the page's order."""
        return [g.get_attribute("data-sale-prop") or "" for g in self.groups.all()]

    def fill(self, product: Product) -> list[str]:
        """Add the values, type each row's price and stock; return the rows as read back."""
        dims = self._check_dimensions(product)
        values = {d: list(dict.fromkeys(s.options[d].strip() for s in product.skus)) for d in dims}
        self._check_complete(product, dims, values)
        for dim in dims:
            for value in values[dim]:
                self._add_value(dim, value)
        expect(self.root.locator(".sku-table tbody tr")).to_have_count(len(product.skus))
        return [self._fill_row(dims, sku) for sku in product.skus]

    def _check_dimensions(self, product: Product) -> list[str]:
        page_dims, wanted = self.dimensions(), product.dimensions()
        if sorted(page_dims) != sorted(wanted):
            raise ContentRejected(f"这个类目的销售规格是「{'×'.join(page_dims) or '无'}」，"
                                  f"商品的SKU用的是「{'×'.join(wanted)}」", site=SITE, url=self.page.url)
        return page_dims

    def _check_complete(self, product: Product, dims: list[str], values: dict[str, list[str]]) -> None:
        # The table has a row for every combination, and every row needs a price and a stock.
        have = {tuple(s.options[d].strip() for d in dims) for s in product.skus}
        absent = [combo for combo in combinations(*(values[d] for d in dims)) if combo not in have]
        if absent:
            shown = "、".join("/".join(c) for c in absent[:5])
            raise ContentRejected(f"销售规格表每种组合都要有价格和库存，缺少：{shown}", site=SITE, url=self.page.url)

    def _add_value(self, dim: str, value: str) -> None:
        group = self.root.locator(f'.sku-group[data-sale-prop="{dim}"]')
        tags = group.locator(".sku-value-text")
        if value in [t.strip() for t in tags.all_inner_texts()]:
            return  # already there (a refill of the same form)
        before = tags.count()
        type_in(group.get_by_role("textbox", name=dim, exact=True), value)
        group.get_by_role("button", name="添加").click()
        expect(tags).to_have_count(before + 1)

    def _fill_row(self, dims: list[str], sku: Sku) -> dict:
        label = " ".join(sku.options[d].strip() for d in dims)
        price = self.page.get_by_label(f"{label} 价格", exact=True)
        stock = self.page.get_by_label(f"{label} 数量", exact=True)
        want_price, want_stock = money(sku.price), str(sku.stock)
        type_in(price, want_price)
        type_in(stock, want_stock)
        shown_price, shown_stock = settled_value(price), settled_value(stock)
        for what, want, shown in (("价格", want_price, shown_price), ("数量", want_stock, shown_stock)):
            if shown.strip() != want:
                raise ValueNotSet(f"SKU「{label}」的{what}没有填上：应为{want}，页面显示「{shown}」",
                                  field=f"skus.{label}.{what}", wanted=want, shown=shown, site=SITE,
                                  url=self.page.url)
        return {"sku": "/".join(sku.options[d].strip() for d in dims), "price": shown_price.strip(),
                "stock": int(shown_stock)}
