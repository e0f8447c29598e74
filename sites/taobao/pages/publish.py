"""The publish form (``item.upload.taobao.com/sell/v2/publish.htm?catId=…``), opened in its own tab.

Fields follow the real component schema (real-sites.md §3): every field in ``div#struct-<id>``
(``catProp``, ``title``, ``sku``, ``price``, ``quantity``, ``outerId``, ``mainImagesGroup``, ``desc``,
``startTime``), its error in ``.next-form-item-help``. Every text value is typed (click, select all,
type) and read back after the field lost focus; a value the page does not show raises ``ValueNotSet``.
The submit button and its outcome are in ``submit.py``.
"""
from __future__ import annotations

import re
from decimal import Decimal

from playwright.sync_api import Locator, Page, TimeoutError as PlaywrightTimeoutError

from core.errors import ContentRejected, SiteTimeout
from sites.assertions import expect
from sites.taobao.errors import SITE, ValueNotSet
from sites.taobao.pages.guards import LoginWall, raise_if_slider, slider_frame
from sites.taobao.pages.locate import Fallback, settled_value, type_in, visible
from sites.taobao.pages.picker import MaterialPicker
from sites.taobao.pages.props import Properties
from sites.taobao.pages.sku import SkuTable, money

SHELF_LABELS = {"now": "立刻上架", "at": "定时上架", "warehouse": "放入仓库"}
LOCKED = "商品正在参加营销活动"


class PublishForm:
    def __init__(self, page: Page, upload_timeout_ms: float = 120_000):
        self.page = page
        self.upload_timeout_ms = upload_timeout_ms
        self.wall = LoginWall(page)
        self.title = Fallback(page, "宝贝标题", page.locator("input#title"),
                              page.get_by_placeholder(re.compile("最多允许输入30个汉字")))
        self.price = Fallback(page, "一口价", page.locator("input#price"), page.get_by_label("一口价", exact=True))
        self.stock = Fallback(page, "总库存", page.locator("input#quantity"), page.get_by_label("总库存", exact=True))
        self.outer_id = Fallback(page, "商家编码", page.locator("input#outerId"),
                                 page.get_by_label("商家编码", exact=True))
        self.properties = Properties(page, "#struct-catProp")
        self.sku = SkuTable(page)
        self.main_slot = page.locator("#struct-mainImagesGroup").get_by_role("button", name="上传图片")
        self.main_images = page.locator("#struct-mainImagesGroup .image-list img")
        self.desc_add = page.locator("#struct-desc").get_by_role("button", name="添加图片")
        self.desc_images = page.locator("#struct-desc .desc-images img")
        self.start_time = page.get_by_role("textbox", name="上架时间")
        self.locked = visible(page.get_by_text(LOCKED))

    # -- opening -----------------------------------------------------------------------------------
    def wait_ready(self) -> None:
        try:
            self.title.any.or_(self.wall.union).or_(slider_frame(self.page)).first.wait_for()
        except PlaywrightTimeoutError as e:
            self.wall.raise_if_up()
            raise SiteTimeout("发布宝贝表单没有加载出来", site=SITE, url=self.page.url) from e
        self.wall.raise_if_up()
        raise_if_slider(self.page, "page")

    # -- typed fields --------------------------------------------------------------------------------
    def set_text(self, field: str, what: str, box: Locator, value: str) -> str:
        type_in(box, value)
        shown = settled_value(box)
        if shown != value:
            raise ValueNotSet(f"{what}没有填上：应为「{value}」，页面显示「{shown}」", field=field, wanted=value,
                              shown=shown, site=SITE, url=self.page.url)
        return shown

    def set_title(self, title: str) -> str:
        return self.set_text("title", "宝贝标题", self.title.resolve(), title)

    def set_price_and_stock(self, price: Decimal, stock: int) -> tuple[str, str]:
        if self.locked.count():
            raise ContentRejected(f"淘宝提示：{self.locked.first.inner_text().strip()}", site=SITE, url=self.page.url)
        return (self.set_text("price", "一口价", self.price.resolve(), money(price)),
                self.set_text("stock", "总库存", self.stock.resolve(), str(stock)))

    def set_outer_id(self, outer_id: str) -> str:
        return self.set_text("outer_id", "商家编码", self.outer_id.resolve(), outer_id)

    def derived_totals(self) -> tuple[str, str]:
        """一口价 and 总库存 as the page shows them (with SKUs: lowest price and sum of stocks)."""
        return self.price.resolve().input_value().strip(), self.stock.resolve().input_value().strip()

    # -- images ----------------------------------------------------------------------------------------
    def add_main_images(self, paths: list[str]) -> int:
        before = self.main_images.count()
        MaterialPicker(self.page, "mainImagesGroup", self.upload_timeout_ms).add(self.main_slot, paths)
        return self._count(self.main_images, before + len(paths), "主图")

    def add_desc_images(self, paths: list[str]) -> int:
        before = self.desc_images.count()
        MaterialPicker(self.page, "descImages", self.upload_timeout_ms).add(self.desc_add, paths)
        self.raise_field_error("desc")
        return self._count(self.desc_images, before + len(paths), "描述图片")

    def _count(self, images: Locator, want: int, what: str) -> int:
        try:
            expect(images).to_have_count(want, timeout=5_000)
        except AssertionError as e:
            shown = images.count()
            raise ValueNotSet(f"{what}应有{want}张，页面显示{shown}张", field=what, wanted=str(want),
                              shown=str(shown), site=SITE, url=self.page.url) from e
        return want

    def raise_field_error(self, field_id: str) -> None:
        help_text = self.page.locator(f"#struct-{field_id} .next-form-item-help")
        said = help_text.inner_text().strip() if help_text.count() else ""
        if said:
            raise ContentRejected(f"淘宝提示：{said}", site=SITE, url=self.page.url)

    # -- shelf time ------------------------------------------------------------------------------------
    def set_shelf(self, mode: str, wall_time: str | None) -> str:
        """立刻上架 / 定时上架 (with ``YYYY-MM-DD HH:MM`` Beijing time) / 放入仓库; returns the read-back."""
        radio = self.page.get_by_role("radio", name=SHELF_LABELS[mode], exact=True)
        radio.check()
        if mode == "at":
            self.set_text("shelf_at", "定时上架时间", self.start_time, wall_time or "")
        return self.shelf_shown()

    def shelf_shown(self) -> str:
        for mode, label in SHELF_LABELS.items():
            if self.page.get_by_role("radio", name=label, exact=True).is_checked():
                if mode == "at":
                    return f"{label} {self.start_time.input_value().strip()}"
                return label
        return ""
