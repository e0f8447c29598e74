"""Computing the quarter's small-scale VAT return (本期数) from the owner's income records.

Each figure carries the rule that produced it (zh, shown on the approval card) and the ids of the
records behind it. Sales are converted to tax-exclusive amounts per record (amount / (1 + rate), cents,
half up, as each invoice is); tax lines are computed from the line totals and rounded once.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, Protocol

from books.lines import SURCHARGE_LINES, all_keys, sort_key
from books.periods import Quarter
from books.rules import CITY_TAX_RATES, Dated, Taxpayer, VatRules
from books.vat_text import LineTexts, yuan

D = Decimal
ZERO = D("0.00")
STATUTORY = {D("0.01"): D("0.03"), D("0.03"): D("0.03"), D("0.05"): D("0.05")}
"""The statutory rate each recorded rate belongs to (1% is the reduced 3%)."""
EXEMPT_ITEM_RATE = D("0.03")
"""GUESS: exempt items (rate 0) are 3%-rate items when computing their exempt tax (line 17)."""


class Sale(Protocol):
    """What the computation reads from a record (``books.models.IncomeRecord`` fits)."""

    id: str
    day: date
    amount: Decimal
    tax_included: bool
    invoice: str
    category: str
    rate: Decimal


def cents(x: Decimal) -> Decimal:
    return D(x).quantize(D("0.01"), rounding=ROUND_HALF_UP)


def exclusive_amount(rec: Sale) -> Decimal:
    """The tax-exclusive sale: recorded amounts that include VAT are divided by (1 + rate)."""
    amount = D(rec.amount)
    return cents(amount / (1 + D(rec.rate))) if rec.tax_included else cents(amount)


@dataclass
class Line:
    value: Decimal = ZERO
    rule: str = ""
    """How the figure was produced, in words the owner reads (zh)."""
    sources: list[str] = field(default_factory=list)
    """Ids of the income records behind the figure."""


@dataclass
class VatReturn:
    period: Quarter
    taxpayer: Taxpayer
    threshold: Dated
    sales_total: Decimal
    """The quarter's tax-exclusive sales compared with the threshold."""
    lines: dict[tuple[int, str], Line]
    warnings: list[str] = field(default_factory=list)
    """Records that look inconsistent with the rules in force (zh): the owner should check them."""

    @property
    def under_threshold(self) -> bool:
        return self.sales_total <= self.threshold.value

    def value(self, line: int, column: str) -> Decimal:
        return self.lines[(line, column)].value

    def nonzero(self) -> dict[tuple[int, str], Line]:
        return {k: v for k, v in sorted(self.lines.items(), key=lambda kv: sort_key(kv[0])) if v.value != 0}

    @property
    def vat_due(self) -> Decimal:
        return self.value(22, "goods") + self.value(22, "services")

    @property
    def surcharges_due(self) -> Decimal:
        return sum((self.value(n, "total") for n in SURCHARGE_LINES), ZERO)

    @property
    def tax_due(self) -> Decimal:
        """What the owner pays for the quarter: VAT (line 22, both columns) plus lines 23-25."""
        return self.vat_due + self.surcharges_due

    def check(self) -> list[str]:
        """The form's relations that do not hold (zh); empty when the return is consistent."""
        out = []
        for col in ("goods", "services"):
            v = lambda n: self.value(n, col)  # noqa: E731
            relations = [
                (v(1) >= v(2) + v(3), "第1栏应不小于第2栏与第3栏之和"),
                (v(4) >= v(5) + v(6), "第4栏应不小于第5栏与第6栏之和"),
                (v(7) >= v(8), "第7栏应不小于第8栏"),
                (v(9) == v(10) + v(11) + v(12), "第9栏应等于第10、11、12栏之和"),
                (v(13) >= v(14), "第13栏应不小于第14栏"),
                (v(16) <= v(15), "第16栏减征额不能大于第15栏应纳税额"),
                (v(17) >= v(18) + v(19), "第17栏应不小于第18栏与第19栏之和"),
                (v(20) == v(15) - v(16), "第20栏应等于第15栏减第16栏"),
                (v(22) == v(20) - v(21), "第22栏应等于第20栏减第21栏"),
            ]
            out += [f"{_COLUMN_ZH[col]}：{msg}" for ok, msg in relations if not ok]
        return out


