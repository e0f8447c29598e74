"""The small-scale VAT return (增值税及附加税费申报表（小规模纳税人适用）): lines, periods, arithmetic and checks.

Pure functions, no state: the server uses them to recompute and validate a submitted return, and the
form page hands the same line table and messages to its script (``static/vat.js``), so the browser and
the server refuse the same input with the same words.

Values are keyed ``"<line>.goods"`` (货物及劳务) and ``"<line>.services"`` (服务、不动产和无形资产) for
lines 1–22, and ``"23"`` / ``"24"`` / ``"25"`` for the additional taxes (one merged cell, as on paper).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

TITLE = "增值税及附加税费申报表（小规模纳税人适用）"
COLS = {"goods": "货物及劳务", "services": "服务、不动产和无形资产"}
SECTIONS = {1: "一、计税依据", 15: "二、税款计算", 23: "三、附加税费"}


@dataclass(frozen=True)
class Line:
    no: int
    item: str
    prefix: str = ""        # "（一）", "其中：" … shown before the item, not part of its name
    computed: bool = False  # read-only, recomputed from other lines


LINES = [
    Line(1, "应征增值税不含税销售额（3%征收率）", "（一）"), Line(2, "增值税专用发票不含税销售额"),
    Line(3, "其他增值税发票不含税销售额"), Line(4, "应征增值税不含税销售额（5%征收率）", "（二）"),
    Line(5, "增值税专用发票不含税销售额"), Line(6, "其他增值税发票不含税销售额"),
    Line(7, "销售使用过的固定资产不含税销售额", "（三）"), Line(8, "其他增值税发票不含税销售额", "其中："),
    Line(9, "免税销售额", "（四）", True), Line(10, "小微企业免税销售额", "其中："), Line(11, "未达起征点销售额"),
    Line(12, "其他免税销售额"), Line(13, "出口免税销售额", "（五）"), Line(14, "其他增值税发票不含税销售额", "其中："),
    Line(15, "本期应纳税额"), Line(16, "本期应纳税额减征额"), Line(17, "本期免税额"),
    Line(18, "小微企业免税额", "其中："), Line(19, "未达起征点免税额"), Line(20, "应纳税额合计", computed=True),
    Line(21, "本期预缴税额"), Line(22, "本期应补（退）税额", computed=True),
    Line(23, "城市维护建设税本期应补（退）税额", computed=True), Line(24, "教育费附加本期应补（退）费额", computed=True),
    Line(25, "地方教育附加本期应补（退）费额", computed=True),
]
BY_NO = {line.no: line for line in LINES}
SURTAX_RATES = {23: Decimal("0.07"), 24: Decimal("0.03"), 25: Decimal("0.02")}  # of line 20 (both columns)
SURTAX_RELIEF = Decimal("0.5")
"""六税两费 halving for small-scale taxpayers (财政部 税务总局公告2023年第12号, to 2027-12-31), applied to what is
left after an exemption (第四条: 可叠加享受)."""
EDU_EXEMPT_LINES = (24, 25)
"""教育费附加 and 地方教育附加: exempt when the quarter's sales are at most ``EDU_EXEMPT_UP_TO`` (财税〔2016〕12号);
the 城建税 (23) has no such exemption."""
EDU_EXEMPT_UP_TO = 300000.0
REDUCTION = Decimal("0.02")     # line 16 = 2% of line 1 under the 1% reduced rate
CENT = Decimal("0.01")
MONEY = re.compile(r"^\d+(\.\d{1,2})?$")


def keys() -> list[str]:
    """Every value key of a return, in line order."""
    out = []
    for line in LINES:
        out += [str(line.no)] if line.no in SURTAX_RATES else [f"{line.no}.{c}" for c in COLS]
    return out


def input_keys() -> list[str]:
    return [k for k in keys() if not BY_NO[int(k.split(".")[0])].computed]


# -- periods -------------------------------------------------------------------------------------------
def period_key(text: str) -> str:
    """``2026Q3`` from ``2026Q3``, ``2026-3`` or ``2026-07-01 至 2026-09-30``; ValueError otherwise."""
    text = str(text).strip()
    m = re.fullmatch(r"(\d{4})\s*[Qq-]\s*([1-4])", text)
    if m:
        return f"{m[1]}Q{m[2]}"
    m = re.match(r"(\d{4})-(\d{2})-01", text)
    if m and int(m[2]) in (1, 4, 7, 10):
        return f"{m[1]}Q{(int(m[2]) - 1) // 3 + 1}"
    raise ValueError(f"not a quarter: {text!r}")


def previous_quarter(today: date) -> str:
    """The quarter whose return is due now: the one before ``today``'s."""
    q = (today.month - 1) // 3  # 0 for January–March: the previous year's Q4
    return f"{today.year - 1}Q4" if q == 0 else f"{today.year}Q{q}"


def period_bounds(key: str) -> tuple[date, date]:
    year, q = int(key[:4]), int(key[5])
    start = date(year, 3 * q - 2, 1)
    end = date(year + (q == 4), (3 * q) % 12 + 1, 1).toordinal() - 1
    return start, date.fromordinal(end)


def period_text(key: str) -> str:
    start, end = period_bounds(key)
    return f"{start.isoformat()} 至 {end.isoformat()}"


def deadline(key: str) -> str:
    """GUESS: the 15th of the month after the quarter (the real calendar moves it for holidays)."""
    end = period_bounds(key)[1]
    return date(end.year + (end.month == 12), end.month % 12 + 1, 15).isoformat()


