"""What an owner asks an employee to list on Taobao: one product, optionally with a SKU table.

Validation with the site's numbers lives in ``sites.taobao.limits``; the models only fix the types, so a
product that breaks a rule can still be built and told, field by field in Chinese, what to change.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field


class Sku(BaseModel):
    """One row of the 销售规格 table: a combination of sale options with its own price and stock."""

    options: dict[str, str]
    """Dimension → value, e.g. ``{"颜色分类": "黑色", "尺码": "M"}``."""
    price: Decimal | None = None
    """Required by the rules; optional here so a missing one is reported in Chinese, not by pydantic."""
    stock: int | None = None
    """Required by the rules (see ``price``)."""
    outer_id: str | None = None
    """The SKU's own 商家编码."""

    def label(self) -> str:
        """The combination as the owner reads it, e.g. ``黑色/M``."""
        return "/".join(self.options.values())


class Product(BaseModel):
    """One listing on the publish form (``item.upload.taobao.com/sell/v2/publish.htm``)."""

    category_keyword: str
    """Typed into the category search (类目关键词)."""
    category_path: str | None = None
    """The chosen leaf as the site shows it (``A>B>C``) when known; picks among the search results."""
    properties: dict[str, str] = Field(default_factory=dict)
    """类目属性: 品牌, 型号, … (name → value)."""
    title: str = ""
    """宝贝标题."""
    main_images: list[str] = Field(default_factory=list)
    """1:1 主图: staged file paths (or bare file names before the files are staged), in display order."""
    price: Decimal | None = None
    """一口价; with SKUs it is derived (lowest SKU price) and may be left empty."""
    stock: int | None = None
    """总库存; with SKUs it is derived (sum of SKU stock) and may be left empty."""
    skus: list[Sku] = Field(default_factory=list)
    sku_dimensions: list[str] = Field(default_factory=list)
    """Sale dimensions in table order (``["颜色分类", "尺码"]``); empty = taken from the first SKU."""
    outer_id: str | None = None
    """商家编码."""
    desc_images: list[str] = Field(default_factory=list)
    """Images of the rich-text description (描述), in order."""
    shelf: Literal["now", "at", "warehouse"] = "now"
    """上架时间: 立刻上架 / 定时上架 (``shelf_at``) / 放入仓库."""
    shelf_at: AwareDatetime | None = None

    def category_query(self) -> tuple[str, str | None]:
        """What to type into the category search, and the result to pick (None: the only result). A word
        written as a whole path (``茶>茶叶>乌龙茶``) searches its last part and picks that path."""
        word = self.category_keyword.strip()
        if self.category_path or ">" not in word.replace("＞", ">"):
            return word, self.category_path
        return word.replace("＞", ">").rsplit(">", 1)[1].strip(), word

    def dimensions(self) -> list[str]:
        """The SKU dimensions in force: the given ones, else the first SKU's option names."""
        if self.sku_dimensions:
            return list(self.sku_dimensions)
        return list(self.skus[0].options) if self.skus else []

    def total_stock(self) -> int | None:
        """What 总库存 shows: the sum of SKU stock when there are SKUs, else ``stock``."""
        if not self.skus:
            return self.stock
        return sum(s.stock or 0 for s in self.skus)

    def listed_price(self) -> Decimal | None:
        """What 一口价 shows: the lowest SKU price when there are SKUs, else ``price``."""
        prices = [s.price for s in self.skus if s.price is not None]
        if self.skus:
            return min(prices) if prices else None
        return self.price
