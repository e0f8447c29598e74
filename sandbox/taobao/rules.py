"""The publish form's content rules, as the replica's server applies them (the page checks them first).

``check_item`` answers ``(field id, message)`` for the first broken rule, or None. Field ids are the real
component ids (``title``, ``catProp``, ``sku``, ``price``, ``quantity``, ``mainImagesGroup``, ``desc``,
``startTime``). Message texts marked GUESS had no public source.
"""
from __future__ import annotations

import io
import itertools
import re
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from PIL import Image

from sandbox.taobao.catalog import Leaf

COOKIE = "cookie2"
MAX_TITLE = 60
MAX_PRICE = Decimal("10000000")
MIN_PRICE = Decimal("0.01")
MAX_QUANTITY = 100_000_000
MAX_MAIN_IMAGES = 5
IMAGE_FORMATS = ("JPEG", "PNG")
DESC_WIDTH = (480, 1500)
WALL_FORMAT = "%Y-%m-%d %H:%M"
PRICE_RE = re.compile(r"^\d+(\.\d{1,2})?$")

MSG = {  # GUESS unless the text is in real-sites.md
    "title_empty": "宝贝标题不能为空",
    "title_long": "宝贝标题最多允许输入30个汉字（60字符）",
    "prop_missing": "请填写必填属性：{name}",
    "price": "一口价须在0.01~10000000元之间，最多两位小数",
    "quantity": "总库存须为1~100000000之间的整数",
    "sku_price": "SKU价格须在0.01~10000000元之间，最多两位小数",
    "sku_quantity": "SKU库存须为0~100000000之间的整数",
    "sku_rows": "请填写完整的销售规格",
    "images_none": "请上传宝贝主图",
    "images_many": "主图最多5张",
    "images_bad": "主图已失效，请重新上传",
    "desc_width": "详情图片宽度须在480~1500像素之间",
    "start_time": "定时上架时间须晚于当前时间，且在{days:g}天之内",
    "locked": "商品正在参加营销活动，价格和库存不可修改",
    "bad_format": "图片格式不支持，仅支持jpg、jpeg、png格式",
    "too_big": "图片大小不能超过{mb:g}M",
}

# The pre-submit warning dialogs (返回修改 / 确认提交), in the order the page shows them. Each has its own switch.
WARNINGS = {  # GUESS: only the dialog and its buttons are in real-sites.md, not these sentences
    "warning_dialog": "描述中未添加图片，可能影响宝贝转化，确定要提交吗？",
    "warning_low_price": "一口价低于{below}元，可能被判定为低价引流，确定要提交吗？",
    "warning_no_outer_id": "未填写商家编码，将不便于库存管理，确定要提交吗？",
}


def warnings_on(faults: dict, settings: dict) -> list[dict]:
    """The warnings switched on, for the page: ``{"when": switch, "text": ..., "below": price}`` in order."""
    below = settings["low_price"]
    return [{"when": key, "text": text.format(below=below), "below": below}
            for key, text in WARNINGS.items() if faults[key]]


def title_length(title: str) -> int:
    """The title counter: a character above Latin-1 (Chinese, full-width) counts 2 per UTF-16 unit, others 1.

    Same count as the page's JavaScript (``charCodeAt > 255``), so an emoji (two UTF-16 units) counts 4.
    """
    return sum(1 if ord(ch) <= 0xFF else 2 * (len(ch.encode("utf-16-le")) // 2) for ch in title)


def parse_price(text) -> Decimal | None:
    text = str(text if text is not None else "").strip()
    if not PRICE_RE.match(text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if MIN_PRICE <= value <= MAX_PRICE else None


def parse_count(text, low: int) -> int | None:
    text = str(text if text is not None else "").strip()
    if not text.isdigit():
        return None
    value = int(text)
    return value if low <= value <= MAX_QUANTITY else None


def image_problem(data: bytes, max_mb: float) -> tuple[str | None, tuple[int, int]]:
    """Why an uploaded file is refused (None if fine) and its size in pixels. Pillow must fully decode it."""
    if len(data) > max_mb * 1024 * 1024:
        return MSG["too_big"].format(mb=max_mb), (0, 0)
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format not in IMAGE_FORMATS:
                return MSG["bad_format"], (0, 0)
            img.load()
            return None, img.size
    except Exception:  # noqa: BLE001 - any decoder error means "not an image we take"
        return MSG["bad_format"], (0, 0)


def check_start(start: dict, now: datetime, max_days: float) -> str | None:
    mode = (start or {}).get("mode", "now")
    if mode in ("now", "warehouse"):
        return None
    try:
        at = datetime.strptime(str(start.get("at", "")).strip(), WALL_FORMAT).replace(tzinfo=now.tzinfo)
    except ValueError:
        return MSG["start_time"].format(days=max_days)
    if at <= now or at > now + timedelta(days=max_days):
        return MSG["start_time"].format(days=max_days)
    return None


def check_skus(item: dict, leaf: Leaf) -> tuple[str, str] | None:
    """Every combination of the chosen sale-prop values has a row with a valid price and stock."""
    values = item.get("saleValues") or {}
    chosen = [list(values.get(name) or []) for name in leaf.sale_props]
    if not any(chosen):
        return None
    if not all(chosen):
        return "sku", MSG["sku_rows"]
    rows = {tuple(str(r.get(n, "")) for n in leaf.sale_props): r for r in item.get("skus") or []}
    for combo in itertools.product(*chosen):
        row = rows.get(tuple(combo))
        if row is None:
            return "sku", MSG["sku_rows"]
        if parse_price(row.get("price")) is None:
            return "sku", MSG["sku_price"]
        if parse_count(row.get("quantity"), 0) is None:
            return "sku", MSG["sku_quantity"]
    return None


def sku_totals(item: dict, leaf: Leaf) -> tuple[str, int] | None:
    """(lowest SKU price, sum of SKU stocks) when the item has SKUs; the page shows the same read-only."""
    skus = [s for s in item.get("skus") or [] if leaf.sale_props]
    if not skus:
        return None
    price = min(parse_price(s["price"]) for s in skus)
    return f"{price:.2f}", sum(int(str(s["quantity"]).strip()) for s in skus)


def check_item(item: dict, leaf: Leaf, now: datetime, max_days: float) -> tuple[str, str] | None:
    """The first broken rule as ``(field id, message)``; ``now`` is Beijing time."""
    title = str(item.get("title") or "")
    if not title.strip():
        return "title", MSG["title_empty"]
    if title_length(title) > MAX_TITLE:
        return "title", MSG["title_long"]
    props = item.get("props") or {}
    for prop in leaf.props:
        value = str(props.get(prop.name) or "").strip()
        if not value or (prop.kind == "brand" and value not in prop.options):
            return "catProp", MSG["prop_missing"].format(name=prop.name)
    problem = check_skus(item, leaf)
    if problem:
        return problem
    if not sku_totals(item, leaf):
        if parse_price(item.get("price")) is None:
            return "price", MSG["price"]
        if parse_count(item.get("quantity"), 1) is None:
            return "quantity", MSG["quantity"]
    elif sku_totals(item, leaf)[1] < 1:
        return "quantity", MSG["quantity"]
    images = item.get("mainImages") or []
    if not images:
        return "mainImagesGroup", MSG["images_none"]
    if len(images) > MAX_MAIN_IMAGES:
        return "mainImagesGroup", MSG["images_many"]
    problem = check_start(item.get("startTime") or {}, now, max_days)
    return ("startTime", problem) if problem else None
