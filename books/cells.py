"""Reading one cell of an owner's income list: dates, amounts, invoice kinds, categories, rates.

Each parser returns the value or raises ``CellError`` with a zh message the owner can act on.
Ambiguous values are refused rather than guessed: a wrong guess changes the tax.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from books.models import RATES


class CellError(ValueError):
    pass


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def parse_day(value, tz: ZoneInfo) -> date:
    """A date in the workspace's zone. Aware date-times are converted; naive ones are taken as local."""
    if isinstance(value, datetime):
        return value.astimezone(tz).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        raise CellError("缺少日期")
    try:
        return parse_day(datetime.fromisoformat(text), tz)
    except ValueError:
        pass
    m = (re.match(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s|$)", text + " ")
         or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text))
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except (AttributeError, ValueError):
        raise CellError(f"日期看不懂：{text}（请写成 2024-05-03）") from None


def parse_amount(value) -> Decimal:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # Spreadsheet numbers are binary floats: 1234.56 may arrive as 1234.5600000001.
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    else:
        text = re.sub(r"[\s,，¥￥元]", "", _text(value))
        if not text:
            raise CellError("缺少金额")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise CellError(f"金额不是数字：{_text(value)}") from None
        if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
            raise CellError(f"金额最多两位小数：{_text(value)}")
    if amount == 0:
        raise CellError("金额不能为0")
    if abs(amount) >= Decimal("1e12"):
        raise CellError(f"金额过大：{_text(value)}")
    return amount.quantize(Decimal("0.01"))


_NO_INVOICE = {"", "无", "未开票", "不开票", "无票", "未开", "没开票", "否", "-", "—"}


def parse_invoice(value) -> str:
    """special (专票) | ordinary (普票) | none (未开票, also an empty cell)."""
    text = re.sub(r"\s", "", _text(value))
    if text in _NO_INVOICE:
        return "none"
    if "专" in text:
        return "special"
    if "普" in text:
        return "ordinary"
    raise CellError(f"发票类型看不懂：{text}（请写 专票、普票 或 未开票）")


_SERVICES = ("服务", "不动产", "无形资产", "租赁", "咨询", "设计", "广告", "培训", "技术", "餐饮", "住宿",
             "运输", "建筑")
_GOODS = ("货物", "商品", "劳务", "加工", "修理", "修配")


def parse_category(value) -> str:
    """goods (货物及劳务) | services (服务、不动产和无形资产)."""
    text = re.sub(r"\s", "", _text(value))
    if text in ("货物及劳务", "货物和劳务"):
        return "goods"
    if text in ("服务、不动产和无形资产", "服务不动产和无形资产"):
        return "services"
    services, goods = any(k in text for k in _SERVICES), any(k in text for k in _GOODS)
    if services != goods:
        return "services" if services else "goods"
    if not text:
        raise CellError("缺少类别（货物、劳务或服务）")
    raise CellError(f"类别看不懂：{text}（请写 货物、劳务 或 服务）")


def parse_rate(value) -> Decimal:
    """0 (免税), 0.01, 0.03 or 0.05; accepts 1%, 3%, 0.03, 3 and 免税."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        rate = Decimal(str(value))
    else:
        text = re.sub(r"\s", "", _text(value))
        if not text:
            raise CellError("缺少税率（如 1%、3%、免税）")
        if text in ("免税", "免征", "免"):
            return Decimal("0")
        try:
            rate = Decimal(text.rstrip("%％"))
        except InvalidOperation:
            raise CellError(f"税率看不懂：{text}") from None
        if text[-1] in "%％":
            rate /= 100
    if rate >= 1:
        rate /= 100  # "3" means 3%
    rate = rate.normalize()
    for allowed in RATES:
        if rate == allowed:
            return allowed
    raise CellError(f"小规模纳税人的税率只能是 免税、1%、3%、5%：{_text(value)}")


def parse_included(value, default: bool) -> bool:
    text = _text(value).upper()
    if not text:
        return default
    if text in ("是", "含税", "Y", "YES", "TRUE", "1"):
        return True
    if text in ("否", "不含税", "N", "NO", "FALSE", "0"):
        return False
    raise CellError(f"是否含税看不懂：{_text(value)}（请写 是 或 否）")
