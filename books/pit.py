"""The quarterly prepayment of individual income tax on business income (经营所得 A表), from the books.

Cumulative, as the A表 is: year-to-date 收入总额 − 成本费用 = 利润总额; − 弥补以前年度亏损 − 投资者减除费用
− 专项扣除 = 应纳税所得额; the annual table on that cumulative figure gives 应纳税额; − 减免税额 (the
individual-business halving) − 已缴税额 (what earlier quarters of the year paid) = 应补（退）税额.
Each figure carries the rule (zh) that produced it and the income records behind it, like ``books.vat``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable

from books.periods import Quarter
from books.pit_rules import PitRules, bracket_for
from books.vat import Line, Sale, cents, exclusive_amount

D = Decimal
ZERO = D("0.00")

LINES = {
    "income": "收入总额", "costs": "成本费用", "profit": "利润总额", "loss_offset": "弥补以前年度亏损",
    "investor_deduction": "投资者减除费用", "special_deductions": "专项扣除", "taxable": "应纳税所得额",
    "rate": "税率", "quick": "速算扣除数", "tax": "应纳税额", "relief": "减免税额", "paid": "已缴税额",
    "due": "应补（退）税额",
}
"""The A表 figures in form order (GUESS: names from real-sites.md §4; numbering differs by version)."""
OWNER_TYPED = ("costs", "loss_offset", "special_deductions")


@dataclass(frozen=True)
class Figures:
    """What the owner typed for one quarter alone (本季度), summed over the year by the computation."""

    costs: Decimal = ZERO
    """成本费用 of the quarter"""
    loss_offset: Decimal = ZERO
    """弥补以前年度亏损 claimed in the quarter (used only up to the profit)"""
    special_deductions: Decimal = ZERO
    """专项扣除 of the quarter: the investor's own social insurance and housing fund"""
    cost_ids: tuple[str, ...] = field(default=(), compare=False)
    """The expense records ``costs`` sums (``books.pit_store``), for the card's link to them."""


@dataclass
class PitReturn:
    period: Quarter
    individual_business: bool
    lines: dict[str, Line]
    warnings: list[str] = field(default_factory=list)

    def value(self, key: str) -> Decimal:
        return self.lines[key].value

    @property
    def tax_due(self) -> Decimal:
        """What the owner pays now: a negative 应补（退） is not refunded mid-year, so 0."""
        return max(self.value("due"), ZERO)

    def check(self) -> list[str]:
        """The form's relations that do not hold (zh); empty when the return is consistent."""
        v = self.value
        relations = [
            (v("profit") == v("income") - v("costs"), "利润总额应等于收入总额减成本费用"),
            (v("loss_offset") <= max(v("profit"), ZERO), "弥补以前年度亏损不能大于利润总额"),
            (v("taxable") == max(v("profit") - v("loss_offset") - v("investor_deduction")
                                 - v("special_deductions"), ZERO), "应纳税所得额计算不一致"),
            (v("tax") == cents(v("taxable") * v("rate") - v("quick")), "应纳税额应等于应纳税所得额×税率−速算扣除数"),
            (v("relief") <= v("tax"), "减免税额不能大于应纳税额"),
            (v("due") == v("tax") - v("relief") - v("paid"), "应补（退）税额应等于应纳税额−减免税额−已缴税额"),
        ]
        return [msg for ok, msg in relations if not ok]


def compute_prepayment(records: Iterable[Sale], period: Quarter, figures: dict[int, Figures],
                       rules: PitRules | None = None, *, individual_business: bool = True,
                       paid: Decimal | None = None) -> PitReturn:
    """The A表 for ``period`` from the year's records and the owner's figures per quarter (``{1: Figures}``).

    ``paid`` is 已缴税额; None derives it from the books: what each earlier quarter of the year had due.
    """
    rules, records = rules or PitRules(), list(records)
    derived = ZERO
    for q in range(1, period.q):
        earlier = _cumulative(records, Quarter(period.year, q), figures, rules, individual_business, derived)
        derived += earlier.tax_due
    chosen = derived if paid is None else cents(paid)
    return _cumulative(records, period, figures, rules, individual_business, chosen, paid is None)


def with_paid(ret: PitReturn, paid: Decimal) -> PitReturn:
    """The same return with another 已缴税额 (the portal's record of what the year's A表 paid)."""
    paid = cents(paid)
    if paid == ret.value("paid"):
        return ret
    lines = {**ret.lines, "paid": Line(paid, "本年已缴税额：税局记录的本年已预缴税额")}
    due = lines["tax"].value - lines["relief"].value - paid
    lines["due"] = Line(due, ret.lines["due"].rule, ret.lines["due"].sources)
    kept = [w for w in ret.warnings if not w.startswith("本期计算为多缴")]
    return PitReturn(ret.period, ret.individual_business, lines, kept + _warnings(ZERO, ZERO, due))


