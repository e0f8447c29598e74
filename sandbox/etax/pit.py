"""个人所得税经营所得纳税申报表（A表）, quarterly prepayment: fields, arithmetic and the server's checks.

The replica's own arithmetic (it does not import the project's ``books``: it stands for the portal).
Every field is GUESS (real-sites.md §4 names them, no public DOM of the new portal): keys, names, order,
which are computed. The table is applied to the cumulative figure of the year, as the real A表 does.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

TITLE = "个人所得税经营所得纳税申报表（A表）"
CENT = Decimal("0.01")
MONEY = re.compile(r"^\d+(\.\d{1,2})?$")
MONTHLY_DEDUCTION = Decimal("5000")


@dataclass(frozen=True)
class Field:
    key: str
    name: str
    computed: bool = False


FIELDS = [
    Field("income", "收入总额"), Field("costs", "成本费用"), Field("profit", "利润总额", True),
    Field("loss_offset", "弥补以前年度亏损"), Field("investor_deduction", "投资者减除费用"),
    Field("special_deductions", "专项扣除"), Field("taxable", "应纳税所得额", True),
    Field("rate", "税率", True), Field("quick", "速算扣除数", True), Field("tax", "应纳税额", True),
    Field("relief", "减免税额"), Field("paid", "已缴税额", True), Field("due", "应补（退）税额", True),
]
BY_KEY = {f.key: f for f in FIELDS}
INPUTS = [f.key for f in FIELDS if not f.computed]
BANDS = [(Decimal("30000"), 5, Decimal("0")), (Decimal("90000"), 10, Decimal("1500")),
         (Decimal("300000"), 20, Decimal("10500")), (Decimal("500000"), 30, Decimal("40500")),
         (None, 35, Decimal("65500"))]
"""(upper bound, rate %, 速算扣除数) of the annual 经营所得 table."""


def dec(value) -> Decimal:
    try:
        return Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation:
        return Decimal(0)


def band(taxable: Decimal) -> tuple[int, Decimal]:
    return next((rate, quick) for upto, rate, quick in BANDS if upto is None or taxable <= upto)


def months(period: str) -> int:
    """Months of the cumulative period: 3 × the quarter."""
    return 3 * int(period[-1])


def compute(values: dict, paid: float) -> dict[str, Decimal]:
    """Every field from the inputs and the portal's own 已缴税额."""
    v = {k: dec(values.get(k)) for k in INPUTS}
    v["profit"] = v["income"] - v["costs"]
    v["taxable"] = max(v["profit"] - v["loss_offset"] - v["investor_deduction"] - v["special_deductions"],
                       Decimal(0))
    rate, quick = band(v["taxable"])
    v["rate"], v["quick"] = Decimal(rate), quick
    v["tax"] = (v["taxable"] * rate / 100 - quick).quantize(CENT, ROUND_HALF_UP)
    v["paid"] = dec(paid).quantize(CENT)
    v["due"] = v["tax"] - v["relief"] - v["paid"]
    return {f.key: v[f.key] for f in FIELDS}


def tax_due(full: dict) -> Decimal:
    """What the taxpayer pays now (a negative 应补（退） is not refunded mid-year)."""
    return max(dec(full["due"]), Decimal(0)).quantize(CENT)


def messages() -> dict[str, str]:
    return {
        "number": "“{name}”请填写不小于0且最多两位小数的金额",
        "deduction": "投资者减除费用不能超过{limit}元（每月5000元，本期累计{months}个月）",
        "loss": "“弥补以前年度亏损”不能大于“利润总额”",
        "relief": "“减免税额”不能大于“应纳税额”",
    }


def validate(values: dict, period: str, paid: float) -> str | None:
    """The first refusal for a submitted A表, or None when it may be filed."""
    msg = messages()
    for key in INPUTS:
        if not MONEY.match(str(values.get(key, "") or "0").strip()):
            return msg["number"].format(name=BY_KEY[key].name)
    v = compute(values, paid)
    limit = MONTHLY_DEDUCTION * months(period)
    if v["investor_deduction"] > limit:
        return msg["deduction"].format(limit=f"{limit:.2f}", months=months(period))
    if v["loss_offset"] > max(v["profit"], Decimal(0)):
        return msg["loss"]
    if v["relief"] > v["tax"]:
        return msg["relief"]
    return None


def as_numbers(full: dict) -> dict[str, float]:
    return {k: float(dec(full[k]).quantize(CENT)) for k in full}
