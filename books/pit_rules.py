"""The dated policy for individual income tax on business income (个人所得税 经营所得), as data.

Same shape as ``books.rules``: every value is in force between two dates and names the public text it
comes from, so a new rule year is one more entry. A period with no rule in force is refused rather
than computed with a stale number. docs/pit-business.md lists them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from books.rules import Dated, InForce, in_force
from core.errors import BusinessError

D = Decimal
FOREVER = date(9999, 12, 31)
"""The law's own table has no end date: it holds until the law changes."""


@dataclass(frozen=True)
class Bracket:
    """One band of the annual table: taxable income above ``over`` up to ``upto`` (inclusive)."""

    over: Decimal
    upto: Decimal | None
    """None: no upper bound (the last band)."""
    rate: Decimal
    quick: Decimal
    """速算扣除数: ``income × rate − quick`` equals the band-by-band sum."""

    def holds(self, income: Decimal) -> bool:
        return income > self.over and (self.upto is None or income <= self.upto)


@dataclass(frozen=True)
class DatedTable(InForce):
    brackets: tuple[Bracket, ...]
    source: str


@dataclass(frozen=True)
class Halving(InForce):
    """A cut of the tax on the part of taxable income up to ``limit`` (individual businesses only)."""

    share: Decimal
    """The part of that tax that is forgiven (0.5 = 减半)."""
    limit: Decimal
    source: str


TABLES = (
    DatedTable(date(2019, 1, 1), FOREVER, (
        Bracket(D("0"), D("30000"), D("0.05"), D("0")),
        Bracket(D("30000"), D("90000"), D("0.10"), D("1500")),
        Bracket(D("90000"), D("300000"), D("0.20"), D("10500")),
        Bracket(D("300000"), D("500000"), D("0.30"), D("40500")),
        Bracket(D("500000"), None, D("0.35"), D("65500")),
    ), "《中华人民共和国个人所得税法》（2018年修正）附表二 个人所得税税率表二（经营所得适用）；"
       "速算扣除数见财税〔2018〕98号附件"),
)
"""The annual 经营所得 table; quarterly prepayment applies it to the cumulative income (A表)."""

INVESTOR_DEDUCTIONS = (
    Dated(date(2019, 1, 1), FOREVER, D("60000"),
          "《中华人民共和国个人所得税法实施条例》第十五条；财税〔2018〕98号（投资者本人费用扣除标准6万元/年，5000元/月）"),
)
"""投资者减除费用 per year; the prepayment allows 1/12 of it per month of the cumulative period."""

HALVINGS = (
    Halving(date(2021, 1, 1), date(2022, 12, 31), D("0.5"), D("1000000"),
            "财政部 税务总局公告2021年第12号（个体工商户年应纳税所得额不超过100万元的部分减半征收）"),
    Halving(date(2023, 1, 1), date(2027, 12, 31), D("0.5"), D("2000000"),
            "财政部 税务总局公告2023年第12号（个体工商户年应纳税所得额不超过200万元的部分减半征收，执行至2027年12月31日）"),
)
"""Only 个体工商户 (not 个人独资企业 or partnerships). The cut is the tax of the first ``limit`` yuan,
computed with the table on ``min(taxable, limit)``, times ``share`` (国家税务总局公告2023年第5号 formula,
with no other reliefs)."""


@dataclass(frozen=True)
class PitRules:
    """The policy used for a prepayment. Defaults are the published rules; pass your own to override."""

    tables: tuple[DatedTable, ...] = TABLES
    investor_deductions: tuple[Dated, ...] = INVESTOR_DEDUCTIONS
    halvings: tuple[Halving, ...] = HALVINGS

    def table(self, day: date) -> DatedTable:
        found = in_force(self.tables, day)
        if found is None:
            raise BusinessError(f"没有 {day} 适用的经营所得税率表，请先补充规则再计算")
        return found

    def investor_deduction(self, day: date) -> Dated:
        found = in_force(self.investor_deductions, day)
        if found is None:
            raise BusinessError(f"没有 {day} 适用的投资者减除费用标准，请先补充规则再计算")
        return found

    def halving(self, day: date) -> Halving | None:
        return in_force(self.halvings, day)


def bracket_for(table: DatedTable, income: Decimal) -> Bracket:
    """The band ``income`` falls in (0 and below: the first band, which then gives 0)."""
    if income <= 0:
        return table.brackets[0]
    return next(b for b in table.brackets if b.holds(income))