# -- arithmetic ----------------------------------------------------------------------------------------
def dec(value) -> Decimal:
    try:
        return Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation:
        return Decimal(0)


def compute(values: dict, edu_exempt_up_to: float = EDU_EXEMPT_UP_TO) -> dict[str, Decimal]:
    """All lines from the input lines: 9 = 10 + 11 + 12, 20 = 15 − 16, 22 = 20 − 21, 23–25 from 20."""
    v = {k: dec(values.get(k)) for k in input_keys()}
    for c in COLS:
        v[f"9.{c}"] = v[f"10.{c}"] + v[f"11.{c}"] + v[f"12.{c}"]
        v[f"20.{c}"] = v[f"15.{c}"] - v[f"16.{c}"]
        v[f"22.{c}"] = v[f"20.{c}"] - v[f"21.{c}"]
    base = max(v["20.goods"] + v["20.services"], Decimal(0))
    v.update(surtaxes(base, total_sales(v), edu_exempt_up_to))
    return {k: v[k] for k in keys()}


def surtaxes(base: Decimal, sales: Decimal, edu_exempt_up_to: float) -> dict[str, Decimal]:
    """Lines 23–25 as 附加税费情况表 computes them, each column rounded to cents (half up): 应纳 = base × rate,
    减免 = all of it for an exempt fee, 减征 = (应纳 − 减免) × 50%, the line = 应纳 − 减免 − 减征."""
    out = {}
    for no, rate in SURTAX_RATES.items():
        due = (base * rate).quantize(CENT, ROUND_HALF_UP)
        exempt = due if no in EDU_EXEMPT_LINES and sales <= dec(edu_exempt_up_to) else Decimal(0)
        cut = ((due - exempt) * SURTAX_RELIEF).quantize(CENT, ROUND_HALF_UP)
        out[str(no)] = due - exempt - cut
    return out


def tax_due(full: dict) -> Decimal:
    """What the taxpayer owes for the return: VAT line 22 of both columns plus lines 23–25 (never < 0)."""
    total = dec(full["22.goods"]) + dec(full["22.services"]) + sum(dec(full[str(n)]) for n in SURTAX_RATES)
    return max(total, Decimal(0)).quantize(CENT)


def total_sales(v: dict) -> Decimal:
    """The period's sales for the exemption threshold: lines 1, 4, 7, 9 and 13 of both columns (GUESS)."""
    return sum((dec(v[f"{n}.{c}"]) for n in (1, 4, 7, 9, 13) for c in COLS), Decimal(0))


# -- checks --------------------------------------------------------------------------------------------
def wan(amount: float) -> str:
    return f"{amount / 10000:g}万元" if amount % 10000 == 0 else f"{amount:g}元"


def messages(threshold: float) -> dict[str, str]:
    """The texts of every refusal, shared with the page's script ({n}, {item}, {col} filled in there)."""
    return {
        "number": "第{n}栏“{item}”（{col}）请填写不小于0且最多两位小数的金额",
        "sum_1": "第1栏“应征增值税不含税销售额（3%征收率）”应大于等于第2栏与第3栏之和",
        "sum_4": "第4栏“应征增值税不含税销售额（5%征收率）”应大于等于第5栏与第6栏之和",
        "ge_7": "第7栏“销售使用过的固定资产不含税销售额”应大于等于第8栏“其他增值税发票不含税销售额”",
        "ge_13": "第13栏“出口免税销售额”应大于等于第14栏“其他增值税发票不含税销售额”",
        "threshold": (f"您本期销售额未达起征点（季度销售额未超过{wan(threshold)}），请将本期不含税销售额填写在"
                      "第10栏“小微企业免税销售额”或第11栏“未达起征点销售额”中，不应填写在第1栏。"),
        "reduction": "适用1%征收率的，第16栏“本期应纳税额减征额”应等于第1栏“应征增值税不含税销售额（3%征收率）”的2%",
    }


def validate(values: dict, threshold: float, reduction_rule: bool = True) -> str | None:
    """The first refusal for a submitted return, or None when it may be filed."""
    msg = messages(threshold)
    for key in input_keys():
        raw = str(values.get(key, "") or "0").strip()
        if not MONEY.match(raw):
            no, col = key.split(".") if "." in key else (key, "goods")
            return msg["number"].format(n=no, item=BY_NO[int(no)].item, col=COLS[col])
    v = compute(values)
    for c in COLS:
        if v[f"1.{c}"] < v[f"2.{c}"] + v[f"3.{c}"]:
            return msg["sum_1"]
        if v[f"4.{c}"] < v[f"5.{c}"] + v[f"6.{c}"]:
            return msg["sum_4"]
        if v[f"7.{c}"] < v[f"8.{c}"]:
            return msg["ge_7"]
        if v[f"13.{c}"] < v[f"14.{c}"]:
            return msg["ge_13"]
    # Sales on special VAT invoices (line 2) cannot be exempt; the rest of line 1 must move to 10/11.
    if total_sales(v) <= dec(threshold) and any(v[f"1.{c}"] - v[f"2.{c}"] > 0 for c in COLS):
        return msg["threshold"]
    if reduction_rule:
        for c in COLS:
            if v[f"1.{c}"] and abs(v[f"16.{c}"] - v[f"1.{c}"] * REDUCTION) > CENT:
                return msg["reduction"]
    return None


def as_numbers(full: dict) -> dict[str, float]:
    return {k: float(dec(full[k]).quantize(CENT)) for k in keys()}
