"""Turning the text an invoice carries into the normalised values of ``Field.value``.

Each function returns None for text it cannot read; the caller decides what that costs in confidence.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－：（）％", "0123456789.,-:()%")
_MONEY = re.compile(r"^[¥￥]?\s*(-?)\s*[¥￥]?\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?$")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})")
TAX_FREE = ("免税", "不征税", "免征")


def plain(text: str | None) -> str:
    """Full-width digits and punctuation made ASCII, surrounding space removed."""
    return (text or "").translate(_FULLWIDTH).strip()


def money(text: str | None) -> str | None:
    """``¥1,030.5`` -> ``1030.50``; None when it is not an amount."""
    m = _MONEY.match(plain(text).replace(" ", ""))
    if not m:
        return None
    sign, whole, frac = m.groups()
    try:
        value = Decimal(sign + whole.replace(",", "") + (frac or ""))
    except InvalidOperation:
        return None
    return str(value.quantize(Decimal("0.01")))


def day(text: str | None) -> str | None:
    """``2026年11月3日``, ``2026-11-03 10:22:01``, ``20261103`` -> ``2026-11-03``."""
    text = plain(text)
    m = _DATE.match(text) or _COMPACT_DATE.match(text)
    if not m:
        return None
    try:
        return date(*(int(g) for g in m.groups())).isoformat()
    except ValueError:
        return None


def rate(text: str | None) -> str | None:
    """``3%``, ``0.03``, ``0.030000``, ``免税`` -> ``0.03`` / ``0``; None for anything else."""
    text = plain(text)
    if any(word in text for word in TAX_FREE):
        return "0"
    percent = text.endswith("%")
    try:
        value = Decimal(text.rstrip("%").strip())
    except InvalidOperation:
        return None
    if percent or value >= 1:
        value /= 100
    if not Decimal(0) <= value < 1:
        return None
    return format(value.normalize(), "f")


def kind(text: str | None) -> str | None:
    """The printed title or a type code -> 增值税专用发票 | 普通发票."""
    text = plain(text)
    if "专用" in text or text in ("01", "1", "004", "08", "special"):
        return "增值税专用发票"
    if "普通" in text or "普票" in text or text in ("02", "2", "04", "007", "10", "026", "ordinary"):
        return "普通发票"
    return None


def number(text: str | None) -> str | None:
    """发票号码: digits only (a 数电票 has 20; an older invoice 8)."""
    digits = re.sub(r"\s", "", plain(text))
    return digits if digits.isdigit() else None


def tax_id(text: str | None) -> str | None:
    """纳税人识别号 / 统一社会信用代码 as printed: upper case, no spaces."""
    text = re.sub(r"\s", "", plain(text)).upper()
    return text if re.fullmatch(r"[0-9A-Z]{6,20}", text) else None


def name(text: str | None) -> str | None:
    text = re.sub(r"\s+", " ", plain(text).replace("(", "（").replace(")", "）"))
    return text or None


def quantity(text: str | None) -> str | None:
    """Quantities and unit prices keep their own precision (数电票 prints up to 13 places)."""
    text = plain(text).replace(",", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return format(value.normalize(), "f") if value == value.to_integral() else text.rstrip("0")