_COLUMN_ZH = {"goods": "货物及劳务", "services": "服务、不动产和无形资产"}


class _Book:
    """Unrounded sums and their source records per (line, column)."""

    def __init__(self):
        self.exact: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
        self.src: dict[tuple[int, str], list[str]] = defaultdict(list)

    def add(self, line: int, col: str, value: Decimal, rid: str) -> None:
        self.exact[(line, col)] += value
        if rid not in self.src[(line, col)]:
            self.src[(line, col)].append(rid)

    def ids(self, col: str, *lines: int) -> list[str]:
        return list(dict.fromkeys(i for n in lines for i in self.src[(n, col)]))


@dataclass
class _Context:
    rules: VatRules
    taxpayer: Taxpayer
    under: bool
    book: _Book = field(default_factory=_Book)
    odd: dict[str, list[Sale]] = field(default_factory=lambda: defaultdict(list))
    """Records per warning kind."""


def compute_return(records: Iterable[Sale], period: Quarter, rules: VatRules | None = None, *,
                   taxpayer: Taxpayer | None = None,
                   prepaid: dict[str, Decimal] | None = None) -> VatReturn:
    """The return for ``period`` from the records dated inside it (others are ignored).

    ``prepaid`` is VAT already prepaid this quarter per column (line 21), e.g. ``{"services": D("300")}``.
    """
    rules, taxpayer, prepaid = rules or VatRules(), taxpayer or Taxpayer(), prepaid or {}
    pairs = [(r, exclusive_amount(r)) for r in records if r.day in period]
    threshold = rules.threshold(period.start)
    total = sum((s for r, s in pairs if rules.special_counts_to_threshold or r.invoice != "special"), ZERO)
    ctx = _Context(rules, taxpayer, under=total <= threshold.value)
    for rec, sale in pairs:
        _place(ctx, rec, sale)
    texts = LineTexts(period, threshold, total, ctx.under, taxpayer)
    lines: dict[tuple[int, str], Line] = {}
    for col in ("goods", "services"):
        lines.update(_column(ctx.book, col, D(prepaid.get(col, 0)), texts))
    all_sales = sum((s for _, s in pairs), ZERO)
    lines.update(_surcharges(lines, rules, taxpayer, period, all_sales, texts))
    missing = [k for k in all_keys() if k not in lines]
    assert not missing, f"lines not computed: {missing}"
    return VatReturn(period, taxpayer, threshold, total, lines, _warnings(ctx))


def _place(ctx: _Context, rec: Sale, sale: Decimal) -> None:
    """Book one sale into the lines it belongs to."""
    book, col, rate, rid = ctx.book, rec.category, D(rec.rate), rec.id
    if rate == 0:
        book.add(12, col, sale, rid)
        book.add(17, col, sale * EXEMPT_ITEM_RATE, rid)
        return
    statutory = STATUTORY[rate]
    reduced = ctx.rules.reduced_rate(rec.day) if statutory == D("0.03") else None
    special = rec.invoice == "special"
    if rate == D("0.01") and (reduced is None or reduced.value != rate):
        ctx.odd["no_reduction"].append(rec)
    if not special and ctx.under:
        line = 10 if ctx.taxpayer.kind == "enterprise" else 11
        book.add(line, col, sale, rid)
        exempt_rate = statutory if ctx.rules.exempt_tax_at_statutory_rate else rate
        book.add(line + 8, col, sale * exempt_rate, rid)  # 10 -> 18, 11 -> 19
        return
    if not special and reduced is not None and reduced.value == 0:
        book.add(12, col, sale, rid)
        book.add(17, col, sale * statutory, rid)
        return
    if not special and rate == statutory and reduced is not None:
        ctx.odd["not_reduced"].append(rec)
    first = 1 if statutory == D("0.03") else 4
    book.add(first, col, sale, rid)
    if rec.invoice != "none":
        book.add(first + (1 if special else 2), col, sale, rid)
    if rate < statutory:
        book.add(16, col, sale * (statutory - rate), rid)


