"""Checks one reading against itself: formats, the 统一社会信用代码 check digit, amount + tax = total.

A field that fails a check keeps its value (the owner sees what was read) but its confidence drops below
``LOW_CONFIDENCE`` so the card highlights it, and a warning says why.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from books.invoices.reading import LABELS, Field, Line

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""GB 32100-2015: the 31 characters a 统一社会信用代码 may use (no I, O, S, V, Z)."""
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
DOUBTFUL = 0.4
"""Confidence left to a field that disagrees with a check."""


def uscc_ok(code: str) -> bool:
    """True when an 18-character 统一社会信用代码's last character is its check digit."""
    if len(code) != 18 or any(c not in USCC_CHARS for c in code):
        return False
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(code[:17], USCC_WEIGHTS))
    return USCC_CHARS[(31 - total % 31) % 31] == code[17]


def tax_id_problem(code: str) -> str | None:
    """Why a 纳税人识别号 cannot be right, or None. 18 characters: the 统一社会信用代码 with its check
    digit; 15 (old 税务登记号), 17 or 20 (an ID card number based one): digits and capitals."""
    if len(code) == 18:
        return None if uscc_ok(code) else "校验位不符"
    if len(code) in (15, 17, 20) and re.fullmatch(r"[0-9A-Z]+", code):
        return None
    return f"长度为{len(code)}位，应为18位（统一社会信用代码）或15、17、20位"


def china_today(now: datetime | None = None) -> date:
    """Today where invoices are issued: the tax system dates every 数电票 in Beijing time, whatever the server's
    or the workspace's zone (a server on UTC would call a morning's invoice tomorrow's)."""
    return (now or datetime.now(ZoneInfo("UTC"))).astimezone(ZoneInfo("Asia/Shanghai")).date()


def number_problem(number: str, code: str | None) -> str | None:
    if len(number) == 20:
        return None
    if len(number) == 8:
        return None if code and len(code) in (10, 12) else "8位发票号码需与10位或12位发票代码一起"
    return f"长度为{len(number)}位，数电票应为20位（旧版发票为8位）"


def check(fields: dict[str, Field], lines: list[Line], warnings: list[str], today: date | None = None) -> None:
    """Lowers, in place, the confidence of every field a check finds wrong, with a warning each."""

    def doubt(key: str, why: str) -> None:
        fields[key] = fields[key].lowered(DOUBTFUL)
        warnings.append(f"{LABELS[key]}{why}")

    for key in ("seller_tax_id", "buyer_tax_id"):
        value = fields[key].value
        if value and (problem := tax_id_problem(value)):
            doubt(key, f"「{value}」{problem}")
    if fields["number"].value and (problem := number_problem(fields["number"].value, fields["code"].value)):
        doubt("number", problem)
    issued = fields["date"].value
    if issued and date.fromisoformat(issued) > (today or china_today()):
        doubt("date", f"{issued}晚于今天")
    _sums(fields, lines, warnings, doubt)


def _sums(fields, lines, warnings, doubt) -> None:
    amount, tax, total = (_dec(fields[k].value) for k in ("amount", "tax", "total"))
    if None not in (amount, tax, total) and amount + tax != total:
        for key in ("amount", "tax", "total"):
            fields[key] = fields[key].lowered(DOUBTFUL)
        warnings.append(f"金额 {amount} + 税额 {tax} ≠ 价税合计 {total}，请核对这三项")
    rate = _dec(fields["rate"].value)
    if None not in (amount, tax, rate) and abs(amount * rate - tax) > Decimal("0.01") * (len(lines) + 1):
        percent = f"{(rate * 100).normalize():f}%"
        doubt("rate", f" {percent} 与金额、税额不符（{amount} × {percent} ≠ {tax}）")
    line_amounts = [_dec(line.amount) for line in lines]
    if lines and amount is not None and None not in line_amounts and sum(line_amounts) != amount:
        doubt("amount", f" {amount} 与明细金额之和 {sum(line_amounts)} 不符")


def _dec(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None
