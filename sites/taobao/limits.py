"""Taobao's listing rules as data, and the validator run before any browser work.

Numbers come from real-sites.md §3 (the publish form's own component schema). ``GUESS`` marks what no
public source confirmed; every number is a field of ``TaobaoLimits`` so a deployment can build its own.
Field names in errors are the ``Product`` attribute paths (``title``, ``skus.2.price``,
``properties.品牌``) so an importer can map each back to the row and column it came from.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Callable, Iterable

from PIL import Image

from core.errors import ValidationFailed
from sites.checks import aware, error, image_format, span
from sites.common import site_wall_time
from sites.taobao.categories import candidates
from sites.taobao.product import Product, Sku

MB = 1024 * 1024
CENT = Decimal("0.01")
SITE = "taobao"


def taobao_len(text: str) -> int:
    """The title counter's length: ASCII and Latin-1 count 1; everything above U+00FF counts 2.

    Counted as 2: CJK ideographs (中), kana/hangul, full-width punctuation and forms (，。！“”【】Ａ),
    and other symbols beyond Latin-1 (™ →). A character outside the BMP (emoji) counts 4, as the
    page's JavaScript sees two UTF-16 units. GUESS: the placeholder only says ``30个汉字（60字符）``;
    this is the usual double-byte rule of such counters, and overcounting refuses early rather than
    letting the site refuse later.
    """
    return sum(1 if ord(ch) <= 0xFF else 2 * (len(ch.encode("utf-16-le")) // 2) for ch in text)


def _no_extra_requirements(_product: Product) -> Iterable[str]:
    return ()


@dataclass(frozen=True)
class TaobaoLimits:
    title_max: int = 60
    """In ``taobao_len`` units (30 CJK characters)."""
    price_min: Decimal = CENT
    price_max: Decimal = Decimal("10000000")
    stock_max: int = 100_000_000
    images_min: int = 1
    images_max: int = 5
    image_formats: frozenset[str] = field(default_factory=lambda: frozenset({"JPEG", "PNG"}))
    """Pillow format names, read from the file's content when the file exists."""
    image_extensions: frozenset[str] = field(default_factory=lambda: frozenset({".jpg", ".jpeg", ".png"}))
    """Checked instead of the content while an image is only a name (not yet staged)."""
    image_max_bytes: int = 3 * MB
    """real-sites.md says 3 MB; another source says 20 MB. The stricter one is taken."""
    desc_width: tuple[int, int] = (480, 1500)
    """Description images' width in pixels (real-sites.md §3)."""
    shelf_min: timedelta = timedelta(0)
    shelf_max: timedelta = timedelta(days=14)
    """GUESS: no public source states how far ahead 定时上架 may be set."""
    required_properties: tuple[str, ...] = ("品牌",)
    extra_required: Callable[[Product], Iterable[str]] = _no_extra_requirements
    """Hook: more required 类目属性 for the product's category. Only the site knows them (the category
    step marks them); an adapter that learned them can build a ``TaobaoLimits`` with its own hook."""
    categories: Callable[[str], list[str]] = candidates
    """The known leaf paths a category word fits (``sites.taobao.categories``): several, and the owner
    must pick one; the worker never guesses."""

    def validate(self, product: Product, now: datetime, *, starting: bool = False) -> list[dict]:
        """Field errors ``{"field", "limit", "message"}``, all at once; empty when the product can be listed.
        ``starting``: checked again when its run starts, not when the owner sends it (see ``_shelf``)."""
        return [*self._category(product), *self._title(product), *self._money(product),
                *self._skus(product), *self._images(product), *self._desc(product),
                *self._shelf(product, now, starting)]

    # -- category and title ----------------------------------------------------------------------
    def _category(self, p: Product) -> list[dict]:
        errors = []
        if not p.category_keyword.strip():
            errors.append(error("category_keyword", "必填", "请填写类目关键词（例如“蓝牙耳机”）"))
        elif not p.category_path:
            found = self.categories(p.category_keyword)
            if len(found) > 1:
                errors.append(error("category_keyword", "选一个类目",
                                    f"类目「{p.category_keyword.strip()}」对应多个淘宝类目，请选一个："
                                    f"{'、'.join(found)}"))
        for name in dict.fromkeys([*self.required_properties, *self.extra_required(p)]):
            if not (p.properties.get(name) or "").strip():
                errors.append(error(f"properties.{name}", "必填", f"请填写类目属性「{name}」"))
        return errors

    def _title(self, p: Product) -> list[dict]:
        if not p.title.strip():
            return [error("title", "必填", "请填写宝贝标题")]
        n = taobao_len(p.title)
        if n > self.title_max:
            return [error("title", f"≤ {self.title_max}",
                          f"宝贝标题最多{self.title_max}个字符（一个汉字或全角符号算2个），当前{n}个")]
        return []

    # -- price and stock ---------------------------------------------------------------------------
    def _price(self, field_name: str, what: str, price: Decimal | None) -> list[dict]:
        if price is None:
            return [error(field_name, "必填", f"请填写{what}")]
        shown = f"{self.price_min}–{self.price_max:,}"
        if not price.is_finite() or not self.price_min <= price <= self.price_max:
            return [error(field_name, shown, f"{what}必须在{self.price_min}到{self.price_max:,}元之间，当前{price}")]
        if price != price.quantize(CENT):
            return [error(field_name, "≤ 2位小数", f"{what}最多两位小数（精确到分），当前{price}")]
        return []

    def _stock(self, field_name: str, what: str, stock: int | None) -> list[dict]:
        if stock is None:
            return [error(field_name, "必填", f"请填写{what}")]
        if not 0 <= stock <= self.stock_max:
            return [error(field_name, f"0–{self.stock_max:,}",
                          f"{what}必须是0到{self.stock_max:,}之间的整数，当前{stock}")]
        return []

    def _money(self, p: Product) -> list[dict]:
        if not p.skus:
            return [*self._price("price", "一口价", p.price), *self._stock("stock", "库存", p.stock)]
        # With SKUs the form derives both; a product-level value is only a cross-check.
        errors = []
        listed, total = p.listed_price(), p.total_stock()
        if p.price is not None and listed is not None and p.price != listed:
            errors.append(error("price", "= SKU最低价",
                                f"有SKU时一口价取SKU最低价{listed}元，填写的{p.price}元与之不符"))
        if p.stock is not None and p.stock != total:
            errors.append(error("stock", "= SKU库存之和",
                                f"有SKU时总库存是各SKU库存之和{total}件，填写的{p.stock}件与之不符"))
        if total is not None and total > self.stock_max:
            errors.append(error("stock", f"≤ {self.stock_max:,}", f"SKU库存合计{total}件，超过{self.stock_max:,}件"))
        return errors

    # -- SKU table ---------------------------------------------------------------------------------
    def _skus(self, p: Product) -> list[dict]:
        dims = p.dimensions()
        seen: dict[tuple[str, ...], int] = {}
        errors = []
        for i, sku in enumerate(p.skus):
            errors += self._sku(i, sku, dims)
            combo = tuple((sku.options.get(d) or "").strip() for d in dims)
            if combo in seen:
                errors.append(error(f"skus.{i}.options", "组合唯一",
                                    f"第{i + 1}个SKU（{'/'.join(combo)}）与第{seen[combo] + 1}个重复"))
            seen.setdefault(combo, i)
        return errors

    def _sku(self, i: int, sku: Sku, dims: list[str]) -> list[dict]:
        what = f"SKU「{sku.label() or i + 1}」"
        errors = []
        extra = [k for k in sku.options if k not in dims]
        blank = [d for d in dims if not (sku.options.get(d) or "").strip()]
        if extra:
            errors.append(error(f"skus.{i}.options", "只用已有规格",
                                f"{what}用了规格「{'、'.join(extra)}」，不在销售规格{'、'.join(dims)}里"))
        if blank:
            errors.append(error(f"skus.{i}.options", "必填", f"{what}缺少「{'、'.join(blank)}」"))
        return [*errors, *self._price(f"skus.{i}.price", f"{what}的价格", sku.price),
                *self._stock(f"skus.{i}.stock", f"{what}的库存", sku.stock)]

    # -- images ------------------------------------------------------------------------------------
    def _images(self, p: Product) -> list[dict]:
        n = len(p.main_images)
        if not self.images_min <= n <= self.images_max:
            return [error("main_images", f"{self.images_min}–{self.images_max}",
                          f"主图需要{self.images_min}到{self.images_max}张，当前{n}张")]
        return [e for i, path in enumerate(p.main_images, 1) for e in self._image(f"第{i}张主图", path)]

    def _image(self, what: str, path: str, field_name: str = "main_images") -> list[dict]:
        name = os.path.basename(path)
        if not os.path.isfile(path):
            # Only a name so far (an import before staging): the extension is all there is to check.
            if os.path.splitext(name)[1].lower() not in self.image_extensions:
                return [error(field_name, "jpg/png", f"{what}（{name}）只能用 JPG 或 PNG 图片")]
            return []
        errors = []
        if image_format(path) not in self.image_formats:
            errors.append(error(field_name, "jpg/png", f"{what}（{name}）格式不支持，只能用 JPG 或 PNG（不支持 GIF）"))
        if os.path.getsize(path) > self.image_max_bytes:
            errors.append(error(field_name, f"≤ {self.image_max_bytes // MB} MB",
                                f"{what}（{name}）超过{self.image_max_bytes // MB}MB"))
        return errors

    def _desc(self, p: Product) -> list[dict]:
        errors = []
        low, high = self.desc_width
        for i, path in enumerate(p.desc_images, 1):
            what = f"第{i}张描述图"
            found = self._image(what, path, "desc_images")
            errors += found
            width = _width(path) if not found and os.path.isfile(path) else None
            if width is not None and not low <= width <= high:
                errors.append(error("desc_images", f"宽{low}–{high}px",
                                    f"{what}（{os.path.basename(path)}）宽{width}像素，需要在{low}到{high}像素之间"))
        return errors

    # -- shelf time --------------------------------------------------------------------------------
    def _shelf(self, p: Product, now: datetime, starting: bool) -> list[dict]:
        """定时上架 is the site's own timer: the time must still be ahead when the run fills the form (the
        site refuses a past one), so a run that starts after it fails, naming the time, and lists nothing."""
        if p.shelf != "at":
            return []
        if p.shelf_at is None:
            return [error("shelf_at", "必填", "定时上架需要填写上架时间")]
        ahead = aware(p.shelf_at) - aware(now)
        if ahead <= self.shelf_min and starting:
            return [error("shelf_at", "> 现在", f"定时上架时间{site_wall_time(p.shelf_at)}已经过了，"
                                                 "淘宝不接受过去的时间，没有上架")]
        if ahead <= self.shelf_min:
            return [error("shelf_at", "> 现在", "上架时间必须晚于现在")]
        if ahead > self.shelf_max:
            return [error("shelf_at", f"≤ {span(self.shelf_max)}", f"定时上架只能设在{span(self.shelf_max)}内")]
        return []


def _width(path: str) -> int | None:
    try:
        with Image.open(path) as img:
            return img.width
    except OSError:
        return None


limits = TaobaoLimits()


def validate(product: Product, now: datetime, rules: TaobaoLimits = limits) -> None:
    """Raise ``ValidationFailed`` carrying every field error (the API answers it with 422 + ``detail``)."""
    errors = rules.validate(product, now)
    if errors:
        raise ValidationFailed(errors, site=SITE)