def _column(book: _Book, col: str, prepaid: Decimal, texts: LineTexts) -> dict[tuple[int, str], Line]:
    """Lines 1-22 of one column from the booked sums."""
    val = {n: cents(book.exact[(n, col)]) for n in (1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 16, 18, 19)}
    val[9] = val[10] + val[11] + val[12]
    val[15] = cents(val[1] * D("0.03") + val[4] * D("0.05"))
    val[17] = cents(book.exact[(17, col)]) + val[18] + val[19]
    val[20] = val[15] - val[16]
    val[21] = cents(prepaid)
    val[22] = val[20] - val[21]
    derived = {9: (10, 11, 12), 15: (1, 4), 17: (12, 17, 18, 19), 20: (1, 4, 16), 22: (1, 4, 16)}
    return {(n, col): Line(v, texts.line(n, col), book.ids(col, *derived.get(n, (n,))))
            for n, v in val.items()}


def _surcharges(lines, rules: VatRules, taxpayer: Taxpayer, period: Quarter, all_sales: Decimal,
                texts: LineTexts) -> dict[tuple[int, str], Line]:
    """Lines 23-25 on the VAT payable (line 20, both columns), as 附加税费情况表 computes them, each rounded to
    cents half up: 应纳 = base × rate; 减免 = all of it when exempt (education surcharges, small sales);
    减征 = (应纳 − 减免) × the 六税两费 cut; the line = 应纳 − 减免 − 减征 (docs/vat-return.md, "Surcharges")."""
    base = max(lines[(20, "goods")].value + lines[(20, "services")].value, ZERO)
    sources = list(dict.fromkeys(lines[(20, "goods")].sources + lines[(20, "services")].sources))
    relief = rules.relief(period.start)
    limit = rules.edu_exemption(period.start)
    edu_exempt = limit is not None and all_sales <= limit.value
    reason = (f"本季度销售额{yuan(all_sales)}未超过{yuan(limit.value)}（{limit.source}）" if edu_exempt else None)
    rates = {23: CITY_TAX_RATES[taxpayer.location], 24: rules.surcharge_rates["education"],
             25: rules.surcharge_rates["local_education"]}
    out = {}
    for n, rate in rates.items():
        due = cents(base * rate)
        exempt = due if n != 23 and edu_exempt else ZERO
        cut = cents((due - exempt) * relief.value) if relief else ZERO
        text = texts.surcharge(n, base, rate, due, cut, relief, reason if n != 23 and edu_exempt else None)
        out[(n, "total")] = Line(due - exempt - cut, text, sources if due - exempt else [])
    return out


def _warnings(ctx: _Context) -> list[str]:
    def which(recs: list[Sale]) -> str:
        shown = "、".join(f"{r.day:%m-%d} {r.amount}元" for r in recs[:5])
        return shown + (f" 等{len(recs)}笔" if len(recs) > 5 else "")

    out = []
    if ctx.odd["no_reduction"]:
        out.append(f"这些销售按1%记账，但当天没有3%减按1%的政策，请核对税率：{which(ctx.odd['no_reduction'])}")
    if ctx.odd["not_reduced"]:
        out.append("这些销售没有开专票却按3%记账，而当期可减按1%（普票和未开票应按1%），"
                   f"已按记账的3%计算，请核对：{which(ctx.odd['not_reduced'])}")
    return out