def _cumulative(records: list[Sale], period: Quarter, figures: dict[int, Figures], rules: PitRules,
                individual_business: bool, paid: Decimal, paid_derived: bool = True) -> PitReturn:
    start, months = Quarter(period.year, 1).start, 3 * period.q
    sales = [(r, exclusive_amount(r)) for r in records if start <= r.day <= period.end]
    ids = [r.id for r, _ in sales]
    typed = [figures.get(q, Figures()) for q in range(1, period.q + 1)]
    span = f"{period.year}年1-{period.end.month}月累计"
    lines: dict[str, Line] = {}
    lines["income"] = Line(cents(sum((s for _, s in sales), ZERO)), f"{span}不含税收入（账本{len(ids)}笔）", ids)
    cost_ids = [i for f in typed for i in f.cost_ids]
    lines["costs"] = Line(cents(sum((f.costs for f in typed), ZERO)), f"{span}成本费用（账本支出记录{len(cost_ids)}笔的合计）",
                          cost_ids)
    profit = lines["income"].value - lines["costs"].value
    lines["profit"] = Line(profit, "收入总额 − 成本费用", ids)
    claimed = cents(sum((f.loss_offset for f in typed), ZERO))
    used = min(claimed, max(profit, ZERO))
    lines["loss_offset"] = Line(used, f"填写的以前年度亏损{claimed}元，最多弥补到利润总额为止")
    yearly = rules.investor_deduction(period.start)
    lines["investor_deduction"] = Line(cents(yearly.value * months / 12),
                                       f"每年{yearly.value}元，按{months}个月累计（{yearly.source}）")
    lines["special_deductions"] = Line(cents(sum((f.special_deductions for f in typed), ZERO)),
                                       f"{span}专项扣除（社保、公积金个人部分，自己填写的合计）")
    _tax_lines(lines, period, rules, individual_business, ids)
    note = "前几个季度按账本应缴的合计" if paid_derived else "税局记录的本年已预缴税额"
    lines["paid"] = Line(paid, f"本年已缴税额：{note}")
    due = lines["tax"].value - lines["relief"].value - paid
    lines["due"] = Line(due, "应纳税额 − 减免税额 − 已缴税额", ids if due else [])
    return PitReturn(period, individual_business, lines, _warnings(claimed, used, due))


def _tax_lines(lines: dict[str, Line], period: Quarter, rules: PitRules, individual_business: bool,
               ids: list[str]) -> None:
    """应纳税所得额, the band, 应纳税额 and the halving, on the cumulative figure (annual table)."""
    v = {k: line.value for k, line in lines.items()}
    taxable = max(v["profit"] - v["loss_offset"] - v["investor_deduction"] - v["special_deductions"], ZERO)
    lines["taxable"] = Line(taxable, "利润总额 − 弥补亏损 − 投资者减除费用 − 专项扣除（不小于0）", ids)
    table = rules.table(period.start)
    band = bracket_for(table, taxable)
    lines["rate"] = Line(band.rate, f"年度税率表：{_band_text(band)}（{table.source}）")
    lines["quick"] = Line(cents(band.quick), "该档速算扣除数")
    tax = cents(taxable * band.rate - band.quick)
    lines["tax"] = Line(tax, f"{taxable} × {band.rate:.0%} − {band.quick}", ids if tax else [])
    halving = rules.halving(period.start) if individual_business else None
    if halving is None or tax == 0:
        why = "无减免" if individual_business else "个人独资企业、合伙企业不适用个体工商户减半"
        lines["relief"] = Line(ZERO, why)
        return
    part = min(taxable, halving.limit)
    part_band = bracket_for(table, part)
    relief = cents((part * part_band.rate - part_band.quick) * halving.share)
    lines["relief"] = Line(relief, f"不超过{halving.limit}元部分的应纳税额 × {halving.share}（{halving.source}）", ids)


def _band_text(band) -> str:
    if band.upto is None:
        return f"超过{band.over}元的部分 {band.rate:.0%}"
    return f"超过{band.over}元至{band.upto}元的部分 {band.rate:.0%}"


def _warnings(claimed: Decimal, used: Decimal, due: Decimal) -> list[str]:
    out = []
    if claimed > used:
        out.append(f"填写的以前年度亏损{claimed}元超过本年利润，只弥补了{used}元，其余留到以后")
    if due < 0:
        out.append(f"本期计算为多缴{-due}元：预缴期间不退税，本期不用缴款，年度汇算时再处理")
    return out
